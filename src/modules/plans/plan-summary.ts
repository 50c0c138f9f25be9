import { registerEnumType } from "type-graphql";
import { PlanStatus } from "../../common/enums";
import { parseId, toGlobalId } from "../../common/ids";
import { type Cents, partsText, splitCentsSql, sumOf } from "../../common/money";
import type { Database } from "../../db/data-source";
import { TREE_FIGURES, treeFiguresSql } from "./plan-rollup";

/** What planSummary groups the period's top-level plans by. */
export enum PlanGroupBy {
  OWNER = "OWNER",
  TERRITORY = "TERRITORY",
  BUSINESS_UNIT = "BUSINESS_UNIT",
  TYPE = "TYPE",
  STATUS = "STATUS",
}
registerEnumType(PlanGroupBy, {
  name: "PlanGroupBy",
  description: "What planSummary groups the period's top-level plans by.",
  valuesConfig: {
    OWNER: { description: "The plan's owner: key = the user's id, label = the user's name." },
    TERRITORY: { description: "The plan's territory (key and label); null for plans without one." },
    BUSINESS_UNIT: { description: "The plan's business unit (key and label); null for plans without one." },
    TYPE: { description: "The plan's type (key and label)." },
    STATUS: { description: "The plan's status (key and label)." },
  },
});

export interface PlanSummaryFigures {
  /** The owner's global id, the territory, the business unit, the type or the status; null for plans without one. */
  key: string | null;
  label: string | null;
  plans: number;
  revenueTarget: Cents;
  wonRevenue: Cents;
  pipelineRevenue: Cents;
  weightedPipelineRevenue: Cents;
}

/** Group key and label of a top-level plan `p` (owner `u`), per grouping. */
const GROUPS: Record<PlanGroupBy, { key: string; label: string; owner?: true }> = {
  [PlanGroupBy.OWNER]: { key: "CAST(p.owner_id AS TEXT)", label: "u.name", owner: true },
  [PlanGroupBy.TERRITORY]: { key: "p.territory", label: "p.territory" },
  [PlanGroupBy.BUSINESS_UNIT]: { key: "p.business_unit", label: "p.business_unit" },
  [PlanGroupBy.TYPE]: { key: "p.type", label: "p.type" },
  [PlanGroupBy.STATUS]: { key: "p.status", label: "p.status" },
};

/**
 * planSummary: the period's top-level plans in groups, each plan tree counted once through its
 * rollup: the plan's own revenue target, and the won, pipeline and weighted pipeline revenue of
 * its tree as PlanRollup defines them (treeFiguresSql in plan-rollup.ts, the one definition), or
 * for an EXPIRED plan the figures frozen at its expiry (as its rollup answers them). So a group's
 * figures are exactly the sums of its plans' rollups.
 *
 * One statement whatever the number of plans (every tree walked in the same recursive query, the
 * partial sums of money.ts summed per plan and again per group, so the sums stay exact on both
 * dialects). A periodId that is not a period's (malformed, another type's, unknown) finds nothing,
 * as an id in a list filter does (docs/api.md, Ids): no groups.
 */
export class PlanSummaryService {
  constructor(private readonly db: Database) {}

  async summary(rawPeriodId: string, groupBy: PlanGroupBy): Promise<PlanSummaryFigures[]> {
    const db = this.db;
    const periodId = parseId(rawPeriodId, "Period");
    if (periodId === null) return [];
    const g = GROUPS[groupBy];
    const p1 = db.param(1);
    // per plan: live figures of its tree, or the frozen ones of an EXPIRED plan (weighted: live when not stored)
    const planParts = TREE_FIGURES.map((k) => {
      const stored = k === "pipeline" ? "fr.pipeline_revenue_cents" : k === "won" ? "fr.won_revenue_cents" : "fr.weighted_pipeline_revenue_cents";
      const s = splitCentsSql(stored);
      const frozen = k === "weighted" ? "fr.plan_id IS NOT NULL AND fr.weighted_pipeline_revenue_cents IS NOT NULL" : "fr.plan_id IS NOT NULL";
      return (["hi", "lo"] as const)
        .map((h) => `CASE WHEN ${frozen} THEN ${s[h]} ELSE COALESCE(tf.${k}_${h}, 0) END AS ${k}_${h}`)
        .join(", ");
    }).join(",\n    ");
    const target = splitCentsSql("COALESCE(p.revenue_target_cents, 0)");
    const groupSum = (k: string) => partsText({ hi: `SUM(${k}_hi)`, lo: `SUM(${k}_lo)` });
    const sql = `
WITH RECURSIVE roots(root_id) AS (
  SELECT id FROM business_plan WHERE period_id = ${p1} AND parent_id IS NULL
),
${treeFiguresSql(db.dialect)},
plan_figures AS (
  SELECT ${g.key} AS k, ${g.label} AS label, ${target.hi} AS target_hi, ${target.lo} AS target_lo,
    ${planParts}
  FROM business_plan p${g.owner ? " CROSS JOIN app_user u" : ""}
    LEFT JOIN tree_figures tf ON tf.root_id = p.id
    LEFT JOIN plan_frozen_rollup fr ON fr.plan_id = p.id AND p.status = '${PlanStatus.EXPIRED}'
  WHERE p.period_id = ${p1} AND p.parent_id IS NULL${g.owner ? " AND u.id = p.owner_id" : ""}
)
SELECT k, label, COUNT(*) AS plans, ${groupSum("target")} AS target, ${TREE_FIGURES.map((k) => `${groupSum(k)} AS ${k}`).join(", ")}
FROM plan_figures
GROUP BY k, label`;
    const rows = await db.query<{ k: string | null; label: string | null; plans: number | string } & Record<"target" | (typeof TREE_FIGURES)[number], unknown>>(
      sql,
      db.dialect === "postgres" ? [periodId] : [periodId, periodId],
    );
    const out = rows.map((r) => ({
      key: r.k == null ? null : g.owner ? toGlobalId("User", Number(r.k)) : String(r.k),
      label: r.label == null ? null : String(r.label),
      plans: Number(r.plans),
      revenueTarget: sumOf(r.target),
      wonRevenue: sumOf(r.won),
      pipelineRevenue: sumOf(r.pipeline),
      weightedPipelineRevenue: sumOf(r.weighted),
    }));
    // Ordered here, not in SQL, so both dialects agree whatever PostgreSQL's collation: by label
    // (code point order), groups without one last, then by key.
    const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
    return out.sort((a, b) => cmp(a.label, b.label) || cmp(a.key, b.key));
  }
}
