import { Arg, Ctx, Extensions, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { parseId } from "../../common/ids";
import { NESTED_FIRST_DESCRIPTION, nestedFirst } from "../../common/pagination";
import type { Context } from "../../graphql/context";
import { Account } from "../accounts/account.entity";
import { Activity } from "../activities/activity.entity";
import { Objective } from "../objectives/objective.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";
import { Opportunity } from "./opportunity.entity";
import { CreateOpportunityInput, UpdateOpportunityInput } from "./opportunities.inputs";
import { OPPORTUNITY_SQL } from "../activities/activities.read-sql";

@Resolver(() => Opportunity)
export class OpportunitiesResolver {
  @Query(() => Opportunity, { nullable: true })
  opportunity(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const n = parseId(id, "Opportunity");
    return n === null ? null : ctx.loaders.opportunity.load(n);
  }

  @Mutation(() => Opportunity)
  createOpportunity(@Arg("input", () => CreateOpportunityInput) input: CreateOpportunityInput, @Ctx() ctx: Context) {
    return ctx.services.opportunities.create(ctx.user, input);
  }

  @Mutation(() => Opportunity)
  updateOpportunity(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateOpportunityInput) input: UpdateOpportunityInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.opportunities.update(ctx.user, id, input);
  }

  @Mutation(() => Opportunity)
  linkOpportunityToPlan(@Arg("opportunityId", () => ID) opportunityId: string, @Arg("planId", () => ID) planId: string, @Ctx() ctx: Context) {
    return ctx.services.opportunities.linkToPlan(ctx.user, opportunityId, planId);
  }

  @Mutation(() => Opportunity)
  unlinkOpportunityFromPlan(@Arg("opportunityId", () => ID) opportunityId: string, @Arg("planId", () => ID) planId: string, @Ctx() ctx: Context) {
    return ctx.services.opportunities.unlinkFromPlan(ctx.user, opportunityId, planId);
  }

  @FieldResolver(() => Account)
  @Extensions({ needs: ["accountId"], sql: OPPORTUNITY_SQL.account })
  account(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(o.accountId);
  }

  @FieldResolver(() => User)
  @Extensions({ needs: ["ownerId"], sql: OPPORTUNITY_SQL.owner })
  owner(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(o.ownerId);
  }

  @FieldResolver(() => Objective, { nullable: true })
  @Extensions({ needs: ["objectiveId"], sql: OPPORTUNITY_SQL.objective })
  objective(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return o.objectiveId == null ? null : ctx.loaders.objective.load(o.objectiveId);
  }

  @FieldResolver(() => [BusinessPlan])
  @Extensions({ needs: ["id"], sql: OPPORTUNITY_SQL.plans })
  plans(@Root() o: Opportunity, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.plansByOpportunity.load(o.id).then(take);
  }

  @FieldResolver(() => Activity, { nullable: true, description: "The activity this opportunity was created as a follow-up of." })
  @Extensions({ needs: ["sourceActivityId"], sql: OPPORTUNITY_SQL.sourceActivity })
  sourceActivity(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return o.sourceActivityId == null ? null : ctx.loaders.activity.load(o.sourceActivityId);
  }

  @FieldResolver(() => [Activity])
  @Extensions({ needs: ["id"], sql: OPPORTUNITY_SQL.activities })
  activities(@Root() o: Opportunity, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.activitiesByOpportunity.load(o.id).then(take);
  }
}
