import { ArrayMaxSize, IsOptional } from "class-validator";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, registerEnumType, Resolver, Root } from "type-graphql";
import { ActivityStatus, ActivityType } from "../../common/enums";
import { badInput } from "../../common/errors";
import { parseId } from "../../common/ids";
import { type KeysetOrder, keysetPage } from "../../common/keyset";
import { type Page, pageSize } from "../../common/pagination";
import type { Database } from "../../db/data-source";
import { PageInfo, pageInfoOf } from "../../graphql/common-types";
import type { Context } from "../../graphql/context";
import { pagedListComplexity } from "../../graphql/limits";
import { DateTimeScalar } from "../../graphql/scalars";
import { Activity } from "./activity.entity";

/** The top-level activities list (Query.activities): filters, orders, keyset pages. */

export enum ActivityOrder {
  DUE_AT_ASC = "DUE_AT_ASC",
  DUE_AT_DESC = "DUE_AT_DESC",
}
registerEnumType(ActivityOrder, {
  name: "ActivityOrder",
  description: "Sort orders of Query.activities; activities without a due date come last in both, and ties are broken by id (in the order's direction).",
  valuesConfig: {
    DUE_AT_ASC: { description: "Earliest due first (the order of every other activity list; the default)." },
    DUE_AT_DESC: { description: "Latest due first." },
  },
});

@InputType({ description: "Only the activities matching every given condition." })
export class ActivityFilter {
  @Field(() => ID, { nullable: true, description: "Only this account's activities." })
  accountId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only activities owned by this user (\"my activities\": your id from `me`)." })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only activities executing this plan (Activity.plan)." })
  planId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only activities tied to this objective (Activity.objective)." })
  objectiveId?: string | null;

  @Field(() => [ActivityStatus], { nullable: true, description: "Only activities in one of these statuses (at most 10 values)." })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: ActivityStatus[] | null;

  @Field(() => [ActivityType], { nullable: true, description: "Only activities of one of these types (at most 10 values)." })
  @IsOptional()
  @ArrayMaxSize(10)
  type?: ActivityType[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Only activities due at or after this instant (inclusive); excludes those without a due date." })
  dueFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Only activities due before this instant (exclusive: \"this week\" is dueFrom Monday 00:00, dueTo next Monday 00:00); excludes those without a due date." })
  dueTo?: Date | null;
}

@ObjectType({ simpleResolvers: true, description: "An activity and its cursor." })
export class ActivityEdge {
  @Field({ description: "Pass as `after` to continue after this activity (only with the same orderBy)." })
  cursor: string;

  @Field(() => Activity, { description: "The activity." })
  node: Activity;
}

@ObjectType({ simpleResolvers: true, description: "A page of activities (Relay connection)." })
export class ActivityConnection {
  @Field(() => [ActivityEdge], { description: "The page, in the requested order." })
  edges: ActivityEdge[];

  @Field(() => PageInfo, { description: "Where this page lies in the whole list." })
  pageInfo: PageInfo;

  filter: ActivityFilter | null;
}

const A = `"a"`;
export const ACTIVITY_ORDERS: Record<ActivityOrder, KeysetOrder> = {
  DUE_AT_ASC: { name: "DUE_AT_ASC", key: `${A}."due_at"`, kind: "timestamp", dir: "ASC", nullable: true, id: `${A}."id"` },
  DUE_AT_DESC: { name: "DUE_AT_DESC", key: `${A}."due_at"`, kind: "timestamp", dir: "DESC", nullable: true, id: `${A}."id"` },
};

const idOrNone = (raw: string, type: "Account" | "User" | "BusinessPlan" | "Objective") => parseId(raw, type) ?? -1;

export class ActivityListService {
  constructor(private readonly db: Database) {}

  private check(f: ActivityFilter | null | undefined): void {
    if (f?.dueFrom != null && f.dueTo != null && f.dueFrom.getTime() > f.dueTo.getTime()) {
      throw badInput("filter.dueFrom", "must not be after dueTo");
    }
  }

  private filtered(filter: ActivityFilter | null | undefined) {
    const qb = this.db.manager.createQueryBuilder(Activity, "a");
    const f = filter ?? {};
    if (f.accountId != null) qb.andWhere(`${A}."account_id" = :acc`, { acc: idOrNone(f.accountId, "Account") });
    if (f.ownerId != null) qb.andWhere(`${A}."owner_id" = :own`, { own: idOrNone(f.ownerId, "User") });
    if (f.planId != null) qb.andWhere(`${A}."plan_id" = :plan`, { plan: idOrNone(f.planId, "BusinessPlan") });
    if (f.objectiveId != null) qb.andWhere(`${A}."objective_id" = :obj`, { obj: idOrNone(f.objectiveId, "Objective") });
    if (f.status?.length) qb.andWhere(`${A}."status" IN (:...st)`, { st: f.status });
    if (f.type?.length) qb.andWhere(`${A}."type" IN (:...ty)`, { ty: f.type });
    if (f.dueFrom != null) qb.andWhere(`${A}."due_at" >= :df`, { df: f.dueFrom });
    if (f.dueTo != null) qb.andWhere(`${A}."due_at" < :dt`, { dt: f.dueTo });
    return qb;
  }

  page(filter: ActivityFilter | null | undefined, orderBy: ActivityOrder | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Activity>> {
    const size = pageSize(first);
    this.check(filter);
    return keysetPage(() => this.filtered(filter), ACTIVITY_ORDERS[orderBy ?? ActivityOrder.DUE_AT_ASC], size, after);
  }

  count(filter: ActivityFilter | null | undefined): Promise<number> {
    return this.filtered(filter).getCount();
  }
}

@Resolver(() => ActivityConnection)
export class ActivityListResolver {
  @Query(() => ActivityConnection, {
    description:
      "Activities across accounts, filtered and ordered (default: DUE_AT_ASC); e.g. my activities due this week: `filter: {ownerId: <me.id>, status: [PLANNED], dueFrom, dueTo}`. Every signed-in user reads every activity, as through accounts and plans.",
    complexity: pagedListComplexity,
  })
  async activities(
    @Ctx() ctx: Context,
    @Arg("filter", () => ActivityFilter, { nullable: true, description: "Only the activities matching every given condition." }) filter?: ActivityFilter | null,
    @Arg("orderBy", () => ActivityOrder, { nullable: true, description: "The order (default: DUE_AT_ASC). A cursor only continues the order it came from." }) orderBy?: ActivityOrder | null,
    @Arg("first", () => Int, { nullable: true, description: "Page size: at most 500, default 50." }) first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "The cursor (`cursor` or `pageInfo.endCursor`) of the item after which the page starts." }) after?: string | null,
  ): Promise<ActivityConnection> {
    const page = await ctx.services.activityList.page(filter, orderBy, first, after);
    return { edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] })), pageInfo: pageInfoOf(page, after), filter: filter ?? null };
  }

  @FieldResolver(() => Int, { description: "How many activities match the filter (all pages)." })
  totalCount(@Root() conn: ActivityConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.activityList.count(conn.filter);
  }
}
