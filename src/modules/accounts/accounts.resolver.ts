import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Ctx, Extensions, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { ActivityStatus, OpportunityStatus, PlanStatus } from "../../common/enums";
import { filterKey, parseId } from "../../common/ids";
import { filterValues } from "../../common/limits";
import { NESTED_FIRST_DESCRIPTION, nestedFirst } from "../../common/pagination";
import type { Context } from "../../graphql/context";
import { connectionOf } from "../../graphql/connection";
import { pagedListComplexity } from "../../graphql/limits";
import { Activity } from "../activities/activity.entity";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import { scopedToAccount } from "../objectives/objective-progress";
import { Opportunity } from "../opportunities/opportunity.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";
import { Account } from "./account.entity";
import { AccountsArgs, CreateAccountInput, UpdateAccountInput } from "./accounts.inputs";
import { AccountConnection } from "./accounts.types";
import { ACCOUNT_SQL, accountPlanFilter } from "./accounts.read-sql";

@Resolver(() => AccountConnection)
export class AccountConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() conn: AccountConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.accounts.count(conn.search);
  }
}

@Resolver(() => Account)
export class AccountsResolver {
  @Query(() => Account, { nullable: true })
  account(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<Account | null> {
    const n = parseId(id, "Account");
    return n === null ? Promise.resolve(null) : ctx.loaders.account.load(n);
  }

  @Query(() => AccountConnection, { complexity: pagedListComplexity })
  async accounts(@Ctx() ctx: Context, @Args(() => AccountsArgs) { search, first, after, last, before }: AccountsArgs): Promise<AccountConnection> {
    const s = search || null;
    const page = await ctx.services.accounts.page(s, { first, after, last, before });
    return { ...connectionOf(page, after), search: s };
  }

  @Mutation(() => Account)
  createAccount(@Arg("input", () => CreateAccountInput) input: CreateAccountInput, @Ctx() ctx: Context): Promise<Account> {
    return ctx.services.accounts.create(ctx.user, input);
  }

  @Mutation(() => Account)
  updateAccount(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateAccountInput) input: UpdateAccountInput,
    @Ctx() ctx: Context,
  ): Promise<Account> {
    return ctx.services.accounts.update(ctx.user, id, input);
  }

  @FieldResolver(() => User, { nullable: true })
  @Extensions({ needs: ["ownerId"], sql: ACCOUNT_SQL.owner })
  owner(@Root() a: Account, @Ctx() ctx: Context) {
    return a.ownerId == null ? null : ctx.loaders.user.load(a.ownerId);
  }

  @FieldResolver(() => [Contact])
  @Extensions({ needs: ["id"], sql: ACCOUNT_SQL.contacts })
  contacts(@Root() a: Account, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.contactsByAccount(null, info).load(a.id);
  }

  @FieldResolver(() => [BusinessPlan])
  @Extensions({ needs: ["id"], sql: ACCOUNT_SQL.businessPlans })
  businessPlans(
    @Root() a: Account,
    @Ctx() ctx: Context,
    @Arg("status", () => [PlanStatus], { nullable: true }) status?: PlanStatus[] | null,
    @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null,
    @Arg("ownerId", () => ID, { nullable: true }) ownerId?: string | null,
    @Arg("topLevelOnly", () => Boolean, { nullable: true }) topLevelOnly?: boolean | null,
    @Info() info?: GraphQLResolveInfo,
  ) {
    return ctx.loaders.plansByAccount(accountPlanFilter({ status, periodId, ownerId, topLevelOnly }), info).load(a.id);
  }

  @FieldResolver(() => [Objective], { description: "Objectives explicitly tied to this account." })
  @Extensions({ needs: ["id"], sql: ACCOUNT_SQL.objectives })
  objectives(@Root() a: Account, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return ctx.loaders.objectivesByAccount(null, info).load(a.id);
  }

  @FieldResolver(() => [Objective], { description: "This account's objectives plus the global ones." })
  @Extensions({ needs: ["id"], sql: ACCOUNT_SQL.applicableObjectives })
  async applicableObjectives(
    @Root() a: Account,
    @Ctx() ctx: Context,
    @Arg("periodId", () => ID, { nullable: true }) periodId?: string | null,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const p = filterKey(periodId, "Period");
    const [own, global] = await Promise.all([
      ctx.loaders.objectivesByAccount(p, info).load(a.id),
      ctx.loaders.globalObjectives(p, info).load(0),
    ]);
    // a global objective's progress, listed under an account, is that account's
    return [...own, ...global.map((g) => scopedToAccount(g, a.id))];
  }

  @FieldResolver(() => [Opportunity])
  @Extensions({ needs: ["id"], sql: ACCOUNT_SQL.opportunities })
  opportunities(
    @Root() a: Account,
    @Ctx() ctx: Context,
    @Arg("status", () => [OpportunityStatus], { nullable: true }) status?: OpportunityStatus[] | null,
    @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null,
  ) {
    const take = nestedFirst(first);
    return ctx.loaders.opportunitiesByAccount(filterValues("status", status)).load(a.id).then(take);
  }

  @FieldResolver(() => [Activity], { description: "Ordered by due time (undated last), then creation." })
  @Extensions({ needs: ["id"], sql: ACCOUNT_SQL.activities })
  activities(
    @Root() a: Account,
    @Ctx() ctx: Context,
    @Arg("status", () => [ActivityStatus], { nullable: true }) status?: ActivityStatus[] | null,
    @Arg("first", () => Int, { nullable: true, description: NESTED_FIRST_DESCRIPTION }) first?: number | null,
    @Info() info?: GraphQLResolveInfo,
  ) {
    const take = nestedFirst(first);
    return ctx.loaders.activitiesByAccount(filterValues("status", status), info).load(a.id).then(take);
  }
}
