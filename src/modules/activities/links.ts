import { toGlobalId } from "../../common/ids";
import type { EntityManager } from "typeorm";
import { badInput } from "../../common/errors";
import { findOptional, mustFind } from "../../common/find";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import { Opportunity } from "../opportunities/opportunity.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { assertAcceptsLinks, assertLinksDetachable } from "../plans/plan-workflow";

/** Consistency rules for what opportunities and activities point at. */
export async function planForExecution(em: EntityManager, rawId: string | number, accountId: number, field = "planId"): Promise<BusinessPlan> {
  const plan = await mustFind(em, BusinessPlan, rawId, "BusinessPlan");
  if (plan.accountId !== accountId) throw badInput(field, `BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} belongs to another account`);
  assertAcceptsLinks(plan);
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
    assertAcceptsLinks(plan, ob.id);
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

/** Detaching something from a plan (its planId changes): refused once the plan's links are final (EXPIRED). */
export async function assertDetachableFromPlan(em: EntityManager, planId: number | null, what: string): Promise<void> {
  if (planId == null) return;
  const plan = await em.findOneByOrFail(BusinessPlan, { id: planId });
  assertLinksDetachable(plan, what);
}

/** Detaching something from an objective (its objectiveId changes): refused when the objective's plan's links are final. */
export async function assertDetachableFromObjective(em: EntityManager, objectiveId: number | null, what: string): Promise<void> {
  if (objectiveId == null) return;
  const ob = await em.findOneByOrFail(Objective, { id: objectiveId });
  if (ob.planId == null) return;
  const plan = await em.findOneByOrFail(BusinessPlan, { id: ob.planId });
  assertLinksDetachable(plan, what, ob.id);
}
