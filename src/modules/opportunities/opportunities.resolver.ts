import { ArrayMaxSize, IsOptional, Length, Matches, Max, Min } from "class-validator";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { OpportunityStatus } from "../../common/enums";
import { parseId } from "../../common/ids";
import { NESTED_FIRST_DESCRIPTION, nestedFirst } from "../../common/pagination";
import type { Cents } from "../../common/money";
import type { Context } from "../../graphql/context";
import { LIMITS } from "../../graphql/common-types";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";
import { Account } from "../accounts/account.entity";
import { Activity } from "../activities/activity.entity";
import { Objective } from "../objectives/objective.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";
import { Opportunity } from "./opportunity.entity";

@InputType()
export class CreateOpportunityInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => ID)
  accountId: string;

  @Field(() => DecimalScalar)
  revenue: Cents;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  probability?: number | null;

  @Field(() => OpportunityStatus, { nullable: true })
  status?: OpportunityStatus | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;

  @Field(() => ID, { nullable: true })
  objectiveId?: string | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(LIMITS.listIds)
  planIds?: string[] | null;
}

@InputType()
export class UpdateOpportunityInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenue?: Cents | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  probability?: number | null;

  @Field(() => OpportunityStatus, { nullable: true })
  status?: OpportunityStatus | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;

  @Field(() => ID, { nullable: true, description: "null unlinks the objective." })
  objectiveId?: string | null;
}

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
  account(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(o.accountId);
  }

  @FieldResolver(() => User)
  owner(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(o.ownerId);
  }

  @FieldResolver(() => Objective, { nullable: true })
  objective(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return o.objectiveId == null ? null : ctx.loaders.objective.load(o.objectiveId);
  }

  @FieldResolver(() => [BusinessPlan])
  plans(@Root() o: Opportunity, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.plansByOpportunity.load(o.id).then(take);
  }

  @FieldResolver(() => Activity, { nullable: true, description: "The activity this opportunity was created as a follow-up of." })
  sourceActivity(@Root() o: Opportunity, @Ctx() ctx: Context) {
    return o.sourceActivityId == null ? null : ctx.loaders.activity.load(o.sourceActivityId);
  }

  @FieldResolver(() => [Activity])
  activities(@Root() o: Opportunity, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.activitiesByOpportunity.load(o.id).then(take);
  }
}
