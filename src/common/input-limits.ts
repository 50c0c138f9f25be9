import { badInput } from "./errors";

/** Most values a list-valued filter argument (e.g. `status: [PlanStatus!]`) may carry. */
export const MAX_FILTER_VALUES = 10;

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

/** A free-text argument outside an input type (search, comment, notes): BAD_USER_INPUT beyond `max` characters. */
export function maxLength(field: string, value: string | null | undefined, max: number): void {
  if (typeof value === "string" && value.length > max) throw badInput(field, `must be at most ${max} characters`);
}

/** createBusinessPlanTree: most levels in one tree (the plan, its children, their children, ...). */
export const MAX_PLAN_TREE_DEPTH = 4;

/** createBusinessPlanTree: most plans in one tree, all levels together. */
export const MAX_PLAN_TREE_NODES = 50;
