import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  defaultFieldResolver,
  getNullableType,
  GraphQLError,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isListType,
  isObjectType,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { type ComplexityEstimator, type ComplexityEstimatorArgs, fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";
import { ErrorCode } from "../common/errors";
import { DEFAULT_PAGE, MAX_PAGE, QUERY_LIMITS } from "../common/limits";
import { textInputGuard } from "./input-guard";



/** The page size a `first` argument asks for, as the resolvers will apply it (default 50, at most 500). */
export function requestedPage(first: unknown, fallback = DEFAULT_PAGE): number {
  if (first === null || first === undefined) return fallback;
  if (typeof first !== "number" || !Number.isInteger(first) || first < 0) return 1; // the resolver refuses it
  return Math.min(first, MAX_PAGE);
}

/**
 * type-graphql `complexity` for list fields paginated with `first` (or `last`): the
 * selection under it counts once per requested item. Used on
 * Query.accounts, Query.businessPlans and BusinessPlan.auditTrail.
 */
export const pagedListComplexity: ComplexityEstimator = ({ args, childComplexity }: ComplexityEstimatorArgs) =>
  1 + requestedPage(args.first ?? args.last) * Math.max(childComplexity, 1);

/** The operation would build a bigger answer than the server allows: QUERY_TOO_LARGE, HTTP 400. */
export class QueryLimitError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.QUERY_TOO_LARGE, http: { status: 400 } } });
  }
}

/**
 * The size the cost estimate assumes for each list field without `first`:
 * what one parent has in a large, realistic data set (the bench generator's
 * per-account shape: 5 top-level plans x 4 children, 5 objectives per child,
 * 5 opportunities and 10 activities per objective, 8 contacts), with headroom.
 * The estimate is an estimate; the hard bound is QUERY_LIMITS.maxListItems,
 * counted while the answer is built. The lists that can be long (opportunities,
 * activities, an opportunity's plans) also take an optional `first`, which the
 * estimate uses instead. test/query-budget.test.ts checks that every list field
 * of the schema is here or is paginated.
 */
export const LIST_SIZES: Readonly<Record<string, number>> = {
  // the connection field multiplies by its page already: one edge list per page
  "AccountConnection.edges": 1,
  "BusinessPlanConnection.edges": 1,
  "OpportunityConnection.edges": 1,
  "ActivityConnection.edges": 1,
  // Query.users answers at most USERS_MAX (200) users: the estimate assumes all of them
  "Query.users": 200,
  // one account
  "Account.contacts": 50,
  "Account.businessPlans": 10,
  "Account.objectives": 20,
  "Account.applicableObjectives": 50,
  "Account.opportunities": 100,
  "Account.activities": 100,
  // one plan: a year's quarters or a region's territories
  "BusinessPlan.children": 10,
  "BusinessPlan.contacts": 10,
  "BusinessPlan.objectives": 10,
  "BusinessPlan.opportunities": 50,
  "BusinessPlan.activities": 50,
  "BusinessPlan.statusHistory": 10,
  // a plan's parent, its parent, ...: a year's tree of regions and territories is a few levels deep
  "BusinessPlan.ancestors": 10,
  "PlanAuditEntry.changes": 10,
  "Objective.children": 5,
  "Objective.opportunities": 10,
  "Objective.activities": 20,
  // an opportunity sits on its account's plan and one or two of its children
  "Opportunity.plans": 5,
  "Opportunity.activities": 10,
  "Activity.followUps": 3,
  // collaboration (issue 15): a plan's team, notes (the newest 100 are served), plans waiting for review
  "BusinessPlan.team": 10,
  "BusinessPlan.notes": 20,
  "Objective.notes": 10,
  "Query.plansToReview": 50,
  "Activity.followUpOpportunities": 3,
  // a year's quarters, a quarter's months
  "Period.children": 12,
  "Query.periods": 50,
  "Query.globalObjectives": 50,
  // at most MAX_NODES ids; the estimate counts the ids given (assumedListSize)
  "Query.nodes": 100,
  // one row per owner, territory, business unit, type or status of a period's top-level plans
  "Query.planSummary": 50,
  "Mutation.expireBusinessPlans": 100,
  // MAX_WEBHOOKS (webhooks.service.ts); a webhook names each known event at most once
  "Query.webhooks": 100,
  "Webhook.events": 5,
};

/** Lists without an entry in LIST_SIZES and without `first` (none in this schema; a new field should get an entry). */
export const UNDECLARED_LIST_SIZE = 50;

/**
 * The size the estimate assumes for a list field: the `first` the request gives; without one, the
 * declared size of a nested list (which then answers the whole list), or the default page (50) of a
 * paginated one (accounts, businessPlans, auditTrail); `last` (accounts) counts like `first`, and
 * `nodes(ids:)` counts the ids given.
 */
export function assumedListSize(typeName: string, fieldName: string, args: Record<string, unknown>, takesFirst: boolean): number {
  const declared = LIST_SIZES[`${typeName}.${fieldName}`];
  const page = args.first ?? args.last; // accounts pages backwards with last
  if (takesFirst && (page != null || declared === undefined)) return requestedPage(page);
  // nodes(ids:) answers one item per id given (never more than its declared maximum)
  if (Array.isArray(args.ids)) return Math.min(args.ids.length, declared ?? UNDECLARED_LIST_SIZE);
  return declared ?? UNDECLARED_LIST_SIZE;
}

/**
 * graphql-query-complexity estimator for every list field without its own
 * `complexity`: 1 + size x its selection. `seen` collects the lists that
 * multiplied, for the refusal message.
 */
function listSizeEstimator(seen: Map<string, number>): ComplexityEstimator {
  return ({ type, field, args, childComplexity }: ComplexityEstimatorArgs) => {
    const takesFirst = field.args.some((a) => a.name === "first");
    // a connection (accounts, businessPlans) is not a list itself: its page multiplies its edges
    if (!isListType(getNullableType(field.type)) && !takesFirst) return undefined;
    const size = assumedListSize(type.name, field.name, args, takesFirst);
    const page = args.first != null ? "first" : args.last != null ? "last" : null;
    if (size > 1) seen.set(`${type.name}.${field.name}${takesFirst && page ? `(${page}: ${size})` : ""}`, size);
    return 1 + size * Math.max(childComplexity, 1);
  };
}

/** The estimate of an operation (as the complexity plugin computes it), and the lists that multiplied it. */
export function estimateOperation(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]["query"],
  variables: Record<string, unknown>,
  operationName?: string,
): { cost: number; lists: Map<string, number> } {
  const lists = new Map<string, number>();
  const cost = getComplexity({
    schema,
    query: document,
    variables,
    operationName,
    estimators: [listSizeEstimator(lists), fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    maxQueryNodes: QUERY_LIMITS.maxQueryNodes,
  });
  return { cost, lists };
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** The refusal: the estimate, the limit, and which lists multiplied it (largest first). */
function tooLargeMessage(cost: number, max: number, lists: Map<string, number>): string {
  const named = [...lists.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([name, size]) => `${name} x${size}`)
    .join(", ");
  return (
    `Query too large: the answer could have ${fmt(cost)} fields, more than the limit of ${fmt(max)}` +
    (named ? ` (the lists multiply: ${named})` : "") +
    ". Paginate: give the lists a smaller first (opportunities, activities and plans take one too), or fetch the nested lists in separate requests."
  );
}

/**
 * Rejects an operation whose complexity (graphql-query-complexity, with the
 * request's variables) exceeds the limit, before any resolver runs.
 */
export function complexityLimitPlugin(max: number = QUERY_LIMITS.maxComplexity): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          const op = operation as OperationDefinitionNode | undefined;
          if (!op) return; // no such operation: execution reports it
          let estimate: { cost: number; lists: Map<string, number> };
          try {
            estimate = estimateOperation(schema, document, request.variables ?? {}, op.name?.value);
          } catch (e) {
            if (e instanceof GraphQLError && /maximum allowed number of nodes/.test(e.message)) {
              throw new QueryLimitError(`Query too large: more than ${QUERY_LIMITS.maxQueryNodes} selections after expanding fragments`);
            }
            // Variables that do not coerce: execution refuses them with the standard BAD_USER_INPUT message
            // before any resolver runs, so there is nothing to cost.
            if (e instanceof GraphQLError) return;
            throw e;
          }
          if (estimate.cost > max) throw new QueryLimitError(tooLargeMessage(estimate.cost, max, estimate.lists));
        },
      };
    },
  };
}

/**
 * The execution backstop: every list field counts the items it resolves
 * against the request's budget (QUERY_LIMITS.maxListItems). Past it, lists
 * resolve empty (nothing more is loaded or built) and the answer becomes one
 * QUERY_TOO_LARGE error (listBudgetPlugin). Catches whatever the estimate
 * under-counts: lists bigger than their declared size.
 */
export class ListBudget {
  used = 0;
  /** The list field at which the budget ran out. */
  exceededAt: string | null = null;
  constructor(readonly max: number) {}

  count(value: unknown, info: GraphQLResolveInfo): unknown {
    if (!Array.isArray(value)) return value;
    if (this.exceededAt) return [];
    this.used += value.length;
    if (this.used <= this.max) return value;
    this.exceededAt = `${info.parentType.name}.${info.fieldName}`;
    return [];
  }

  message(): string {
    return (
      `Query too large: the answer reached more than ${fmt(this.max)} list items (at ${this.exceededAt}). ` +
      "Paginate: give the lists a smaller first (opportunities, activities and plans take one too), or fetch the nested lists in separate requests."
    );
  }
}

interface BudgetedContext {
  budget?: ListBudget;
}

const isPromiseLike = (v: unknown): v is PromiseLike<unknown> => typeof (v as { then?: unknown } | null)?.then === "function";

const plainLists = new WeakSet<object>();

/** A list field whose value is its parent's property (its only resolver is the item count below). */
export const isPlainListField = (field: object): boolean => plainLists.has(field);

/**
 * Wraps the resolver of every list field of the schema (once, when the schema
 * is built) to count its items against the request's ListBudget. A request
 * without a budget (a context not made by Apollo) is not counted.
 */
export function countListItems(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      if (!field.resolve) plainLists.add(field);
      field.resolve = (source, args, ctx: BudgetedContext, info) => {
        const budget = ctx?.budget;
        if (!budget) return resolve(source, args, ctx, info);
        if (budget.exceededAt) return [];
        const out = resolve(source, args, ctx, info);
        return isPromiseLike(out) ? Promise.resolve(out).then((v) => budget.count(v, info)) : budget.count(out, info);
      };
    }
  }
  return schema;
}

/**
 * Gives each query its ListBudget; an exhausted budget turns the answer into one QUERY_TOO_LARGE error,
 * HTTP 400. Mutations are not cut short: their writes are committed before the answer is built, and an
 * error instead of that answer would tell the client that nothing happened (the estimate still refuses
 * an oversized mutation before it runs).
 */
export function listBudgetPlugin(max: number): ApolloServerPlugin<BudgetedContext> {
  return {
    async requestDidStart({ contextValue }) {
      const budget = new ListBudget(max);
      contextValue.budget = budget;
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "query") contextValue.budget = undefined;
        },
        async willSendResponse({ response }) {
          if (!budget.exceededAt) return;
          response.body = {
            kind: "single",
            singleResult: { errors: [{ message: budget.message(), extensions: { code: ErrorCode.QUERY_TOO_LARGE } }] },
          };
          response.http.status = 400;
        },
      };
    },
  };
}

/**
 * graphql-js 16 validates a `subscription` operation against a schema without
 * a Subscription type and only fails at execution, with an error that has no
 * code (masked as INTERNAL_SERVER_ERROR). This rule refuses such operations at
 * validation: GRAPHQL_VALIDATION_FAILED, HTTP 400. (graphql-js 17 ships it as
 * KnownOperationTypesRule.)
 */
export function KnownOperationTypesRule(context: ValidationContext) {
  return {
    OperationDefinition(node: OperationDefinitionNode) {
      if (!context.getSchema().getRootType(node.operation)) {
        context.reportError(new GraphQLError(`This API does not support ${node.operation} operations.`, { nodes: node }));
      }
      return false; // nothing below the operation matters here
    },
  };
}

/**
 * HTTP only: a subscription operation is refused at validation (GRAPHQL_VALIDATION_FAILED, 400) with
 * a pointer to the WebSocket endpoint (src/graphql/subscriptions.ts), instead of failing at execution.
 */
export function NoSubscriptionOverHttpRule(context: ValidationContext) {
  return {
    OperationDefinition(node: OperationDefinitionNode) {
      if (node.operation === "subscription") {
        context.reportError(
          new GraphQLError("Subscriptions run over WebSocket (graphql-ws protocol, `graphql-transport-ws`) on /graphql, not over HTTP.", { nodes: node }),
        );
      }
      return false;
    },
  };
}

export interface QueryLimitOptions {
  /** Production: schema details (field suggestions) are left out of error messages. */
  hideSchemaDetails: boolean;
  /** List items per request (QUERY_LIMITS.maxListItems unless configured: QUERY_MAX_LIST_ITEMS). */
  maxListItems?: number;
}

/**
 * Everything the Apollo server needs to enforce the limits: validation rules
 * (graphql-armor: depth, aliases, directives, cost), plugins (complexity with
 * variables), parse options (token limit) and the suggestion switch.
 *
 * graphql-armor's own token limit and field-suggestion masking are not used:
 * its Apollo token plugin throws from `parsingDidStart`, outside Apollo's parse
 * error handling, which turns an over-long document into an HTTP 500; the
 * parser's `maxTokens` option gives the same limit as a GRAPHQL_PARSE_FAILED
 * 400. Its suggestion mask only matches `Did you mean "x"` and misses
 * enum-value and input-field suggestions; Apollo's
 * hideSchemaDetailsFromClientErrors plus the error formatter strip them all.
 */
export function createQueryLimits(opts: QueryLimitOptions): {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
  /** Must come before plugins that read the final answer (the request log). */
  budgetPlugin: ApolloServerPlugin;
  parseOptions: { maxTokens: number };
  hideSchemaDetailsFromClientErrors: boolean;
  maxRecursiveSelections: true;
  persistedQueries: false;
} {
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.maxDepth },
    maxAliases: { n: QUERY_LIMITS.maxAliases },
    maxDirectives: { n: QUERY_LIMITS.maxDirectives },
    costLimit: { maxCost: QUERY_LIMITS.armorMaxCost },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    validationRules: [KnownOperationTypesRule, ...armor.validationRules],
    plugins: [...armor.plugins, complexityLimitPlugin(), textInputGuard()],
    budgetPlugin: listBudgetPlugin(opts.maxListItems ?? QUERY_LIMITS.maxListItems) as ApolloServerPlugin,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    hideSchemaDetailsFromClientErrors: opts.hideSchemaDetails,
    // Apollo's guard against fragment explosion during validation (10 million selections).
    maxRecursiveSelections: true,
    // Automatic persisted queries are not used by any client of this API. Off, they cannot fill the
    // server's query cache, and Apollo's "provided sha does not match query" error (which carries no
    // code) cannot occur: a persistedQuery extension gets PERSISTED_QUERY_NOT_SUPPORTED.
    persistedQueries: false,
  };
}
