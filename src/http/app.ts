import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import helmet from "helmet";
import type { ApolloServer } from "@apollo/server";
import type { Context } from "../graphql/context";
import { newRequestId } from "../graphql/context";
import { currentRequestId, requestScope } from "../graphql/request-scope";
import { type AppDeps, buildContext, type GraphqlParams } from "../graphql/server";
import { loadExamples } from "../graphql/examples";
import { createMetrics } from "./metrics";
import { playgroundRouter } from "./playground";
import { graphqlRequestLog } from "./request-log";
import { idempotencyMiddleware } from "./idempotency";

export const BODY_LIMIT = "1mb";

/** The HTTP surface: /graphql, /health, /ready, /metrics, /playground, /export/plans.csv. */
export function createHttpApp(deps: AppDeps, apollo: ApolloServer<Context>, routes: Router[] = []) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);

  // Security headers on every route (/graphql, /health, /ready, /metrics, /playground, 404s). The answers
  // here are JSON or text: nothing may load or frame them. The playground sets its own, looser CSP.
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      crossOriginEmbedderPolicy: false,
    }),
  );

  app.use((req, res, next) => {
    const requestId = newRequestId();
    res.setHeader("x-request-id", requestId);
    requestScope.run({ requestId }, next);
  });

  app.get("/health", async (_req, res) => {
    try {
      await deps.db.query("SELECT 1");
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable" });
    }
  });

  app.get("/ready", async (_req, res) => {
    try {
      const pending = await deps.db.dataSource.showMigrations();
      if (pending) return void res.status(503).json({ status: "migrations pending" });
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });

  // Operations: Prometheus metrics, the GraphiQL playground, one log line per GraphQL request.
  const metrics = createMetrics(deps.db, { token: deps.config.metricsToken });
  app.get("/metrics", metrics.handler);
  app.use(playgroundRouter({ enabled: deps.config.playground, examples: deps.config.playground ? loadExamples() : null, logger: deps.logger }));
  app.use("/graphql", graphqlRequestLog(deps.logger, metrics));
  // routes of the modules, given by the composition root (src/app.ts): GET /export/plans.csv
  for (const route of routes) app.use(route);

  const contextFor = (req: Request) =>
    buildContext(deps, req.headers.authorization, undefined, (req.method === "GET" ? req.query : req.body) as GraphqlParams, req.socket.remoteAddress ?? "unknown");
  app.use(
    "/graphql",
    cors({ origin: deps.config.corsOrigins.length ? deps.config.corsOrigins : false }),
    express.json({ limit: BODY_LIMIT }),
    // Idempotency-Key: a keyed mutation runs (or is answered from the stored answer) there, in one transaction.
    idempotencyMiddleware(deps, apollo, contextFor),
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(req) }),
  );

  // Body-parser failures (malformed JSON, too large) as clear 4xx answers.
  app.use((err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = typeof err.status === "number" && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message =
      err.type === "entity.parse.failed"
        ? "Malformed JSON in request body"
        : err.type === "entity.too.large"
          ? `Request body larger than ${BODY_LIMIT}`
          : status === 500
            ? "Internal server error"
            : (err.message ?? "Bad request");
    // Like the GraphQL error formatter: a 500 carries the request id, and the log line has the full error with the same id.
    const requestId = currentRequestId();
    if (status === 500) deps.logger.error({ err, requestId }, "unhandled HTTP error");
    res.status(status).json({ errors: [{ message, extensions: status === 500 ? { code: "INTERNAL_SERVER_ERROR", requestId } : { code: "BAD_REQUEST" } }] });
  });

  return app;
}
