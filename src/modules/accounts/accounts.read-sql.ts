import type { ActivityStatus, OpportunityStatus, PlanStatus } from "../../common/enums";
import { filterKey } from "../../common/ids";
import { filterValues } from "../../common/limits";
import { byFirst, inListBinder, rowByKey, rowsByParent, rowsSql } from "../../graphql/read-sql";
import { SQL_BY_ID } from "../../loaders/loaders";
import { SQL_ACTIVITY_ORDER } from "../activities/activities.loaders";
import { SQL_CONTACT_ORDER } from "../contacts/contacts.loaders";
import { objectiveOverlapsPeriodSql } from "../objectives/objectives.loaders";
import { type PlanFilter, planFilterConditions } from "../plans/plan-filter";

/**
 * The Account fields' compiled reads (graphql/compiled-reads.ts), declared on their resolvers in
 * accounts.resolver.ts: the same rows, order and arguments as the resolvers' loaders.
 */

/** Account.businessPlans' arguments as the plan filter (plan-filter.ts), for the resolver and its SQL. */
export const accountPlanFilter = (a: { status?: PlanStatus[] | null; periodId?: string | null; ownerId?: string | null; topLevelOnly?: boolean | null }): PlanFilter => ({
  status: filterValues("status", a.status),
  periodId: a.periodId,
  ownerId: a.ownerId,
  topLevelOnly: a.topLevelOnly ?? false,
});

const statusIn = (values: unknown[] | null, bind: (v: unknown) => string) => (values?.length ? ` AND "t"."status" IN ${bind(values)}` : "");

export const ACCOUNT_SQL = {
  owner: rowByKey("app_user", "owner_id"),
  contacts: rowsByParent("contact", "account_id", SQL_CONTACT_ORDER),
  objectives: rowsByParent("objective", "account_id", SQL_BY_ID),
  businessPlans: rowsSql((parent, args, s) => ({
    from: `business_plan "t"`,
    where: [`"t"."account_id" = ${parent}."id"`, ...planFilterConditions(accountPlanFilter(args), "t", inListBinder(s))].join(" AND "),
    orderBy: SQL_BY_ID,
  })),
  /** The account's objectives, then the global ones (whose progress is this account's: `__scope`). */
  applicableObjectives: rowsSql((parent, args, s) => {
    const period = filterKey(args.periodId as string | null | undefined, "Period");
    return {
      from: `(SELECT * FROM objective WHERE account_id = ${parent}."id" UNION ALL SELECT * FROM objective WHERE account_id IS NULL AND plan_id IS NULL) "t"`,
      where: period === null ? "TRUE" : objectiveOverlapsPeriodSql(s.bind(period)),
      orderBy: `("t"."account_id" IS NULL), "t"."id"`,
      extras: { __scope: `CASE WHEN "t"."account_id" IS NULL THEN ${parent}."id" END` },
    };
  }),
  opportunities: rowsSql((parent, args, s) => ({
    from: `opportunity "t"`,
    where: `"t"."account_id" = ${parent}."id"${statusIn(filterValues("status", args.status as OpportunityStatus[] | null), inListBinder(s))}`,
    orderBy: SQL_BY_ID,
    limit: byFirst(args),
  })),
  activities: rowsSql((parent, args, s) => ({
    from: `activity "t"`,
    where: `"t"."account_id" = ${parent}."id"${statusIn(filterValues("status", args.status as ActivityStatus[] | null), inListBinder(s))}`,
    orderBy: SQL_ACTIVITY_ORDER,
    limit: byFirst(args),
  })),
};
