import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { parseId } from "../../common/ids";
import type { Context } from "../../graphql/context";
import { Account } from "../accounts/account.entity";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import { Opportunity } from "../opportunities/opportunity.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";
import { Activity } from "./activity.entity";
import { CompleteActivityArgs, CreateActivityInput, FollowUpActivityInput, FollowUpOpportunityInput, UpdateActivityInput } from "./activities.inputs";
import { ACTIVITY_SQL } from "./activities.read-sql";

@Resolver(() => Activity)
export class ActivitiesResolver {
  @Query(() => Activity, { nullable: true })
  activity(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const n = parseId(id, "Activity");
    return n === null ? null : ctx.loaders.activity.load(n);
  }

  @Mutation(() => Activity)
  createActivity(@Arg("input", () => CreateActivityInput) input: CreateActivityInput, @Ctx() ctx: Context) {
    return ctx.services.activities.create(ctx.user, input);
  }

  @Mutation(() => Activity)
  updateActivity(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateActivityInput) input: UpdateActivityInput, @Ctx() ctx: Context) {
    return ctx.services.activities.update(ctx.user, id, input);
  }

  @Mutation(() => Activity)
  completeActivity(@Args(() => CompleteActivityArgs) { id, notes }: CompleteActivityArgs, @Ctx() ctx: Context) {
    return ctx.services.activities.complete(ctx.user, id, notes);
  }

  @Mutation(() => Activity, { description: "Inherits account, contact, plan, objective and opportunity from the activity." })
  createFollowUpActivity(
    @Arg("activityId", () => ID) activityId: string,
    @Arg("input", () => FollowUpActivityInput) input: FollowUpActivityInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.activities.followUpActivity(ctx.user, activityId, input);
  }

  @Mutation(() => Opportunity, { description: "Inherits account and objective from the activity, and is linked to the activity's plan." })
  createFollowUpOpportunity(
    @Arg("activityId", () => ID) activityId: string,
    @Arg("input", () => FollowUpOpportunityInput) input: FollowUpOpportunityInput,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.activities.followUpOpportunity(ctx.user, activityId, input);
  }

  @FieldResolver(() => Account)
  @Extensions({ needs: ["accountId"], sql: ACTIVITY_SQL.account })
  account(@Root() a: Activity, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(a.accountId);
  }

  @FieldResolver(() => Contact, { nullable: true })
  @Extensions({ needs: ["contactId"], sql: ACTIVITY_SQL.contact })
  contact(@Root() a: Activity, @Ctx() ctx: Context) {
    return a.contactId == null ? null : ctx.loaders.contact.load(a.contactId);
  }

  @FieldResolver(() => BusinessPlan, { nullable: true })
  @Extensions({ needs: ["planId"], sql: ACTIVITY_SQL.plan })
  plan(@Root() a: Activity, @Ctx() ctx: Context) {
    return a.planId == null ? null : ctx.loaders.plan.load(a.planId);
  }

  @FieldResolver(() => Objective, { nullable: true })
  @Extensions({ needs: ["objectiveId"], sql: ACTIVITY_SQL.objective })
  objective(@Root() a: Activity, @Ctx() ctx: Context) {
    return a.objectiveId == null ? null : ctx.loaders.objective.load(a.objectiveId);
  }

  @FieldResolver(() => Opportunity, { nullable: true })
  @Extensions({ needs: ["opportunityId"], sql: ACTIVITY_SQL.opportunity })
  opportunity(@Root() a: Activity, @Ctx() ctx: Context) {
    return a.opportunityId == null ? null : ctx.loaders.opportunity.load(a.opportunityId);
  }

  @FieldResolver(() => User)
  @Extensions({ needs: ["ownerId"], sql: ACTIVITY_SQL.owner })
  owner(@Root() a: Activity, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(a.ownerId);
  }

  @FieldResolver(() => Activity, { nullable: true })
  @Extensions({ needs: ["followUpOfId"], sql: ACTIVITY_SQL.followUpOf })
  followUpOf(@Root() a: Activity, @Ctx() ctx: Context) {
    return a.followUpOfId == null ? null : ctx.loaders.activity.load(a.followUpOfId);
  }

  @FieldResolver(() => [Activity])
  @Extensions({ needs: ["id"], sql: ACTIVITY_SQL.followUps })
  followUps(@Root() a: Activity, @Ctx() ctx: Context) {
    return ctx.loaders.followUps.load(a.id);
  }

  @FieldResolver(() => [Opportunity], { description: "Opportunities created as follow-ups of this activity." })
  @Extensions({ needs: ["id"], sql: ACTIVITY_SQL.followUpOpportunities })
  followUpOpportunities(@Root() a: Activity, @Ctx() ctx: Context) {
    return ctx.loaders.followUpOpportunities.load(a.id);
  }
}
