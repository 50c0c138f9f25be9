import { toGlobalId } from "../common/ids";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { Context } from "./context";
import { type RequestScope, requestScope } from "./request-scope";

/**
 * What one GraphQL request did, for the request log line and the metrics
 * (src/http/request-log.ts writes both when the response is done). Filled by
 * the Apollo plugin below. Holds names, ids and error codes only: never the
 * token, the query text or variable values.
 */
export interface GraphqlObservation {
  operationName: string | null;
  userId: string | null;
  errorCodes: string[];
}

const observations = new WeakMap<RequestScope, GraphqlObservation>();

/** Starts observing the current HTTP request (its request scope); null outside a request scope. */
export function startObservation(operationName: string | null): GraphqlObservation | null {
  const scope = requestScope.getStore();
  if (!scope) return null;
  const o: GraphqlObservation = { operationName, userId: null, errorCodes: [] };
  observations.set(scope, o);
  return o;
}

export function currentObservation(): GraphqlObservation | undefined {
  const scope = requestScope.getStore();
  return scope ? observations.get(scope) : undefined;
}

function codesOf(errors: readonly GraphQLFormattedError[] | undefined): string[] {
  return (errors ?? []).map((e) => (typeof e.extensions?.code === "string" ? e.extensions.code : "INTERNAL_SERVER_ERROR"));
}

/** Records operation name, user id and error codes of each request into its observation. */
export function requestObserverPlugin(): ApolloServerPlugin<Context> {
  return {
    // Context creation failed (no / unknown token): the request pipeline never starts.
    async contextCreationDidFail({ error }) {
      const o = currentObservation();
      if (!o) return;
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      o.errorCodes.push(typeof code === "string" ? code : "INTERNAL_SERVER_ERROR");
    },
    async requestDidStart({ contextValue, request }) {
      const o = currentObservation();
      if (!o) return;
      o.userId = contextValue.anonymous ? null : toGlobalId("User", contextValue.user.id); // the id the API serves (me { id })
      if (request.operationName) o.operationName = request.operationName;
      return {
        async didResolveOperation({ operationName }) {
          o.operationName = operationName ?? null;
        },
        async willSendResponse({ response }) {
          const body = response.body;
          const errors = body.kind === "single" ? body.singleResult.errors : body.initialResult.errors;
          o.errorCodes.push(...codesOf(errors));
        },
      };
    },
  };
}
