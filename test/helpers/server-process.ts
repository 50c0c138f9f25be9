/**
 * Runs the compiled API server (`node dist/src/main.js`) as a child process,
 * for tests that need real, separate processes. Compile first (`npm test`
 * does it in pretest; otherwise `npx tsc -p tsconfig.json`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

export const MAIN_JS = resolve(__dirname, "..", "..", "dist", "src", "main.js");

/** A port that was free a moment ago (the OS picks it; PORT=0 would not tell us which one the server got). */
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

export interface ServerProcess {
  url: string;
  base: string;
  child: ChildProcess;
  /** stdout + stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the server with exactly `env` (plus PATH) and resolves once /ready answers 200. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: compile first (npx tsc -p tsconfig.json, or npm test)`);
  const port = env.PORT ?? String(await freePort());
  const host = env.HOST ?? "127.0.0.1";
  const child = spawn(process.execPath, [MAIN_JS], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", LOG_LEVEL: "silent", ...env, PORT: port, HOST: host },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  let exited: number | null | undefined;
  const exitedP = new Promise<void>((r) =>
    child.once("exit", (code) => {
      exited = code;
      r();
    }),
  );
  const base = `http://${host}:${port}`;
  const proc: ServerProcess = {
    url: `${base}/graphql`,
    base,
    child,
    output: () => out,
    async stop() {
      if (exited === undefined) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exitedP;
        clearTimeout(t);
      }
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`server on port ${port} exited with ${exited} before it was ready:\n${out}`);
    try {
      const res = await fetch(`${base}/ready`);
      if (res.status === 200) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`server on port ${port} not ready after ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface GqlResponse<T = any> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

/** POSTs one GraphQL operation with global fetch. */
export async function postGql<T = any>(url: string, token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as GqlResponse<T>;
  } catch {
    throw new Error(`HTTP ${res.status} from ${url}: ${text.slice(0, 500)}`);
  }
}
