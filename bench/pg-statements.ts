/**
 * Per-statement times of one request on PostgreSQL: starts the server with DB_LOGGING=true on
 * the database, sends the request once, then runs every statement it logged `--repeat` times on
 * one connection (after one warm-up execution) and prints the median server-side time of each
 * (EXPLAIN (ANALYZE, TIMING OFF)'s "Execution Time", so without the network and the driver),
 * and the round-trip time through node-postgres (text rows parsed).
 *
 *   node dist/bench/pg-statements.js --db postgres://.../bench --query Q2 [--account 7 --period 6 --repeat 7]
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { PG_SESSION_OPTIONS } from "../src/db/data-source";
import { toGlobalId as gid } from "../src/common/ids";
import { BENCH_TOKEN } from "./generate";
import { Q2_PLAIN, Q3_PLAIN } from "./postgraphile";
import { Q2, Q3 } from "./queries";

const str = { type: "string" } as const;
const { values } = parseArgs({ args: process.argv.slice(2), options: { db: str, query: str, repeat: str, period: str, account: str }, strict: true });
const get = (n: keyof typeof values, d?: string) => values[n] ?? d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main() {
  const db = get("db") as string;
  const q = get("query", "Q2") as string;
  const query = ({ Q2, Q3, Q2_PLAIN, Q3_PLAIN } as Record<string, string>)[q];
  const repeat = Number(get("repeat", "7"));
  const period = gid("Period", Number(get("period", "6")));
  const port = 4393;
  let out = "";
  const proc = spawn(process.execPath, [resolve(__dirname, "..", "src", "main.js")], {
    env: { ...process.env, NODE_ENV: "production", SEED_DEMO: "false", LOG_LEVEL: "warn", HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: db, DB_LOGGING: "true" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  proc.stdout?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  try {
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status < 500) break;
      } catch {
        /* not yet */
      }
      await sleep(100);
    }
    await sleep(300);
    const start = out.length;
    const variables = q.startsWith("Q3") ? { period } : { id: gid("Account", Number(get("account", "7"))), period };
    const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const bytes = (await r.text()).length;
    await sleep(500);
    const statements = out
      .slice(start)
      .split(/^query: /m)
      .slice(1)
      .map((part) => {
        const text = part.replace(/\n$/, "");
        const i = text.lastIndexOf(" -- [");
        return i >= 0 ? { sql: text.slice(0, i), params: JSON.parse(text.slice(i + 4)) as unknown[] } : { sql: text, params: [] };
      });
    // the API's own session settings (JIT off, random_page_cost): the plans the server gets
    const c = new Client({ connectionString: db, options: PG_SESSION_OPTIONS });
    await c.connect();
    try {
      let totalExec = 0;
      let totalTrip = 0;
      process.stdout.write(`${q}: ${statements.length} statements, answer ${bytes.toLocaleString("en-US")} bytes\n  exec ms  trip ms   rows  statement\n`);
      for (const st of statements) {
        await c.query(st.sql, st.params);
        const exec: number[] = [];
        const trip: number[] = [];
        let rows = 0;
        for (let k = 0; k < repeat; k++) {
          const plan = await c.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${st.sql}`, st.params);
          exec.push((plan.rows[0]["QUERY PLAN"] as Array<{ "Execution Time": number }>)[0]["Execution Time"]);
          const t = performance.now();
          rows = (await c.query(st.sql, st.params)).rowCount ?? 0;
          trip.push(performance.now() - t);
        }
        totalExec += median(exec);
        totalTrip += median(trip);
        process.stdout.write(`${median(exec).toFixed(2).padStart(9)} ${median(trip).toFixed(2).padStart(8)} ${String(rows).padStart(6)}  ${st.sql.replace(/\s+/g, " ").slice(0, 110)}\n`);
      }
      process.stdout.write(`${totalExec.toFixed(2).padStart(9)} ${totalTrip.toFixed(2).padStart(8)}         total (medians of ${repeat})\n`);
    } finally {
      await c.end();
    }
  } finally {
    proc.kill("SIGTERM");
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
