/**
 * One way to start a real server for a test, in two forms:
 *  - `startTestServer(opts)`: startApp in this process, port 0, a fresh database of
 *    the project's dialect (unless `databaseUrl`), the app's log captured in memory;
 *  - `startServerProcess(env, opts)`: the compiled entry point `node dist/src/main.js`
 *    as a child process (compile first: `npx tsc -p tsconfig.json`; npm test does it),
 *    resolved once it serves. `spawnServer` returns before that; with `preload: true`
 *    the child loads the server's modules first (the slow part of a start), prints
 *    "preloaded" and runs main.js only on `go()` (the crash test restarts quickly so).
 * Plus `runToExit` (a start that must fail) and `postGql` (one operation over HTTP).
 */
import "reflect-metadata";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { type RunningApp, startApp } from "../../src/app";
import { type AppConfig, loadConfig } from "../../src/config";
import { createLogger } from "../../src/logger";
import { freshDatabaseUrl } from "./db";
import type { GqlResult } from "./harness";

export const ROOT = resolve(__dirname, "..", "..");
export const MAIN_JS = resolve(ROOT, "dist", "src", "main.js");

// ---------- in process ----------

export interface TestServer {
  app: RunningApp;
  config: AppConfig;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Raw log output (one JSON object per line). */
  logText(): string;
  /** Parsed log lines written so far. */
  logs(): Array<Record<string, any>>;
  stop(): Promise<void>;
}

/** startApp on port 0 (demo data unless `seed: false`; log level "error" unless given). */
export async function startTestServer(opts: { env?: Record<string, string>; seed?: boolean; logLevel?: string; databaseUrl?: string } = {}): Promise<TestServer> {
  const fresh = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => {} } : await freshDatabaseUrl();
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: "test", ...opts.env }),
    databaseUrl: fresh.url,
    port: 0,
    host: "127.0.0.1",
    seedDemo: opts.seed ?? true,
    logLevel: opts.logLevel ?? "error",
  };
  let text = "";
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const app = await startApp(config, createLogger(config.logLevel, sink));
  // The test's clients share this process's event loop with the server. A test that blocks the loop
  // for seconds (code generation, a compiler) lets the server's 5 s keep-alive timer and the client's
  // reuse of that idle socket race: the server closes it under the next request ("fetch failed").
  // Idle sockets here are closed by the client (undici, 4 s) or by stop(), never under a request.
  app.server.keepAliveTimeout = 0;
  return {
    app,
    config,
    url: app.url,
    origin: new URL(app.url).origin,
    logText: () => text,
    logs: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    async stop() {
      await app.stop();
      await fresh.drop();
    },
  };
}

// ---------- child process ----------

/** Child-process tests run the compiled code. */
export function assertCompiled(...files: string[]): void {
  for (const f of [MAIN_JS, ...files]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: compile first with \`npx tsc -p tsconfig.json\` (npm test does it in pretest)`);
  }
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** Loads the compiled server's modules, says "preloaded", runs main.js on a line on stdin (ends on stdin's end). */
const PRELOAD = `
const { resolve } = require("node:path");
const dist = ${JSON.stringify(resolve(ROOT, "dist", "src"))};
require("reflect-metadata");
require(resolve(dist, "app.js"));
require(resolve(dist, "schema.js")).buildAppSchema();
process.stdout.write("preloaded\\n");
process.stdin.once("data", () => { process.stdin.pause(); require(resolve(dist, "main.js")); });
process.stdin.once("end", () => process.exit(0));`;

export interface ServerProcess {
  child: ChildProcess;
  /** http://host:port/graphql, http://host:port and the port (known once `ready()` resolved). */
  url: string;
  origin: string;
  port: number;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the first match of `re` in the output (rejects after `ms`, or when the process exits first). */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A preloaded process: run main.js now. */
  go(): void;
  /** Resolves once the server serves (GET /ready is 200; with PORT=0, once it announced its URL). */
  ready(timeoutMs?: number): Promise<ServerProcess>;
  /** SIGTERM, then SIGKILL after 10 s; resolves on exit. */
  stop(): Promise<void>;
  /** SIGKILL now (no-op after exit). */
  kill(): void;
}

const ANNOUNCED = /Account Planning API: (http:\/\/\S+)|"url":"(http:\/\/[^"]+)","database"/;

/**
 * Spawns the server with exactly `env` (plus PATH, NODE_ENV=test, LOG_LEVEL=silent,
 * HOST=127.0.0.1 and a free PORT unless given) and returns at once.
 */
export async function spawnServer(env: Record<string, string>, opts: { preload?: boolean } = {}): Promise<ServerProcess> {
  assertCompiled();
  const port = env.PORT ?? String(await freePort());
  const host = env.HOST ?? "127.0.0.1";
  const child = spawn(process.execPath, opts.preload ? ["-e", PRELOAD] : [MAIN_JS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", ...env, PORT: port, HOST: host },
    stdio: [opts.preload ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => {
      done = true;
      r({ code, signal });
      for (const l of [...listeners]) l();
    }),
  );
  const waitFor = (re: RegExp, ms = 30_000) =>
    new Promise<RegExpExecArray>((res, rej) => {
      const stop = () => {
        clearTimeout(timer);
        listeners.splice(listeners.indexOf(check), 1);
      };
      const timer = setTimeout(() => {
        stop();
        rej(new Error(`timed out waiting for ${re} in server output:\n${out}`));
      }, ms);
      const check = () => {
        const m = re.exec(out);
        if (m) {
          stop();
          res(m);
        } else if (done) {
          stop();
          rej(new Error(`server exited before ${re}:\n${out}`));
        }
      };
      listeners.push(check);
      check();
    });
  const proc: ServerProcess = {
    child,
    url: `http://${host}:${port}/graphql`,
    origin: `http://${host}:${port}`,
    port: Number(port),
    output: () => out,
    waitFor,
    exited,
    go: () => void child.stdin!.write("go\n"),
    async ready(timeoutMs = 30_000) {
      if (port === "0") {
        const m = await waitFor(ANNOUNCED, timeoutMs);
        proc.url = m[1] ?? m[2];
        proc.origin = new URL(proc.url).origin;
        proc.port = Number(new URL(proc.url).port);
        return proc;
      }
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (done) throw new Error(`server on port ${port} exited with ${child.exitCode} before it was ready:\n${out}`);
        try {
          if ((await fetch(`${proc.origin}/ready`)).status === 200) return proc;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) {
          await proc.stop();
          throw new Error(`server on port ${port} not ready after ${timeoutMs} ms:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (done) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
    kill() {
      if (!done) child.kill("SIGKILL");
    },
  };
  return proc;
}

/** spawnServer + ready(). */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  return (await spawnServer(env)).ready(timeoutMs);
}

/** Runs main.js until it exits (a start that must be refused); fails when it still runs after `timeoutMs`. */
export async function runToExit(env: Record<string, string>, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
  const p = await spawnServer({ PORT: "0", ...env });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_res, rej) => {
    timer = setTimeout(() => {
      p.kill();
      rej(new Error(`still running after ${timeoutMs} ms:\n${p.output()}`));
    }, timeoutMs);
  });
  const { code } = await Promise.race([p.exited, late]);
  clearTimeout(timer);
  return { code, output: p.output() };
}

// ---------- HTTP ----------

export interface HttpGqlResult<T = any> extends GqlResult<T> {
  status: number;
  headers: Headers;
}
export type GqlResponse<T = any> = HttpGqlResult<T>;

/** POSTs a GraphQL operation as JSON (`token` null: no Authorization header); the body plus status and headers. */
export async function postGql<T = any>(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<HttpGqlResult<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token == null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: GqlResult<T>;
  try {
    body = JSON.parse(text) as GqlResult<T>;
  } catch {
    throw new Error(`HTTP ${res.status} from ${url}: ${text.slice(0, 500)}`);
  }
  return { ...body, status: res.status, headers: res.headers };
}

/** POST /graphql with any JSON body; the raw answer (json null when it is not JSON). */
export async function postGraphql(origin: string, body: unknown, token?: string | null, headers: Record<string, string> = {}) {
  const res = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}
