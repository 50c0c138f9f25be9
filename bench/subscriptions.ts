/**
 * Subscriptions and the webhook outbox, measured.
 *
 *   npm run bench:subscriptions [-- --changes 1000 --postgres postgres://postgres@127.0.0.1:5432/postgres
 *                                 --duration 10 --connections 8 --before /tmp/before/dist/src/main.js]
 *
 * 1. Fan-out latency across two processes (PostgreSQL): two servers on one fresh database, a
 *    graphql-ws subscriber on process A, `--changes` plan renames sent one after another through
 *    process B. Per change: from sending the mutation to the event at the subscriber ("end to end",
 *    includes the mutation), and from B's HTTP answer (the commit is before it) to the event ("after
 *    the answer": the NOTIFY -> LISTEN -> subscription path; negative when the event wins the race).
 * 2. The outbox's cost on the Q5 write mix (bench/queries.ts: createActivity, completeActivity,
 *    linkOpportunityToPlan; each writes one or two plan audit entries, so one or two outbox statements
 *    and, on PostgreSQL, NOTIFYs), on SQLite and PostgreSQL: `--before` (a build without this feature,
 *    e.g. the branch point compiled elsewhere), this build without webhooks, and this build with one
 *    webhook subscribed to every event (rows written and delivered to a local receiver). The variants
 *    run interleaved, twice each, and the better run counts (the machine is shared).
 * Prints a table and writes bench/results/subscriptions-<timestamp>.json.
 */
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer as netServer } from "node:net";
import { randomBytes } from "node:crypto";
import { createClient } from "graphql-ws";
import { Client } from "pg";
import WebSocket from "ws";

const ROOT = resolve(__dirname, "..", "..");
const THIS_MAIN = join(ROOT, "dist", "src", "main.js");
const log = (s = "") => process.stdout.write(`${s}\n`);


const freePort = () =>
  new Promise<number>((ok) => {
    const s = netServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => ok(typeof a === "object" && a ? a.port : 0));
    });
  });

interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(main: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", HOST: "127.0.0.1", PORT: String(port), SEED_DEMO: "true", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ; ) {
    try {
      if ((await fetch(`${base}/ready`)).status === 200) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server ${main} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `${base}/graphql`,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function gql(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const json = (await res.json()) as { data?: any; errors?: unknown[] };
  if (json.errors?.length) throw new Error(`${query}: ${JSON.stringify(json.errors)}`);
  return json.data;
}

async function freshPg(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_subs_${randomBytes(4).toString("hex")}`;
  const c = new Client({ connectionString: base });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const d = new Client({ connectionString: base });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

/** An account, a year and a plan owned by demo-giulia, plus five opportunities (the Q5 fixture). */
async function fixture(url: string) {
  const tag = randomBytes(3).toString("hex");
  const account = (await gql(url, "demo-giulia", `mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: `Bench ${tag}` })).createAccount.id;
  const period = (await gql(url, "demo-admin", `mutation($n: String!) { createPeriod(input: { name: $n, type: YEAR, startDate: "2035-01-01", endDate: "2035-12-31" }) { id } }`, { n: `FY ${tag}` }))
    .createPeriod.id;
  const plans: string[] = [];
  for (let i = 0; i < 3; i++) {
    plans.push((await gql(url, "demo-giulia", `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, { i: { name: `Bench plan ${i}`, accountId: account, periodId: period } })).createBusinessPlan.id);
  }
  const opps: string[] = [];
  for (let i = 0; i < 5; i++) {
    opps.push((await gql(url, "demo-giulia", `mutation($a: ID!) { createOpportunity(input: { accountId: $a, name: "Bench deal", revenue: "10.00" }) { id } }`, { a: account })).createOpportunity.id);
  }
  return { account, period, plans, opps };
}

// ---------------------------------------------------------------- 1. fan-out

async function fanOut(pgBase: string, changes: number) {
  const db = await freshPg(pgBase);
  const env = { DATABASE_URL: db.url };
  const a = await startServer(THIS_MAIN, env);
  const b = await startServer(THIS_MAIN, env);
  const client = createClient({ url: a.url.replace("http", "ws"), webSocketImpl: WebSocket, connectionParams: { authorization: "Bearer demo-alan" }, retryAttempts: 0 });
  try {
    const fx = await fixture(b.url);
    const plan = fx.plans[0];
    let waiting: { name: string; resolve: (t: number) => void } | null = null;
    const dispose = client.subscribe<any>(
      { query: `subscription($a: ID!) { planChanged(accountId: $a) { action changedAt plan { id name } } }`, variables: { a: fx.account } },
      {
        next: (r) => {
          const t = performance.now();
          if (waiting && r.data?.planChanged.plan.name === waiting.name) {
            const w = waiting;
            waiting = null;
            w.resolve(t);
          }
        },
        error: (e) => log(`subscription error: ${JSON.stringify(e)}`),
        complete: () => undefined,
      },
    );
    const rename = (name: string) => gql(b.url, "demo-giulia", `mutation($id: ID!, $n: String!) { updateBusinessPlan(id: $id, input: { name: $n }) { id } }`, { id: plan, n: name });
    const change = async (name: string, boundMs: number) => {
      const got = new Promise<number>((resolve, reject) => {
        waiting = { name, resolve };
        setTimeout(() => reject(new Error(`no event for ${name} within ${boundMs} ms`)), boundMs).unref();
      });
      const t0 = performance.now();
      await rename(name);
      const t1 = performance.now();
      const t2 = await got;
      return { endToEnd: t2 - t0, afterAnswer: t2 - t1, mutation: t1 - t0 };
    };
    // live: retry the first change until the subscription answers
    for (let i = 0; ; i++) {
      try {
        await change(`warm ${i}`, 500);
        break;
      } catch {
        if (i > 40) throw new Error("subscription never became live");
      }
    }
    for (let i = 0; i < 50; i++) await change(`warmup ${i}`, 10_000);
    const rows: Array<{ endToEnd: number; afterAnswer: number; mutation: number }> = [];
    for (let i = 0; i < changes; i++) rows.push(await change(`change ${i}`, 10_000));
    dispose();
    const col = (k: keyof (typeof rows)[0]) => rows.map((r) => r[k]);
    return {
      changes,
      endToEnd: { p50: round(pct(col("endToEnd"), 50)), p99: round(pct(col("endToEnd"), 99)), max: round(Math.max(...col("endToEnd"))) },
      afterAnswer: { p50: round(pct(col("afterAnswer"), 50)), p99: round(pct(col("afterAnswer"), 99)), max: round(Math.max(...col("afterAnswer"))) },
      mutation: { p50: round(pct(col("mutation"), 50)), p99: round(pct(col("mutation"), 99)) },
    };
  } finally {
    await client.dispose();
    await a.stop();
    await b.stop();
    await db.drop();
  }
}

// ---------------------------------------------------------------- 2. Q5 with and without the outbox

const Q5_CREATE = `mutation CreateActivity($input: CreateActivityInput!) { createActivity(input: $input) { id status } }`;
const Q5_COMPLETE = `mutation CompleteActivity($id: ID!) { completeActivity(id: $id, notes: "done") { id status completedAt } }`;
const Q5_LINK = `mutation Link($opp: ID!, $plan: ID!) { linkOpportunityToPlan(opportunityId: $opp, planId: $plan) { id } }`;

async function q5(url: string, fx: Awaited<ReturnType<typeof fixture>>, seconds: number, connections: number) {
  const lat: number[] = [];
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const timed = async (q: string, v: Record<string, unknown>) => {
    const t = performance.now();
    const d = await gql(url, "demo-giulia", q, v);
    lat.push(performance.now() - t);
    n++;
    return d;
  };
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let i = 0; performance.now() < end; i++) {
        const plan = fx.plans[(c + i) % fx.plans.length];
        const id = (await timed(Q5_CREATE, { input: { subject: `Bench call ${c}.${i}`, type: "CALL", accountId: fx.account, planId: plan, dueAt: "2035-05-04T10:00:00.000Z" } }))
          .createActivity.id;
        await timed(Q5_COMPLETE, { id });
        await timed(Q5_LINK, { opp: fx.opps[(c + i) % fx.opps.length], plan });
      }
    }),
  );
  return { requests: n, rps: round(n / seconds, 1), p50: round(pct(lat, 50)), p99: round(pct(lat, 99)) };
}

async function outboxOverhead(pgBase: string | null, before: string | null, seconds: number, connections: number) {
  const receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const rport = (receiver.address() as { port: number }).port;
  const variants: Array<{ name: string; main: string; webhook: boolean }> = [
    ...(before ? [{ name: "before (no outbox)", main: before, webhook: false }] : []),
    { name: "outbox, no webhook", main: THIS_MAIN, webhook: false },
    { name: "outbox + 1 webhook (all events)", main: THIS_MAIN, webhook: true },
  ];
  const results: Record<string, Record<string, ReturnType<typeof q5> extends Promise<infer R> ? R : never>> = {};
  const dir = mkdtempSync(join(tmpdir(), "bench-subs-"));
  try {
    for (const dialect of ["sqlite", ...(pgBase ? ["postgres"] : [])]) {
      results[dialect] = {};
      for (let round = 0; round < 2; round++) {
        for (const v of variants) {
          const db = dialect === "sqlite" ? { url: `sqlite:${join(dir, `${randomBytes(4).toString("hex")}.sqlite`)}`, drop: async () => {} } : await freshPg(pgBase!);
          const s = await startServer(v.main, { DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_INTERVAL_MS: "200" });
          try {
            const fx = await fixture(s.url);
            if (v.webhook) await gql(s.url, "demo-admin", `mutation($u: String!) { createWebhook(input: { url: $u, events: [] }) { secret } }`, { u: `http://127.0.0.1:${rport}/hook` });
            await q5(s.url, fx, 2, connections); // warm-up
            const r = await q5(s.url, fx, seconds, connections);
            const prev = results[dialect][v.name];
            if (!prev || r.rps > prev.rps) results[dialect][v.name] = r;
            log(`  ${dialect} ${v.name} (run ${round + 1}): ${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
          } finally {
            await s.stop();
            await db.drop();
          }
        }
      }
    }
  } finally {
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function main() {
  const str = { type: "string" } as const;
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { postgres: str, changes: str, duration: str, connections: str, before: str, only: str },
    strict: true,
  });
  const arg = (name: keyof typeof values, fallback: string) => values[name] ?? fallback;
  const pgBase = arg("postgres", "postgres://postgres@127.0.0.1:5432/postgres");
  const changes = Number(arg("changes", "1000"));
  const seconds = Number(arg("duration", "10"));
  const connections = Number(arg("connections", "8"));
  const before = arg("before", "") || null;
  const only = arg("only", "all");
  const out: Record<string, unknown> = { at: new Date().toISOString(), changes, seconds, connections, before };
  if (only === "all" || only === "fanout") {
    log(`fan-out: ${changes} changes through process B, subscriber on process A (PostgreSQL)`);
    out.fanOut = await fanOut(pgBase, changes);
    log(JSON.stringify(out.fanOut, null, 2));
  }
  if (only === "all" || only === "outbox") {
    log(`Q5 write mix, ${seconds} s x ${connections} connections per variant`);
    out.q5 = await outboxOverhead(pgBase, before, seconds, connections);
    log(JSON.stringify(out.q5, null, 2));
  }
  const dir = join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `subscriptions-${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}Z.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
