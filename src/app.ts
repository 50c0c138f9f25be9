import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { type AppConfig, PUBLIC_DEMO_TOKENS } from "./config";
import { resolve } from "node:path";
import { type Database, openDatabase, STARTUP_LOCK_KEY } from "./db/data-source";
import { acquireServerLock, prepareSqliteFile, type ServerLock } from "./db/sqlite-file";
import { seedDemo } from "./seed/demo";
import { createApolloServer, type AppDeps } from "./graphql/server";
import { createHttpApp } from "./http/app";
import { exportRouter } from "./modules/plans/plan-export.route";
import { type AppLogger, createLogger } from "./logger";
import { LOADER_FACTORIES } from "./registry";
import { buildAppSchema } from "./schema";
import { createServices } from "./services";
import { createRateLimits } from "./auth/rate-limits";
import { startIdempotencyPurge } from "./db/idempotency";
import { attachSubscriptions } from "./http/subscriptions";
import { WebhookWorker } from "./modules/webhooks/webhook-worker";

export interface RunningApp {
  deps: AppDeps;
  server: Server;
  url: string;
  /** Demo users' tokens when the demo was loaded at this start. */
  demoTokens: Record<string, string> | null;
  /** The webhook delivery worker of this process. */
  webhooks: WebhookWorker;
  /** The WebSocket (graphql-ws) server on /graphql. */
  subscriptions: { close(): Promise<void>; open(): number };
  stop(): Promise<void>;
}

/** Opens the database (running migrations), seeds, and builds the services. */
export async function initApp(config: AppConfig, logger: AppLogger = createLogger(config.logLevel), db?: Database) {
  const database = db ?? (await openDatabase(config));
  database.strictProjections = !config.isProduction;
  const services = createServices(database, config.clock, { allowPrivate: config.webhookAllowPrivate });
  let demoTokens: Record<string, string> | null = null;
  // One starting process at a time (PostgreSQL advisory lock): two processes starting
  // together on an empty database must not both seed or both create the ADMIN_TOKEN user.
  if (config.seedDemo && config.isProduction) {
    logger.warn(
      { publicTokens: PUBLIC_DEMO_TOKENS },
      `SEED_DEMO=true in production: the demo users answer to the PUBLIC tokens ${PUBLIC_DEMO_TOKENS.join(", ")} (demo-admin is an ADMIN). ` +
        "Anyone who has read the README can sign in. Unset SEED_DEMO unless this server is a public demo.",
    );
  }
  await database.exclusive(STARTUP_LOCK_KEY, async () => {
    if (config.seedDemo) demoTokens = await seedDemo(database, services);
    if (config.adminToken) await services.users.ensureAdminToken(config.adminToken);
  });
  const deps: AppDeps = {
    config,
    db: database,
    services,
    logger,
    rateLimits: createRateLimits(config, logger),
    schema: buildAppSchema(),
    loaderFactories: LOADER_FACTORIES,
  };
  return { deps, demoTokens };
}

/** The server lock of a SQLite database file (one server per file), or null (PostgreSQL, in-memory SQLite). */
function serverLockFor(config: AppConfig): ServerLock | null {
  if (!config.databaseUrl.startsWith("sqlite:")) return null;
  const path = config.databaseUrl.slice("sqlite:".length);
  if (path === ":memory:" || path === "") return null;
  const file = resolve(path);
  prepareSqliteFile(file);
  return acquireServerLock(file);
}

/** Starts the HTTP server; resolves once it listens. */
export async function startApp(config: AppConfig, logger?: AppLogger): Promise<RunningApp> {
  const lock = serverLockFor(config);
  let init: Awaited<ReturnType<typeof initApp>>;
  try {
    init = await initApp(config, logger);
  } catch (e) {
    lock?.release();
    throw e;
  }
  const { deps, demoTokens } = init;
  const apollo = createApolloServer(deps);
  await apollo.start();
  const app = createHttpApp(deps, apollo, [exportRouter(deps)]);
  const purge = startIdempotencyPurge(deps.db, config.clock, config, (err) => deps.logger.error({ err }, "purging expired idempotency keys failed"));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  // Node's default of 5 s closes idle keep-alive sockets while a client (or a load balancer with a
  // 60 s idle timeout) may be sending on them: the request fails with a reset. Keep them longer than
  // the client side does, so that side closes first (headersTimeout, 60 s, still bounds a slow request's headers).
  server.keepAliveTimeout = config.httpKeepAliveSeconds * 1000;
  // GraphQL subscriptions (WebSocket, same path), the plan-change fan-out and the webhook delivery worker
  const subscriptions = attachSubscriptions(server, deps);
  await deps.services.planChanges.start({ reconnectMs: config.planEventsReconnectMs, maxReconnectMs: 30_000, log: deps.logger });
  const webhooks = new WebhookWorker(deps.db, {
    intervalMs: config.webhookIntervalMs,
    timeoutMs: config.webhookTimeoutMs,
    retryBaseMs: config.webhookRetryBaseMs,
    maxAttempts: config.webhookMaxAttempts,
    allowPrivate: config.webhookAllowPrivate,
    log: deps.logger,
  });
  webhooks.start();
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : config.port;
  const url = `http://${config.host}:${port}/graphql`;
  let stopping: Promise<void> | null = null;
  // While draining, every answer closes its connection (no waiting for keep-alive timeouts).
  const inFlight = new Set<ServerResponse>();
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader("Connection", "close");
    res.once("finish", () => setImmediate(() => server.closeIdleConnections()));
  };
  server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    if (stopping) closeAfter(res);
  });
  return {
    deps,
    server,
    webhooks,
    subscriptions,
    url,
    demoTokens,
    /**
     * Graceful stop: stop accepting connections, close idle keep-alive ones, let
     * in-flight requests finish (up to config.shutdownTimeoutMs, then their
     * connections are closed), stop Apollo, close the database.
     */
    stop() {
      stopping ??= (async () => {
        // WebSocket clients are told the server goes away (1001); then HTTP drains as before
        await subscriptions.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const res of inFlight) closeAfter(res);
        deps.logger.info({ inFlight: inFlight.size, timeoutMs: config.shutdownTimeoutMs }, "stopped accepting connections; draining");
        const force = setTimeout(() => {
          deps.logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "requests still in flight after the shutdown timeout; closing their connections");
          server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        try {
          await closed;
        } finally {
          clearTimeout(force);
        }
        purge.stop();
        await apollo.stop();
        await webhooks.stop();
        await deps.services.planChanges.stop();
        await deps.rateLimits.close();
        await deps.db.close();
        lock?.release();
      })();
      return stopping;
    },
  };
}
