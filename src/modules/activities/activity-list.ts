import { Arg, Ctx, FieldResolver, Int, ObjectType, Query, registerEnumType, Resolver, Root } from "type-graphql";
import { badInput } from "../../common/errors";
import { filterKey } from "../../common/ids";
import { type KeysetOrder, keysetPage } from "../../common/keyset";
import { type Page, pageSize } from "../../common/pagination";
import type { Database } from "../../db/data-source";
import { ConnectionType, connectionOf } from "../../graphql/connection";
import type { Context } from "../../graphql/context";
import { pagedListComplexity } from "../../graphql/limits";
import { Activity } from "./activity.entity";
import { ActivityFilter } from "./activities.inputs";

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

@ObjectType({ simpleResolvers: true })
export class ActivityConnection extends ConnectionType("Activity", Activity) {
  /** The filter the page was taken from; totalCount counts it only when asked for. */
  filter: ActivityFilter | null;
}

const A = `"a"`;
export const ACTIVITY_ORDERS: Record<ActivityOrder, KeysetOrder> = {
  DUE_AT_ASC: { name: "DUE_AT_ASC", key: `${A}."due_at"`, kind: "timestamp", dir: "ASC", nullable: true, id: `${A}."id"` },
  DUE_AT_DESC: { name: "DUE_AT_DESC", key: `${A}."due_at"`, kind: "timestamp", dir: "DESC", nullable: true, id: `${A}."id"` },
};


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
    if (f.accountId != null) qb.andWhere(`${A}."account_id" = :acc`, { acc: filterKey(f.accountId, "Account") });
    if (f.ownerId != null) qb.andWhere(`${A}."owner_id" = :own`, { own: filterKey(f.ownerId, "User") });
    if (f.planId != null) qb.andWhere(`${A}."plan_id" = :plan`, { plan: filterKey(f.planId, "BusinessPlan") });
    if (f.objectiveId != null) qb.andWhere(`${A}."objective_id" = :obj`, { obj: filterKey(f.objectiveId, "Objective") });
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
    return { ...connectionOf(page, after), filter: filter ?? null };
  }

  @FieldResolver(() => Int, { description: "How many activities match the filter (all pages)." })
  totalCount(@Root() conn: ActivityConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.activityList.count(conn.filter);
  }
}
