/**
 * Before/after of a Node-side change, interleaved: two builds of the server (two dist
 * directories) on the same database, one under load at a time, alternating for `--rounds`
 * rounds; per round req/s, p50 and the server's CPU ms per request. Medians (min-max) and the
 * median of the per-round ratios b/a.
 *
 *   cp -r dist /tmp/dist-before && (change, npx tsc)
 *   node dist/bench/ab.js --a /tmp/dist-before --b dist --db postgres://.../bench --query Q2 [--rounds 5 --duration 10 --warmup 3 --env K=V --env-b K=V
 *     --node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
 *
 * The dist directories must lie inside the project (node_modules is resolved upwards).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { toGlobalId as gid } from "../src/common/ids";
import { BENCH_TOKEN } from "./generate";
import { Q2_PLAIN, Q3_PLAIN } from "./postgraphile";
import { Q2, Q3 } from "./queries";

const argv: string[] = [];
for (const a of process.argv.slice(2)) {
  // --node-args takes node's own flags ("--cpu-prof ..."): joined to it as --node-args=VALUE, so they are not read as options
  if (argv.at(-1) === "--node-args") argv[argv.length - 1] = `--node-args=${a}`;
  else argv.push(a);
}
const str = { type: "string" } as const;
const { values } = parseArgs({
  args: argv,
  options: {
    a: str, b: str, db: str, query: str, rounds: str, duration: str, warmup: str, period: str, accounts: str, "node-args": str,
    env: { type: "string", multiple: true },
    "env-b": { type: "string", multiple: true },
  },
  strict: true,
});
const get = (n: Exclude<keyof typeof values, "env" | "env-b">, d?: string) => values[n] ?? d;
const all = (n: "env" | "env-b") => values[n] ?? [];
const HEADERS = { "content-type": "application/json", authorization: `Bearer ${BENCH_TOKEN}` };
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(dir: string, port: number, env: Record<string, string>) {
  const nodeArgs = (get("node-args") ?? "").split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, resolve(dir, "src", "main.js")], {
    env: { ...process.env, NODE_ENV: "production", SEED_DEMO: "false", LOG_LEVEL: "warn", HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: get("db") as string, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status < 500) return proc;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error(`${dir} did not start`);
}

async function main() {
  const rounds = Number(get("rounds", "5"));
  const duration = Number(get("duration", "10"));
  const warmup = Number(get("warmup", "3"));
  const period = gid("Period", Number(get("period", "6")));
  const q = get("query", "Q2") as string;
  const query = ({ Q2, Q3, Q2_PLAIN, Q3_PLAIN } as Record<string, string>)[q];
  const accounts = (get("accounts", "7,19,32,44,57,69,82,94,107,119,132,144,157,169,182,194") as string).split(",").map(Number);
  const bodies = q.startsWith("Q3") ? [JSON.stringify({ query, variables: { period } })] : accounts.map((id) => JSON.stringify({ query, variables: { id: gid("Account", id), period } }));
  const env = Object.fromEntries(all("env").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  const envB = Object.fromEntries(all("env-b").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  const servers = { a: { dir: get("a") as string, port: 4391 }, b: { dir: get("b") as string, port: 4392 } };
  const procs = { a: await start(servers.a.dir, servers.a.port, env), b: await start(servers.b.dir, servers.b.port, { ...env, ...envB }) };
  const out: Record<"a" | "b", Array<{ rps: number; p50: number; cpu: number }>> = { a: [], b: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const k of (r % 2 ? ["b", "a"] : ["a", "b"]) as Array<"a" | "b">) {
        let i = 0;
        const run = (seconds: number) =>
          autocannon({ url: `http://127.0.0.1:${servers[k].port}/graphql`, connections: 10, duration: seconds, method: "POST", headers: HEADERS, requests: [{ method: "POST", setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }] });
        await run(warmup);
        await sleep(500);
        const c0 = cpuMs(procs[k].pid as number);
        const res = await run(duration);
        const c1 = cpuMs(procs[k].pid as number);
        const m = { rps: res.requests.total / res.duration, p50: res.latency.p50, cpu: (c1 - c0) / res.requests.total };
        out[k].push(m);
        process.stdout.write(`round ${r + 1} ${k}: ${m.rps.toFixed(1)} req/s, p50 ${m.p50} ms, CPU ${m.cpu.toFixed(2)} ms/req${res.non2xx || res.errors ? ` ERRORS ${res.non2xx}/${res.errors}` : ""}\n`);
        await sleep(1000);
      }
    }
  } finally {
    procs.a.kill("SIGTERM");
    procs.b.kill("SIGTERM");
  }
  const f = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
  for (const k of ["a", "b"] as const) process.stdout.write(`${k} ${servers[k].dir}: req/s ${f(out[k].map((x) => x.rps))}, p50 ${f(out[k].map((x) => x.p50))}, CPU ms/req ${f(out[k].map((x) => x.cpu))}\n`);
  const ratio = (g: (x: { rps: number; p50: number; cpu: number }) => number) => median(out.a.map((x, i) => g(out.b[i]) / g(x))).toFixed(3);
  process.stdout.write(`b/a per round (median): req/s ${ratio((x) => x.rps)}, p50 ${ratio((x) => x.p50)}, CPU ms/req ${ratio((x) => x.cpu)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
