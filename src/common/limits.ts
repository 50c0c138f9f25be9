import { badInput } from "./errors";

/**
 * Every limit of the API, in one place: lengths of text inputs, sizes of list inputs, pages and
 * nested lists, numeric ranges, and the query-shape limits. Inputs declare theirs with
 * class-validator on their `@InputType`/`@ArgsType` classes (`@MaxLength(LIMITS.name)`), the
 * hot field arguments (Account.businessPlans(status), nested `first`) through the helpers below.
 * docs/security.md ("Input limits", "Query limits") explains the numbers. The only numbers kept
 * elsewhere are LIST_SIZES (src/graphql/limits.ts): one declared size per list field, beside the
 * estimator that multiplies by them.
 */

/** Lengths of text inputs (characters) and sizes of id-list inputs. */
export const LIMITS = {
  name: 200,
  short: 200,
  email: 320,
  text: 10_000,
  comment: 2_000,
  search: 200,
  listIds: 50,
} as const;

/** Most values a list-valued filter argument (e.g. `status: [PlanStatus!]`) may carry. */
export const MAX_FILTER_VALUES = 10;

/** Page size of `first`/`last` when left out, and the most a page (or a nested `first`) may ask for. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** `BusinessPlan.auditTrail(first:)`: its default and its most entries per plan. */
export const AUDIT_TRAIL_DEFAULT = 50;
export const AUDIT_TRAIL_MAX = 500;

/** Most ids `nodes(ids:)` takes at once. */
export const MAX_NODES = 100;

/** The longest bearer token the Authorization header accepts (`revokeToken(token:)`). */
export const MAX_TOKEN_LENGTH = 512;

/** Largest target or entered quantity of an objective. */
export const MAX_QUANTITY = 1_000_000_000;

/**
 * Query and request limits. Every number is explained in docs/security.md
 * ("Query limits"); test/limits.test.ts pins the account view (must pass)
 * and the hostile shapes (must be refused) against them.
 *
 * Measured on the account view (the heaviest query the UI sends; docs/security.md, "Query limits"):
 *   single account (`account(id:)`, the bench's Q2): depth 6, 122 tokens, armor cost 227, estimate 119,556
 *   wide form (`accounts(first: 20) { edges { node { ...same } } }`, the bench's Q3): depth 8, 122 tokens,
 *   estimate 2,391,141 (literal or variable first); the widest page the estimate admits is 41 accounts.
 *   The amplification query of issue 19 (account > opportunities > plans > opportunities > plans >
 *   opportunities) is estimated at 18,900,602 and refused before anything runs.
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
  /** graphql-query-complexity: 1 per field, and every list multiplies its selection by its size: the page size
   *  of a list with `first` (from variables too; default 50, capped at 500), the declared size (LIST_SIZES) of
   *  every other list. The estimate is the number of fields the answer can have; see LIST_SIZES for the numbers. */
  maxComplexity: 5_000_000,
  /** Execution backstop: list items resolved per request (every list field counts its items as it resolves). */
  maxListItems: 100_000,
  /** graphql-query-complexity gives up on documents with more selection nodes than this (fragment explosion). */
  maxQueryNodes: 5_000,
} as const;

/**
 * A list-valued filter argument: at most `max` values (BAD_USER_INPUT beyond),
 * duplicates dropped, so the SQL `IN (...)` built from it stays small whatever
 * the client sends. null/undefined/empty mean "no filter".
 */
export function filterValues<T>(field: string, values: readonly T[] | null | undefined, max = MAX_FILTER_VALUES): T[] | null {
  if (values === null || values === undefined || values.length === 0) return null;
  if (values.length > max) throw badInput(field, `must have at most ${max} values, got ${values.length}`);
  return [...new Set(values)];
}

/** createBusinessPlanTree: most levels in one tree (the plan, its children, their children, ...). */
export const MAX_PLAN_TREE_DEPTH = 4;

/** createBusinessPlanTree: most plans in one tree, all levels together. */
export const MAX_PLAN_TREE_NODES = 50;
