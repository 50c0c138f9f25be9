import { type FindOptionsWhere, In, IsNull, type ObjectLiteral } from "typeorm";
import type { ActivityStatus, OpportunityStatus, PlanStatus } from "../common/enums";
import type { Database } from "../db/data-source";
import { Account } from "../modules/accounts/account.entity";
import { Activity } from "../modules/activities/activity.entity";
import { Contact } from "../modules/contacts/contact.entity";
import { Objective } from "../modules/objectives/objective.entity";
import { loadProgress, type ProgressFigures } from "../modules/objectives/objective-progress";
import { Opportunity } from "../modules/opportunities/opportunity.entity";
import { PlanOpportunity } from "../modules/opportunities/plan-opportunity.entity";
import { Period } from "../modules/periods/period.entity";
import { BusinessPlan } from "../modules/plans/business-plan.entity";
import { PlanAuditEntry } from "../modules/plans/plan-audit-entry.entity";
import { PlanContact } from "../modules/plans/plan-contact.entity";
import { emptyRollup, loadRollups, type RollupFigures } from "../modules/plans/plan-rollup";
import { PlanStatusChange } from "../modules/plans/plan-status-change.entity";
import { User } from "../modules/users/user.entity";
import { family, type LoaderOptions, manyLoader, oneLoader, pairLoader, valueLoader } from "./loader-kit";

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
  const byIds = <T extends ObjectLiteral & { id: number }>(entity: new () => T) =>
    oneLoader<T>(o, (ids) => m.find(entity, { where: { id: In([...ids]) } as FindOptionsWhere<T> }), (r) => r.id);

  const objectiveOverlap = (periodId: number | null | undefined) =>
    periodId == null
      ? ""
      : ` AND EXISTS (SELECT 1 FROM period op, period fp WHERE op.id = ob.period_id AND fp.id = :periodId
            AND op.start_date <= fp.end_date AND op.end_date >= fp.start_date)`;

  return {
    user: byIds(User),
    account: byIds(Account),
    contact: byIds(Contact),
    period: byIds(Period),
    plan: byIds(BusinessPlan),
    objective: byIds(Objective),
    opportunity: byIds(Opportunity),
    activity: byIds(Activity),

    contactsByAccount: manyLoader<Contact>(
      o,
      (ids) => m.find(Contact, { where: { accountId: In([...ids]) }, order: ORDER.contacts }),
      (r) => r.accountId,
    ),
    plansByAccount: family((args: PlanListArgs) =>
      manyLoader<BusinessPlan>(
        o,
        (ids) =>
          m.find(BusinessPlan, {
            where: {
              accountId: In([...ids]),
              ...(args.status?.length ? { status: In(args.status) } : {}),
              ...(args.periodId != null ? { periodId: args.periodId } : {}),
              ...(args.ownerId != null ? { ownerId: args.ownerId } : {}),
              ...(args.topLevelOnly ? { parentId: IsNull() } : {}),
            },
            order: ORDER.byId,
          }),
        (r) => r.accountId,
      ),
    ),
    objectivesByAccount: manyLoader<Objective>(
      o,
      (ids) => m.find(Objective, { where: { accountId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.accountId ?? 0,
    ),
    /** The account's objectives; the global ones are added by the resolver from `globalObjectives`. */
    objectivesByAccountInPeriod: family((periodId: number | null) =>
      manyLoader<Objective>(
        o,
        (ids) =>
          m
            .createQueryBuilder(Objective, "ob")
            .where(`ob.account_id IN (:...ids)${objectiveOverlap(periodId)}`, { ids: [...ids], periodId })
            .orderBy("ob.id", "ASC")
            .getMany(),
        (r) => r.accountId ?? 0,
      ),
    ),
    /** Global objectives (no account, no plan), optionally overlapping a period; keyed by 0. */
    globalObjectives: family((periodId: number | null) =>
      manyLoader<Objective & { globalKey?: number }>(
        o,
        async () =>
          m
            .createQueryBuilder(Objective, "ob")
            .where(`ob.account_id IS NULL AND ob.plan_id IS NULL${objectiveOverlap(periodId)}`, { periodId })
            .orderBy("ob.id", "ASC")
            .getMany(),
        () => 0,
      ),
    ),
    opportunitiesByAccount: family((status: OpportunityStatus[] | null) =>
      manyLoader<Opportunity>(
        o,
        (ids) =>
          m.find(Opportunity, {
            where: { accountId: In([...ids]), ...(status?.length ? { status: In(status) } : {}) },
            order: ORDER.byId,
          }),
        (r) => r.accountId,
      ),
    ),
    activitiesByAccount: family((status: ActivityStatus[] | null) =>
      manyLoader<Activity>(
        o,
        (ids) =>
          m.find(Activity, {
            where: { accountId: In([...ids]), ...(status?.length ? { status: In(status) } : {}) },
            order: ORDER.activities,
          }),
        (r) => r.accountId,
      ),
    ),
    periodChildren: manyLoader<Period>(
      o,
      (ids) => m.find(Period, { where: { parentId: In([...ids]) }, order: ORDER.periods }),
      (r) => r.parentId ?? 0,
    ),
    planChildren: manyLoader<BusinessPlan>(
      o,
      (ids) => m.find(BusinessPlan, { where: { parentId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.parentId ?? 0,
    ),
    objectivesByPlan: manyLoader<Objective>(
      o,
      (ids) => m.find(Objective, { where: { planId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.planId ?? 0,
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
      (ids) => m.find(Activity, { where: { planId: In([...ids]) }, order: ORDER.activities }),
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
      (ids) => m.find(PlanStatusChange, { where: { planId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.planId,
    ),
    auditTrailByPlan: family((first: number) =>
      manyLoader<PlanAuditEntry>(
        o,
        async (ids) => {
          // newest first, at most `first` per plan, in one statement (window function on both dialects)
          const rows = await db.query<{ id: number }>(
            `SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY plan_id ORDER BY id DESC) AS rn
               FROM plan_audit_entry WHERE plan_id IN ${db.inList(ids.length)}) t WHERE rn <= ${Number(first)}`,
            [...ids],
          );
          if (!rows.length) return [];
          return m.find(PlanAuditEntry, { where: { id: In(rows.map((r) => Number(r.id))) }, order: { id: "DESC" } });
        },
        (r) => r.planId,
      ),
    ),
    rollup: valueLoader<RollupFigures>(o, (ids) => loadRollups(db, ids), emptyRollup),
    objectiveChildren: manyLoader<Objective>(
      o,
      (ids) => m.find(Objective, { where: { parentId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.parentId ?? 0,
    ),
    opportunitiesByObjective: manyLoader<Opportunity>(
      o,
      (ids) => m.find(Opportunity, { where: { objectiveId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.objectiveId ?? 0,
    ),
    activitiesByObjective: manyLoader<Activity>(
      o,
      (ids) => m.find(Activity, { where: { objectiveId: In([...ids]) }, order: ORDER.activities }),
      (r) => r.objectiveId ?? 0,
    ),
    progress: valueLoader<ProgressFigures>(o, (ids) => loadProgress(db, ids), () => ({
      countedQuantity: 0,
      wonRevenue: 0n,
    })),
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
      (ids) => m.find(Activity, { where: { opportunityId: In([...ids]) }, order: ORDER.activities }),
      (r) => r.opportunityId ?? 0,
    ),
    followUps: manyLoader<Activity>(
      o,
      (ids) => m.find(Activity, { where: { followUpOfId: In([...ids]) }, order: ORDER.activities }),
      (r) => r.followUpOfId ?? 0,
    ),
    followUpOpportunities: manyLoader<Opportunity>(
      o,
      (ids) => m.find(Opportunity, { where: { sourceActivityId: In([...ids]) }, order: ORDER.byId }),
      (r) => r.sourceActivityId ?? 0,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
