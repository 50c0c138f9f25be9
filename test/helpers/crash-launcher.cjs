/**
 * Launcher for the crash test (test/crash.test.ts): loads the compiled server's
 * modules (the slow part of a start: ~1.5 s), prints "preloaded", then waits
 * for a line on stdin and runs dist/src/main.js -- the unchanged entry point,
 * with the environment the test gave this process. The test starts the next
 * run's launcher while the current server is still taking writes, so a restart
 * after SIGKILL costs only main.js's own work (open the database, migrations
 * check, listen).
 */
const { resolve } = require("node:path");

const dist = resolve(__dirname, "..", "..", "dist", "src");
require("reflect-metadata"); // main.js's first import; decorator metadata needs it before any entity loads
require(resolve(dist, "app.js"));
require(resolve(dist, "schema.js")).buildAppSchema();
process.stdout.write("preloaded\n");
process.stdin.once("data", () => {
  process.stdin.pause();
  require(resolve(dist, "main.js"));
});
process.stdin.once("end", () => process.exit(0));
