import { ApolloServer } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { AppConfig } from "../config";
import { bearerToken } from "../auth/tokens";
import { DomainError, ErrorCode, unauthenticated } from "../common/errors";
import type { Database } from "../db/data-source";
import { createLoaders } from "../loaders/loaders";
import type { AppLogger } from "../logger";
import type { Services } from "../services";
import { type Context, newRequestId } from "./context";
import { makeFormatError } from "./errors";
import { currentRequestId } from "./request-scope";
import { buildAppSchema } from "./schema";

export interface AppDeps {
  config: AppConfig;
  db: Database;
  services: Services;
  logger: AppLogger;
}

/**
 * Builds the per-request context: authenticates the bearer token (one
 * statement) and creates fresh DataLoaders. Unknown or missing token:
 * UNAUTHENTICATED with HTTP 401.
 */
export async function buildContext(deps: AppDeps, authorization: string | undefined, requestId = currentRequestId() ?? newRequestId()): Promise<Context> {
  const token = bearerToken(authorization);
  const user = token ? await deps.services.users.authenticate(token) : null;
  if (!user) {
    const e = unauthenticated(token ? "Unknown or revoked bearer token" : "Missing bearer token: send Authorization: Bearer <token>");
    throw new GraphQLError(e.message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
  }
  return {
    requestId,
    user,
    loaders: createLoaders(deps.db, { batching: deps.config.batching }),
    services: deps.services,
  };
}

export function createApolloServer(deps: AppDeps): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: buildAppSchema(),
    introspection: deps.config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: makeFormatError(deps.logger, currentRequestId),
    plugins: [],
  });
}

export { DomainError };
