import type { Server } from "node:http";
import { type DocumentNode, getOperationAST, GraphQLError, parse, specifiedRules, validate } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { bearerToken } from "../auth/tokens";
import { ErrorCode } from "../common/errors";
import { createLoaders } from "../loaders/loaders";
import type { User } from "../db/entities";
import { newRequestId } from "../graphql/context";
import { makeFormatError } from "../graphql/errors";
import { QUERY_LIMITS } from "../common/limits";
import { createQueryLimits, estimateOperation } from "../graphql/limits";
import type { AppDeps } from "../graphql/server";
import type { SubscriptionContext } from "../graphql/subscription-context";

/** The WebSocket path: the same as HTTP GraphQL. */
export const SUBSCRIPTIONS_PATH = "/graphql";
/** Largest WebSocket message accepted (as the HTTP body limit). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

const refusal = (message: string, code: string = "GRAPHQL_VALIDATION_FAILED") => new GraphQLError(message, { extensions: { code } });

/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on /graphql,
 * beside the HTTP server. The connection_init payload carries the bearer token
 * (`{ authorization: "Bearer <token>" }`); a missing or unknown one closes the socket (4403
 * Forbidden). Each subscription goes through the same parse limit, validation rules (depth, aliases,
 * cost), complexity estimate and error formatter as an HTTP request; only subscription operations are
 * accepted (queries and mutations go over HTTP). SUBSCRIPTIONS_PER_USER caps the open subscriptions of a
 * user in this process.
 */
export function attachSubscriptions(server: Server, deps: AppDeps): { close(): Promise<void>; open(): number } {
  const schema = deps.schema;
  const limits = createQueryLimits({ hideSchemaDetails: deps.config.isProduction, maxListItems: deps.config.queryMaxListItems });
  const rules = [...specifiedRules, ...limits.validationRules];
  const formatError = makeFormatError(deps.logger, () => undefined, { hideSuggestions: deps.config.isProduction });
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => formatError(e.toJSON(), e));
  const slots = new Map<number, number>();
  let open = 0;
  const perUser = deps.config.subscriptionsPerUser;

  const wss = new WebSocketServer({ server, path: SUBSCRIPTIONS_PATH, maxPayload: MAX_MESSAGE_BYTES });
  const users = new WeakMap<object, User>();
  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const token = bearerToken(typeof raw === "string" ? raw : undefined);
        const user = token ? await deps.services.users.authenticate(token) : null;
        if (!user) return false; // 4403 Forbidden
        users.set(ctx, user);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const user = users.get(ctx);
        if (!user) return [refusal("Unauthenticated", ErrorCode.UNAUTHENTICATED)];
        let document: DocumentNode;
        try {
          document = parse(payload.query, limits.parseOptions);
        } catch (e) {
          return [refusal(e instanceof GraphQLError ? e.message : "Syntax Error", "GRAPHQL_PARSE_FAILED")];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => refusal(e.message));
        const op = getOperationAST(document, payload.operationName);
        if (!op) return [refusal("Unable to identify the operation")];
        if (op.operation !== "subscription") return [refusal(`Only subscriptions run over WebSocket; send ${op.operation} operations over HTTP POST /graphql`)];
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        try {
          const { cost } = estimateOperation(schema, document, variables, payload.operationName ?? undefined);
          if (cost > QUERY_LIMITS.maxComplexity) return [refusal(`Query too large: the answer could have ${cost} fields, more than the limit`, ErrorCode.QUERY_TOO_LARGE)];
        } catch {
          // variables that do not coerce: execution refuses them with BAD_USER_INPUT
        }
        const context: SubscriptionContext = {
          requestId: newRequestId(),
          user,
          loaders: createLoaders(deps.db, { batching: deps.config.batching }, deps.loaderFactories),
          services: deps.services,
          subscriptionsPerUser: perUser,
          renewLoaders() {
            this.loaders = createLoaders(deps.db, { batching: deps.config.batching }, deps.loaderFactories);
          },
          takeSlot() {
            const used = slots.get(user.id) ?? 0;
            if (used >= perUser) return null;
            slots.set(user.id, used + 1);
            open++;
            let released = false;
            return () => {
              if (released) return;
              released = true;
              open--;
              const left = (slots.get(user.id) ?? 1) - 1;
              if (left > 0) slots.set(user.id, left);
              else slots.delete(user.id);
            };
          },
        };
        return { schema, document, variableValues: variables, operationName: payload.operationName ?? undefined, contextValue: context };
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors?.length ? { ...result, errors: format(result.errors) } : undefined),
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  return {
    open: () => open,
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
