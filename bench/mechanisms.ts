/**
 * What each performance mechanism buys: Q2 and Q3 with every mechanism on, and
 * with each one switched off in turn, on SQLite and (with --postgres) PostgreSQL.
 *
 *   npm run build && node dist/bench/mechanisms.js [--size S] [--rounds 3] [--q2 200] [--q3 20] [--warmup 3]
 *       [--connections 2] [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--configs all,graphql-js,...]
 *
 * A configuration is a set of environment variables for `node dist/src/main.js`
 * (CONFIGS below). The rounds are interleaved (round 1: every configuration, round
 * 2: every configuration in the next rotation, ...) so that the load of a busy
 * machine falls on all of them alike. Each measurement is a fixed number of requests
 * (--q2, --q3) after a warm-up (--warmup requests per connection) and once the server
 * is idle again; the figures are the medians over the rounds of server CPU ms per
 * request (user + system, /proc/<pid>/stat) and requests/s.
 * Every response is checked to be the same document as the "all" configuration's.
 * Data: bench/data/size-N.sqlite (generated if missing, like npm run bench), moved
 * into a scratch PostgreSQL database bench_mech_<N> for the PostgreSQL pass.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import BetterSqlite3 from "better-sqlite3";
import { Client } from "pg";
import { moveSqliteToPostgres } from "../scripts/migrate-to-postgres";
import { toGlobalId as gid } from "../src/common/ids";
import { openDatabase } from "../src/db/data-source";
import { BENCH_TOKEN, defaultDataFile, generateSqliteFile } from "./generate";
import { Q2, Q3 } from "./queries";

const ROOT = resolve(__dirname, "..", "..");
const SIZES: Record<string, number> = { S: 20, M: 200, L: 2000 };
const HEADERS = { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` };

/** Every mechanism on ("all"), and each switched off alone. */
export const CONFIGS: Record<string, Record<string, string>> = {
  all: {},
  "graphql-js": { GRAPHQL_EXECUTOR: "graphql-js" },
  "no-projections": { PROJECTIONS: "false" },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => ok(typeof a === "object" && a ? a.port : 0));
    });
  });
}

async function start(databaseUrl: string, extra: Record<string, string>): Promise<{ proc: ChildProcess; url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: "production", SEED_DEMO: "false", LOG_LEVEL: "warn", DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", ...extra };
  const proc = spawn(process.execPath, [join(ROOT, "dist", "src", "main.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}/graphql`;
  for (const until = Date.now() + 60_000; ; ) {
    if (proc.exitCode !== null) throw new Error(`server exited:\n${out}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status < 500) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`server not ready:\n${out}`);
    await sleep(100);
  }
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  };
  return { proc, url, pid: proc.pid!, stop };
}

/** Waits until the server's CPU time stops moving (requests a finished load left in flight). */
async function idle(pid: number): Promise<void> {
  let last = cpuMs(pid);
  for (let quiet = 0, n = 0; quiet < 3 && n < 600; n++) {
    await sleep(100);
    const now = cpuMs(pid);
    quiet = now - last <= 10 ? quiet + 1 : 0;
    last = now;
  }
}

async function cannon(url: string, bodies: string[], connections: number, amount: number): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((ok, fail) => {
    autocannon(
      { url, connections, amount, timeout: 600, headers: HEADERS, method: "POST", requests: [{ method: "POST", setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }] },
      (err, res) => (err ? fail(err) : ok(res)),
    );
  });
}

/** One request of each body: the documents (to compare configurations), no errors. */
async function documents(url: string, bodies: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const b of bodies) {
    const r = await fetch(url, { method: "POST", headers: HEADERS, body: b });
    const text = await r.text();
    if (r.status !== 200 || text.includes('"errors":[')) throw new Error(`bad response ${r.status}: ${text.slice(0, 500)}`);
    out.push(text);
  }
  return out;
}

interface Sample {
  db: string;
  config: string;
  query: "Q2" | "Q3";
  round: number;
  cpuMsPerRequest: number;
  rps: number;
}

async function main() {
  const str = { type: "string" } as const;
  const { values: arg } = parseArgs({
    args: process.argv.slice(2),
    options: { size: str, rounds: str, q2: str, q3: str, warmup: str, connections: str, postgres: str, configs: str },
    strict: true,
  });
  const size = (arg.size ?? "S").toUpperCase();
  const accounts = SIZES[size] ?? Number(size);
  const rounds = Number(arg.rounds ?? 3);
  const amounts = { Q2: Number(arg.q2 ?? 200), Q3: Number(arg.q3 ?? 20) };
  const warmup = Number(arg.warmup ?? 3);
  const connections = Number(arg.connections ?? 2);
  const pgAdmin = arg.postgres;
  const names = (arg.configs ?? Object.keys(CONFIGS).join(",")).split(",");
  for (const n of names) if (!CONFIGS[n]) throw new Error(`unknown configuration ${n} (${Object.keys(CONFIGS).join(", ")})`);

  const file = defaultDataFile(accounts);
  if (!existsSync(file)) await generateSqliteFile(file, accounts, { log: (l: string) => console.log(l) });
  const db = new BetterSqlite3(file, { readonly: true });
  const periodId = db.prepare("SELECT id FROM period WHERE type = 'YEAR' AND start_date = '2026-01-01'").pluck().get() as number;
  const ids = db.prepare("SELECT id FROM account ORDER BY id").pluck().all() as number[];
  db.close();
  const n = Math.min(16, ids.length);
  const period = gid("Period", periodId);
  const bodies = {
    Q2: Array.from({ length: n }, (_, i) => JSON.stringify({ query: Q2, variables: { id: gid("Account", ids[Math.floor(((i + 0.5) * ids.length) / n)]), period } })),
    Q3: [JSON.stringify({ query: Q3, variables: { period } })],
  };

  // bring the data file's schema up to date (a file generated before the latest migrations)
  await (await openDatabase({ databaseUrl: `sqlite:${file}`, dbLogging: false, dbPoolSize: 1, databaseSsl: false })).close();
  const databases: Array<{ label: string; url: string; drop?: () => Promise<void> }> = [{ label: "SQLite", url: `sqlite:${file}` }];
  if (pgAdmin) {
    const name = `bench_mech_${accounts}`;
    const admin = async (sql: string) => {
      const c = new Client({ connectionString: pgAdmin });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(pgAdmin);
    u.pathname = `/${name}`;
    await moveSqliteToPostgres({ from: `sqlite:${file}`, to: u.toString() });
    databases.push({ label: "PostgreSQL", url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) });
  }

  const samples: Sample[] = [];
  try {
    for (const d of databases) {
      const reference: Record<string, string[]> = {};
      for (let r = 0; r < rounds; r++) {
        const order = names.map((_, i) => names[(i + r) % names.length]);
        for (const config of order) {
          const s = await start(d.url, CONFIGS[config]);
          try {
            for (const q of ["Q2", "Q3"] as const) {
              const docs = await documents(s.url, bodies[q]);
              const key = q;
              if (!reference[key]) reference[key] = docs;
              else if (docs.join("\n") !== reference[key].join("\n")) throw new Error(`${d.label} ${config} ${q}: a different document than the first configuration's`);
              if (warmup > 0) await cannon(s.url, bodies[q], connections, warmup * connections);
              await idle(s.pid);
              const c0 = cpuMs(s.pid);
              const res = await cannon(s.url, bodies[q], connections, amounts[q]);
              const c1 = cpuMs(s.pid);
              const total = res.requests.total;
              const sample: Sample = { db: d.label, config, query: q, round: r + 1, cpuMsPerRequest: round((c1 - c0) / Math.max(1, total)), rps: round(total / res.duration) };
              samples.push(sample);
              console.log(JSON.stringify(sample));
            }
          } finally {
            await s.stop();
          }
        }
      }
    }
  } finally {
    for (const d of databases) await d.drop?.();
  }

  console.log(`\nmedians over ${rounds} interleaved rounds, size ${size} (${accounts} accounts), ${connections} connections, ${amounts.Q2} Q2 / ${amounts.Q3} Q3 requests each:`);
  console.log("| database | query | configuration | CPU ms/req | req/s | CPU vs all |");
  console.log("| --- | --- | --- | ---: | ---: | ---: |");
  for (const d of databases) {
    for (const q of ["Q2", "Q3"] as const) {
      const of = (config: string) => samples.filter((s) => s.db === d.label && s.query === q && s.config === config);
      const base = median(of("all").map((s) => s.cpuMsPerRequest));
      for (const config of names) {
        const cpu = median(of(config).map((s) => s.cpuMsPerRequest));
        const rps = median(of(config).map((s) => s.rps));
        const vs = config === "all" || !base ? "" : `${cpu >= base ? "+" : ""}${round(((cpu - base) / base) * 100, 0)}%`;
        console.log(`| ${d.label} | ${q} | ${config} | ${round(cpu)} | ${round(rps, 1)} | ${vs} |`);
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
