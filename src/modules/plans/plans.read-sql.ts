import type { PlanStatus } from "../../common/enums";
import type { ComputedSql } from "../../graphql/read-sql";
import { byFirst, rowByKey, rowsByParent, rowsThroughLink } from "../../graphql/read-sql";
import { SQL_BY_ID } from "../../loaders/loaders";
import { SQL_ACTIVITY_ORDER } from "../activities/activities.loaders";
import { SQL_CONTACT_ORDER } from "../contacts/contacts.loaders";
import { rollupOf } from "./plan-rollup";

/**
 * The BusinessPlan fields' compiled reads (graphql/compiled-reads.ts), declared on their
 * resolvers in plans.resolver.ts: the same rows, order and arguments as the resolvers' loaders.
 */
const rollup: ComputedSql = {
  kind: "computed",
  inputs: (row) => ({ id: `${row}."id"`, status: `${row}."status"`, revenueTarget: `${row}."revenue_target_cents"::text` }),
  complete: (rows, ctx) =>
    Promise.all(
      rows.map((r) =>
        rollupOf(ctx, { id: r.id as number, status: r.status as PlanStatus, revenueTarget: r.revenueTarget == null ? null : BigInt(r.revenueTarget as string) }),
      ),
    ),
};

export const PLAN_SQL = {
  account: rowByKey("account", "account_id"),
  owner: rowByKey("app_user", "owner_id"),
  period: rowByKey("period", "period_id"),
  parent: rowByKey("business_plan", "parent_id"),
  copiedFrom: rowByKey("business_plan", "copied_from_id"),
  children: rowsByParent("business_plan", "parent_id", SQL_BY_ID),
  objectives: rowsByParent("objective", "plan_id", SQL_BY_ID),
  activities: rowsByParent("activity", "plan_id", SQL_ACTIVITY_ORDER, byFirst),
  /** Linked through plan_opportunity, by opportunity id. */
  opportunities: rowsThroughLink("opportunity", { table: "plan_opportunity", parent: "plan_id", target: "opportunity_id" }, SQL_BY_ID, byFirst),
  /** Linked through plan_contact, by last name, first name, id. */
  contacts: rowsThroughLink("contact", { table: "plan_contact", parent: "plan_id", target: "contact_id" }, SQL_CONTACT_ORDER),
  rollup,
};
