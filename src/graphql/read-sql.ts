import { nestedLimit } from "../common/pagination";
import type { Context } from "./context";

/**
 * What a field resolver declares so that compiled reads (compiled-reads.ts) can answer it inside
 * the one SQL statement of a query, next to the resolver it mirrors:
 * `@Extensions({ sql: rowsSql(...) })`. A field without a declaration is answered by compiled
 * reads only when it is a plain column of its entity (or a Node's `id`); any other field makes
 * the operation run through the resolvers, as without compiled reads.
 *
 * The SQL must give what the resolver gives: test/compiled-reads.test.ts sends random operations
 * to a server with and one without compiled reads, on the same database, and compares the answers.
 */
export type ReadSql = RowsSql | ComputedSql | ExprSql;

/** What declarations may use while the statement is built. */
export interface ReadSqlScope {
  /** A placeholder ($n) bound to `value`. */
  bind(value: unknown): string;
}

/** The rows of a relation, read in the statement (a list field, or an object field: at most one row). */
export interface RowsSql {
  kind: "rows";
  /**
   * The rows for the parent row `parent` (an SQL alias whose columns are the parent's database
   * columns): a FROM item aliased "t", its WHERE condition and, for lists, its order (over "t").
   * `args` are the field's coerced arguments. May throw: the operation then runs through the
   * resolvers, which give the client their own error for the same arguments.
   */
  rows(parent: string, args: Record<string, unknown>, s: ReadSqlScope): {
    from: string;
    where: string;
    /** Every column written `"t"."col"`: the answer's list is ordered again over the subquery's alias. */
    orderBy?: string;
    /** At most this many rows (a list's `first`). */
    limit?: number | null;
    /** Extra values selected with each row, as SQL over "t" and the parent: name -> expression (read by computed fields' `inputs`). */
    extras?: Record<string, string>;
  };
}

/**
 * A value computed in code from columns of the row (rollups, progress): the statement selects
 * `inputs`, then `complete` turns them into the values the resolver would return (for all rows
 * of the answer at once, through the request's loaders), serialised for the field's selection.
 */
export interface ComputedSql {
  kind: "computed";
  /** SQL over the row alias `row` (and its `extras`) of what `complete` needs: name -> expression. */
  inputs(row: string, extras: ReadonlySet<string>): Record<string, string>;
  complete(inputs: ReadonlyArray<Record<string, unknown>>, ctx: Context, args: Record<string, unknown>): Promise<unknown[]>;
}

/** A value computed in SQL from the row, already as the client gets it (JSON). */
export interface ExprSql {
  kind: "expr";
  sql(row: string): string;
}

export const rowsSql = (rows: RowsSql["rows"]): RowsSql => ({ kind: "rows", rows });

/** A nested list's limit from its `first` argument, validated as the resolvers' nestedFirst does (common/pagination.ts). */
export const byFirst = (args: Record<string, unknown>): number | null => nestedLimit(args.first);

/** An object field: the row of `table` whose id is the parent's column `column` (none: null). */
export const rowByKey = (table: string, column: string): RowsSql =>
  rowsSql((parent) => ({ from: `${table} "t"`, where: `"t"."id" = ${parent}."${column}"` }));

/**
 * A list field: the rows of `table` whose column `column` is the parent's id, in `orderBy` order
 * (over "t"); `limit` reads the field's arguments (a nested list's `first`).
 */
export const rowsByParent = (table: string, column: string, orderBy: string, limit?: (args: Record<string, unknown>) => number | null): RowsSql =>
  rowsSql((parent, args) => ({ from: `${table} "t"`, where: `"t"."${column}" = ${parent}."id"`, orderBy, limit: limit?.(args) ?? null }));

/** `bind` for SQL builders whose arrays stand for IN lists: `($1, $2)`. */
export const inListBinder = (s: ReadSqlScope) => (value: unknown) =>
  Array.isArray(value) ? `(${value.map((v) => s.bind(v)).join(", ")})` : s.bind(value);

/**
 * A list field through a link table: the rows of `table` linked to the parent in `link.table`
 * (`link.parent` holds the parent's id, `link.target` the row's), in `orderBy` order.
 */
export const rowsThroughLink = (
  table: string,
  link: { table: string; parent: string; target: string },
  orderBy: string,
  limit?: (args: Record<string, unknown>) => number | null,
): RowsSql =>
  rowsSql((parent, args) => ({
    from: `${table} "t"`,
    where: `"t"."id" IN (SELECT l."${link.target}" FROM ${link.table} l WHERE l."${link.parent}" = ${parent}."id")`,
    orderBy,
    limit: limit?.(args) ?? null,
  }));
