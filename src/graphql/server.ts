import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { AppConfig } from "../config";
import type { RateLimits } from "../auth/rate-limits";
import { bearerToken } from "../auth/tokens";
import { ErrorCode, unauthenticated } from "../common/errors";
import type { Database } from "../db/data-source";
import type { LoaderOptions } from "../loaders/loader-kit";
import { createLoaders, type LoaderFactory } from "../loaders/loaders";
import type { AppLogger } from "../logger";
import { type Context, type ContextServices, newRequestId } from "./context";
import { makeFormatError } from "./errors";
import { createQueryLimits, NoSubscriptionOverHttpRule } from "./limits";
import { anonymousContext, anonymousIntrospectionGuard, isIntrospectionOnlyRequest } from "./introspection-access";
import { noStoreCacheControl } from "./cache-control";
import { requestObserverPlugin } from "./logging-plugin";
import { currentRequestId } from "./request-scope";
import { jitGateway } from "./jit-executor";
import { CompiledReads } from "./compiled-reads";

const loaderOptions = (c: AppConfig): LoaderOptions => ({ batching: c.batching, projections: c.projections });

export interface AppDeps {
  config: AppConfig;
  db: Database;
  services: ContextServices;
  logger: AppLogger;
  rateLimits: RateLimits;
  /** The executable schema (src/schema.ts buildAppSchema). */
  schema: GraphQLSchema;
  /** Every module's loader factory (src/registry.ts), run for each request. */
  loaderFactories: readonly LoaderFactory[];
}

/** The GraphQL parameters of an HTTP request (GET query string or POST body), for the anonymous-introspection check. */
export interface GraphqlParams {
  query?: unknown;
  operationName?: unknown;
}

/** RATE_LIMITED, HTTP 429 with Retry-After (seconds). */
export function rateLimitedError(message: string, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`${message}: retry after ${retryAfterSeconds} s`, {
    extensions: { code: ErrorCode.RATE_LIMITED, http: { status: 429, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) } },
  });
}

/**
 * Builds the per-request context: authenticates the bearer token (one
 * statement) and creates fresh DataLoaders. Unknown or missing token:
 * UNAUTHENTICATED with HTTP 401 -- except a request without any token whose
 * operation only introspects (`params`, when introspection is enabled): it gets
 * an anonymous context (see introspection-access.ts).
 *
 * Over HTTP (`client`: the peer address) a wrong token counts as a failed
 * sign-in of that address; past the limit it is RATE_LIMITED (429) instead of
 * 401. A valid token is never slowed by failures; it counts against the
 * per-token quota when RATE_LIMIT_PER_MINUTE is set (src/auth/rate-limits.ts).
 */
export async function buildContext(
  deps: AppDeps,
  authorization: string | undefined,
  requestId = currentRequestId() ?? newRequestId(),
  params?: GraphqlParams,
  client?: string,
): Promise<Context> {
  const token = bearerToken(authorization);
  const user = token ? await deps.services.users.authenticate(token) : null;
  if (client !== undefined && token) {
    const wait = user ? await deps.rateLimits.tokenRequest(token) : await deps.rateLimits.authFailed(client);
    if (wait !== null) {
      throw rateLimitedError(user ? "Request quota of this token used up" : "Too many failed sign-ins from this address", wait);
    }
  }
  if (!user && !authorization && params && deps.config.introspection && isIntrospectionOnlyRequest(params.query, params.operationName)) {
    return anonymousContext({ requestId, loaders: createLoaders(deps.db, loaderOptions(deps.config), deps.loaderFactories), services: deps.services });
  }
  if (!user) {
    const e = unauthenticated(token ? "Unknown or revoked bearer token" : "Missing bearer token: send Authorization: Bearer <token>");
    throw new GraphQLError(e.message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
  }
  return {
    requestId,
    user,
    loaders: createLoaders(deps.db, loaderOptions(deps.config), deps.loaderFactories),
    services: deps.services,
  };
}

export function createApolloServer(deps: AppDeps): ApolloServer<Context> {
  // Depth, aliases, directives, tokens, cost and complexity limits (docs/security.md).
  const limits = createQueryLimits({ hideSchemaDetails: deps.config.isProduction, maxListItems: deps.config.queryMaxListItems });
  return new ApolloServer<Context>({
    // graphql-jit runs the operations (jit-executor.ts); GRAPHQL_EXECUTOR=graphql-js keeps graphql-js' interpreter.
    // compiled reads (compiled-reads.ts) answer queries over the entities on PostgreSQL in one statement.
    ...(deps.config.executor === "jit"
      ? { gateway: jitGateway(deps.schema, deps.config.compiledReads && deps.db.dialect === "postgres" ? new CompiledReads(deps.schema, deps.db) : undefined) }
      : { schema: deps.schema }),
    introspection: deps.config.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT (graceful shutdown: drain HTTP first, then stop Apollo).
    stopOnTerminationSignals: false,
    formatError: makeFormatError(deps.logger, currentRequestId, { hideSuggestions: deps.config.isProduction }),
    validationRules: [...limits.validationRules, NoSubscriptionOverHttpRule],
    parseOptions: limits.parseOptions,
    hideSchemaDetailsFromClientErrors: limits.hideSchemaDetailsFromClientErrors,
    maxRecursiveSelections: limits.maxRecursiveSelections,
    persistedQueries: limits.persistedQueries,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ...noStoreCacheControl(),
      limits.budgetPlugin,
      anonymousIntrospectionGuard(),
      requestObserverPlugin(),
      ...limits.plugins,
    ],
  });
}

