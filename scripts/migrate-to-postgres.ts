/**
 * Moves an SQLite database to PostgreSQL.
 *
 *   npm run db:migrate-to-postgres -- --from sqlite:data/planning.sqlite --to postgres://user:pass@host:5432/db
 *     [--batch-size 500]
 *
 * - The source must be at the current schema (start the app on it once) and is only read,
 *   inside one read transaction (a consistent snapshot even if an app still writes to it).
 * - The target is migrated (same migrations and lock as at start) and must hold no data.
 * - Every table (src/db/entities.ts, dependency order) is copied in batches inside ONE
 *   PostgreSQL transaction, ids preserved. Foreign keys that point forward (to the same
 *   table or one copied later, e.g. a plan moved under a newer plan) are inserted as NULL
 *   and set once every row is in. Each id sequence is then set past the largest id ever
 *   issued (max(id), or SQLite's AUTOINCREMENT counter when that is higher: deleted ids
 *   are not handed out again).
 * - Before COMMIT, row counts per table and the sums of every money column are compared
 *   with the source; on any difference the transaction is rolled back and the exit code is 1.
 * - After COMMIT, VACUUM ANALYZE (dead row versions of the patched rows gone, planner statistics
 *   for every table), so that the first queries on the moved database get index plans.
 * TLS to the target: DATABASE_SSL=true (as for the server).
 */
import "reflect-metadata";
import { existsSync } from "node:fs";
import type { EntityMetadata, QueryRunner } from "typeorm";
import { loadConfig } from "../src/config";
import { type Database, dialectOf, openDatabase } from "../src/db/data-source";
import { entities } from "../src/db/entities";
import { type ParsedArgs, parseArgs } from "./cli-kit";

export interface TableReport {
  table: string;
  source: number;
  target: number;
  /** Sum of each money (BIGINT) column, source and target, as exact integers in text. */
  sums: Array<{ column: string; source: string; target: string }>;
  /** Rows whose forward foreign keys were set after all inserts. */
  patched: number;
  /** The id sequence's next value, for tables with a generated id. */
  nextId: number | null;
}

export interface MoveReport {
  tables: TableReport[];
  ok: boolean;
  ms: number;
}

export class MoveError extends Error {}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface Plan {
  meta: EntityMetadata;
  table: string;
  columns: string[];
  bigints: Set<string>;
  booleans: Set<string>;
  /** FK columns whose referenced table is this one or a later one: inserted NULL, set afterwards. */
  deferred: string[];
  primary: string[];
  generatedId: string | null;
}

function copyPlan(db: Database): Plan[] {
  const order = entities.map((e) => db.dataSource.getMetadata(e));
  const position = new Map(order.map((m, i) => [m.tableName, i]));
  const plans = order.map((meta, i): Plan => {
    const deferred = new Set<string>();
    for (const fk of meta.foreignKeys) {
      const target = position.get(fk.referencedEntityMetadata.tableName);
      if (target === undefined) throw new MoveError(`${meta.tableName} references ${fk.referencedEntityMetadata.tableName}, which is not in src/db/entities.ts`);
      if (target >= i) for (const c of fk.columns) deferred.add(c.databaseName);
    }
    for (const c of meta.columns) {
      if (deferred.has(c.databaseName) && !c.isNullable) {
        throw new MoveError(`${meta.tableName}.${c.databaseName} is a NOT NULL foreign key to a table copied later; reorder src/db/entities.ts`);
      }
    }
    const generated = meta.primaryColumns.filter((c) => c.isGenerated && c.generationStrategy === "increment");
    return {
      meta,
      table: meta.tableName,
      columns: meta.columns.map((c) => c.databaseName),
      bigints: new Set(meta.columns.filter((c) => String(c.type).toLowerCase() === "bigint").map((c) => c.databaseName)),
      booleans: new Set(meta.columns.filter((c) => c.type === Boolean || String(c.type).toLowerCase() === "boolean").map((c) => c.databaseName)),
      deferred: [...deferred],
      primary: meta.primaryColumns.map((c) => c.databaseName),
      generatedId: generated.length === 1 ? generated[0].databaseName : null,
    };
  });
  return plans;
}

/**
 * A source value as a PostgreSQL parameter. BIGINT arrives as text (read with CAST, so it
 * stays exact beyond 2^53); SQLite booleans are 0/1; dates and times are TypeORM's UTC text,
 * which TIMESTAMP and DATE take as they are.
 */
function toPg(plan: Plan, column: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (plan.booleans.has(column)) return v === 1 || v === true || v === "1";
  return v;
}

async function countRows(run: (sql: string) => Promise<Array<Record<string, unknown>>>, table: string): Promise<number> {
  const rows = await run(`SELECT COUNT(*) AS n FROM ${q(table)}`);
  return Number(rows[0].n);
}

export async function moveSqliteToPostgres(opts: {
  from: string;
  to: string;
  batchSize?: number;
  databaseSsl?: boolean;
  log?: (line: string) => void;
}): Promise<MoveReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => undefined);
  if (dialectOf(opts.from) !== "sqlite" || !opts.from.startsWith("sqlite:")) throw new MoveError(`--from must be sqlite:PATH, got ${opts.from}`);
  if (dialectOf(opts.to) !== "postgres" || !/^postgres(ql)?:\/\//.test(opts.to)) throw new MoveError(`--to must be postgres://..., got ${opts.to}`);
  const path = opts.from.slice("sqlite:".length);
  if (path === ":memory:" || !existsSync(path)) throw new MoveError(`no SQLite database at ${path}`);
  const batchSize = opts.batchSize ?? 500;

  const source = await openDatabase({ databaseUrl: opts.from, dbLogging: false, dbPoolSize: 1, databaseSsl: false }, { migrate: false });
  let target: Database | undefined;
  let src: QueryRunner | undefined;
  let dst: QueryRunner | undefined;
  try {
    if (!(await source.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'migrations'`)).length) throw new MoveError(`${path} is not an Account Planning database (no migrations table)`);
    if (await source.dataSource.showMigrations()) {
      throw new MoveError(`${path} has pending migrations: start the app on it once (or upgrade) so that its schema is current, then retry`);
    }
    log(`target: migrating ${opts.to.replace(/\/\/[^@]*@/, "//***@")}`);
    target = await openDatabase({ databaseUrl: opts.to, dbLogging: false, dbPoolSize: 2, databaseSsl: opts.databaseSsl ?? false });
    const plans = copyPlan(target);

    // One snapshot of the source for the copy and the counts.
    src = source.dataSource.createQueryRunner();
    await src.connect();
    await src.query("BEGIN");
    dst = target.dataSource.createQueryRunner();
    await dst.connect();
    await dst.startTransaction("READ COMMITTED");
    const dstQuery = dst.query.bind(dst) as (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;
    const srcQuery = src.query.bind(src) as (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

    // Nobody else writes to the target while we fill it; then it must be empty.
    await dstQuery(`LOCK TABLE ${plans.map((p) => q(p.table)).join(", ")} IN EXCLUSIVE MODE`);
    const nonEmpty: string[] = [];
    for (const p of plans) {
      const n = await countRows(dstQuery, p.table);
      if (n > 0) nonEmpty.push(`${p.table} (${n} rows)`);
    }
    if (nonEmpty.length) throw new MoveError(`the target database is not empty: ${nonEmpty.join(", ")}. Use a new, empty database.`);

    const sqliteSeq = new Map<string, number>();
    if ((await srcQuery(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'`)).length) {
      for (const r of await srcQuery(`SELECT name, seq FROM sqlite_sequence`)) sqliteSeq.set(String(r.name), Number(r.seq));
    }

    const reports: TableReport[] = [];
    const patches = new Map<Plan, Array<Record<string, unknown>>>();
    for (const p of plans) {
      const tp = Date.now();
      const select = p.columns.map((c) => (p.bigints.has(c) ? `CAST(${q(c)} AS TEXT) AS ${q(c)}` : q(c))).join(", ");
      const rowsPerInsert = Math.max(1, Math.min(batchSize, Math.floor(60_000 / p.columns.length)));
      const pending: Array<Record<string, unknown>> = [];
      let copied = 0;
      let lastRowid = Number.MIN_SAFE_INTEGER;
      for (;;) {
        // keyset over SQLite's rowid: every table here has one; no OFFSET rescans
        const rows = await srcQuery(`SELECT rowid AS "__rowid", ${select} FROM ${q(p.table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`, [lastRowid, rowsPerInsert]);
        if (rows.length === 0) break;
        lastRowid = Number(rows[rows.length - 1].__rowid);
        const params: unknown[] = [];
        const tuples = rows.map((row) => {
          if (p.deferred.some((c) => row[c] !== null && row[c] !== undefined)) pending.push(row);
          return `(${p.columns
            .map((c) => {
              params.push(p.deferred.includes(c) ? null : toPg(p, c, row[c]));
              return `$${params.length}`;
            })
            .join(", ")})`;
        });
        await dstQuery(`INSERT INTO ${q(p.table)} (${p.columns.map(q).join(", ")}) VALUES ${tuples.join(", ")}`, params);
        copied += rows.length;
      }
      patches.set(p, pending);
      log(`copied ${p.table}: ${copied} rows (${Date.now() - tp} ms)`);
      reports.push({ table: p.table, source: 0, target: 0, sums: [], patched: pending.length, nextId: null });
    }

    // Forward foreign keys, now that every referenced row exists.
    for (const [p, rows] of patches) {
      if (!rows.length) continue;
      const cols = [...p.primary, ...p.deferred];
      const cast = new Map(p.meta.columns.map((c) => [c.databaseName, target!.dataSource.driver.normalizeType(c)]));
      const per = Math.max(1, Math.min(batchSize, Math.floor(60_000 / cols.length)));
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const params: unknown[] = [];
        const values = chunk.map((row) => `(${cols.map((c) => (params.push(toPg(p, c, row[c])), `$${params.length}::${cast.get(c)}`)).join(", ")})`);
        await dstQuery(
          `UPDATE ${q(p.table)} AS t SET ${p.deferred.map((c) => `${q(c)} = v.${q(c)}`).join(", ")}
           FROM (VALUES ${values.join(", ")}) AS v(${cols.map(q).join(", ")})
           WHERE ${p.primary.map((c) => `t.${q(c)} = v.${q(c)}`).join(" AND ")}`,
          params,
        );
      }
      log(`set forward references in ${p.table}: ${rows.length} rows (${p.deferred.join(", ")})`);
    }

    // Sequences: past every id SQLite ever issued.
    for (const [i, p] of plans.entries()) {
      if (!p.generatedId) continue;
      const max = Number((await srcQuery(`SELECT COALESCE(MAX(${q(p.generatedId)}), 0) AS m FROM ${q(p.table)}`))[0].m);
      const last = Math.max(max, sqliteSeq.get(p.table) ?? 0);
      const seq = (await dstQuery(`SELECT pg_get_serial_sequence($1, $2) AS s`, [q(p.table), p.generatedId]))[0].s as string | null;
      if (!seq) throw new MoveError(`no sequence behind ${p.table}.${p.generatedId}`);
      // setval(seq, n, true): the next id is n + 1; setval(seq, 1, false): the next id is 1
      await dstQuery(`SELECT setval($1::regclass, $2, $3)`, [seq, Math.max(last, 1), last > 0]);
      reports[i].nextId = last + 1;
    }

    // Verify before COMMIT: counts and money sums per table.
    let ok = true;
    for (const [i, p] of plans.entries()) {
      const r = reports[i];
      r.source = await countRows(srcQuery, p.table);
      r.target = await countRows(dstQuery, p.table);
      if (r.source !== r.target) ok = false;
      for (const c of p.bigints) {
        const s = String((await srcQuery(`SELECT CAST(COALESCE(SUM(${q(c)}), 0) AS TEXT) AS s FROM ${q(p.table)}`))[0].s);
        const t = String((await dstQuery(`SELECT COALESCE(SUM(${q(c)}), 0)::text AS s FROM ${q(p.table)}`))[0].s);
        r.sums.push({ column: c, source: s, target: t });
        if (s !== t) ok = false;
      }
    }
    if (ok) {
      await dst.commitTransaction();
      // The forward-key patches left one dead version of each patched row (140,000 activities at the
      // bench's M size), and a fresh table has no planner statistics: without this, the first queries
      // plan on guesses until autovacuum (if it runs at all) catches up. Outside the transaction.
      log("target: VACUUM ANALYZE");
      await dst.query("VACUUM ANALYZE");
    } else await dst.rollbackTransaction();
    return { tables: reports, ok, ms: Date.now() - t0 };
  } finally {
    if (dst?.isTransactionActive) await dst.rollbackTransaction().catch(() => undefined);
    await dst?.release();
    if (src) {
      await src.query("COMMIT").catch(() => undefined);
      await src.release();
    }
    await target?.close();
    await source.close();
  }
}

export function formatReport(r: MoveReport): string {
  const w = Math.max(5, ...r.tables.map((t) => t.table.length));
  const lines = [`${"table".padEnd(w)}  ${"sqlite".padStart(8)}  ${"postgres".padStart(8)}  ${"next id".padStart(8)}  check`];
  for (const t of r.tables) {
    const bad = t.source !== t.target || t.sums.some((s) => s.source !== s.target);
    const sums = t.sums.map((s) => ` ${s.column} sum ${s.source}${s.source === s.target ? "" : ` != ${s.target}`}`).join(";");
    lines.push(
      `${t.table.padEnd(w)}  ${String(t.source).padStart(8)}  ${String(t.target).padStart(8)}  ${String(t.nextId ?? "-").padStart(8)}  ${bad ? "MISMATCH" : "ok"}${sums}`,
    );
  }
  const total = (k: "source" | "target") => r.tables.reduce((a, t) => a + t[k], 0);
  lines.push(`${"total".padEnd(w)}  ${String(total("source")).padStart(8)}  ${String(total("target")).padStart(8)}`);
  lines.push(
    r.ok
      ? `OK: ${r.tables.length} tables, ${total("target")} rows copied and verified in ${r.ms} ms`
      : `FAILED: row counts or money sums differ; the PostgreSQL transaction was rolled back (nothing was written)`,
  );
  return lines.join("\n");
}

const USAGE = "usage: npm run db:migrate-to-postgres -- --from sqlite:PATH --to postgres://user:pass@host:port/db [--batch-size N]";

export function parseMoveArgs(argv: string[]): { from: string; to: string; batchSize: number } {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, { from: "string", to: "string", "batch-size": "string" });
  } catch (e) {
    throw new MoveError(`${(e as Error).message}\n${USAGE}`);
  }
  if (args.positional.length) throw new MoveError(`unexpected argument "${args.positional[0]}"\n${USAGE}`);
  const [from, to, batch] = ["from", "to", "batch-size"].map((k) => args.flags.get(k) as string | undefined);
  if (!from || !to) throw new MoveError(USAGE);
  const batchSize = batch === undefined ? 500 : Number(batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new MoveError(`--batch-size must be an integer from 1 to 10000\n${USAGE}`);
  return { from, to, batchSize };
}

async function main() {
  let args: ReturnType<typeof parseMoveArgs>;
  try {
    args = parseMoveArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const config = loadConfig();
  const report = await moveSqliteToPostgres({ ...args, databaseSsl: config.databaseSsl, log: (l) => console.log(l) });
  console.log(`\n${formatReport(report)}`);
  process.exit(report.ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof MoveError ? `error: ${e.message}` : e);
    process.exit(1);
  });
}
