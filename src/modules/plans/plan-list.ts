import { registerEnumType } from "type-graphql";
import type { SelectQueryBuilder } from "typeorm";
import type { KeysetOrder } from "../../common/keyset";
import { Period } from "../periods/period.entity";
import type { BusinessPlan } from "./business-plan.entity";

/** Sort orders of Query.businessPlans (orderBy); without one, plans come in creation order as before. */
export enum PlanOrder {
  NAME_ASC = "NAME_ASC",
  UPDATED_AT_DESC = "UPDATED_AT_DESC",
  PERIOD_START_DESC = "PERIOD_START_DESC",
}
registerEnumType(PlanOrder, {
  name: "PlanOrder",
  description: "Sort orders of Query.businessPlans; ties are broken by id (in the order's direction), so paging is stable.",
  valuesConfig: {
    NAME_ASC: { description: "By name (the database's binary order: uppercase before lowercase)." },
    UPDATED_AT_DESC: { description: "Most recently changed first." },
    PERIOD_START_DESC: { description: "Plans of the latest-starting period first." },
  },
});

const P = `"p"`;
export const PLAN_ORDERS: Record<PlanOrder, KeysetOrder> = {
  NAME_ASC: { name: "NAME_ASC", key: `${P}."name"`, kind: "text", dir: "ASC", nullable: false, id: `${P}."id"` },
  UPDATED_AT_DESC: { name: "UPDATED_AT_DESC", key: `${P}."updated_at"`, kind: "timestamp", dir: "DESC", nullable: false, id: `${P}."id"` },
  PERIOD_START_DESC: { name: "PERIOD_START_DESC", key: `"per"."start_date"`, kind: "date", dir: "DESC", nullable: false, id: `${P}."id"` },
};

/** What an order needs joined to the filtered plans ("p"): the period for PERIOD_START_DESC. */
export function joinForOrder(qb: SelectQueryBuilder<BusinessPlan>, order: PlanOrder): SelectQueryBuilder<BusinessPlan> {
  return order === PlanOrder.PERIOD_START_DESC ? qb.innerJoin(Period, "per", `"per"."id" = ${P}."period_id"`) : qb;
}
