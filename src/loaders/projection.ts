import {
  type FieldNode,
  type GraphQLResolveInfo,
  getNamedType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

/**
 * Which entity properties a list field's selection needs, so that its loader
 * reads only those columns (on the account view, the activities' and
 * opportunities' unrequested columns cost more than the rest of the
 * statement: docs/performance.md).
 *
 * A field the selection names needs:
 * - its own property when graphql reads it straight off the entity (no
 *   resolver: the schema's simple fields, named like the entity property);
 * - what RESOLVER_NEEDS lists when it has a field resolver.
 * Anything else (a resolver not listed, a name that is no column) makes the
 * projection null: every column is read, as without projections. So a new
 * field resolver is safe by default and only gets the saving once listed.
 * `@skip`/`@include` are ignored: a skipped field only widens the projection.
 *
 * Outside production, an entity read through a projection throws when code
 * reads a column that was not selected (raw-rows.ts), so a wrong list below
 * fails the tests instead of answering null.
 */
export const RESOLVER_NEEDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Account: {
    owner: ["ownerId"],
    contacts: ["id"],
    businessPlans: ["id"],
    objectives: ["id"],
    applicableObjectives: ["id"],
    opportunities: ["id"],
    activities: ["id"],
  },
  BusinessPlan: {
    account: ["accountId"],
    owner: ["ownerId"],
    period: ["periodId"],
    parent: ["parentId"],
    ancestors: ["id", "parentId"],
    children: ["id"],
    objectives: ["id"],
    opportunities: ["id"],
    activities: ["id"],
    contacts: ["id"],
    statusHistory: ["id"],
    auditTrail: ["id"],
    copiedFrom: ["copiedFromId"],
    rollup: ["id", "revenueTarget", "status"],
  },
  Objective: {
    period: ["periodId"],
    plan: ["planId"],
    account: ["accountId"],
    contact: ["contactId"],
    parent: ["parentId"],
    children: ["id"],
    isGlobal: ["accountId", "planId"],
    progress: ["id", "unit", "manualQuantity", "targetQuantity", "targetRevenue"],
    opportunities: ["id"],
    activities: ["id"],
  },
  Opportunity: {
    account: ["accountId"],
    owner: ["ownerId"],
    objective: ["objectiveId"],
    plans: ["id"],
    sourceActivity: ["sourceActivityId"],
    activities: ["id"],
  },
  Activity: {
    account: ["accountId"],
    contact: ["contactId"],
    plan: ["planId"],
    objective: ["objectiveId"],
    opportunity: ["opportunityId"],
    owner: ["ownerId"],
    followUpOf: ["followUpOfId"],
    followUps: ["id"],
    followUpOpportunities: ["id"],
  },
  Contact: { account: ["accountId"] },
  Period: { parent: ["parentId"], children: ["id"] },
};

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
  const needs = RESOLVER_NEEDS[type.name] ?? {};
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
        const listed = (def?.extensions?.needs as readonly string[] | undefined) ?? needs[name] ?? (name === "id" ? ID_NEEDS : undefined);
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
