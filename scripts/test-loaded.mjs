#!/usr/bin/env node
// npm run test:loaded: the whole suite (`npm test`: both projects when TEST_POSTGRES_URL is set)
// while two CPU-burning processes load the machine, to show that no test depends on its speed.
// The burners are started here and always killed afterwards: on success, on failure, on Ctrl-C.
// Extra arguments go to `npm test` (e.g. `npm run test:loaded -- test/crash.test.ts`).
// Plain JavaScript run with node: scripts/*.ts are compiled into dist, this file is not.
import { spawn } from "node:child_process";

const BURNERS = 2;
const started = Date.now();
const burners = Array.from({ length: BURNERS }, () => spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" }));
console.log(`test:loaded: ${BURNERS} CPU burners running (pids ${burners.map((b) => b.pid).join(", ")})`);

let stopped = false;
function stopBurners() {
  if (stopped) return;
  stopped = true;
  for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill("SIGKILL");
}
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// the suite, in its own process group so that Ctrl-C / SIGTERM can stop all of it
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const suite = spawn(npm, ["test", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])], { stdio: "inherit", detached: true });

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    console.error(`\ntest:loaded: ${signal}: stopping the suite and the burners`);
    try {
      process.kill(-suite.pid, "SIGTERM");
    } catch {
      // already gone
    }
    stopBurners();
    process.exit(130);
  });
}
process.on("exit", stopBurners);

suite.on("error", (err) => {
  stopBurners();
  console.error(`test:loaded: could not run npm test: ${err.message}`);
  process.exit(1);
});
suite.on("exit", (code, signal) => {
  stopBurners();
  const outcome = code === 0 ? "passed" : `FAILED (${signal ?? `exit ${code}`})`;
  console.log(`test:loaded: the suite ${outcome} under ${BURNERS} CPU burners in ${elapsed()}`);
  process.exit(code ?? 1);
});
