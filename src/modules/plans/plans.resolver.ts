import type { GraphQLResolveInfo } from "graphql";
import { ArrayMaxSize, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { Arg, Ctx, Field, FieldResolver, Float, ID, Info, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { PlanStatus, PlanType } from "../../common/enums";
import { badInput } from "../../common/errors";
import { parseId, rollupId } from "../../common/ids";
import { NESTED_FIRST_DESCRIPTION, nestedFirst } from "../../common/pagination";
import { type Cents, ratio } from "../../common/money";
import type { Context } from "../../graphql/context";
import { fieldPosition } from "../../loaders/loader-kit";
import { LIMITS, PageInfo, pageInfoOf } from "../../graphql/common-types";
import { pagedListComplexity } from "../../graphql/limits";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";
import { Account } from "../accounts/account.entity";
import { Activity } from "../activities/activity.entity";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import { Opportunity } from "../opportunities/opportunity.entity";
import { Period } from "../periods/period.entity";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";
import { FieldChange, PlanAuditEntry } from "./plan-audit-entry.entity";
import { PlanStatusChange } from "./plan-status-change.entity";
import { figuresKey } from "./plan-rollup";
import { hasFrozenFigures } from "./plan-workflow";
import type { PlanFilter } from "./plans.service";
import { PlanOrder } from "./plan-list";

@InputType()
export class BusinessPlanFilter implements PlanFilter {
  @Field(() => ID, { nullable: true })
  accountId?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true })
  periodId?: string | null;

  @Field(() => [PlanStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: PlanStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: "Only plans without a parent." })
  topLevelOnly?: boolean | null;

  @Field(() => String, { nullable: true, description: "Case-insensitive match on the plan's name: only plans whose name contains this text (`%` and `_` are ordinary characters); at most 200 characters." })
  @IsOptional()
  @MaxLength(LIMITS.search)
  search?: string | null;
}

@InputType()
export class CreateBusinessPlanInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => ID)
  accountId: string;

  @Field(() => ID)
  periodId: string;

  @Field(() => PlanType, { nullable: true })
  type?: PlanType | null;

  @Field(() => ID, { nullable: true })
  parentId?: string | null;

  @Field(() => ID, { nullable: true, description: "Defaults to the caller." })
  ownerId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  businessUnit?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  territory?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget?: Cents | null;
}

@InputType()
export class UpdateBusinessPlanInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  businessUnit?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  territory?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget?: Cents | null;

  @Field(() => PlanType, { nullable: true })
  type?: PlanType | null;

  @Field(() => ID, {
    nullable: true,
    description: "Moves the plan under another plan of the same account (null: make it top-level). A plan cannot become its own ancestor.",
  })
  parentId?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class BusinessPlanEdge {
  @Field()
  cursor: string;

  @Field(() => BusinessPlan)
  node: BusinessPlan;
}

@ObjectType({ simpleResolvers: true })
export class BusinessPlanConnection {
  @Field(() => [BusinessPlanEdge])
  edges: BusinessPlanEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  filter: PlanFilter | null;
}

@ObjectType({
  description:
    "Figures over the plan and all its descendants; an opportunity counts once, when it is linked to one of those plans or to an objective under them.",
  simpleResolvers: true,
})
export class PlanRollup {
  @Field(() => ID, { description: "Stable cache key (derived from the plan's id): the same plan's figures always have the same id. Not a Node id." })
  id: string;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget: Cents | null;

  @Field(() => DecimalScalar, { description: "Sum of the direct children's revenue targets." })
  childrenRevenueTarget: Cents;

  @Field(() => DecimalScalar, { description: "Revenue of OPEN opportunities." })
  pipelineRevenue: Cents;

  @Field(() => DecimalScalar, { description: "Revenue of WON opportunities." })
  wonRevenue: Cents;

  @Field(() => Float, { nullable: true, description: "wonRevenue / revenueTarget; null without a target." })
  attainment: number | null;

  @Field({ description: "When the figures were computed; for an EXPIRED plan, the moment it expired (its figures are frozen then)." })
  asOf: Date;
}

@Resolver(() => BusinessPlanConnection)
export class BusinessPlanConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() conn: BusinessPlanConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.plans.count(conn.filter);
  }
}

@Resolver(() => PlanAuditEntry)
export class PlanAuditEntryResolver {
  @FieldResolver(() => User)
  changedBy(@Root() e: PlanAuditEntry, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(e.changedById);
  }

  @FieldResolver(() => [FieldChange])
  changes(@Root() e: PlanAuditEntry): FieldChange[] {
    return JSON.parse(e.changesJson) as FieldChange[];
  }
}

@Resolver(() => PlanStatusChange)
export class PlanStatusChangeResolver {
  @FieldResolver(() => User)
  changedBy(@Root() e: PlanStatusChange, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(e.changedById);
  }
}

@Resolver(() => BusinessPlan)
export class PlansResolver {
  @Query(() => BusinessPlan, { nullable: true })
  businessPlan(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const n = parseId(id, "BusinessPlan");
    return n === null ? null : ctx.loaders.plan.load(n);
  }

  @Query(() => BusinessPlanConnection, { description: "Plans in creation order, or in `orderBy`.", complexity: pagedListComplexity })
  async businessPlans(
    @Ctx() ctx: Context,
    @Arg("filter", () => BusinessPlanFilter, { nullable: true }) filter?: BusinessPlanFilter | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("orderBy", () => PlanOrder, { nullable: true, description: "The order (default: creation order). A cursor only continues the order it came from." }) orderBy?: PlanOrder | null,
  ): Promise<BusinessPlanConnection> {
    const page = await ctx.services.plans.page(filter, first, after, orderBy);
    return {
      edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] })),
      pageInfo: pageInfoOf(page, after),
      filter: filter ?? null,
    };
  }

  @Mutation(() => BusinessPlan)
  createBusinessPlan(@Arg("input", () => CreateBusinessPlanInput) input: CreateBusinessPlanInput, @Ctx() ctx: Context) {
    return ctx.services.plans.create(ctx.user, input);
  }

  @Mutation(() => BusinessPlan)
  updateBusinessPlan(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateBusinessPlanInput) input: UpdateBusinessPlanInput,
    @Ctx() ctx: Context,
    @Arg("expectedVersion", () => Int, { nullable: true }) expectedVersion?: number | null,
  ) {
    return ctx.services.plans.update(ctx.user, id, input, expectedVersion);
  }

  @Mutation(() => ID)
  deleteBusinessPlan(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.plans.delete(ctx.user, id);
  }

  @Mutation(() => BusinessPlan)
  changeBusinessPlanStatus(
    @Arg("id", () => ID) id: string,
    @Arg("status", () => PlanStatus) status: PlanStatus,
    @Ctx() ctx: Context,
    @Arg("comment", () => String, { nullable: true }) comment?: string | null,
    @Arg("expectedVersion", () => Int, { nullable: true }) expectedVersion?: number | null,
  ) {
    if (comment && comment.length > LIMITS.comment) throw badInput("comment", `must be at most ${LIMITS.comment} characters`);
    return ctx.services.plans.changeStatus(ctx.user, id, status, comment, expectedVersion);
  }

  @Mutation(() => [BusinessPlan], {
    description: "Expires every plan that is not EXPIRED and whose period ended before the date; returns them.",
  })
  expireBusinessPlans(@Arg("periodEndedBefore", () => DateScalar) periodEndedBefore: string, @Ctx() ctx: Context) {
    return ctx.services.plans.expire(ctx.user, periodEndedBefore);
  }

  @Mutation(() => BusinessPlan, {
    description:
      "Deep copy into another period of the same type: children go to the matching child periods, objectives come along with their targets, everything starts as DRAFT without links to opportunities or activities.",
  })
  copyBusinessPlan(
    @Arg("id", () => ID) id: string,
    @Arg("periodId", () => ID) periodId: string,
    @Ctx() ctx: Context,
    @Arg("ownerId", () => ID, { nullable: true }) ownerId?: string | null,
  ) {
    return ctx.services.plans.copy(ctx.user, id, periodId, ownerId);
  }

  @Mutation(() => BusinessPlan)
  addPlanContact(@Arg("planId", () => ID) planId: string, @Arg("contactId", () => ID) contactId: string, @Ctx() ctx: Context) {
    return ctx.services.plans.addContact(ctx.user, planId, contactId);
  }

  // ----- fields -----

  @FieldResolver(() => Account)
  account(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(p.accountId);
  }

  @FieldResolver(() => User)
  owner(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(p.ownerId);
  }

  @FieldResolver(() => Period)
  period(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.period.load(p.periodId);
  }

  @FieldResolver(() => BusinessPlan, { nullable: true })
  parent(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return p.parentId == null ? null : ctx.loaders.plan.load(p.parentId);
  }

  @FieldResolver(() => [BusinessPlan], {
    description:
      "The plan's parent, its parent's parent, ... up to the top-level plan (nearest first; empty for a top-level plan): the plans whose rollups change when this plan's figures change, to refetch in one query after a mutation.",
  })
  ancestors(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return p.parentId == null ? [] : ctx.loaders.planAncestors.load(p.id);
  }

  @FieldResolver(() => [BusinessPlan])
  children(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.planChildren(null, info).load(p.id);
  }

  @FieldResolver(() => [Objective])
  objectives(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.objectivesByPlan(null, info).load(p.id);
  }

  @FieldResolver(() => [Opportunity], { description: "Opportunities linked to this plan directly." })
  opportunities(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.opportunitiesByPlan.load(p.id).then(take);
  }

  @FieldResolver(() => [Activity])
  activities(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.activitiesByPlan.load(p.id).then(take);
  }

  @FieldResolver(() => [Contact])
  contacts(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.contactsByPlan.load(p.id);
  }

  @FieldResolver(() => [PlanStatusChange], { description: "Oldest first." })
  statusHistory(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.statusHistoryByPlan.load(p.id);
  }

  @FieldResolver(() => [PlanAuditEntry], { description: "Every write to the plan, newest first.", complexity: pagedListComplexity })
  auditTrail(
    @Root() p: BusinessPlan,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, description: "At most this many entries (default 50, max 500)." }) first?: number | null,
  ) {
    const n = first ?? 50;
    if (!Number.isInteger(n) || n < 0 || n > 500) throw badInput("first", "must be between 0 and 500");
    return ctx.loaders.auditTrailByPlan(n).load(p.id);
  }

  @FieldResolver(() => BusinessPlan, { nullable: true, description: "The plan this one was rolled forward from." })
  copiedFrom(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return p.copiedFromId == null ? null : ctx.loaders.plan.load(p.copiedFromId);
  }

  @FieldResolver(() => PlanRollup, { description: "Live figures; an EXPIRED plan answers the figures stored when it expired." })
  async rollup(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<PlanRollup> {
    const f = await ctx.loaders.rollup(fieldPosition(info)).load(figuresKey(p.id, hasFrozenFigures(p.status)));
    return {
      id: rollupId(p.id),
      revenueTarget: p.revenueTarget,
      childrenRevenueTarget: f.childrenRevenueTarget,
      pipelineRevenue: f.pipelineRevenue,
      wonRevenue: f.wonRevenue,
      attainment: ratio(f.wonRevenue, p.revenueTarget),
      asOf: f.asOf,
    };
  }
}


