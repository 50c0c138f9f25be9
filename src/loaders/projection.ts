import {
  type FieldNode,
  type GraphQLResolveInfo,
  getNamedType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

/**
 * Column projections: a list loader reads only the columns its field's selection needs (on the
 * account view the unrequested columns cost more than the rest of the statement; measured share
 * in docs/performance.md). A selected field needs its own property when graphql reads it off the
 * entity (no resolver), or what its field resolver declares next to itself with type-graphql's
 * `@Extensions({ needs: ["ownerId"] })`. A resolver that declares nothing (or a name that is no
 * column) makes the projection null: every column is read, as without projections, so a new field
 * is safe by default. `@skip`/`@include` are ignored (a skipped field only widens the projection).
 * Outside production, reading a column that was not selected throws (raw-rows.ts), so a wrong
 * declaration fails the tests instead of answering null.
 */

const ID_NEEDS: readonly string[] = ["id"];

/** A projection: the properties to read, sorted and comma-joined (a loader family key), or null for every column. */
export type ProjectionKey = string | null;

const memo = new WeakMap<readonly FieldNode[], Map<string, ProjectionKey>>();

/**
 * For one loader: the projection of the list field being resolved, i.e. the
 * properties its selection needs plus `always` (the id and the loader's key
 * property), out of `columns` (the entity's column properties). Memoised per
 * field position: graphql-js and graphql-jit hand every item of a list the
 * same fieldNodes.
 */
export function projector(columns: ReadonlySet<string>, always: readonly string[]): (info: GraphQLResolveInfo) => ProjectionKey {
  const memoKey = always.join(",");
  return (info) => {
    let perNodes = memo.get(info.fieldNodes);
    if (!perNodes) {
      perNodes = new Map();
      memo.set(info.fieldNodes, perNodes);
    }
    const hit = perNodes.get(memoKey);
    if (hit !== undefined) return hit;
    const key = compute(info, columns, always);
    perNodes.set(memoKey, key);
    return key;
  };
}

function compute(info: GraphQLResolveInfo, columns: ReadonlySet<string>, always: readonly string[]): ProjectionKey {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return null;
  const fields = type.getFields();
  const props = new Set<string>(always);
  const visited = new Set<string>();
  let complete = true;
  const walk = (set: SelectionSetNode | undefined) => {
    if (!set || !complete) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name.startsWith("__")) continue;
        const def = fields[name];
        // `id` of a node type is served as the global id computed from the id column (graphql/node.ts)
        const listed = (def?.extensions?.needs as readonly string[] | undefined) ?? (name === "id" ? ID_NEEDS : undefined);
        if (def && !def.resolve && columns.has(name)) props.add(name);
        else if (def?.resolve && listed) for (const p of listed) props.add(p);
        else complete = false;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet);
      } else {
        const name = sel.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        walk(info.fragments[name]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  if (!complete) return null;
  for (const p of props) if (!columns.has(p)) return null;
  return [...props].sort().join(",");
}
