import DataLoader from "dataloader";
import { In } from "typeorm";
import { family, manyLoader, pairLoader, valueLoader } from "../../loaders/loader-kit";
import { type LoaderKit, SQL_BY_ID } from "../../loaders/loaders";
import type { Contact } from "../contacts/contact.entity";
import { BusinessPlan } from "./business-plan.entity";
import { PlanAuditEntry } from "./plan-audit-entry.entity";
import { PlanContact } from "./plan-contact.entity";
import { type PlanFilter, planFilterConditions } from "./plan-filter";
import { emptyRollup, loadPlanFigures, type PlanFigures } from "./plan-rollup";
import { PlanStatusChange } from "./plan-status-change.entity";

/** The plans module's per-request loaders (composed by src/registry.ts). */
export function planLoaders(k: LoaderKit) {
  const { db, o, raw, requestTime } = k;
  const m = db.manager;
  const planLoader = k.byIds(BusinessPlan);
  return {
    plan: planLoader,
    /** An account's plans, narrowed by the plan filter (plan-filter.ts, the same as the `businessPlans` query's). */
    plansByAccount: k.projected(BusinessPlan, "accountId", (filter: PlanFilter, p) =>
      manyLoader<BusinessPlan>(
        o,
        (ids) =>
          raw(BusinessPlan).whereIn(
            "account_id",
            ids,
            SQL_BY_ID,
            (start) => {
              const params: unknown[] = [];
              const conds = planFilterConditions(filter, "t", (value) => {
                const at = start + params.length;
                if (!Array.isArray(value)) {
                  params.push(value);
                  return db.param(at);
                }
                params.push(...value);
                return db.inList(value.length, at);
              });
              return { sql: conds.length ? conds.join(" AND ") : "1 = 1", params };
            },
            p(ids),
          ),
        (r) => r.accountId,
      ),
    ),
    planChildren: k.projected(BusinessPlan, "parentId", (_: null, p) =>
      manyLoader<BusinessPlan>(o, (ids) => raw(BusinessPlan).whereIn("parent_id", ids, SQL_BY_ID, undefined, p(ids)), (r) => r.parentId ?? 0),
    ),
    contactsByPlan: pairLoader<Contact>(o, async (ids) => {
      const links = await m.find(PlanContact, {
        where: { planId: In([...ids]) },
        relations: { contactRef: true },
        order: { contactRef: { lastName: "ASC", firstName: "ASC", id: "ASC" } },
      });
      return links.map((l) => [l.planId, l.contactRef as Contact]);
    }),
    statusHistoryByPlan: k.byColumn(PlanStatusChange, "plan_id", (r) => r.planId),
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
     * Keyed by figuresKey: live figures, or an EXPIRED plan's stored ones, in one statement per batch
     * (one per depth of the query; a plan already read at another depth comes from the cache).
     */
    rollup: valueLoader<PlanFigures, string>(o, (keys) => loadPlanFigures(db, keys, requestTime), () => ({ ...emptyRollup(), asOf: requestTime })),
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
  };
}

export type PlanLoaders = ReturnType<typeof planLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends PlanLoaders {}
}
