/**
 * The benchmark: deep and wide tree queries over HTTP against the real server.
 *
 *   npm run bench [-- --sizes S,M --duration 10 --warmup 3 --connections 10 --soak 60 --profile]
 *
 * For every size (S=20, M=200, L=2000 accounts, or a number) it generates the
 * data if missing (bench/data/size-N.sqlite), then for each variant
 *   (a) the server as shipped, (b) BATCHING=false (one key per loader batch),
 *   (c) the floor: one hand-written SQL statement per request (bench/floor.ts)
 * counts the SQL statements of one request of every query (DB_LOGGING=true,
 * `query: ` lines on the server's stdout), checks the query plans of the
 * account view's statements, and measures requests/s and p50/p99 latency
 * with autocannon (fixed concurrency, warm-up, then the measured run) and the
 * server's peak RSS (VmHWM, reset before every query). Q2/Q3 run at every
 * size; Q1, Q4, Q5 and the soak at the main size (M when present). Prints a
 * table and writes bench/results/<timestamp>.json.
 *
 * `--postgres postgres://user@host:5432/postgres` adds Q2 and Q3 on
 * PostgreSQL for (a) and (b) at the main size (rows "M PG"): the same data,
 * moved into a scratch database bench_<accounts> (created, then dropped) with
 * the db:migrate-to-postgres code, to show what batching buys where every
 * statement is a network round trip. No floor there (it is SQLite SQL).
 * Slow queries there are measured for up to 300 s (60 s on SQLite).
 * It then compares with PostGraphile 4 on the same database (bench/postgraphile.ts):
 * the same objects checked, then `--pg-rounds 3` interleaved rounds of Q2 and Q3.
 * `--pg-database NAME` names the scratch database (default bench_<accounts>);
 * `--pg-only` skips the SQLite pass and the (a)/(b) load on PostgreSQL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import autocannon from "autocannon";
import BetterSqlite3 from "better-sqlite3";
import { Client } from "pg";
import { moveSqliteToPostgres } from "../scripts/migrate-to-postgres";
import { toGlobalId as gid } from "../src/common/ids";
import { BENCH_TOKEN, dataFileStamp, defaultDataFile, type FillStats, generateSqliteFile, metaFileOf } from "./generate";
import { checkPgPlans, describePgChecks, isAuthentication, type LoggedStatement, parseLoggedStatements } from "./pg-plan-check";
import { comparePeer, type PeerResult } from "./postgraphile";
import { summarizeProfile } from "./profile-summary";
import { AUTH_ONLY, Q1, Q2, Q3, Q4, Q5_COMPLETE, Q5_CREATE, Q5_LINK } from "./queries";
import { checkListQueries, type ExportRun, measureExport } from "./list-queries";

const ROOT = resolve(__dirname, "..", "..");
const SIZE_ALIASES: Record<string, number> = { S: 20, M: 200, L: 2000 };

type Variant = "a" | "b" | "c";
type QueryName = "Q1" | "Q2" | "Q3" | "Q4" | "Q5";
const VARIANT_LABEL: Record<Variant, string> = { a: "as shipped", b: "BATCHING=false (naive)", c: "floor (one SQL statement)" };

interface Options {
  sizes: Array<{ label: string; accounts: number }>;
  duration: number;
  warmup: number;
  connections: number;
  soak: number;
  main: string;
  profile: boolean;
  /** Statement counts and query plans only (no load). */
  checkOnly: boolean;
  /** Extra NODE_OPTIONS for the GraphQL servers (a, b), e.g. "--max-semi-space-size=64". */
  nodeOptions: string;
  /** A PostgreSQL server (any database on it) for the Q2/Q3 pass on PostgreSQL, or null. */
  postgres: string | null;
  /** The scratch PostgreSQL database (default bench_<accounts>), rounds of the PostGraphile comparison, PostgreSQL part only. */
  pgDatabase: string | null;
  pgRounds: number;
  pgOnly: boolean;
  outDir: string;
}

function parseArgs(argv: string[]): Options {
  const get = (n: string) => {
    const i = argv.indexOf(`--${n}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (get("sizes") ?? "S,M").split(",").map((s) => {
    const t = s.trim().toUpperCase();
    const accounts = SIZE_ALIASES[t] ?? Number(t);
    if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`bad size "${s}" (S, M, L or a number of accounts)`);
    return { label: SIZE_ALIASES[t] ? t : String(accounts), accounts };
  });
  const labels = sizes.map((s) => s.label);
  const main = (get("main") ?? (labels.includes("M") ? "M" : labels[labels.length - 1])).toUpperCase();
  if (!labels.includes(main)) throw new Error(`--main ${main} is not among --sizes`);
  return {
    sizes,
    duration: Number(get("duration") ?? 10),
    warmup: Number(get("warmup") ?? 3),
    connections: Number(get("connections") ?? 10),
    soak: Number(get("soak") ?? 60),
    main,
    profile: argv.includes("--profile"),
    checkOnly: argv.includes("--check-only"),
    nodeOptions: get("node-options") ?? "",
    postgres: get("postgres") ?? null,
    pgDatabase: get("pg-database") ?? null,
    pgRounds: Number(get("pg-rounds") ?? 3),
    pgOnly: argv.includes("--pg-only"),
    outDir: resolve(ROOT, get("out") ?? "bench/results"),
  };
}

const log = (s = "") => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Data

interface DataSet {
  file: string;
  accounts: number;
  generated: FillStats | null;
  periodId: number;
  /** Accounts the Q2 requests rotate through (spread over the id range). */
  q2Accounts: number[];
  writeFixtures: Array<{ accountId: number; plans: number[]; opps: number[] }>;
}

async function ensureData(accounts: number): Promise<DataSet> {
  const file = defaultDataFile(accounts);
  const metaFile = metaFileOf(file);
  const want = dataFileStamp(accounts);
  let generated: FillStats | null = null;
  const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, "utf8")) : null;
  if (!existsSync(file) || !meta || JSON.stringify(meta.want) !== JSON.stringify(want)) {
    log(`generating ${accounts} accounts -> ${file}`);
    generated = await generateSqliteFile(file, accounts, { log });
    log(`  ${generated.rows.toLocaleString("en-US")} rows in ${generated.seconds.toFixed(1)} s (${generated.rowsPerSecond.toLocaleString("en-US")} rows/s)`);
  } else {
    generated = meta.stats ?? null;
  }
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const periodId = db.prepare("SELECT id FROM period WHERE type = 'YEAR' AND start_date = '2026-01-01'").pluck().get() as number;
    const ids = db.prepare("SELECT id FROM account ORDER BY id").pluck().all() as number[];
    const n = Math.min(16, ids.length);
    const q2Accounts = Array.from({ length: n }, (_, i) => ids[Math.floor(((i + 0.5) * ids.length) / n)]);
    const writeAccounts = Array.from({ length: Math.min(50, ids.length) }, (_, i) => ids[Math.floor((i * ids.length) / Math.min(50, ids.length))]);
    const plansOf = db.prepare("SELECT id FROM business_plan WHERE account_id = ? AND parent_id IS NOT NULL AND status <> 'EXPIRED' ORDER BY id").pluck();
    const oppsOf = db.prepare("SELECT id FROM opportunity WHERE account_id = ? ORDER BY id LIMIT 40").pluck();
    const writeFixtures = writeAccounts.map((accountId) => ({
      accountId,
      plans: plansOf.all(accountId) as number[],
      opps: oppsOf.all(accountId) as number[],
    }));
    return { file, accounts, generated, periodId, q2Accounts, writeFixtures };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------
// Servers

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => res(port));
    });
    s.once("error", rej);
  });
}

interface Mem {
  rssKb: number;
  hwmKb: number;
}

class Server {
  output = "";
  private exited: Promise<void>;
  constructor(
    readonly proc: ChildProcess,
    readonly port: number,
  ) {
    proc.stdout?.on("data", (c: Buffer) => {
      this.output += c.toString("utf8");
    });
    proc.stderr?.on("data", (c: Buffer) => {
      this.output += c.toString("utf8");
    });
    this.exited = new Promise((r) => proc.once("exit", () => r()));
  }
  get pid(): number {
    return this.proc.pid as number;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }
  mem(): Mem {
    const s = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? 0);
    return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
  }
  /** Resets VmHWM to the current RSS (Linux clear_refs 5). */
  resetPeak(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, "5");
    } catch {
      /* not permitted: the peak then covers the whole process life */
    }
  }
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 15_000);
    await this.exited;
    clearTimeout(t);
  }
  async waitReady(path: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.proc.exitCode !== null) throw new Error(`server exited (${this.proc.exitCode}):\n${this.output.slice(-3000)}`);
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}${path}`, path === "/graphql" ? { method: "POST", headers: { "content-type": "application/json" }, body: "{}" } : {});
        if (r.status < 500) return;
      } catch {
        /* not yet */
      }
      await sleep(100);
    }
    throw new Error(`server did not become ready:\n${this.output.slice(-3000)}`);
  }
}

let nodeOptions = "";

async function startGraphql(
  data: DataSet,
  variant: "a" | "b",
  opts: { logging?: boolean; nodeArgs?: string[]; databaseUrl?: string; compiledReads?: boolean } = {},
): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PORT|HOST|DATABASE_URL|BATCHING|DB_LOGGING|SEED_DEMO|ADMIN_TOKEN|NODE_ENV|LOG_LEVEL|PLAYGROUND|INTROSPECTION|COMPILED_READS)$/.test(k)) env[k] = v;
  }
  Object.assign(env, {
    NODE_ENV: "production",
    SEED_DEMO: "false",
    DATABASE_URL: opts.databaseUrl ?? `sqlite:${data.file}`,
    LOG_LEVEL: "warn",
    PORT: String(port),
    HOST: "127.0.0.1",
    BATCHING: variant === "b" ? "false" : "true",
    DB_LOGGING: opts.logging ? "true" : "false",
    // (b), the one-key-at-a-time baseline, runs on the resolvers (compiled reads would not batch anyway)
    COMPILED_READS: opts.compiledReads === false || variant === "b" ? "false" : "true",
  });
  if (nodeOptions) env.NODE_OPTIONS = [env.NODE_OPTIONS, nodeOptions].filter(Boolean).join(" ");
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), join(ROOT, "dist", "src", "main.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const s = new Server(proc, port);
  await s.waitReady("/health");
  return s;
}

async function startPeer(databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(ROOT, "dist", "bench", "postgraphile.js"), "--db", databaseUrl, "--port", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const s = new Server(proc, port);
  await s.waitReady("/graphql");
  return s;
}

async function startFloor(data: DataSet): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(ROOT, "dist", "bench", "floor.js"), "--db", data.file, "--port", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const s = new Server(proc, port);
  await s.waitReady("/graphql");
  return s;
}

// ---------------------------------------------------------------------------
// Requests

const HEADERS = { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` };
const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

async function post(url: string, b: string): Promise<{ status: number; text: string; ms: number }> {
  const t = performance.now();
  const r = await fetch(url, { method: "POST", headers: HEADERS, body: b });
  const text = await r.text();
  return { status: r.status, text, ms: performance.now() - t };
}

function readBodies(data: DataSet, q: "Q1" | "Q2" | "Q3" | "Q4"): string[] {
  switch (q) {
    case "Q1":
      return [body(Q1)];
    case "Q2":
      return data.q2Accounts.map((id) => body(Q2, { id: gid("Account", id), period: gid("Period", data.periodId) }));
    case "Q3":
      return [body(Q3, { period: gid("Period", data.periodId) })];
    case "Q4":
      return [body(Q4)];
  }
}

let writeSeq = 0;
function writeSteps(data: DataSet) {
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
  return {
    create: (fx = pick(data.writeFixtures)) =>
      body(Q5_CREATE, {
        input: { subject: `Bench call ${++writeSeq}`, type: "CALL", accountId: gid("Account", fx.accountId), planId: gid("BusinessPlan", pick(fx.plans)), dueAt: "2026-05-04T10:00:00.000Z" },
      }),
    complete: (id: string) => body(Q5_COMPLETE, { id }),
    link: (fx = pick(data.writeFixtures)) => body(Q5_LINK, { opp: gid("Opportunity", pick(fx.opps)), plan: gid("BusinessPlan", pick(fx.plans)) }),
  };
}

// ---------------------------------------------------------------------------
// Statement counts and query plans

async function quietOutput(s: Server): Promise<void> {
  let len = -1;
  while (len !== s.output.length) {
    len = s.output.length;
    await sleep(60);
  }
}

/** Sends one request to a DB_LOGGING server and returns the statements it printed. */
async function statementsOf(s: Server, b: string): Promise<{ statements: LoggedStatement[]; response: { status: number; text: string } }> {
  await quietOutput(s);
  const start = s.output.length;
  const response = await post(s.url, b);
  await quietOutput(s);
  const chunk = s.output.slice(start);
  const statements = parseLoggedStatements(chunk);
  return { statements, response };
}

function assertOk(name: string, r: { status: number; text: string }) {
  if (r.status !== 200 || r.text.startsWith('{"errors"') || /"errors":\[/.test(r.text.slice(0, 2000))) {
    throw new Error(`${name}: HTTP ${r.status} ${r.text.slice(0, 600)}`);
  }
}

interface PlanCheck {
  sql: string;
  plan: string[];
  fullScans: string[];
  ms: number;
}

function checkPlans(file: string, statements: LoggedStatement[]): PlanCheck[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const KEYWORDS = /^(WHERE|ON|JOIN|CROSS|INNER|LEFT|RIGHT|FULL|GROUP|ORDER|UNION|LIMIT|SELECT|AS|USING|NATURAL|WINDOW|HAVING)$/i;
    return statements.map((st) => {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${st.sql}`).all(...(st.params as unknown[])) as Array<{ detail: string }>).map((r) => r.detail);
      // Names a plan line may use for a real table: the table itself or its alias in this statement.
      const real = new Set(tables);
      for (const m of st.sql.matchAll(/\b(?:FROM|JOIN)\s+"?([A-Za-z_]\w*)"?(?:\s+(?:AS\s+)?"?([A-Za-z_]\w*)"?)?/gi)) {
        if (tables.has(m[1]) && m[2] && !KEYWORDS.test(m[2])) real.add(m[2]);
      }
      const limited = /\bLIMIT\b/i.test(st.sql);
      const fullScans = plan.filter((d) => {
        const m = /^SCAN (\S+)( USING (?:COVERING )?INDEX)?/.exec(d);
        if (m === null || !real.has(m[1])) return false;
        return !(limited && m[2]); // an ordered index walk that stops at LIMIT is not a scan of the table
      });
      const stmt = db.prepare(st.sql);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        if (stmt.reader) stmt.all(...(st.params as unknown[]));
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      return { sql: st.sql.replace(/\s+/g, " ").slice(0, 240), plan, fullScans, ms: round(times[2], 3) };
    });
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------
// Load

interface Measured {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  errors: number;
  non2xx: number;
  gqlErrors: number;
  timeouts: number;
  seconds: number;
  bytesPerRequest: number;
  /** Server CPU time (user + system) per completed request during the measured run. */
  serverCpuMsPerRequest: number | null;
  requestErrors: string[];
}

type RequestSpec = NonNullable<autocannon.Options["requests"]>;

/** Read requests cycling through `bodies`. Bodies are not inspected under load (that would cost the
 * client CPU on this 2-core machine); every query is checked before and after its run instead. */
function rotating(bodies: string[]): RequestSpec {
  let i = 0;
  return [{ method: "POST", setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }];
}

function writeMix(data: DataSet, onError: () => void): RequestSpec {
  const w = writeSteps(data);
  const check = (b: string) => {
    if (b.includes('"errors":[')) onError();
  };
  return [
    {
      method: "POST",
      setupRequest: (req) => ({ ...req, body: w.create() }),
      onResponse: (_s, b, ctx) => {
        check(b);
        const c = ctx as { activityId?: string };
        try {
          c.activityId = JSON.parse(b).data.createActivity.id;
        } catch {
          c.activityId = "0";
        }
      },
    },
    {
      method: "POST",
      setupRequest: (req, ctx) => ({ ...req, body: w.complete(String((ctx as { activityId?: string }).activityId)) }),
      onResponse: (_s, b) => check(b),
    },
    { method: "POST", setupRequest: (req) => ({ ...req, body: w.link() }), onResponse: (_s, b) => check(b) },
  ];
}

/** Distinct request errors (connection resets, timeouts) seen by the last cannon() run. */
let lastRequestErrors: string[] = [];

async function cannon(url: string, requests: RequestSpec, connections: number, seconds: number): Promise<autocannon.Result> {
  const errs = new Set<string>();
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon({ url, connections, duration: seconds, timeout: 300, headers: HEADERS, method: "POST", requests }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    inst.on("reqError", (e: Error) => errs.add(e.message));
  });
  lastRequestErrors = [...errs];
  return r;
}

/** CPU time (ms) the process has used so far. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * (1000 / 100);
}

/** Waits until the server has stopped working off requests a finished load left in flight. */
async function waitIdle(s: Server, maxMs = 120_000): Promise<void> {
  const until = Date.now() + maxMs;
  let last = cpuMs(s.pid);
  let quiet = 0;
  while (Date.now() < until && quiet < 3) {
    await sleep(100);
    const now = cpuMs(s.pid);
    quiet = now - last <= 10 ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * Warm-up, then the measured run at fixed concurrency. `singleMs` is the
 * latency of one request on the idle server: a slow query gets a measured
 * run of at least 3 rounds of all connections (at most 60 s), so that a
 * handful of responses does not decide its figures.
 */
async function load(
  s: Server,
  make: (onError: () => void) => RequestSpec,
  o: Options,
  singleMs: number,
  seconds = o.duration,
  maxSeconds = 60,
  hooks?: { before(): Promise<void>; after(): Promise<void> },
): Promise<Measured> {
  let gqlErrors = 0;
  const onError = () => {
    gqlErrors++;
  };
  if (o.warmup > 0) {
    await cannon(s.url, make(() => {}), o.connections, o.warmup);
    await waitIdle(s);
  }
  const loaded = (singleMs / 1000) * o.connections;
  const measured = Math.max(seconds, Math.min(maxSeconds, Math.ceil(3 * loaded)));
  if (measured > seconds) log(`      one request takes ${round(singleMs, 0)} ms: measuring ${measured} s`);
  await hooks?.before();
  const cpu0 = cpuMs(s.pid);
  const r = await cannon(s.url, make(onError), o.connections, measured);
  const cpu1 = cpuMs(s.pid);
  await hooks?.after();
  await waitIdle(s);
  const total = r.requests.total;
  return {
    requests: total,
    rps: round(total / r.duration, 2),
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: round(r.latency.mean, 2),
    max: r.latency.max,
    errors: r.errors,
    non2xx: r.non2xx,
    gqlErrors,
    timeouts: r.timeouts,
    seconds: round(r.duration, 1),
    bytesPerRequest: total ? Math.round((r.throughput.total ?? 0) / total) : 0,
    serverCpuMsPerRequest: total ? round((cpu1 - cpu0) / total, 2) : null,
    requestErrors: lastRequestErrors,
  };
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

// ---------------------------------------------------------------------------
// Floor check: the floor's document equals the GraphQL server's

function sameDocument(a: unknown, b: unknown, path = ""): string | null {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? null : `${path}: ${a} vs ${b}`;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} vs ${kb.join()}`;
  for (const k of ka) {
    const d = sameDocument((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

// ---------------------------------------------------------------------------

interface Row {
  size: string;
  accounts: number;
  query: QueryName;
  variant: Variant;
  statements: number | null;
  statementsNet: number | null;
  result: Measured;
  peakRssMb: number;
  rssAfterMb: number;
}

const mb = (kb: number) => round(kb / 1024, 1);

/** Adds a measured row to the table and prints it. */
function record(
  rows: Row[],
  at: Pick<Row, "size" | "accounts" | "query" | "variant">,
  statements: number | null,
  statementsNet: number | null,
  result: Measured,
  m: Mem,
): void {
  rows.push({ ...at, statements, statementsNet, result, peakRssMb: mb(m.hwmKb), rssAfterMb: mb(m.rssKb) });
  const errors = result.errors || result.non2xx || result.gqlErrors ? `, ERRORS ${result.errors}/${result.non2xx}/${result.gqlErrors} ${result.requestErrors.join("; ")}` : "";
  log(`  ${at.query} ${at.variant}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, peak RSS ${mb(m.hwmKb)} MB (${result.requests} requests${errors})`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  nodeOptions = o.nodeOptions;
  const started = new Date();
  const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "?";
  const machine = {
    nproc: cpus().length,
    cpu: cpuModel,
    ramGb: round(totalmem() / 2 ** 30, 1),
    freeRamGbAtStart: round(freemem() / 2 ** 30, 1),
    node: process.version,
    loadAvgAtStart: loadavg().map((x) => round(x, 2)),
  };
  log(`machine: ${machine.nproc} cores, ${machine.cpu}, ${machine.ramGb} GiB, Node ${machine.node}, load ${machine.loadAvgAtStart.join(" ")}`);
  log(`options: sizes ${o.sizes.map((s) => `${s.label}=${s.accounts}`).join(" ")}, ${o.connections} connections, warm-up ${o.warmup} s, measured ${o.duration} s, soak ${o.soak} s${o.nodeOptions ? `, NODE_OPTIONS ${o.nodeOptions}` : ""}`);

  const rows: Row[] = [];
  const counts: Record<string, Record<string, Record<string, number>>> = {};
  const plans: Record<string, Record<string, PlanCheck[]>> = {};
  const listPlans: Record<string, Record<string, PlanCheck[]>> = {}; // issue 15's lists (bench/list-queries.ts)
  const exportRuns: Record<string, ExportRun> = {};
  const datasets: Record<string, { accounts: number; file: string; generated: FillStats | null; seconds?: number }> = {};
  const floorChecks: Record<string, Record<string, string>> = {};
  let soak: unknown = null;
  let profile: unknown = null;
  let peer: PeerResult | null = null;

  let sizeStarted = Date.now();
  const finishSize = (label: string) => {
    datasets[label].seconds = round((Date.now() - sizeStarted) / 1000, 0);
    log(`  (${label} took ${datasets[label].seconds} s)`);
  };
  for (const size of o.pgOnly ? [] : o.sizes) {
    if (datasets[o.sizes[o.sizes.indexOf(size) - 1]?.label]) finishSize(o.sizes[o.sizes.indexOf(size) - 1].label);
    sizeStarted = Date.now();
    const data = await ensureData(size.accounts);
    datasets[size.label] = { accounts: size.accounts, file: data.file, generated: data.generated };
    const isMain = size.label === o.main;
    const reads: Array<"Q1" | "Q2" | "Q3" | "Q4"> = isMain ? ["Q1", "Q2", "Q3", "Q4"] : ["Q2", "Q3"];
    log(`\n== ${size.label}: ${size.accounts} accounts (${data.file})`);

    // 1. Statement counts (one request each, DB_LOGGING=true) and query plans.
    counts[size.label] = {};
    const w = writeSteps(data);
    for (const variant of ["a", "b"] as const) {
      const s = await startGraphql(data, variant, { logging: true });
      try {
        // the baseline: authentication alone ({ __typename } reads nothing; Q1 reads the user, which compiled reads do in a statement of their own)
        const c: Record<string, number> = { auth: (await statementsOf(s, body(AUTH_ONLY))).statements.length };
        const base = await statementsOf(s, body(Q1));
        assertOk("Q1", base.response);
        c.Q1 = base.statements.length;
        for (const q of reads.filter((x) => x !== "Q1")) {
          const r = await statementsOf(s, readBodies(data, q)[0]);
          assertOk(`${q} (${variant})`, r.response);
          c[q] = r.statements.length;
          if (variant === "a" && (q === "Q2" || q === "Q3")) {
            plans[size.label] ??= {};
            plans[size.label][q] = checkPlans(data.file, r.statements.filter((x) => !/^SELECT .* FROM "app_user" "u" INNER JOIN "api_token"/.test(x.sql)));
          }
        }
        log(`  statements per request (${variant}): ${Object.entries(c).map(([k, v]) => `${k}=${v}`).join(" ")} (auth = the baseline: authentication)`);
        if (variant === "a") listPlans[size.label] = await checkListQueries(data.file, data.periodId, (b) => statementsOf(s, b), (st) => checkPlans(data.file, st), log);
        counts[size.label][variant] = c;
      } finally {
        await s.stop();
      }
    }
    for (const q of ["Q2", "Q3"] as const) {
      const checks = plans[size.label]?.[q] ?? [];
      const scans = checks.filter((p) => p.fullScans.length);
      log(`  ${q} query plans: ${checks.length} statements, ${scans.length ? `FULL SCANS in ${scans.length}: ${scans.map((p) => `${p.fullScans.join("; ")} <- ${p.sql.slice(0, 80)}`).join(" | ")}` : "no full table scans"}; slowest ${Math.max(0, ...checks.map((p) => p.ms))} ms`);
    }

    if (o.checkOnly) {
      for (const q of ["Q2", "Q3"] as const) {
        for (const p of plans[size.label]?.[q] ?? []) log(`    ${q} ${String(p.ms).padStart(8)} ms  ${p.sql.slice(0, 150)}\n${p.plan.map((d) => `               ${d}`).join("\n")}`);
      }
      continue;
    }

    // 2. Load: reads per variant, each on a fresh server; peak RSS reset per query.
    const reference: Record<string, string> = {};
    for (const variant of ["a", "b", "c"] as const) {
      const s = variant === "c" ? await startFloor(data) : await startGraphql(data, variant);
      try {
        const qs = variant === "c" ? (["Q2", "Q3"] as const) : reads;
        for (const q of qs) {
          const bodies = readBodies(data, q);
          const check = await post(s.url, bodies[0]);
          assertOk(`${q} (${variant})`, check);
          if (variant === "a") reference[q] = check.text;
          if (variant === "c" && reference[q]) {
            const d = sameDocument(JSON.parse(reference[q]), JSON.parse(check.text));
            floorChecks[size.label] ??= {};
            floorChecks[size.label][q] = d ?? "same document";
            if (d) log(`  WARNING: floor ${q} differs from GraphQL: ${d}`);
          }
          s.resetPeak();
          const result = await load(s, () => rotating(bodies), o, check.ms);
          const m = s.mem();
          assertOk(`${q} (${variant}) after the run`, await post(s.url, bodies[bodies.length - 1]));
          const statements = variant === "c" ? 1 : (counts[size.label][variant][q] ?? null);
          const baseline = variant === "c" ? 0 : counts[size.label][variant].auth;
          record(rows, { size: size.label, accounts: size.accounts, query: q, variant }, statements, statements === null ? null : q === "Q1" ? statements : statements - baseline, result, m);
        }
        if (variant === "a" && isMain) exportRuns[size.label] = await measureExport(s, data.periodId, log);
      } finally {
        await s.stop();
      }
    }

    if (!isMain) continue;

    // 3. Q5 write mix on a scratch copy of the data (the reads above saw unchanged data).
    const scratch = data.file.replace(/\.sqlite$/, ".scratch.sqlite");
    for (const variant of ["a", "b"] as const) {
      for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) rmSync(f, { force: true });
      copyFileSync(data.file, scratch);
      const sdata = { ...data, file: scratch };
      try {
        const sl = await startGraphql(sdata, variant, { logging: true });
        try {
          const fx = data.writeFixtures[0];
          const cr = await statementsOf(sl, w.create(fx));
          assertOk("createActivity", cr.response);
          const id = JSON.parse(cr.response.text).data.createActivity.id as string;
          const co = await statementsOf(sl, w.complete(id));
          assertOk("completeActivity", co.response);
          const li = await statementsOf(sl, w.link(fx));
          assertOk("linkOpportunityToPlan", li.response);
          Object.assign(counts[size.label][variant], {
            "Q5.create": cr.statements.length,
            "Q5.complete": co.statements.length,
            "Q5.link": li.statements.length,
          });
          log(`  Q5 statements (${variant}): create ${cr.statements.length}, complete ${co.statements.length}, link ${li.statements.length}`);
        } finally {
          await sl.stop();
        }
        const s = await startGraphql(sdata, variant);
        try {
          s.resetPeak();
          const single = await post(s.url, w.link());
          assertOk("linkOpportunityToPlan", single);
          const result = await load(s, (e) => writeMix(data, e), o, single.ms);
          const m = s.mem();
          const c = counts[size.label][variant];
          const per = (c["Q5.create"] + c["Q5.complete"] + c["Q5.link"]) / 3;
          record(rows, { size: size.label, accounts: size.accounts, query: "Q5", variant }, round(per, 1), round(per - c.auth, 1), result, m);
        } finally {
          await s.stop();
        }
      } finally {
        for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) rmSync(f, { force: true });
      }
    }

    // 4. Soak: Q2 on (a) for o.soak seconds in 10-s windows; p99 and RSS per window.
    if (o.soak > 0) {
      const s = await startGraphql(data, "a");
      try {
        const bodies = readBodies(data, "Q2");
        await cannon(s.url, rotating(bodies), o.connections, Math.max(o.warmup, 3));
        await waitIdle(s);
        const startRss = s.mem().rssKb;
        const windows: Array<{ second: number; rps: number; p50: number; p99: number; rssMb: number }> = [];
        const n = Math.max(1, Math.round(o.soak / 10));
        for (let i = 0; i < n; i++) {
          const r = await cannon(s.url, rotating(bodies), o.connections, o.soak / n);
          windows.push({ second: round(((i + 1) * o.soak) / n, 0), rps: round(r.requests.total / r.duration, 1), p50: r.latency.p50, p99: r.latency.p99, rssMb: mb(s.mem().rssKb) });
        }
        const m = s.mem();
        soak = { size: size.label, query: "Q2", variant: "a", seconds: o.soak, startRssMb: mb(startRss), endRssMb: mb(m.rssKb), peakRssMb: mb(m.hwmKb), windows };
        log(`  soak Q2 (a) ${o.soak} s: RSS ${mb(startRss)} -> ${mb(m.rssKb)} MB (peak ${mb(m.hwmKb)}); p99 per window ${windows.map((x) => x.p99).join(", ")} ms; req/s ${windows.map((x) => x.rps).join(", ")}`);
      } finally {
        await s.stop();
      }
    }

    // 5. Optional CPU profile of Q2 on (a).
    if (o.profile) {
      const dir = join(o.outDir, `profile-${stamp(started)}`);
      mkdirSync(dir, { recursive: true });
      const s = await startGraphql(data, "a", { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir] });
      const bodies = readBodies(data, "Q2");
      try {
        await cannon(s.url, rotating(bodies), o.connections, o.duration);
      } finally {
        await s.stop();
      }
      profile = summarizeProfile(dir);
      log(`  profile of Q2 (a) written to ${dir}`);
    }
  }

  if (o.checkOnly) return;
  if (!o.pgOnly) finishSize(o.sizes[o.sizes.length - 1].label);

  // 6. Optional: Q2 and Q3 on PostgreSQL, (a) and (b), at the main size.
  if (o.postgres) {
    const main = o.sizes.find((x) => x.label === o.main) ?? o.sizes[o.sizes.length - 1];
    const t0 = Date.now();
    const data = await ensureData(main.accounts);
    const label = `${main.label} PG`;
    const database = o.pgDatabase ?? `bench_${main.accounts}`;
    const { url, drop } = await scratchPostgres(o.postgres, database);
    try {
      log(`\n== ${label}: moving ${data.file} to PostgreSQL`);
      const moved = await moveSqliteToPostgres({ from: `sqlite:${data.file}`, to: url });
      if (!moved.ok) throw new Error("the move to PostgreSQL failed its checks");
      await withPg(url, (c) => c.query("VACUUM ANALYZE"));
      log(`  ${moved.tables.reduce((n, t) => n + t.target, 0).toLocaleString("en-US")} rows moved and verified`);
      counts[label] = {};
      const pgPlans: Record<string, LoggedStatement[]> = {};
      for (const variant of o.pgOnly ? [] : (["a", "b"] as const)) {
        const sl = await startGraphql(data, variant, { logging: true, databaseUrl: url });
        try {
          const c: Record<string, number> = { auth: (await statementsOf(sl, body(AUTH_ONLY))).statements.length, Q1: (await statementsOf(sl, body(Q1))).statements.length };
          for (const q of ["Q2", "Q3"] as const) {
            const r = await statementsOf(sl, readBodies(data, q)[0]);
            assertOk(`${q} (${variant}, PostgreSQL)`, r.response);
            c[q] = r.statements.length;
            if (variant === "a") pgPlans[q] = r.statements;
          }
          counts[label][variant] = c;
          if (variant === "a") failedPgPlans = (await runPgPlanCheck(url, sl, pgPlans, plans, label)) || failedPgPlans;
          log(`  statements per request (${variant}): ${Object.entries(c).map(([k, v]) => `${k}=${v}`).join(" ")}`);
        } finally {
          await sl.stop();
        }
        const s = await startGraphql(data, variant, { databaseUrl: url });
        try {
          for (const q of ["Q2", "Q3"] as const) {
            const bodies = readBodies(data, q);
            const check = await post(s.url, bodies[0]);
            assertOk(`${q} (${variant}, PostgreSQL)`, check);
            s.resetPeak();
            // the naive Q3 takes ~15 s alone on PostgreSQL: up to 5 minutes, so that some requests complete
            const result = await load(s, () => rotating(bodies), o, check.ms, o.duration, 300);
            const m = s.mem();
            const statements = counts[label][variant][q];
            record(rows, { size: label, accounts: main.accounts, query: q, variant }, statements, statements - counts[label][variant].auth, result, m);
          }
        } finally {
          await s.stop();
        }
      }
      log(`\n== ${label}: PostGraphile 4 on the same database`);
      const period = withSqlite(data.file, (db) => db.prepare("SELECT start_date AS start, end_date AS end FROM period WHERE id = ?").get(data.periodId) as { start: string; end: string });
      peer = await comparePeer(
        {
          log,
          ours: (databaseUrl, logging, compiledReads) => startGraphql(data, "a", { logging, databaseUrl: databaseUrl ?? undefined, compiledReads }),
          peer: startPeer,
          post,
          assertOk,
          statementsOf,
          measure: (s, bodies, singleMs, hooks, maxSeconds) => load(s, () => rotating(bodies), o, singleMs, o.duration, maxSeconds, hooks),
          rps: (m) => m.rps,
          p50: (m) => m.p50,
          p99: (m) => m.p99,
          requests: (m) => m.requests,
          nodeCpu: (m) => m.serverCpuMsPerRequest,
        },
        {
          url,
          database,
          sqlite: data.file,
          period: { id: data.periodId, globalId: gid("Period", data.periodId), ...period },
          accounts: data.q2Accounts.map((id) => ({ id, globalId: gid("Account", id) })),
          rounds: o.pgRounds,
        },
      );
      log(`\n${peer.table}`);
    } finally {
      await drop();
    }
    datasets[label] = { accounts: main.accounts, file: `${o.postgres.replace(/\/\/[^@/]*@/, "//")} (bench_${main.accounts})`, generated: null, seconds: round((Date.now() - t0) / 1000, 0) };
    log(`  (${label} took ${datasets[label].seconds} s)`);
  }

  // Table
  const table = [rows.length ? renderTable(rows, o) : "", peer?.table ?? ""].filter(Boolean).join("\n\n");
  log(`\n${table}`);
  const results = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAvgAtEnd: loadavg().map((x) => round(x, 2)) },
    options: { ...o, outDir: undefined },
    variants: VARIANT_LABEL,
    datasets,
    statementCounts: counts,
    queryPlans: plans,
    listQueryPlans: listPlans,
    exportRuns,
    floorChecks,
    rows,
    soak,
    profile,
    peer,
    table,
  };
  mkdirSync(o.outDir, { recursive: true });
  const out = join(o.outDir, `${stamp(started)}.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nresults: ${out} (${round((Date.now() - started.getTime()) / 1000, 0)} s)`);
  if (failedPgPlans) {
    log("FAILED: the PostgreSQL query-plan check found sequential scans of growing tables (above)");
    process.exitCode = 1;
  }
}

/** Set when the PostgreSQL plan check found a sequential scan of a growing table: the run exits with 1. */
let failedPgPlans = false;

/** The PostgreSQL query-plan check (bench/pg-plan-check.ts) of Q2, Q3 (statements logged already) and Q4. */
async function runPgPlanCheck(url: string, s: Server, logged: Record<string, LoggedStatement[]>, into: Record<string, Record<string, unknown>>, label: string): Promise<boolean> {
  const q4 = await statementsOf(s, body(Q4));
  assertOk("Q4 (a, PostgreSQL)", q4.response);
  logged.Q4 = q4.statements;
  let failed = false;
  into[label] = {};
  for (const [q, statements] of Object.entries(logged)) {
    const checks = await checkPgPlans(url, statements.filter((x) => !isAuthentication(x.sql)));
    into[label][q] = checks;
    log(`  ${describePgChecks(q, checks)}`);
    if (checks.some((c) => c.seqScans.length)) failed = true;
  }
  return failed;
}

function withSqlite<T>(file: string, fn: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
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

/** A fresh, empty database `name` on the server of `adminUrl`, and how to drop it. */
async function scratchPostgres(adminUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const recreate = (sql: string) => withPg(adminUrl, (c) => c.query(sql));
  await recreate(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await recreate(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: async () => void (await recreate(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
}

function renderTable(rows: Row[], o: Options): string {
  const head = ["size", "query", "SQL/req a", "b", "c", "req/s a", "b", "c", "p50 ms a", "b", "c", "p99 ms a", "b", "c", "CPU ms/req a", "b", "c", "peak RSS MB a", "b", "c", "p50 a/c", "p50 b/a", "req/s a/b"];
  const out: string[][] = [head];
  const keys = [...new Set(rows.map((r) => `${r.size}|${r.query}`))];
  for (const k of keys) {
    const [size, query] = k.split("|");
    const by = (v: Variant) => rows.find((r) => r.size === size && r.query === query && r.variant === v);
    const a = by("a");
    const b = by("b");
    const c = by("c");
    const f = (r: Row | undefined, g: (r: Row) => number | string | null) => (r ? String(g(r) ?? "") : "-");
    const ratio = (x: number | undefined, y: number | undefined) => (x && y ? `${round(x / y, 2)}x` : "-");
    out.push([
      `${size} (${a?.accounts ?? b?.accounts ?? c?.accounts})`,
      query,
      f(a, (r) => r.statementsNet),
      f(b, (r) => r.statementsNet),
      f(c, (r) => r.statementsNet),
      f(a, (r) => r.result.rps),
      f(b, (r) => r.result.rps),
      f(c, (r) => r.result.rps),
      f(a, (r) => r.result.p50),
      f(b, (r) => r.result.p50),
      f(c, (r) => r.result.p50),
      f(a, (r) => r.result.p99),
      f(b, (r) => r.result.p99),
      f(c, (r) => r.result.p99),
      f(a, (r) => r.result.serverCpuMsPerRequest),
      f(b, (r) => r.result.serverCpuMsPerRequest),
      f(c, (r) => r.result.serverCpuMsPerRequest),
      f(a, (r) => r.peakRssMb),
      f(b, (r) => r.peakRssMb),
      f(c, (r) => r.peakRssMb),
      ratio(a?.result.p50, c?.result.p50),
      ratio(b?.result.p50, a?.result.p50),
      // from the unrounded rates: 0.0333 req/s is printed as 0.03
      ratio(a && a.result.requests / a.result.seconds, b && b.result.requests / b.result.seconds),
    ]);
  }
  const widths = head.map((_, i) => Math.max(...out.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i < 2 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [
    `SQL/req: statements per request counted from DB_LOGGING output, minus authentication's (\`{ __typename }\`); Q1 shows its own count; Q5 averages create/complete/link.`,
    `a = ${VARIANT_LABEL.a}, b = ${VARIANT_LABEL.b}, c = ${VARIANT_LABEL.c}; ${o.connections} connections, ${o.warmup} s warm-up, ${o.duration} s measured` +
      ` (slow queries: 3 rounds of all connections, at most 60 s)${o.nodeOptions ? `; servers with NODE_OPTIONS=${o.nodeOptions}` : ""}.`,
    `CPU ms/req: server process CPU time (user + system) per completed request during the measured run.`,
    "",
    line(out[0]),
    sep,
    ...out.slice(1).map(line),
  ].join("\n");
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
