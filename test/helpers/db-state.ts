/**
 * "A rejected operation changes nothing", checked against the database itself.
 * The tables come from the TypeORM entity metadata of the harness's DataSource
 * (every entity table and every join table), so a new entity is covered without
 * editing a list here. Also: row counts, one plan's stored state, the one-error
 * code of a result, and fault injection through real database triggers.
 */
import { expect } from "vitest";
import type { Database } from "../../src/db/data-source";
import { expectCode, type GqlResult, type Harness } from "./harness";
import { keyOf } from "./ids";

type HasDb = { deps: { db: Database } };

/** Every table of the DataSource (entity and junction tables) with the columns that order its rows. */
export function tablesOf(db: Database): Array<{ table: string; orderBy: string }> {
  const seen = new Map<string, string>();
  for (const m of db.dataSource.entityMetadatas) {
    if (seen.has(m.tablePath)) continue;
    const keys = m.primaryColumns.map((c) => c.databaseName);
    seen.set(m.tablePath, (keys.length ? keys : m.columns.map((c) => c.databaseName)).join(", "));
  }
  return [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([table, orderBy]) => ({ table, orderBy }));
}

const plain = (r: unknown) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));

/** Every row of every table, all columns (versions, timestamps, tokens included). */
export async function dbState(h: HasDb): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { table, orderBy } of tablesOf(h.deps.db)) out[table] = (await h.deps.db.query(`SELECT * FROM ${table} ORDER BY ${orderBy}`)).map(plain);
  return out;
}

/** Row counts of every table. */
export async function rowCounts(h: HasDb): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { table } of tablesOf(h.deps.db)) out[table] = await countRows(h, table);
  return out;
}

/** Number of rows in a table, optionally only those of one plan (plan_id). */
export async function countRows(h: HasDb, table: string, planId?: string): Promise<number> {
  const db = h.deps.db;
  const rows =
    planId === undefined
      ? await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table}`)
      : await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE plan_id = ${db.param(1)}`, [keyOf(planId)]);
  return Number(rows[0].n);
}

/** Runs `fn` and asserts that no row of any table changed, appeared or went away. Returns fn's result. */
export async function expectUnchanged<T>(h: HasDb, fn: () => Promise<T>): Promise<T> {
  const before = await dbState(h);
  const result = await fn();
  expect(await dbState(h)).toEqual(before);
  return result;
}

/**
 * A rejected operation: exactly one error, `code`, no data, and nothing changed.
 *  - `expectRejected(h, token, query, variables, code, messagePart?)` runs the
 *    operation and compares every row of every table before and after;
 *  - `expectRejected(h, result, code, [[planId, snapshotBefore], ...])` checks an
 *    operation already run against snapshots of the plans it must not have changed.
 * Returns the error.
 */
export async function expectRejected(
  h: Harness,
  token: string | null,
  query: string,
  variables: Record<string, unknown> | undefined,
  code: string,
  messagePart?: string | RegExp,
): Promise<NonNullable<GqlResult["errors"]>[number]>;
export async function expectRejected(h: HasDb, result: GqlResult, code: string, before: Array<[string, PlanSnapshot]>): Promise<void>;
export async function expectRejected(h: Harness | HasDb, ...args: unknown[]): Promise<NonNullable<GqlResult["errors"]>[number] | void> {
  if (typeof args[0] === "object" && args[0] !== null) {
    const [result, code, before] = args as [GqlResult, string, Array<[string, PlanSnapshot]>];
    expectCode(result, code);
    expect(result.data ?? null).toBeNull();
    for (const [id, snap] of before) expect(await snapshot(h, id)).toEqual(snap);
    return;
  }
  const [token, query, variables, code, messagePart] = args as [string | null, string, Record<string, unknown> | undefined, string, (string | RegExp)?];
  const res = await expectUnchanged(h, () => (h as Harness).gql(token, query, variables));
  const err = expectCode(res, code);
  if (messagePart !== undefined) expect(err.message).toMatch(messagePart);
  expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
  return err;
}

/** expectRejected for BAD_USER_INPUT whose message names `field`. */
export const expectBadInput = (h: Harness, token: string | null, query: string, variables: Record<string, unknown> | undefined, field: string) =>
  expectRejected(h, token, query, variables, "BAD_USER_INPUT", field);

export interface PlanSnapshot {
  row: Record<string, unknown>;
  history: number;
  audit: number;
  objectives: number;
  oppLinks: number;
  contacts: number;
}

/** Everything about one plan straight from the database (row as stored, plus child-row counts). */
export async function snapshot(h: HasDb, planId: string): Promise<PlanSnapshot> {
  const db = h.deps.db;
  const rows = await db.query(`SELECT * FROM business_plan WHERE id = ${db.param(1)}`, [keyOf(planId)]);
  const row = rows[0] ?? null;
  if (row) for (const k of Object.keys(row)) if (row[k] instanceof Date) row[k] = (row[k] as Date).toISOString();
  return {
    row: row as Record<string, unknown>,
    history: await countRows(h, "plan_status_change", planId),
    audit: await countRows(h, "plan_audit_entry", planId),
    objectives: await countRows(h, "objective", planId),
    oppLinks: await countRows(h, "plan_opportunity", planId),
    contacts: await countRows(h, "plan_contact", planId),
  };
}

/** The code of the operation's one error, null when it succeeded; several errors fail the test (an outcome has one code). */
export const codeOf = (r: GqlResult): string | null => {
  const errs = r.errors ?? [];
  if (errs.length === 0) return null;
  if (errs.length !== 1) throw new Error(`expected at most one error, got ${errs.length}: ${JSON.stringify(errs)}`);
  return errs[0].extensions?.code ?? "UNKNOWN";
};

/**
 * Installs a real database trigger that aborts an INSERT into (or, with `on:
 * "UPDATE"`, an update of) `table` whose row matches `when` (column = value).
 * Returns a function that removes it. Fault injection for "same transaction" proofs.
 */
export async function failWrites(h: HasDb, on: "INSERT" | "UPDATE", table: string, when: Record<string, string | number>): Promise<() => Promise<void>> {
  const db = h.deps.db;
  const name = `fail_${on.toLowerCase()}_${table}_${Math.random().toString(36).slice(2, 8)}`;
  const lit = (v: string | number) => (typeof v === "number" ? String(v) : `'${v}'`);
  const cond = (pg: boolean) => Object.entries(when).map(([c, v]) => (pg ? `NEW."${c}"::text = '${v}'` : `NEW."${c}" = ${lit(v)}`)).join(" AND ");
  if (db.dialect === "sqlite") {
    await db.query(`CREATE TRIGGER ${name} BEFORE ${on} ON ${table} WHEN ${cond(false)} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    return async () => void (await db.query(`DROP TRIGGER ${name}`));
  }
  await db.query(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
       IF ${cond(true)} THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`,
  );
  await db.query(`CREATE TRIGGER ${name} BEFORE ${on} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db.query(`DROP TRIGGER ${name} ON ${table}`);
    await db.query(`DROP FUNCTION ${name}()`);
  };
}

/** An INSERT into `table` with `column` = `value` fails. */
export const failInsertsWhere = (h: HasDb, table: string, column: string, value: string) => failWrites(h, "INSERT", table, { [column]: value });

/** An UPDATE of plan `planId` that sets its status to `status` fails. */
export const failPlanUpdate = (h: HasDb, planId: string, status: string) => failWrites(h, "UPDATE", "business_plan", { id: keyOf(planId), status });
