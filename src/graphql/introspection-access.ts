import type { ApolloServerPlugin } from "@apollo/server";
import {
  type DocumentNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
} from "graphql";
import { ErrorCode } from "../common/errors";
import type { Context } from "./context";
import { QUERY_LIMITS } from "../common/limits";

/**
 * Anonymous introspection.
 *
 * The playground's docs explorer loads the schema before the user has pasted a
 * token, so a request WITHOUT an Authorization header is let through when
 * introspection is enabled and the operation it runs selects nothing but
 * `__schema`, `__type` and `__typename` at the root (directly or through
 * fragments). Everything else without a token is still UNAUTHENTICATED (401).
 * A wrong token is always 401. Such requests get a context whose `user`
 * throws UNAUTHENTICATED, and the plugin below re-checks the operation Apollo
 * actually resolved, so no resolver can run for an anonymous caller.
 */
const INTROSPECTION_FIELDS = new Set(["__schema", "__type", "__typename"]);

/** Only introspection fields at the root of this query operation. */
export function selectsOnlyIntrospection(doc: DocumentNode, op: OperationDefinitionNode): boolean {
  if (op.operation !== "query") return false;
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const seen = new Set<string>();
  const check = (set: SelectionSetNode): boolean =>
    set.selections.every((s) => {
      if (s.kind === Kind.FIELD) return INTROSPECTION_FIELDS.has(s.name.value);
      if (s.kind === Kind.INLINE_FRAGMENT) return check(s.selectionSet);
      const name = s.name.value;
      if (seen.has(name)) return true; // a cycle is a validation error anyway
      seen.add(name);
      const frag = fragments.get(name);
      return frag !== undefined && check(frag);
    });
  return check(op.selectionSet);
}

/** The operation a request runs: the one named, or the only one. */
function pickOperation(doc: DocumentNode, operationName: unknown): OperationDefinitionNode | null {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (typeof operationName === "string" && operationName !== "") return ops.find((o) => o.name?.value === operationName) ?? null;
  return ops.length === 1 ? ops[0] : null;
}

/** Pre-check on the raw request (GET query string or POST body), before the context exists. */
export function isIntrospectionOnlyRequest(query: unknown, operationName: unknown): boolean {
  if (typeof query !== "string" || query.length === 0) return false;
  let doc: DocumentNode;
  try {
    // this parse runs before authentication: the same token limit as Apollo's parse, so an anonymous
    // client cannot make the server parse a 1 MB document (beyond the limit it is simply not introspection-only)
    doc = parse(query, { noLocation: true, maxTokens: QUERY_LIMITS.maxTokens });
  } catch {
    return false;
  }
  const op = pickOperation(doc, operationName);
  return op !== null && selectsOnlyIntrospection(doc, op);
}

/**
 * The context of an anonymous introspection-only request. `user` is a getter
 * that throws UNAUTHENTICATED; it lives on the prototype because Apollo clones
 * the context with Object.assign(Object.create(prototype), context), which
 * copies own properties (and would call an own getter).
 */
const ANONYMOUS = Object.defineProperty({}, "user", {
  get(): never {
    throw unauthenticatedError("Missing bearer token: send Authorization: Bearer <token>");
  },
  enumerable: false,
});

export function anonymousContext(fields: Omit<Context, "user" | "anonymous">): Context {
  return Object.assign(Object.create(ANONYMOUS) as Context, fields, { anonymous: true });
}

export function unauthenticatedError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}

/** Authoritative check on the operation Apollo resolved for an anonymous context. */
export function anonymousIntrospectionGuard(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      if (!contextValue.anonymous) return;
      return {
        async didResolveOperation({ document, operation }) {
          if (!operation || !selectsOnlyIntrospection(document, operation)) {
            throw unauthenticatedError("Missing bearer token: send Authorization: Bearer <token>");
          }
        },
      };
    },
  };
}
