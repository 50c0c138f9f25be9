import { Arg, Ctx, FieldResolver, Int, ObjectType, Query, registerEnumType, Resolver, Root } from "type-graphql";
import { badInput } from "../../common/errors";
import { filterKey } from "../../common/ids";
import { containsPattern, type KeysetOrder, keysetPage } from "../../common/keyset";
import { type Page, pageSize } from "../../common/pagination";
import type { Database } from "../../db/data-source";
import { ConnectionType, connectionOf } from "../../graphql/connection";
import type { Context } from "../../graphql/context";
import { pagedListComplexity } from "../../graphql/limits";
import { Opportunity } from "./opportunity.entity";
import { OpportunityFilter } from "./opportunities.inputs";

/** The top-level opportunities list (Query.opportunities): filters, orders, keyset pages. */

export enum OpportunityOrder {
  CLOSE_DATE_ASC = "CLOSE_DATE_ASC",
  REVENUE_DESC = "REVENUE_DESC",
  NAME_ASC = "NAME_ASC",
}
registerEnumType(OpportunityOrder, {
  name: "OpportunityOrder",
  description: "Sort orders of Query.opportunities; ties are broken by id (in the order's direction), so paging is stable.",
  valuesConfig: {
    CLOSE_DATE_ASC: { description: "Earliest close date first; opportunities without a close date last." },
    REVENUE_DESC: { description: "Largest revenue first." },
    NAME_ASC: { description: "By name (the database's binary order: uppercase before lowercase)." },
  },
});

@ObjectType({ simpleResolvers: true })
export class OpportunityConnection extends ConnectionType("Opportunity", Opportunity) {
  /** The filter the page was taken from; totalCount counts it only when asked for. */
  filter: OpportunityFilter | null;
}

const O = `"o"`;
/** Creation order (id), the order of every other opportunity list; the default. */
const BY_ID: KeysetOrder = { name: "ID_ASC", key: `${O}."id"`, kind: "id", dir: "ASC", nullable: false, id: `${O}."id"` };
export const OPPORTUNITY_ORDERS: Record<OpportunityOrder, KeysetOrder> = {
  CLOSE_DATE_ASC: { name: "CLOSE_DATE_ASC", key: `${O}."close_date"`, kind: "date", dir: "ASC", nullable: true, id: `${O}."id"` },
  REVENUE_DESC: { name: "REVENUE_DESC", key: `${O}."revenue_cents"`, kind: "cents", dir: "DESC", nullable: false, id: `${O}."id"` },
  NAME_ASC: { name: "NAME_ASC", key: `${O}."name"`, kind: "text", dir: "ASC", nullable: false, id: `${O}."id"` },
};


export class OpportunityListService {
  constructor(private readonly db: Database) {}

  /** Checks the filter before any statement: BAD_USER_INPUT for an empty date range. */
  private check(f: OpportunityFilter | null | undefined): void {
    if (f?.closeDateFrom != null && f.closeDateTo != null && f.closeDateFrom > f.closeDateTo) {
      throw badInput("filter.closeDateFrom", "must not be after closeDateTo");
    }
  }

  private filtered(filter: OpportunityFilter | null | undefined) {
    const qb = this.db.manager.createQueryBuilder(Opportunity, "o");
    const f = filter ?? {};
    if (f.accountId != null) qb.andWhere(`${O}."account_id" = :acc`, { acc: filterKey(f.accountId, "Account") });
    if (f.ownerId != null) qb.andWhere(`${O}."owner_id" = :own`, { own: filterKey(f.ownerId, "User") });
    if (f.planId != null) {
      qb.andWhere(`${O}."id" IN (SELECT "po"."opportunity_id" FROM "plan_opportunity" "po" WHERE "po"."plan_id" = :plan)`, {
        plan: filterKey(f.planId, "BusinessPlan"),
      });
    }
    if (f.status?.length) qb.andWhere(`${O}."status" IN (:...st)`, { st: f.status });
    if (f.closeDateFrom != null) qb.andWhere(`${O}."close_date" >= :cdf`, { cdf: f.closeDateFrom });
    if (f.closeDateTo != null) qb.andWhere(`${O}."close_date" <= :cdt`, { cdt: f.closeDateTo });
    if (f.search?.trim()) qb.andWhere(`LOWER(${O}."name") LIKE :q ESCAPE '\\'`, { q: containsPattern(f.search.trim()) });
    return qb;
  }

  page(filter: OpportunityFilter | null | undefined, orderBy: OpportunityOrder | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Page<Opportunity>> {
    const size = pageSize(first);
    this.check(filter);
    return keysetPage(() => this.filtered(filter), orderBy ? OPPORTUNITY_ORDERS[orderBy] : BY_ID, size, after);
  }

  count(filter: OpportunityFilter | null | undefined): Promise<number> {
    return this.filtered(filter).getCount();
  }
}

@Resolver(() => OpportunityConnection)
export class OpportunityListResolver {
  @Query(() => OpportunityConnection, {
    description:
      "Opportunities across accounts, filtered and ordered (default: creation order); e.g. open deals closing this quarter: `filter: {status: [OPEN], closeDateFrom, closeDateTo}, orderBy: CLOSE_DATE_ASC`. Every signed-in user reads every opportunity, as through accounts and plans.",
    complexity: pagedListComplexity,
  })
  async opportunities(
    @Ctx() ctx: Context,
    @Arg("filter", () => OpportunityFilter, { nullable: true, description: "Only the opportunities matching every given condition." }) filter?: OpportunityFilter | null,
    @Arg("orderBy", () => OpportunityOrder, { nullable: true, description: "The order (default: creation order). A cursor only continues the order it came from." }) orderBy?: OpportunityOrder | null,
    @Arg("first", () => Int, { nullable: true, description: "Page size: at most 500, default 50." }) first?: number | null,
    @Arg("after", () => String, { nullable: true, description: "The cursor (`cursor` or `pageInfo.endCursor`) of the item after which the page starts." }) after?: string | null,
  ): Promise<OpportunityConnection> {
    const page = await ctx.services.opportunityList.page(filter, orderBy, first, after);
    return { ...connectionOf(page, after), filter: filter ?? null };
  }

  @FieldResolver(() => Int, { description: "How many opportunities match the filter (all pages)." })
  totalCount(@Root() conn: OpportunityConnection, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.opportunityList.count(conn.filter);
  }
}
