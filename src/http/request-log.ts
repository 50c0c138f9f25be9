import type { NextFunction, Request, Response } from "express";
import { startObservation } from "../graphql/logging-plugin";
import { currentRequestId } from "../graphql/request-scope";
import type { AppLogger } from "../logger";
import type { AppMetrics } from "./metrics";

/** The name of the first operation in a query text (skipping whitespace, commas and comments), without parsing it. */
export function firstOperationName(query: string): string | null {
  const m = /^(?:[\s,\uFEFF]|#[^\n\r]*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query.slice(0, 10_000));
  return m ? m[1] : null;
}

/**
 * The operation name as the client sent it (GET query string or JSON body):
 * for requests Apollo never resolved (no or unknown token, unparseable, ...).
 */
function requestedOperationName(req: Request): string | null {
  const source = req.method === "GET" ? (req.query as Record<string, unknown>) : (req.body as Record<string, unknown> | undefined);
  if (!source || typeof source !== "object") return null;
  const name = source.operationName;
  if (typeof name === "string" && name.length > 0) return name.length <= 200 ? name : null;
  return typeof source.query === "string" ? firstOperationName(source.query) : null;
}

/**
 * Mounted on /graphql before Apollo: one structured log line and one metrics
 * sample per GraphQL request once its response is done (or the client went
 * away). The line has request id, operation name, user id, duration, HTTP
 * status, outcome and error codes; never the token, the query or variables.
 */
export function graphqlRequestLog(logger: AppLogger, metrics: AppMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "OPTIONS") return next();
    const started = process.hrtime.bigint();
    const requestId = currentRequestId() ?? null;
    const observation = startObservation(null) ?? { operationName: null, userId: null, errorCodes: [] };
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const operationName = observation.operationName ?? requestedOperationName(req);
      const errorCodes = [...new Set(observation.errorCodes)];
      if (errorCodes.length === 0 && res.statusCode >= 400) {
        // Rejected before Apollo (malformed JSON, body too large, ...).
        errorCodes.push(res.statusCode >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");
      }
      const outcome = !res.writableFinished ? "aborted" : errorCodes.length ? "error" : "ok";
      const line = {
        requestId,
        operationName,
        userId: observation.userId,
        durationMs: Math.round(seconds * 1e4) / 10,
        status: res.statusCode,
        outcome,
        errorCodes,
      };
      if (outcome === "ok") logger.info(line, "graphql request");
      else logger.warn(line, "graphql request");
      metrics.observeGraphqlRequest({ operationName, userId: observation.userId, outcome, errorCodes, seconds });
    });
    next();
  };
}
