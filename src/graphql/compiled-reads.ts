import {
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isAbstractType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { EntityMetadata } from "typeorm";
import { NODE_TYPES } from "../common/ids";
import type { Database } from "../db/data-source";
import { pgRawRows } from "../loaders/raw-rows";
import type { Context } from "./context";
import { isPlainListField } from "./limits";
import type { ComputedSql, ReadSql, ReadSqlScope } from "./read-sql";

/**
 * Compiled reads (PostgreSQL): a query operation over the entity types is answered by ONE SQL
 * statement per kind of object the root fields return, built from the operation's selections,
 * in which PostgreSQL builds the answer's JSON (the way PostGraphile and Hasura answer), instead
 * of one statement per list of the tree and an object per row and field in Node.
 *
 * 1. The root fields run their own resolvers (arguments, ids, pages, cursors, errors: all theirs).
 *    Non-entity objects on the way (connections, edges, page info) are walked here when their
 *    fields are plain properties.
 * 2. Where the answer reaches an entity (Account, BusinessPlan, ...), its whole selection becomes
 *    SQL: plain columns by the entity's metadata (a Node's id as its global id), relations and
 *    computed values by the `sql` declaration of their resolver (read-sql.ts). One statement per
 *    selection reads every object of the answer that has that selection (all edges' nodes at once).
 * 3. Computed values (rollups, progress) come from the statement as their inputs and are finished
 *    by the same code and loaders the resolvers use, for all of the answer in one batch.
 * 4. The list items of the answer are counted against the request's budget like the resolvers'.
 *
 * Anything else (a field without a declaration, a directive (skip/include included), an abstract
 * type, a resolver error, an answer over the list budget) returns null: the operation then runs on
 * the executor as without compiled reads, and gives its own answer or error. So compiled reads
 * never answer differently; test/compiled-reads.test.ts compares both on random operations.
 */
export class CompiledReads {
  private readonly entities = new Map<string, EntityMetadata>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly db: Database,
  ) {
    for (const md of db.dataSource.entityMetadatas) this.entities.set(md.targetName, md);
  }

  /** The answer of a query operation, or null when it must run through the resolvers. */
  async execute(
    operation: OperationDefinitionNode,
    fragments: Record<string, FragmentDefinitionNode>,
    variables: Record<string, unknown>,
    ctx: Context,
  ): Promise<ExecutionResult | null> {
    if (operation.operation !== "query" || this.db.dialect !== "postgres") return null;
    const run = new Run(this, this.schema, fragments, variables, operation, ctx);
    // what the root resolvers counted against the list budget is counted again by the executor
    const budget = ctx.budget ? { used: ctx.budget.used, exceededAt: ctx.budget.exceededAt } : null;
    try {
      return await run.answer();
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      if (budget && ctx.budget) Object.assign(ctx.budget, budget);
      return null;
    }
  }

  entity(typeName: string): EntityMetadata | undefined {
    return this.entities.get(typeName);
  }

  query(sql: string, params: unknown[]): Promise<unknown[][]> {
    // one text per operation shape: kept prepared per connection once it recurs (db/statement-names.ts)
    return pgRawRows(this.db, sql, params, { prepare: true });
  }
}

/** The operation cannot be answered by compiled reads (it runs through the resolvers). */
class Unsupported extends Error {}
const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

const NODE_TYPE_NAMES: ReadonlySet<string> = new Set(NODE_TYPES);
/** json_build_object takes at most 100 arguments: 50 fields. */
const MAX_OBJECT_FIELDS = 50;

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The global id (common/ids.ts toGlobalId: base64url of "Type:key", no padding) of a key, in SQL. */
const globalIdSql = (type: string, key: string) =>
  `rtrim(translate(encode(convert_to(${sqlString(`${type}:`)} || (${key})::text, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;

/** Decimal (graphql/scalars.ts: cents as "1250000.00") of a BIGINT cents column. */
const decimalSql = (c: string) =>
  `CASE WHEN ${c} IS NULL THEN NULL ELSE (CASE WHEN ${c} < 0 THEN '-' ELSE '' END) || (abs(${c}) / 100)::text || '.' || lpad((abs(${c}) % 100)::text, 2, '0') END`;

/** DateTime (toISOString: milliseconds, truncated like the TIMESTAMP parser) of a UTC TIMESTAMP column. */
const dateTimeSql = (c: string) => `to_char(${c}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The fields of a selection, by response key (graphql-js collectFields: fragments merged; directives are not compiled). */
type Collected = Map<string, FieldNode[]>;

/** An entity whose selection the statement answers, and where its answer goes. */
interface Boundary {
  type: GraphQLObjectType;
  fields: Collected;
  id: number;
  put: (value: unknown) => void;
}

/** Where computed values sit in the answers of one selection, for the post-pass. */
type Walk =
  | { kind: "object"; fields: Array<{ key: string; walk: Walk }> }
  | { kind: "list"; item: Walk | null }
  | { kind: "computed"; def: ComputedSql; args: Record<string, unknown>; type: GraphQLOutputType; fields: Collected | null };

/** The statement of one entity selection: SQL, its parameters ($1, the ids, is set per run) and where its computed values sit. */
interface Statement {
  sql: string;
  params: unknown[];
  walk: Walk;
}

class Run implements ReadSqlScope {
  private params: unknown[] = [];
  private aliases = 0;
  private readonly collected = new Map<string, Collected>();
  private readonly boundaries: Boundary[] = [];
  private readonly statements = new Map<Collected, Statement>();
  private listItems = 0;

  constructor(
    private readonly reads: CompiledReads,
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly operation: OperationDefinitionNode,
    private readonly ctx: Context,
  ) {}

  bind(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  async answer(): Promise<ExecutionResult> {
    const root = this.schema.getQueryType() ?? unsupported("no query type");
    const rootFields = this.collect(root, [this.operation.selectionSet]);
    // first the whole selection, without running anything: an operation compiled reads cannot
    // answer goes to the executor before any resolver or statement has run
    for (const [, nodes] of rootFields) {
      const name = nodes[0].name.value;
      if (name === "__typename") continue;
      if (name.startsWith("__")) unsupported("introspection");
      const field = root.getFields()[name] ?? unsupported(`no field ${name}`);
      if (!field.resolve) unsupported("root field without resolver");
      this.prepare(field.type, nodes);
    }
    const data: Record<string, unknown> = {};
    for (const [key, nodes] of rootFields) {
      const name = nodes[0].name.value;
      if (name === "__typename") {
        data[key] = root.name;
        continue;
      }
      data[key] = null; // the answer's keys in the selection's order, whatever is filled in first
      const field = root.getFields()[name];
      const resolve = field.resolve ?? unsupported("root field without resolver");
      const args = this.args(field, nodes[0]);
      const info = this.info(root, field, nodes, key);
      let value: unknown;
      try {
        value = await resolve(undefined, args, this.ctx, info);
      } catch {
        return unsupported("root resolver failed"); // the executor gives the error
      }
      this.place(field.type, value, nodes, (v) => {
        data[key] = v;
      });
    }
    await this.fetchBoundaries();
    const budget = this.ctx.budget;
    if (budget) {
      if (budget.exceededAt || budget.used + this.listItems > budget.max) unsupported("list budget"); // the executor's QUERY_TOO_LARGE
      budget.used += this.listItems;
    }
    return { data };
  }

  // ---------- root values, in Node ----------

  /** Checks the selection of a root field's type and builds the statement of each entity selection in it. */
  private prepare(type: GraphQLOutputType, nodes: FieldNode[]): void {
    const t = getNullableType(type);
    if (isListType(t)) return this.prepare(t.ofType, nodes);
    if (isLeafType(t)) return;
    if (!isObjectType(t)) return unsupported("abstract type");
    const fields = this.collect(t, nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s));
    if (this.reads.entity(t.name)) {
      if (!this.statements.has(fields)) this.statements.set(fields, this.statementFor(t, fields));
      return;
    }
    for (const [, sub] of fields) {
      const name = sub[0].name.value;
      if (name === "__typename") continue;
      const field = t.getFields()[name] ?? unsupported(`no field ${name}`);
      if (field.resolve && !isPlainListField(field)) unsupported(`${t.name}.${name} has a resolver`);
      if (sub.some((n) => n.arguments?.length)) unsupported("arguments on a plain field");
      this.prepare(field.type, sub);
    }
  }

  /** Puts a resolved value into the answer: leaves serialised, plain objects walked, entities deferred to SQL. */
  private place(type: GraphQLOutputType, value: unknown, nodes: FieldNode[], put: (v: unknown) => void): void {
    if (isNonNullType(type)) {
      if (value == null) unsupported("null for a non-null field"); // the executor's error
      this.place(type.ofType, value, nodes, put);
      return;
    }
    if (value == null) {
      put(null);
      return;
    }
    if (isListType(type)) {
      const items: unknown[] = Array.isArray(value) ? value : unsupported("not a list");
      const out: unknown[] = new Array(items.length);
      put(out);
      items.forEach((item, i) => {
        this.place(type.ofType, item, nodes, (v) => {
          out[i] = v;
        });
      });
      return;
    }
    if (isLeafType(type)) {
      put(type.serialize(value));
      return;
    }
    if (!isObjectType(type)) return unsupported("abstract type");
    const fields = this.collect(type, nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s));
    if (this.reads.entity(type.name)) {
      if (!this.statements.has(fields)) unsupported("selection not prepared");
      const id = (value as { id?: unknown }).id;
      if (typeof id !== "number") unsupported("entity without id");
      this.boundaries.push({ type, fields, id: id as number, put });
      return;
    }
    const out: Record<string, unknown> = {};
    put(out);
    for (const [key, sub] of fields) {
      const name = sub[0].name.value;
      if (name === "__typename") {
        out[key] = type.name;
        continue;
      }
      out[key] = null; // keeps the selection's key order (an entity below is filled in after its statement)
      const field = type.getFields()[name];
      const v = (value as Record<string, unknown>)[name];
      if (isListType(getNullableType(field.type)) && Array.isArray(v)) this.listItems += v.length;
      this.place(field.type, v, sub, (x) => {
        out[key] = x;
      });
    }
  }

  // ---------- entities, in SQL ----------

  /** The statement that answers the selection `fields` of entity `type` for a list of ids ($1). */
  private statementFor(type: GraphQLObjectType, fields: Collected): Statement {
    this.params = [null];
    const table = this.table(type);
    const walk: Walk & { kind: "object" } = { kind: "object", fields: [] };
    const obj = this.objectJson(type, "n0", new Set(), fields, walk);
    // OFFSET 0: a lookup by primary key per id (not flattened into a join, which PostgreSQL planned
    // as a hash join over the whole table for the 20-account view: the bench's plan check)
    const sql = `SELECT k.o, ${obj} FROM unnest($1::int[]) WITH ORDINALITY AS k(id, o) CROSS JOIN LATERAL (SELECT "t".* FROM ${table} "t" WHERE "t"."id" = k.id OFFSET 0) n0`;
    return { sql, params: this.params, walk };
  }

  /** One statement per selection (every object of the answer with that selection at once). */
  private async fetchBoundaries(): Promise<void> {
    const groups = new Map<Collected, Boundary[]>();
    for (const b of this.boundaries) {
      const g = groups.get(b.fields);
      if (g) g.push(b);
      else groups.set(b.fields, [b]);
    }
    await Promise.all(
      [...groups].map(async ([fields, group]) => {
        const st = this.statements.get(fields) ?? unsupported("selection not prepared");
        let rows: unknown[][];
        try {
          rows = await this.reads.query(st.sql, [group.map((b) => b.id), ...st.params.slice(1)]);
        } catch {
          return unsupported("statement failed"); // the resolvers' own error (and log) for the same failure
        }
        const answers = new Array<unknown>(group.length);
        for (const r of rows) answers[Number(r[0]) - 1] = r[1];
        if (answers.some((a) => a === undefined)) unsupported("an object was deleted meanwhile");
        await this.finish(st.walk, answers);
        group.forEach((b, i) => b.put(answers[i]));
      }),
    );
  }

  private table(type: GraphQLObjectType): string {
    const md = this.reads.entity(type.name) ?? unsupported(`${type.name} is not an entity`);
    return ident(md.tablePath);
  }

  /** json_build_object of the selection `fields` of an entity row `row`. */
  private objectJson(type: GraphQLObjectType, row: string, extras: ReadonlySet<string>, fields: Collected, walk: Walk & { kind: "object" }): string {
    const md = this.reads.entity(type.name) ?? unsupported(`${type.name} is not an entity`);
    if (fields.size > MAX_OBJECT_FIELDS) unsupported("too many fields");
    const parts: string[] = [];
    for (const [key, nodes] of fields) {
      parts.push(sqlString(key), this.fieldJson(type, md, row, extras, key, nodes, walk));
    }
    return `json_build_object(${parts.join(", ")})`;
  }

  private fieldJson(type: GraphQLObjectType, md: EntityMetadata, row: string, extras: ReadonlySet<string>, key: string, nodes: FieldNode[], walk: Walk & { kind: "object" }): string {
    const name = nodes[0].name.value;
    if (name === "__typename") return sqlString(type.name);
    const field = type.getFields()[name] ?? unsupported(`no field ${name}`);
    const decl = field.extensions?.sql as ReadSql | undefined;
    if (!decl) {
      if (nodes.some((n) => n.arguments?.length)) unsupported("arguments on a column");
      if (name === "id" && NODE_TYPE_NAMES.has(type.name)) return globalIdSql(type.name, `${row}."id"`);
      if (field.resolve) unsupported(`${type.name}.${name} has a resolver without sql`);
      const column = md.findColumnWithPropertyName(name) ?? unsupported(`${type.name}.${name} is not a column`);
      return this.leafSql(field.type, `${row}.${ident(column.databaseName)}`, String(column.type));
    }
    const args = this.args(field, nodes[0]);
    if (decl.kind === "expr") return decl.sql(row);
    if (decl.kind === "computed") {
      const inputs = decl.inputs(row, extras);
      const named = getNamedType(field.type);
      const sub = isObjectType(named) ? this.collect(named, nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s)) : null;
      walk.fields.push({ key, walk: { kind: "computed", def: decl, args, type: field.type, fields: sub } });
      const parts = Object.entries(inputs).flatMap(([k, v]) => [sqlString(k), v]);
      return `json_build_object(${parts.join(", ")})`;
    }
    // rows
    const target = getNamedType(field.type);
    if (!isObjectType(target)) return unsupported("rows of a non-object type");
    const sub = this.collect(target, nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s));
    let r: ReturnType<typeof decl.rows>;
    try {
      r = decl.rows(row, args, this);
    } catch {
      return unsupported("arguments refused"); // the resolver's error, from the executor
    }
    const alias = `n${++this.aliases}`;
    const extraNames = new Set(Object.keys(r.extras ?? {}));
    const extraSql = Object.entries(r.extras ?? {})
      .map(([k, v]) => `, ${v} AS ${ident(k)}`)
      .join("");
    const childWalk: Walk & { kind: "object" } = { kind: "object", fields: [] };
    const obj = this.objectJson(target, alias, extraNames, sub, childWalk);
    const isList = isListType(getNullableType(field.type));
    const limit = r.limit == null ? "" : ` LIMIT ${Number(r.limit)}`;
    if (!isList) {
      if (childWalk.fields.length) walk.fields.push({ key, walk: childWalk });
      return `(SELECT ${obj} FROM (SELECT "t".*${extraSql} FROM ${r.from} WHERE ${r.where} LIMIT 1) ${alias})`;
    }
    walk.fields.push({ key, walk: { kind: "list", item: childWalk.fields.length ? childWalk : null } });
    const order = r.orderBy ?? `"t"."id"`;
    // the rows' order again over the outer alias (declarations order over "t", whose columns the subquery keeps)
    const outerOrder = order.replace(/"t"\./g, `${alias}.`);
    const inner = limit ? ` ORDER BY ${order}${limit}` : "";
    return `(SELECT COALESCE(json_agg(${obj} ORDER BY ${outerOrder}), '[]'::json) FROM (SELECT "t".*${extraSql} FROM ${r.from} WHERE ${r.where}${inner}) ${alias})`;
  }

  /** A column value as the field's scalar serialises it. */
  private leafSql(type: GraphQLOutputType, col: string, columnType: string): string {
    const named = getNamedType(type);
    if (isEnumType(named)) {
      // stored as the enum's value; every value of the project's enums is its own name
      if (named.getValues().some((v) => v.value !== v.name)) unsupported(`enum ${named.name} values differ from names`);
      return col;
    }
    switch (named.name) {
      case "String":
      case "Int":
      case "Float":
      case "Boolean":
        return col;
      case "Decimal":
        return decimalSql(col);
      case "DateTime":
        return dateTimeSql(col);
      case "Date":
        return columnType === "date" ? `to_char(${col}, 'YYYY-MM-DD')` : col;
      default:
        return unsupported(`scalar ${named.name}`);
    }
  }

  // ---------- computed values and list counts, after the statement ----------

  /** Counts the answers' list items and finishes their computed values (one batch per field). */
  private async finish(walk: Walk, answers: unknown[]): Promise<void> {
    const pending = new Map<Walk & { kind: "computed" }, Array<{ holder: Record<string, unknown>; key: string }>>();
    const visit = (w: Walk, value: unknown, holder: Record<string, unknown> | null, key: string): void => {
      if (value == null) return;
      if (w.kind === "computed") {
        const list = pending.get(w) ?? [];
        list.push({ holder: holder!, key });
        pending.set(w, list);
        return;
      }
      if (w.kind === "list") {
        const items = value as unknown[];
        this.listItems += items.length;
        if (w.item) for (const item of items) visit(w.item, item, null, "");
        return;
      }
      const obj = value as Record<string, unknown>;
      for (const f of w.fields) visit(f.walk, obj[f.key], obj, f.key);
    };
    for (const a of answers) visit(walk, a, null, "");
    await Promise.all(
      [...pending].map(async ([w, places]) => {
        const values = await w.def.complete(
          places.map((p) => p.holder[p.key] as Record<string, unknown>),
          this.ctx,
          w.args,
        );
        places.forEach((p, i) => {
          p.holder[p.key] = this.serialize(w.type, values[i], w.fields);
        });
      }),
    );
  }

  /** A computed value as the field's type serialises it (a leaf, or an object of leaves). */
  private serialize(type: GraphQLOutputType, value: unknown, fields: Collected | null): unknown {
    if (isNonNullType(type)) {
      if (value == null) unsupported("null computed value");
      return this.serialize(type.ofType, value, fields);
    }
    if (value == null) return null;
    if (isListType(type)) return unsupported("computed list");
    if (isLeafType(type)) return type.serialize(value);
    if (!isObjectType(type) || !fields) return unsupported("computed abstract type");
    const out: Record<string, unknown> = {};
    for (const [key, nodes] of fields) {
      const name = nodes[0].name.value;
      if (name === "__typename") {
        out[key] = type.name;
        continue;
      }
      const field = type.getFields()[name] ?? unsupported(`no field ${name}`);
      if (field.resolve || nodes.some((n) => n.arguments?.length)) unsupported(`${type.name}.${name} is not a plain field`);
      out[key] = this.serialize(field.type, (value as Record<string, unknown>)[name], null);
    }
    return out;
  }

  // ---------- selections ----------

  /** graphql-js' field collection (same keys, same order), cached so that equal selections share one statement. */
  private collect(type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Collected {
    const cacheKey = `${type.name}:${sets.map((s) => s.loc?.start ?? "?").join(",")}`;
    const hit = sets.every((s) => s.loc) ? this.collected.get(cacheKey) : undefined;
    if (hit) return hit;
    const out: Collected = new Map();
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode) => {
      for (const sel of set.selections) {
        if (!this.included(sel)) continue;
        if (sel.kind === Kind.FIELD) {
          const key = (sel.alias ?? sel.name).value;
          const list = out.get(key);
          if (list) list.push(sel);
          else out.set(key, [sel]);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          if (sel.typeCondition && !this.applies(sel.typeCondition.name.value, type)) continue;
          walk(sel.selectionSet);
        } else {
          const name = sel.name.value;
          if (seen.has(name)) continue;
          seen.add(name);
          const frag = this.fragments[name] ?? unsupported(`no fragment ${name}`);
          if (!this.applies(frag.typeCondition.name.value, type)) continue;
          walk(frag.selectionSet);
        }
      }
    };
    for (const s of sets) walk(s);
    if (sets.every((s) => s.loc)) this.collected.set(cacheKey, out);
    return out;
  }

  private applies(condition: string, type: GraphQLObjectType): boolean {
    if (condition === type.name) return true;
    const t = this.schema.getType(condition);
    return !!t && isAbstractType(t) && this.schema.isSubType(t, type);
  }

  /**
   * A selection with no directive. @skip and @include are not compiled: graphql-jit places a key
   * where it first occurs even when that occurrence is skipped, and merges the conditions of a
   * field reached by several paths its own way; the executor answers such operations.
   */
  private included(node: { directives?: FieldNode["directives"] }): boolean {
    if (node.directives?.length) unsupported("directives");
    return true;
  }


  private args(field: GraphQLField<unknown, unknown>, node: FieldNode): Record<string, unknown> {
    try {
      return getArgumentValues(field, node, this.variables);
    } catch {
      return unsupported("arguments"); // the executor's error
    }
  }

  private info(parentType: GraphQLObjectType, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], key: string): GraphQLResolveInfo {
    return {
      fieldName: field.name,
      fieldNodes: nodes,
      returnType: field.type,
      parentType,
      path: { prev: undefined, key, typename: parentType.name },
      schema: this.schema,
      fragments: this.fragments,
      rootValue: undefined,
      operation: this.operation,
      variableValues: this.variables,
    };
  }
}
