import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { BusinessPlan } from "../plans/business-plan.entity";

/**
 * The deletes users need (issue 15): each refused with PLAN_LOCKED where it would change a locked
 * plan, and recorded in the audit trail of every plan it touches. The rules are in the owning
 * services (plans, opportunities, activities, contacts); docs/api.md "Deleting" says which plans count.
 */
@Resolver()
export class DeletesResolver {
  @Mutation(() => BusinessPlan)
  removePlanContact(@Arg("planId", () => ID) planId: string, @Arg("contactId", () => ID) contactId: string, @Ctx() ctx: Context) {
    return ctx.services.plans.removeContact(ctx.user, planId, contactId);
  }

  @Mutation(() => ID)
  deleteOpportunity(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.opportunities.delete(ctx.user, id);
  }

  @Mutation(() => ID)
  deleteActivity(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.activities.delete(ctx.user, id);
  }

  @Mutation(() => ID)
  deleteContact(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.contacts.delete(ctx.user, id);
  }
}
