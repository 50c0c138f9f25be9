import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, Extensions, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { ObjectiveUnit } from "../../common/enums";
import { filterKey, parseId, progressId } from "../../common/ids";
import { NESTED_FIRST_DESCRIPTION, nestedFirst } from "../../common/pagination";
import { ratio } from "../../common/money";
import type { Context } from "../../graphql/context";
import { Account } from "../accounts/account.entity";
import { Activity } from "../activities/activity.entity";
import { Contact } from "../contacts/contact.entity";
import { Opportunity } from "../opportunities/opportunity.entity";
import { Period } from "../periods/period.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { Objective } from "./objective.entity";
import { accountScopeOf, progressOf } from "./objective-progress";
import { ObjectiveStatus, objectiveStatus } from "./objective-status";
import { CreateObjectiveInput, UpdateObjectiveInput } from "./objectives.inputs";
import { ObjectiveProgress } from "./objectives.types";
import { OBJECTIVE_SQL } from "./objectives.read-sql";


@Resolver(() => Objective)
export class ObjectivesResolver {
  @Query(() => Objective, { nullable: true })
  objective(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const n = parseId(id, "Objective");
    return n === null ? null : ctx.loaders.objective.load(n);
  }

  @Query(() => [Objective], { description: "Objectives that apply to all accounts (no account, no plan)." })
  globalObjectives(
    @Ctx() ctx: Context,
    @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null,
    @Info() info?: GraphQLResolveInfo,
  ) {
    return ctx.loaders.globalObjectives(filterKey(periodId, "Period"), info).load(0);
  }

  @Mutation(() => Objective)
  createObjective(@Arg("input", () => CreateObjectiveInput) input: CreateObjectiveInput, @Ctx() ctx: Context) {
    return ctx.services.objectives.create(ctx.user, input);
  }

  @Mutation(() => Objective)
  updateObjective(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateObjectiveInput) input: UpdateObjectiveInput, @Ctx() ctx: Context) {
    return ctx.services.objectives.update(ctx.user, id, input);
  }

  @Mutation(() => ID)
  deleteObjective(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.objectives.delete(ctx.user, id);
  }

  @FieldResolver(() => Period)
  @Extensions({ needs: ["periodId"], sql: OBJECTIVE_SQL.period })
  period(@Root() o: Objective, @Ctx() ctx: Context) {
    return ctx.loaders.period.load(o.periodId);
  }

  @FieldResolver(() => BusinessPlan, { nullable: true })
  @Extensions({ needs: ["planId"], sql: OBJECTIVE_SQL.plan })
  plan(@Root() o: Objective, @Ctx() ctx: Context) {
    return o.planId == null ? null : ctx.loaders.plan.load(o.planId);
  }

  @FieldResolver(() => Account, { nullable: true })
  @Extensions({ needs: ["accountId"], sql: OBJECTIVE_SQL.account })
  account(@Root() o: Objective, @Ctx() ctx: Context) {
    return o.accountId == null ? null : ctx.loaders.account.load(o.accountId);
  }

  @FieldResolver(() => Contact, { nullable: true })
  @Extensions({ needs: ["contactId"], sql: OBJECTIVE_SQL.contact })
  contact(@Root() o: Objective, @Ctx() ctx: Context) {
    return o.contactId == null ? null : ctx.loaders.contact.load(o.contactId);
  }

  @FieldResolver(() => Objective, { nullable: true })
  @Extensions({ needs: ["parentId"], sql: OBJECTIVE_SQL.parent })
  parent(@Root() o: Objective, @Ctx() ctx: Context) {
    return o.parentId == null ? null : ctx.loaders.objective.load(o.parentId);
  }

  @FieldResolver(() => [Objective])
  @Extensions({ needs: ["id"], sql: OBJECTIVE_SQL.children })
  children(@Root() o: Objective, @Ctx() ctx: Context) {
    return ctx.loaders.objectiveChildren.load(o.id);
  }

  @FieldResolver(() => Boolean, { description: "True when the objective has neither account nor plan: it applies to all accounts." })
  @Extensions({ needs: ["accountId", "planId"], sql: OBJECTIVE_SQL.isGlobal })
  isGlobal(@Root() o: Objective): boolean {
    return o.accountId == null && o.planId == null;
  }

  @FieldResolver(() => ObjectiveProgress, {
    description:
      "Progress of this objective and its descendants; for a global objective, accountId narrows it to one account (in Account.applicableObjectives it is that account).",
  })
  @Extensions({ needs: ["id", "unit", "manualQuantity", "targetQuantity", "targetRevenue"], sql: OBJECTIVE_SQL.progress })
  async progress(
    @Root() o: Objective,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg("accountId", () => ID, { nullable: true, description: "Counts only this account's activities and opportunities (an Account id; an id of anything else counts nothing). Without it: every account's, or in Account.applicableObjectives that account's." }) accountId?: string | null,
  ): Promise<ObjectiveProgress> {
    // an id that cannot exist narrows to an account without activities or opportunities: zero
    const scope = filterKey(accountId, "Account") ?? accountScopeOf(o);
    return progressOf(ctx, o, scope);
  }

  @FieldResolver(() => ObjectiveStatus, {
    description: "Computed: ACHIEVED at 100% or more, MISSED when the due date has passed below 100%, IN_PROGRESS above 0%, otherwise NOT_STARTED.",
  })
  @Extensions({ needs: ["id", "unit", "manualQuantity", "targetQuantity", "targetRevenue", "accountId", "planId", "dueDate"] })
  async status(@Root() o: Objective, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<ObjectiveStatus> {
    const { percentComplete } = await this.progress(o, ctx, info, null);
    return objectiveStatus(percentComplete, o.dueDate, ctx.services.objectives.today());
  }

  @FieldResolver(() => [Opportunity])
  @Extensions({ needs: ["id"], sql: OBJECTIVE_SQL.opportunities })
  opportunities(@Root() o: Objective, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.opportunitiesByObjective(null, info).load(o.id).then(take);
  }

  @FieldResolver(() => [Activity])
  @Extensions({ needs: ["id"], sql: OBJECTIVE_SQL.activities })
  activities(@Root() o: Objective, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo, @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null) {
    const take = nestedFirst(first);
    return ctx.loaders.activitiesByObjective(null, info).load(o.id).then(take);
  }
}
