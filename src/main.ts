import "reflect-metadata";
import { startApp } from "./app";
import { loadConfig } from "./config";
import { PLAYGROUND_PATH } from "./http/playground";
import { createLogger } from "./logger";

/** The banner below goes through process.stdout: a closed pipe must not turn into an unhandled 'error'. */
process.stdout.on("error", () => undefined);

/** After SHUTDOWN_TIMEOUT_MS in-flight requests are cut off; this much later the process exits whatever is left. */
const SHUTDOWN_GRACE_MS = 1_000;

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down");
    // Backstop: app.stop() closes in-flight requests after SHUTDOWN_TIMEOUT_MS; this catches a hang after that
    // (Apollo, the database, a connection that does not close). Logging never blocks (StdoutDestination).
    const force = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS }, "shutdown did not finish in time; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS);
    force.unref();
    app.stop().then(
      () => {
        logger.info({ signal }, "shut down cleanly");
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // Announced only once the signal handlers are in place: a supervisor that sends SIGTERM as soon as it
  // reads this line gets a graceful shutdown, not the default action (death by signal).
  logger.info({ url: app.url, database: config.databaseUrl.replace(/\/\/[^@]*@/, "//***@") }, "Account Planning API listening");
  if (!config.isProduction) {
    process.stdout.write(`\nAccount Planning API: ${app.url}\n`);
    if (config.playground) process.stdout.write(`Playground (open in a browser): ${new URL(PLAYGROUND_PATH, app.url)}\n`);
    if (app.demoTokens) {
      process.stdout.write("Demo users (send Authorization: Bearer <token>):\n");
      for (const [who, token] of Object.entries(app.demoTokens)) process.stdout.write(`  ${who.padEnd(40)} ${token}\n`);
    }
    process.stdout.write("\n");
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
