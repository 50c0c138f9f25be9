import type { ObjectiveUnit } from "../../common/enums";
import { filterKey } from "../../common/ids";
import type { ComputedSql, ExprSql } from "../../graphql/read-sql";
import { byFirst, rowByKey, rowsByParent } from "../../graphql/read-sql";
import { SQL_BY_ID } from "../../loaders/loaders";
import { SQL_ACTIVITY_ORDER } from "../activities/activities.loaders";
import { progressOf } from "./objective-progress";

/**
 * The Objective fields' compiled reads (graphql/compiled-reads.ts), declared on their resolvers
 * in objectives.resolver.ts: the same rows, order and arguments as the resolvers' loaders.
 */
const progress: ComputedSql = {
  kind: "computed",
  inputs: (row, extras) => ({
    id: `${row}."id"`,
    unit: `${row}."unit"`,
    manualQuantity: `${row}."manual_quantity"`,
    targetQuantity: `${row}."target_quantity"`,
    targetRevenue: `${row}."target_revenue_cents"::text`,
    // listed under an account (Account.applicableObjectives): a global objective's progress is that account's
    scope: extras.has("__scope") ? `${row}."__scope"` : "NULL",
  }),
  complete: (rows, ctx, args) => {
    const asked = filterKey(args.accountId as string | null | undefined, "Account");
    return Promise.all(
      rows.map((r) =>
        progressOf(
          ctx,
          {
            id: r.id as number,
            unit: r.unit as ObjectiveUnit | null,
            manualQuantity: r.manualQuantity as number | null,
            targetQuantity: r.targetQuantity as number | null,
            targetRevenue: r.targetRevenue == null ? null : BigInt(r.targetRevenue as string),
          },
          asked ?? (r.scope as number | null),
        ),
      ),
    );
  },
};

const isGlobal: ExprSql = { kind: "expr", sql: (row) => `(${row}."account_id" IS NULL AND ${row}."plan_id" IS NULL)` };

export const OBJECTIVE_SQL = {
  period: rowByKey("period", "period_id"),
  plan: rowByKey("business_plan", "plan_id"),
  account: rowByKey("account", "account_id"),
  contact: rowByKey("contact", "contact_id"),
  parent: rowByKey("objective", "parent_id"),
  children: rowsByParent("objective", "parent_id", SQL_BY_ID),
  opportunities: rowsByParent("opportunity", "objective_id", SQL_BY_ID, byFirst),
  activities: rowsByParent("activity", "objective_id", SQL_ACTIVITY_ORDER, byFirst),
  isGlobal,
  progress,
};
