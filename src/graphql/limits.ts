import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type OperationDefinitionNode, type ValidationContext, type ValidationRule } from "graphql";
import { type ComplexityEstimator, type ComplexityEstimatorArgs, fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";
import { ErrorCode } from "../common/errors";
import { DEFAULT_PAGE, MAX_PAGE } from "../common/pagination";
import { textInputGuard } from "./input-guard";

/**
 * Query and request limits. Every number is explained in docs/security.md
 * ("Query limits"); test/limits.test.ts pins the account view (must pass)
 * and the hostile shapes (must be refused) against them.
 *
 * Measured on the account view (the heaviest query the UI sends; docs/security.md, "Query limits"):
 *   single account (`account(id:)`): depth 6, 122 tokens, armor cost 227, complexity 49
 *   wide form (`accounts(first: 100) { edges { node { ...same } } }`): depth 8, 122 tokens,
 *   armor cost 51,512 (first: 100 literal; 515 when first is a variable), complexity 5,001 (literal or variable)
 */
export const QUERY_LIMITS = {
  /** Nesting of selection sets. The account view needs 8 (wide form); 2 levels of headroom. */
  maxDepth: 10,
  /** Aliased fields per operation (armor's default). The UI uses none. */
  maxAliases: 15,
  /** Directives per operation (@include/@skip on optional sections). */
  maxDirectives: 20,
  /** Lexical tokens per document, enforced by the graphql-js parser (parse aborts). Account view 122, introspection 183. */
  maxTokens: 2_000,
  /** graphql-armor's cost (objects 2, scalars 1, x1.5 per level, x literal first/last). Wide account view at first: 100: 51,512. */
  armorMaxCost: 200_000,
  /** graphql-query-complexity: 1 per field; list fields with `first` multiply their selection by the page size
   *  (from variables too; default 50, capped at 500). Wide account view at first: 100: 5,001. */
  maxComplexity: 20_000,
  /** graphql-query-complexity gives up on documents with more selection nodes than this (fragment explosion). */
  maxQueryNodes: 5_000,
} as const;

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

export class QueryLimitError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } });
  }
}

const ESTIMATORS: ComplexityEstimator[] = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

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
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              variables: request.variables ?? {},
              operationName: op.name?.value,
              estimators: ESTIMATORS,
              maxQueryNodes: QUERY_LIMITS.maxQueryNodes,
            });
          } catch (e) {
            if (e instanceof GraphQLError && /maximum allowed number of nodes/.test(e.message)) {
              throw new QueryLimitError(`Query too large: more than ${QUERY_LIMITS.maxQueryNodes} selections after expanding fragments`);
            }
            // Variables that do not coerce: execution refuses them with the standard BAD_USER_INPUT message
            // before any resolver runs, so there is nothing to cost.
            if (e instanceof GraphQLError) return;
            throw e;
          }
          if (cost > max) {
            throw new QueryLimitError(
              `Query complexity ${cost} exceeds the limit of ${max}: request smaller pages (first) or fewer fields`,
            );
          }
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

export interface QueryLimitOptions {
  /** Production: schema details (field suggestions) are left out of error messages. */
  hideSchemaDetails: boolean;
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
