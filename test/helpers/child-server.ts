import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");
export const MAIN_JS = resolve(ROOT, "dist", "src", "main.js");

/** Child-process tests run the compiled code: `npx tsc -p tsconfig.json` (npm test does it in pretest). */
export function assertCompiled(...files: string[]): void {
  for (const f of [MAIN_JS, ...files]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: compile first with \`npx tsc -p tsconfig.json\` (npm test does it in pretest)`);
  }
}

export interface ChildServer {
  child: ChildProcess;
  port: number;
  origin: string;
  output(): string;
  /** Resolves when stdout+stderr match `re` (rejects after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

/** Starts `node dist/src/main.js` on port 0 with `env`; resolves once it listens. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  assertCompiled();
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once("exit", (code, signal) => res({ code, signal })));
  const waitFor = (re: RegExp, ms = 20_000) =>
    new Promise<void>((res, rej) => {
      const check = () => {
        if (re.test(out)) {
          waiters.splice(waiters.indexOf(check), 1);
          clearTimeout(t);
          res();
        }
      };
      const t = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        rej(new Error(`timed out waiting for ${re} in server output:\n${out}`));
      }, ms);
      waiters.push(check);
      check();
    });
  const early = exited.then(({ code }) => {
    throw new Error(`server exited (${code}) before listening:\n${out}`);
  });
  await Promise.race([waitFor(/"msg":"Account Planning API listening"/), early]);
  early.catch(() => undefined);
  const url = /"url":"(http:\/\/[^"]+)"/.exec(out)![1];
  const origin = new URL(url).origin;
  return {
    child,
    port: Number(new URL(url).port),
    origin,
    output: () => out,
    waitFor,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
