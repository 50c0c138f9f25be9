import DataLoader from "dataloader";
import type { GraphQLResolveInfo } from "graphql";
import { In, type ObjectLiteral } from "typeorm";
import type { ActivityStatus, OpportunityStatus, PlanStatus } from "../common/enums";
import type { Database } from "../db/data-source";
import { Account } from "../modules/accounts/account.entity";
import { Activity } from "../modules/activities/activity.entity";
import { Contact } from "../modules/contacts/contact.entity";
import { Objective } from "../modules/objectives/objective.entity";
import { emptyProgress, loadProgress, type ProgressFigures } from "../modules/objectives/objective-progress";
import { Opportunity } from "../modules/opportunities/opportunity.entity";
import { PlanOpportunity } from "../modules/opportunities/plan-opportunity.entity";
import { Period } from "../modules/periods/period.entity";
import { BusinessPlan } from "../modules/plans/business-plan.entity";
import { PlanAuditEntry } from "../modules/plans/plan-audit-entry.entity";
import { PlanContact } from "../modules/plans/plan-contact.entity";
import { emptyRollup, loadPlanFigures, type PlanFigures } from "../modules/plans/plan-rollup";
import { PlanStatusChange } from "../modules/plans/plan-status-change.entity";
import { User } from "../modules/users/user.entity";
import { noteLoaders } from "../modules/notes/notes.loaders";
import { planTeamLoaders } from "../modules/plans/plan-team.loaders";
import { columnFamily, family, type LoaderOptions, manyLoader, oneLoader, pairLoader, valueLoader } from "./loader-kit";
import { type ProjectionKey, projector } from "./projection";
import { rawTable } from "./raw-rows";

export interface PlanListArgs {
  status?: PlanStatus[] | null;
  periodId?: number | null;
  ownerId?: number | null;
  topLevelOnly?: boolean | null;
}

/** Documented list orders. */
export const ORDER = {
  contacts: { lastName: "ASC", firstName: "ASC", id: "ASC" },
  byId: { id: "ASC" },
  activities: { dueAt: { direction: "ASC", nulls: "LAST" }, id: "ASC" },
  periods: { startDate: "ASC", id: "ASC" },
} as const;

/**
 * All DataLoaders of one request. Built by the context function for every
 * request and never shared: field resolvers only call `ctx.loaders.x.load(id)`.
 */
export function createLoaders(db: Database, o: LoaderOptions) {
  const m = db.manager;
  /** asOf of the live figures this request answers. */
  const requestTime = new Date();
  // The hot loaders read entity rows through RawTable (one SELECT, no TypeORM hydration; see raw-rows.ts).
  // Their ORDER BY is the documented ORDER above, written out for alias "t".
  const raw = <T extends ObjectLiteral>(entity: new () => T) => rawTable(db, entity);
  const SQL_ORDER = {
    byId: `"t"."id" ASC`,
    contacts: `"t"."last_name" ASC, "t"."first_name" ASC, "t"."id" ASC`,
    activities: `"t"."due_at" ASC NULLS LAST, "t"."id" ASC`,
    periods: `"t"."start_date" ASC, "t"."id" ASC`,
  };
  /** ` AND "t"."col" IN (...)` with parameters from number `start` on. */
  const inFilter = (column: string, values: readonly unknown[]) => (start: number) => ({
    sql: `"t"."${column}" IN ${db.inList(values.length, start)}`,
    params: [...values],
  });
  /**
   * A list loader that reads only the columns the selections asking for it need (loaders/projection.ts,
   * loader-kit.ts columnFamily): one DataLoader per argument set, shared by every position of the query
   * that lists this relation. Without `info`, every column.
   */
  const projected = <A, T extends ObjectLiteral>(
    entity: new () => T,
    keyProp: string | null,
    make: (args: A, columnsFor: (keys: readonly number[]) => ProjectionKey) => DataLoader<number, T[]>,
  ) => {
    const loaders = columnFamily(make);
    const projectionOf = projector(raw(entity).columns, keyProp ? ["id", keyProp] : ["id"]);
    return (args: A, info?: GraphQLResolveInfo) => loaders(args, info ? projectionOf(info) : null);
  };
  const byIds = <T extends ObjectLiteral & { id: number }>(entity: new () => T) =>
    oneLoader<T>(o, (ids) => raw(entity).whereIn("id", ids, SQL_ORDER.byId), (r) => r.id);

  /** The objective (alias "t") lies in a period that overlaps period `periodId` (parameter number `start`). */
  const periodOverlap = (periodId: number, start: number) => ({
    sql: `EXISTS (SELECT 1 FROM period op, period fp WHERE op.id = "t"."period_id" AND fp.id = ${db.param(start)}
            AND op.start_date <= fp.end_date AND op.end_date >= fp.start_date)`,
    params: [periodId],
  });

  const planLoader = byIds(BusinessPlan);
  return {
    ...planTeamLoaders(db, o),
    ...noteLoaders(db, o),
    user: byIds(User),
    account: byIds(Account),
    contact: byIds(Contact),
    period: byIds(Period),
    plan: planLoader,
    objective: byIds(Objective),
    opportunity: byIds(Opportunity),
    activity: byIds(Activity),

    contactsByAccount: projected(Contact, "accountId", (_: null, p) =>
      manyLoader<Contact>(o, (ids) => raw(Contact).whereIn("account_id", ids, SQL_ORDER.contacts, undefined, p(ids)), (r) => r.accountId),
    ),
    plansByAccount: projected(BusinessPlan, "accountId", (args: PlanListArgs, p) =>
      manyLoader<BusinessPlan>(
        o,
        (ids) =>
          raw(BusinessPlan).whereIn("account_id", ids, SQL_ORDER.byId, (start) => {
            const conds: string[] = [];
            const params: unknown[] = [];
            if (args.status?.length) {
              conds.push(`"t"."status" IN ${db.inList(args.status.length, start)}`);
              params.push(...args.status);
            }
            if (args.periodId != null) {
              conds.push(`"t"."period_id" = ${db.param(start + params.length)}`);
              params.push(args.periodId);
            }
            if (args.ownerId != null) {
              conds.push(`"t"."owner_id" = ${db.param(start + params.length)}`);
              params.push(args.ownerId);
            }
            if (args.topLevelOnly) conds.push(`"t"."parent_id" IS NULL`);
            return { sql: conds.length ? conds.join(" AND ") : "1 = 1", params };
          }, p(ids)),
        (r) => r.accountId,
      ),
    ),
    /**
     * The account's objectives, optionally only those whose period overlaps `periodId`
     * (Account.objectives and, with the global ones added, Account.applicableObjectives).
     */
    objectivesByAccount: projected(Objective, "accountId", (periodId: number | null, p) =>
      manyLoader<Objective>(
        o,
        (ids) =>
          raw(Objective).whereIn("account_id", ids, SQL_ORDER.byId, periodId == null ? undefined : (start) => periodOverlap(periodId, start), p(ids)),
        (r) => r.accountId ?? 0,
      ),
    ),
    /** Global objectives (no account, no plan), optionally overlapping a period; keyed by 0. */
    globalObjectives: projected(Objective, null, (periodId: number | null, p) =>
      manyLoader<Objective>(
        o,
        async (ids) => {
          const overlap = periodId == null ? null : periodOverlap(periodId, 1);
          return raw(Objective).where(
            `"t"."account_id" IS NULL AND "t"."plan_id" IS NULL${overlap ? ` AND ${overlap.sql}` : ""}`,
            overlap?.params ?? [],
            SQL_ORDER.byId,
            p(ids),
          );
        },
        () => 0,
      ),
    ),
    opportunitiesByAccount: family((status: OpportunityStatus[] | null) =>
      manyLoader<Opportunity>(
        o,
        (ids) => raw(Opportunity).whereIn("account_id", ids, SQL_ORDER.byId, status?.length ? inFilter("status", status) : undefined),
        (r) => r.accountId,
      ),
    ),
    activitiesByAccount: projected(Activity, "accountId", (status: ActivityStatus[] | null, p) =>
      manyLoader<Activity>(
        o,
        (ids) => raw(Activity).whereIn("account_id", ids, SQL_ORDER.activities, status?.length ? inFilter("status", status) : undefined, p(ids)),
        (r) => r.accountId,
      ),
    ),
    periodChildren: manyLoader<Period>(
      o,
      (ids) => raw(Period).whereIn("parent_id", ids, SQL_ORDER.periods),
      (r) => r.parentId ?? 0,
    ),
    planChildren: projected(BusinessPlan, "parentId", (_: null, p) =>
      manyLoader<BusinessPlan>(o, (ids) => raw(BusinessPlan).whereIn("parent_id", ids, SQL_ORDER.byId, undefined, p(ids)), (r) => r.parentId ?? 0),
    ),
    objectivesByPlan: projected(Objective, "planId", (_: null, p) =>
      manyLoader<Objective>(o, (ids) => raw(Objective).whereIn("plan_id", ids, SQL_ORDER.byId, undefined, p(ids)), (r) => r.planId ?? 0),
    ),
    opportunitiesByPlan: pairLoader<Opportunity>(o, async (ids) => {
      const links = await m.find(PlanOpportunity, {
        where: { planId: In([...ids]) },
        relations: { opportunityRef: true },
        order: { opportunityId: "ASC" },
      });
      return links.map((l) => [l.planId, l.opportunityRef as Opportunity]);
    }),
    activitiesByPlan: manyLoader<Activity>(
      o,
      (ids) => raw(Activity).whereIn("plan_id", ids, SQL_ORDER.activities),
      (r) => r.planId ?? 0,
    ),
    contactsByPlan: pairLoader<Contact>(o, async (ids) => {
      const links = await m.find(PlanContact, {
        where: { planId: In([...ids]) },
        relations: { contactRef: true },
        order: { contactRef: { lastName: "ASC", firstName: "ASC", id: "ASC" } },
      });
      return links.map((l) => [l.planId, l.contactRef as Contact]);
    }),
    statusHistoryByPlan: manyLoader<PlanStatusChange>(
      o,
      (ids) => raw(PlanStatusChange).whereIn("plan_id", ids, SQL_ORDER.byId),
      (r) => r.planId,
    ),
    auditTrailByPlan: family((first: number) =>
      manyLoader<PlanAuditEntry>(
        o,
        // newest first, at most `first` per plan, in one statement (window function on both dialects)
        (ids) =>
          raw(PlanAuditEntry).where(
            `"t"."id" IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY plan_id ORDER BY id DESC) AS rn
               FROM plan_audit_entry WHERE plan_id IN ${db.inList(ids.length)}) w WHERE rn <= ${Number(first)})`,
            [...ids],
            `"t"."id" DESC`,
          ),
        (r) => r.planId,
      ),
    ),
    /**
     * Computed figures are loaded per field position in the query (`fieldPosition(info)`),
     * not shared across positions: a plan's rollup or an objective's progress asked for at
     * two depths (the account view asks for both) then costs exactly one statement per
     * depth, whatever order the database answers in. A loader shared across depths would
     * sometimes serve the deeper one from the cache and sometimes not (16 or 17 statements
     * on PostgreSQL, depending on timing).
     */
    /** Keyed by figuresKey: live figures, or an EXPIRED plan's stored ones, all in one statement per position. */
    rollup: family((_position: string) =>
      valueLoader<PlanFigures, string>(o, (keys) => loadPlanFigures(db, keys, requestTime), () => ({ ...emptyRollup(), asOf: requestTime })),
    ),
    /**
     * The ancestors of each plan, nearest first: one recursive statement for the whole batch,
     * then the plans through the `plan` loader (one more statement, shared with other plan reads).
     */
    planAncestors: new DataLoader<number, BusinessPlan[]>(
      async (ids) => {
        const rows = await db.query<{ start_id: number | string; id: number | string }>(
          `WITH RECURSIVE up(start_id, id, depth) AS (
             SELECT p.id, p.parent_id, 1 FROM business_plan p WHERE p.id IN ${db.inList(ids.length)} AND p.parent_id IS NOT NULL
             UNION ALL SELECT up.start_id, b.parent_id, up.depth + 1 FROM up JOIN business_plan b ON b.id = up.id
               WHERE b.parent_id IS NOT NULL AND up.depth < 1000
           ) SELECT start_id, id FROM up ORDER BY start_id, depth`,
          [...ids],
        );
        const plans = await planLoader.loadMany([...new Set(rows.map((r) => Number(r.id)))]);
        const byId = new Map<number, BusinessPlan>();
        for (const p of plans) if (p && !(p instanceof Error)) byId.set(p.id, p);
        const out = new Map<number, BusinessPlan[]>();
        for (const r of rows) {
          const plan = byId.get(Number(r.id));
          if (!plan) continue; // deleted meanwhile
          const list = out.get(Number(r.start_id)) ?? [];
          list.push(plan);
          out.set(Number(r.start_id), list);
        }
        return ids.map((id) => out.get(id) ?? []);
      },
      o.batching ? {} : { maxBatchSize: 1 },
    ),
    objectiveChildren: manyLoader<Objective>(
      o,
      (ids) => raw(Objective).whereIn("parent_id", ids, SQL_ORDER.byId),
      (r) => r.parentId ?? 0,
    ),
    opportunitiesByObjective: projected(Opportunity, "objectiveId", (_: null, p) =>
      manyLoader<Opportunity>(o, (ids) => raw(Opportunity).whereIn("objective_id", ids, SQL_ORDER.byId, undefined, p(ids)), (r) => r.objectiveId ?? 0),
    ),
    activitiesByObjective: projected(Activity, "objectiveId", (_: null, p) =>
      manyLoader<Activity>(o, (ids) => raw(Activity).whereIn("objective_id", ids, SQL_ORDER.activities, undefined, p(ids)), (r) => r.objectiveId ?? 0),
    ),
    /** Keyed by progressKey (objective and account scope): every scope of one position in one statement. */
    progress: family((_position: string) => valueLoader<ProgressFigures, string>(o, (keys) => loadProgress(db, keys), emptyProgress)),
    plansByOpportunity: pairLoader<BusinessPlan>(o, async (ids) => {
      const links = await m.find(PlanOpportunity, {
        where: { opportunityId: In([...ids]) },
        relations: { planRef: true },
        order: { planId: "ASC" },
      });
      return links.map((l) => [l.opportunityId, l.planRef as BusinessPlan]);
    }),
    activitiesByOpportunity: manyLoader<Activity>(
      o,
      (ids) => raw(Activity).whereIn("opportunity_id", ids, SQL_ORDER.activities),
      (r) => r.opportunityId ?? 0,
    ),
    followUps: manyLoader<Activity>(
      o,
      (ids) => raw(Activity).whereIn("follow_up_of_id", ids, SQL_ORDER.activities),
      (r) => r.followUpOfId ?? 0,
    ),
    followUpOpportunities: manyLoader<Opportunity>(
      o,
      (ids) => raw(Opportunity).whereIn("source_activity_id", ids, SQL_ORDER.byId),
      (r) => r.sourceActivityId ?? 0,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
