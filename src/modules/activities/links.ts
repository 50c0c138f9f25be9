import { toGlobalId } from "../../common/ids";
import type { EntityManager } from "typeorm";
import { PlanStatus } from "../../common/enums";
import { badInput, planLocked } from "../../common/errors";
import { findOptional, mustFind } from "../../common/find";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import { Opportunity } from "../opportunities/opportunity.entity";
import { BusinessPlan } from "../plans/business-plan.entity";

/** Consistency rules for what opportunities and activities point at. */
export async function planForExecution(em: EntityManager, rawId: string | number, accountId: number, field = "planId"): Promise<BusinessPlan> {
  const plan = await mustFind(em, BusinessPlan, rawId, "BusinessPlan");
  if (plan.accountId !== accountId) throw badInput(field, `BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} belongs to another account`);
  if (plan.status === PlanStatus.EXPIRED) throw planLocked(`BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is EXPIRED: nothing more can be linked to it`);
  return plan;
}

export async function objectiveFor(em: EntityManager, rawId: string | number | null | undefined, accountId: number): Promise<Objective | null> {
  const ob = await findOptional(em, Objective, rawId, "Objective");
  if (ob && ob.accountId !== null && ob.accountId !== accountId) {
    throw badInput("objectiveId", `Objective ${toGlobalId("Objective", ob.id)} belongs to another account`);
  }
  if (ob && ob.planId !== null) {
    const plan = await em.findOneByOrFail(BusinessPlan, { id: ob.planId });
    if (ob.accountId === null && plan.accountId !== accountId) throw badInput("objectiveId", `Objective ${toGlobalId("Objective", ob.id)} belongs to another account`);
    // tying something to a plan's objective links it to the plan (it counts in the plan's rollup)
    if (plan.status === PlanStatus.EXPIRED) throw planLocked(`Objective ${toGlobalId("Objective", ob.id)} belongs to BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}, which is EXPIRED: nothing more can be linked to it`);
  }
  return ob;
}

export async function contactFor(em: EntityManager, rawId: string | null | undefined, accountId: number): Promise<Contact | null> {
  const c = await findOptional(em, Contact, rawId, "Contact");
  if (c && c.accountId !== accountId) throw badInput("contactId", `Contact ${toGlobalId("Contact", c.id)} belongs to another account`);
  return c;
}

export async function opportunityFor(em: EntityManager, rawId: string | null | undefined, accountId: number): Promise<Opportunity | null> {
  const o = await findOptional(em, Opportunity, rawId, "Opportunity");
  if (o && o.accountId !== accountId) throw badInput("opportunityId", `Opportunity ${toGlobalId("Opportunity", o.id)} belongs to another account`);
  return o;
}
