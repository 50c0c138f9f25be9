import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { parseId } from "../../common/ids";
import { NESTED_FIRST_DESCRIPTION, nestedFirst } from "../../common/pagination";
import { AUDIT_TRAIL_DEFAULT } from "../../common/limits";
import type { Context } from "../../graphql/context";
import { connectionOf } from "../../graphql/connection";
import { pagedListComplexity } from "../../graphql/limits";
import { DateScalar } from "../../graphql/scalars";
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
import { rollupOf } from "./plan-rollup";
import { AuditTrailArgs, BusinessPlansArgs, ChangeBusinessPlanStatusArgs, CreateBusinessPlanInput, UpdateBusinessPlanInput } from "./plans.inputs";
import { BusinessPlanConnection, PlanRollup } from "./plans.types";
import { PLAN_SQL } from "./plans.read-sql";

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
  async businessPlans(@Ctx() ctx: Context, @Args(() => BusinessPlansArgs) { filter, orderBy, first, after }: BusinessPlansArgs): Promise<BusinessPlanConnection> {
    const page = await ctx.services.plans.page(filter, first, after, orderBy);
    return { ...connectionOf(page, after), filter: filter ?? null };
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
  changeBusinessPlanStatus(@Args(() => ChangeBusinessPlanStatusArgs) { id, status, comment, expectedVersion }: ChangeBusinessPlanStatusArgs, @Ctx() ctx: Context) {
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
    return ctx.services.planCopy.copy(ctx.user, id, periodId, ownerId);
  }

  @Mutation(() => BusinessPlan)
  addPlanContact(@Arg("planId", () => ID) planId: string, @Arg("contactId", () => ID) contactId: string, @Ctx() ctx: Context) {
    return ctx.services.plans.addContact(ctx.user, planId, contactId);
  }

  // ----- fields -----

  @FieldResolver(() => Account)
  @Extensions({ needs: ["accountId"], sql: PLAN_SQL.account })
  account(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(p.accountId);
  }

  @FieldResolver(() => User)
  @Extensions({ needs: ["ownerId"], sql: PLAN_SQL.owner })
  owner(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(p.ownerId);
  }

  @FieldResolver(() => Period)
  @Extensions({ needs: ["periodId"], sql: PLAN_SQL.period })
  period(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.period.load(p.periodId);
  }

  @FieldResolver(() => BusinessPlan, { nullable: true })
  @Extensions({ needs: ["parentId"], sql: PLAN_SQL.parent })
  parent(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return p.parentId == null ? null : ctx.loaders.plan.load(p.parentId);
  }

  @FieldResolver(() => [BusinessPlan], {
    description:
      "The plan's parent, its parent's parent, ... up to the top-level plan (nearest first; empty for a top-level plan): the plans whose rollups change when this plan's figures change, to refetch in one query after a mutation.",
  })
  @Extensions({ needs: ["id", "parentId"] })
  ancestors(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return p.parentId == null ? [] : ctx.loaders.planAncestors.load(p.id);
  }

  @FieldResolver(() => [BusinessPlan])
  @Extensions({ needs: ["id"], sql: PLAN_SQL.children })
  children(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.planChildren(null, info).load(p.id);
  }

  @FieldResolver(() => [Objective])
  @Extensions({ needs: ["id"], sql: PLAN_SQL.objectives })
  objectives(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.objectivesByPlan(null, info).load(p.id);
  }

  @FieldResolver(() => [Opportunity], { description: "Opportunities linked to this plan directly." })
  @Extensions({ needs: ["id"], sql: PLAN_SQL.opportunities })
  opportunities(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.opportunitiesByPlan.load(p.id).then(take);
  }

  @FieldResolver(() => [Activity])
  @Extensions({ needs: ["id"], sql: PLAN_SQL.activities })
  activities(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.activitiesByPlan.load(p.id).then(take);
  }

  @FieldResolver(() => [Contact])
  @Extensions({ needs: ["id"], sql: PLAN_SQL.contacts })
  contacts(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.contactsByPlan.load(p.id);
  }

  @FieldResolver(() => [PlanStatusChange], { description: "Oldest first." })
  @Extensions({ needs: ["id"] })
  statusHistory(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.statusHistoryByPlan.load(p.id);
  }

  @FieldResolver(() => [PlanAuditEntry], { description: "Every write to the plan, newest first.", complexity: pagedListComplexity })
  @Extensions({ needs: ["id"] })
  auditTrail(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Args(() => AuditTrailArgs) { first }: AuditTrailArgs) {
    return ctx.loaders.auditTrailByPlan(first ?? AUDIT_TRAIL_DEFAULT).load(p.id);
  }

  @FieldResolver(() => BusinessPlan, { nullable: true, description: "The plan this one was rolled forward from." })
  @Extensions({ needs: ["copiedFromId"], sql: PLAN_SQL.copiedFrom })
  copiedFrom(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return p.copiedFromId == null ? null : ctx.loaders.plan.load(p.copiedFromId);
  }

  @FieldResolver(() => PlanRollup, { description: "Live figures; an EXPIRED plan answers the figures stored when it expired." })
  @Extensions({ needs: ["id", "revenueTarget", "status"], sql: PLAN_SQL.rollup })
  async rollup(@Root() p: BusinessPlan, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<PlanRollup> {
    return rollupOf(ctx, p);
  }
}
