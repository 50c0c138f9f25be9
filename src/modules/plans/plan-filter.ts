import type { PlanStatus } from "../../common/enums";
import { filterKey } from "../../common/ids";
import { containsPattern } from "../../common/keyset";

/**
 * The plan list filter, the same for `businessPlans` (PlansService.page/count) and
 * `Account.businessPlans` (the plansByAccount loader). Ids are global ids; an id
 * of the wrong type matches nothing.
 */
export interface PlanFilter {
  accountId?: string | null;
  ownerId?: string | null;
  periodId?: string | null;
  status?: PlanStatus[] | null;
  topLevelOnly?: boolean | null;
  /** Case-insensitive match on the name (LIKE wildcards taken literally). */
  search?: string | null;
}

/**
 * The filter's conditions as SQL over the plan table alias `alias`, to be joined with AND
 * (none: every plan). `bind(value)` returns the placeholder for a value; an array stands for
 * an IN list and gets the parenthesised list of placeholders.
 */
export function planFilterConditions(filter: PlanFilter | null | undefined, alias: string, bind: (value: unknown) => string): string[] {
  const f = filter ?? {};
  const col = (c: string) => `"${alias}"."${c}"`;
  const conds: string[] = [];
  const eq = (column: string, key: number | null) => {
    if (key !== null) conds.push(`${col(column)} = ${bind(key)}`);
  };
  if (f.status?.length) conds.push(`${col("status")} IN ${bind(f.status)}`);
  eq("account_id", filterKey(f.accountId, "Account"));
  eq("period_id", filterKey(f.periodId, "Period"));
  eq("owner_id", filterKey(f.ownerId, "User"));
  if (f.topLevelOnly) conds.push(`${col("parent_id")} IS NULL`);
  if (f.search?.trim()) conds.push(`LOWER(${col("name")}) LIKE ${bind(containsPattern(f.search.trim()))} ESCAPE '\\'`);
  return conds;
}
