import { createHash } from "node:crypto";
import { parse as parseUrl } from "node:url";
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { getOperationAST, parse } from "graphql";
import { bearerToken } from "../auth/tokens";
import { ErrorCode } from "../common/errors";
import type { Context } from "../graphql/context";
import { QUERY_LIMITS } from "../common/limits";
import type { AppDeps } from "../graphql/server";
import { type CapturedAnswer, IdempotencyService } from "../db/idempotency";

export const IDEMPOTENCY_HEADER = "idempotency-key";
/** Set on an answer that was stored for an earlier request with the same key (as Stripe does). */
export const REPLAYED_HEADER = "idempotent-replayed";
/** 1-255 printable ASCII characters (a UUID v4 is the usual choice). */
const KEY = /^[\x20-\x7e]{1,255}$/;

interface GraphqlBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

/** JSON with object keys sorted at every level: the same variables give the same text whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 of what makes two requests "the same": the operation text, the operation name and the variables. */
export function requestFingerprint(body: GraphqlBody): string {
  return createHash("sha256")
    .update(canonical([body.query ?? null, body.operationName ?? null, body.variables ?? {}]))
    .digest("hex");
}

/** True when the body's operation (the one operationName picks) is a mutation; false for queries and anything unparsable (Apollo answers those). */
function isMutation(body: GraphqlBody): boolean {
  if (typeof body.query !== "string") return false;
  try {
    const doc = parse(body.query, { maxTokens: QUERY_LIMITS.maxTokens });
    const op = getOperationAST(doc, typeof body.operationName === "string" ? body.operationName : undefined);
    return op?.operation === "mutation";
  } catch {
    return false;
  }
}

function sendError(res: Response, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** An answer worth storing: anything but an internal error or a transient refusal (a retry with the key may run then). */
function storable(status: number, body: string): boolean {
  if (status >= 500 || status === 401 || status === 429) return false;
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: { code?: unknown } }> };
    return !(parsed.errors ?? []).some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR");
  } catch {
    return false;
  }
}

/** Runs the request through Apollo as @as-integrations/express5 does, but returns the answer instead of sending it. */
async function executeCaptured(apollo: ApolloServer<Context>, req: Request, context: () => Promise<Context>): Promise<CapturedAnswer> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method.toUpperCase(), headers, search: parseUrl(req.url).search ?? "", body: req.body };
  const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
  let body = "";
  if (response.body.kind === "complete") body = response.body.string;
  else for await (const chunk of response.body.asyncIterator) body += chunk;
  const status = response.status ?? 200;
  return { status, headers: [...response.headers], body, storable: storable(status, body) };
}

/**
 * `Idempotency-Key` on POST /graphql (docs/api.md "Idempotent requests"). Mounted after the JSON
 * body parser and before Apollo: a request without the header, with a query (the key is ignored:
 * reads are safe to repeat), without a valid token (Apollo answers 401) or with an unparsable
 * document (Apollo answers 400) goes on to Apollo unchanged. A keyed mutation runs here, through
 * the same Apollo server and context, inside IdempotencyService.run's transaction.
 */
export function idempotencyMiddleware(deps: AppDeps, apollo: ApolloServer<Context>, contextFor: (req: Request) => Promise<Context>): RequestHandler {
  const service = new IdempotencyService(deps.db, deps.config.clock, deps.config);
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return next();
    if (typeof key !== "string" || !KEY.test(key)) {
      return sendError(res, 400, ErrorCode.IDEMPOTENCY_KEY_INVALID, "Idempotency-Key must be 1-255 printable ASCII characters (e.g. a UUID)");
    }
    const body = req.body as GraphqlBody | undefined;
    if (req.method !== "POST" || !body || typeof body !== "object" || !isMutation(body)) return next();
    try {
      const token = bearerToken(req.headers.authorization);
      const user = token ? await deps.services.users.authenticate(token) : null;
      if (!user) return next();
      const outcome = await service.run(user.id, key, requestFingerprint(body), () => executeCaptured(apollo, req, () => contextFor(req)));
      switch (outcome.kind) {
        case "ran":
          for (const [k, v] of outcome.answer.headers) res.setHeader(k, v);
          res.status(outcome.answer.status).send(outcome.answer.body);
          return;
        case "replay":
          res.setHeader("content-type", "application/json; charset=utf-8");
          res.setHeader("cache-control", "no-store");
          res.setHeader(REPLAYED_HEADER, "true");
          res.status(outcome.status).send(outcome.body);
          return;
        case "reused":
          return sendError(
            res,
            422,
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was already used with a different request (operation or variables); use a new key for a new operation",
          );
        case "busy":
          deps.logger.info({ key: key.slice(0, 64) }, "idempotent request still running after the wait bound");
          return sendError(res, 409, ErrorCode.CONFLICT, "A request with this Idempotency-Key is still running; retry it later", { "retry-after": "1" });
        default: {
          const never: never = outcome;
          return never;
        }
      }
    } catch (err) {
      next(err);
    }
  };
}
