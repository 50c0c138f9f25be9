/**
 * The PostgreSQL query-plan check: EXPLAIN ANALYZE every statement a query sent and fail on a
 * full scan (sequential, or of a whole index) of a table that grows with the data (the SQLite check in run.ts does the same
 * with EXPLAIN QUERY PLAN). Used by the benchmark (`npm run bench -- --postgres URL`: Q2, Q3 and
 * Q4 at the main size) and on its own, at any sizes, without load:
 *
 *   npm run bench:pg-plans -- --postgres postgres://postgres@127.0.0.1:5432/postgres --sizes M,L
 *
 * (for each size: the bench data file, generated when missing, moved into a scratch database
 * `bench_plans_<accounts>` with the db:migrate-to-postgres code, which ends with VACUUM ANALYZE;
 * a DB_LOGGING server sends Q2, Q3 and Q4 once; their statements are explained; the database is
 * dropped). Exit code 1 when a statement reads a growing table whole. test/pg-query-plans.test.ts holds
 * the same rule in the normal suite.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { moveSqliteToPostgres } from "../scripts/migrate-to-postgres";
import { toGlobalId as gid } from "../src/common/ids";
import { PG_SESSION_OPTIONS } from "../src/db/data-source";
import { BENCH_TOKEN, dataFileStamp, defaultDataFile, generateSqliteFile, metaFileOf } from "./generate";
import { Q2, Q3, Q4 } from "./queries";

/**
 * Tables that do not grow with the data: the calendar (periods), the organisation's users and their
 * tokens (hundreds at most, not per account or plan), and the migrations table. A sequential scan
 * of one of these is fine; of any other table it is a failure.
 */
export const REFERENCE_TABLES: ReadonlySet<string> = new Set(["period", "app_user", "api_token", "migrations"]);

export interface LoggedStatement {
  sql: string;
  params: unknown[];
}

export interface PgPlanCheck {
  /** The statement, whitespace collapsed, cut at 240 characters. */
  sql: string;
  /** Scans that read a growing table whole (sequential, or a whole index): "table (rows read)". */
  seqScans: string[];
  /** Every scan of a table in the plan: "Index Scan activity", "Seq Scan period", ... */
  scans: string[];
  /** EXPLAIN ANALYZE planning + execution time, the median of three runs. */
  ms: number;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Cond"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  Plans?: PlanNode[];
}

/**
 * Every scan of a table in a JSON plan, and the scans that read a growing table whole: a
 * sequential scan, or an index scan without an index condition (a walk of the whole index, what
 * the planner picks for a merge join when sequential scans are disabled), except under a Limit
 * (an ordered index walk that stops after a page of rows).
 */
export function scansOf(plan: PlanNode): { scans: string[]; seqScans: string[] } {
  const scans: string[] = [];
  const seqScans: string[] = [];
  const walk = (n: PlanNode, limited: boolean) => {
    const rel = n["Relation Name"];
    if (rel) {
      scans.push(`${n["Node Type"]} ${rel}`);
      const rows = (n["Actual Rows"] ?? 0) * (n["Actual Loops"] ?? 1);
      const whole = n["Node Type"] === "Seq Scan" || (/^Index (Only )?Scan$/.test(n["Node Type"]) && !n["Index Cond"] && !limited);
      if (whole && !REFERENCE_TABLES.has(rel)) seqScans.push(`${rel} (${n["Node Type"] === "Seq Scan" ? "" : "full index, "}${rows} rows)`);
    }
    for (const c of n.Plans ?? []) walk(c, limited || n["Node Type"] === "Limit");
  };
  walk(plan, false);
  return { scans, seqScans };
}

/**
 * EXPLAIN (ANALYZE) of each statement in a session with the API's settings (PG_SESSION_OPTIONS:
 * jit and random_page_cost as the API runs them). `settings`: extra SET commands first (the test
 * uses enable_seqscan = off). Statements must be reads (the benchmark's queries are).
 */
export async function checkPgPlans(url: string, statements: readonly LoggedStatement[], settings: readonly string[] = []): Promise<PgPlanCheck[]> {
  const c = new Client({ connectionString: url, options: PG_SESSION_OPTIONS });
  await c.connect();
  try {
    for (const s of settings) await c.query(`SET ${s}`);
    const out: PgPlanCheck[] = [];
    for (const st of statements) {
      const times: number[] = [];
      let plan: { Plan: PlanNode; "Planning Time": number; "Execution Time": number } | undefined;
      for (let i = 0; i < 3; i++) {
        const r = await c.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${st.sql}`, st.params as unknown[]);
        plan = (r.rows[0] as { "QUERY PLAN": Array<NonNullable<typeof plan>> })["QUERY PLAN"][0];
        times.push(plan["Planning Time"] + plan["Execution Time"]);
      }
      times.sort((a, b) => a - b);
      out.push({ sql: st.sql.replace(/\s+/g, " ").trim().slice(0, 240), ...scansOf(plan!.Plan), ms: Math.round(times[1] * 1000) / 1000 });
    }
    return out;
  } finally {
    await c.end();
  }
}

/** Statements of one request, as a DB_LOGGING=true server prints them (`query: SQL -- [params]`). */
const WEBHOOK_POLL = /^SELECT 1 AS due FROM webhook_delivery WHERE status = 'PENDING'/;

export function parseLoggedStatements(output: string): LoggedStatement[] {
  const out: LoggedStatement[] = [];
  for (const part of output.split(/^query: /m).slice(1)) {
    const text = part.replace(/\n$/, "");
    const i = text.lastIndexOf(" -- [");
    let sql = text;
    let params: unknown[] = [];
    if (i >= 0) {
      try {
        params = JSON.parse(text.slice(i + 4));
        sql = text.slice(0, i);
      } catch {
        /* no parameters */
      }
    }
    // the webhook worker's poll (src/modules/webhooks/webhook-worker.ts, once a second) is not the
    // request's: it landed in a query's statements now and then (counts off by one, a "full scan" of
    // the empty webhook_delivery table in Q4 at L)
    if (WEBHOOK_POLL.test(sql)) continue;
    out.push({ sql: sql.trimEnd(), params });
  }
  return out;
}

/** Authentication (the same statement in every request) is not part of a query's plans. */
export const isAuthentication = (sql: string) => /^SELECT .* FROM "app_user" "u" INNER JOIN "api_token"/.test(sql);

/** One line per query for the benchmark's log. */
export function describePgChecks(q: string, checks: PgPlanCheck[]): string {
  const bad = checks.filter((c) => c.seqScans.length);
  const total = checks.reduce((s, c) => s + c.ms, 0);
  return `${q} PostgreSQL plans: ${checks.length} statements, ${
    bad.length ? `FULL SCANS in ${bad.length}: ${bad.map((c) => `${c.seqScans.join("; ")} <- ${c.sql.slice(0, 80)}`).join(" | ")}` : "no full scan of a growing table"
  }; EXPLAIN ANALYZE ${Math.round(total * 100) / 100} ms in all, slowest ${Math.max(0, ...checks.map((c) => c.ms))} ms`;
}

// ---------------------------------------------------------------------------- standalone

const ROOT = resolve(__dirname, "..", "..");
const SIZE_ALIASES: Record<string, number> = { S: 20, M: 200, L: 2000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.once("error", rej);
  });
}

async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Q2 (one account in the middle of the id range), Q3 and Q4 on a DB_LOGGING server: their statements. */
async function statementsOfQueries(databaseUrl: string, accountId: number, periodId: number): Promise<Record<string, LoggedStatement[]>> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", SEED_DEMO: "false", DATABASE_URL: databaseUrl, LOG_LEVEL: "warn", PORT: String(port), HOST: "127.0.0.1", DB_LOGGING: "true" };
  const proc: ChildProcess = spawn(process.execPath, [join(ROOT, "dist", "src", "main.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout?.on("data", (c: Buffer) => (output += c.toString("utf8")));
  proc.stderr?.on("data", (c: Buffer) => (output += c.toString("utf8")));
  try {
    for (let i = 0; ; i++) {
      if (proc.exitCode !== null) throw new Error(`server exited:\n${output.slice(-2000)}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status < 500) break;
      } catch {
        /* not yet */
      }
      if (i > 600) throw new Error(`server did not start:\n${output.slice(-2000)}`);
      await sleep(100);
    }
    const quiet = async () => {
      let len = -1;
      while (len !== output.length) {
        len = output.length;
        await sleep(100);
      }
    };
    const bodies: Record<string, { query: string; variables: Record<string, unknown> }> = {
      Q2: { query: Q2, variables: { id: gid("Account", accountId), period: gid("Period", periodId) } },
      Q3: { query: Q3, variables: { period: gid("Period", periodId) } },
      Q4: { query: Q4, variables: {} },
    };
    const out: Record<string, LoggedStatement[]> = {};
    for (const [q, b] of Object.entries(bodies)) {
      await quiet();
      const start = output.length;
      const r = await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` }, body: JSON.stringify(b) });
      const text = await r.text();
      if (r.status !== 200 || /"errors":\[/.test(text.slice(0, 2000))) throw new Error(`${q}: HTTP ${r.status} ${text.slice(0, 500)}`);
      await quiet();
      out[q] = parseLoggedStatements(output.slice(start)).filter((s) => !isAuthentication(s.sql));
    }
    return out;
  } finally {
    proc.kill("SIGTERM");
  }
}

async function main() {
  const usage = "usage: npm run bench:pg-plans -- --postgres postgres://user@host:5432/postgres [--sizes M,L]";
  let values: { postgres?: string; sizes?: string } = {};
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { postgres: { type: "string" }, sizes: { type: "string" } }, strict: true }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  const get = (name: keyof typeof values) => values[name];
  const admin = get("postgres");
  if (!admin) {
    console.error(usage);
    process.exit(2);
  }
  const sizes = (get("sizes") ?? "M,L").split(",").map((s) => ({ label: s, accounts: SIZE_ALIASES[s] ?? Number(s) }));
  let failed = false;
  for (const size of sizes) {
    const file = defaultDataFile(size.accounts);
    const meta = existsSync(metaFileOf(file)) ? JSON.parse(readFileSync(metaFileOf(file), "utf8")) : null;
    if (!existsSync(file) || JSON.stringify(meta?.want) !== JSON.stringify(dataFileStamp(size.accounts))) {
      console.log(`generating ${size.accounts} accounts -> ${file}`);
      await generateSqliteFile(file, size.accounts, { log: console.log });
    }
    const name = `bench_plans_${size.accounts}`;
    await withPg(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await withPg(admin, (c) => c.query(`CREATE DATABASE ${name}`));
    const u = new URL(admin);
    u.pathname = `/${name}`;
    const url = u.toString();
    try {
      const t0 = Date.now();
      const moved = await moveSqliteToPostgres({ from: `sqlite:${file}`, to: url });
      if (!moved.ok) throw new Error("the move to PostgreSQL failed its checks");
      console.log(`\n== ${size.label} (${size.accounts} accounts): moved to PostgreSQL in ${Math.round((Date.now() - t0) / 1000)} s (VACUUM ANALYZE included)`);
      const { periodId, accountId } = await withPg(url, async (c) => ({
        periodId: Number((await c.query("SELECT id FROM period WHERE type = 'YEAR' AND start_date = '2026-01-01'")).rows[0].id),
        accountId: Number((await c.query("SELECT id FROM account ORDER BY id OFFSET (SELECT COUNT(*) / 2 FROM account) LIMIT 1")).rows[0].id),
      }));
      const byQuery = await statementsOfQueries(url, accountId, periodId);
      for (const [q, statements] of Object.entries(byQuery)) {
        const checks = await checkPgPlans(url, statements);
        console.log(`  ${describePgChecks(q, checks)}`);
        for (const c of checks) console.log(`    ${String(c.ms).padStart(9)} ms  ${c.seqScans.length ? `FULL SCAN ${c.seqScans.join(", ")} ` : ""}${c.sql.slice(0, 110)}\n               ${c.scans.join(", ")}`);
        if (checks.some((c) => c.seqScans.length)) failed = true;
      }
    } finally {
      await withPg(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    }
  }
  console.log(failed ? "\nFAILED: full scans of growing tables (above)" : "\nOK: no full scan of a growing table in any statement of Q2, Q3 or Q4");
  process.exit(failed ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
