import type { EntityManager } from "typeorm";
import type { Database, Dialect } from "../../db/data-source";
import { rollupId } from "../../common/ids";
import { type Cents, partsText, ratio, sumOf, sumPartsSql, sumSql, weightedCentsSql } from "../../common/money";
import type { Context } from "../../graphql/context";
import type { BusinessPlan } from "./business-plan.entity";
import { hasFrozenFigures } from "./plan-workflow";
import type { PlanRollup } from "./plans.types";
import { PlanFrozenRollup } from "./plan-frozen-rollup.entity";

export interface RollupFigures {
  pipelineRevenue: Cents;
  wonRevenue: Cents;
  /** Sum of revenue x probability / 100 (each opportunity rounded to the cent) over the OPEN ones. */
  weightedPipelineRevenue: Cents;
  childrenRevenueTarget: Cents;
}

export const emptyRollup = (): RollupFigures => ({ pipelineRevenue: 0n, wonRevenue: 0n, weightedPipelineRevenue: 0n, childrenRevenueTarget: 0n });

/** The opportunity figures of a tree, as the partial sums of money.ts (see treeFiguresSql). */
export const TREE_FIGURES = ["pipeline", "won", "weighted"] as const;

const figureExpr = (o: string) => ({
  pipeline: `CASE WHEN ${o}.status = 'OPEN' THEN ${o}.revenue_cents ELSE 0 END`,
  won: `CASE WHEN ${o}.status = 'WON' THEN ${o}.revenue_cents ELSE 0 END`,
  weighted: `CASE WHEN ${o}.status = 'OPEN' THEN ${weightedCentsSql(`${o}.revenue_cents`, `${o}.probability`)} ELSE 0 END`,
});

/**
 * THE definition of a plan tree's opportunity figures, the one home of what pipeline, won and
 * weighted revenue of a tree mean (the rollup of a plan, planSummary's groups): common table
 * expressions, to follow `WITH RECURSIVE roots(root_id) AS (...), `, ending with
 * `tree_figures(root_id, pipeline_hi, pipeline_lo, won_hi, won_lo, weighted_hi, weighted_lo)`,
 * one row per root whose tree has linked opportunities (money.ts partial sums, exact when summed
 * again). A walk from each root to all its descendants; the opportunities linked to any plan of
 * the tree, or to an objective under one, are collected with UNION (so each counts once per root).
 *
 * SQLite: CROSS JOINs (inner joins with the condition in WHERE) fix the join order: walk the tree
 * first, then look rows up by index. Without them SQLite scans all of plan_opportunity, objective
 * and opportunity with a Bloom filter on the tree (bench/: 30 ms at 200 accounts, 1 ms fixed).
 *
 * PostgreSQL plans CROSS JOIN + WHERE like JOIN ON, and it cannot estimate a recursive CTE (2,005
 * rows for the 25 of a tree at the bench's M size), so it hash-joined whole tables (100,000
 * opportunities scanned twice: 33-36 ms per statement, 415 ms with JIT in Q3). Here every step is
 * a LATERAL subquery with OFFSET 0 (an optimisation fence: it cannot be flattened into a join), so
 * each runs as an index lookup per row of the tree: the cost follows the tree asked about, not the
 * database (the account view's two: 1.1-2.5 ms at M instead of 33-36 ms; docs/performance.md).
 */
export function treeFiguresSql(dialect: Dialect): string {
  const f = figureExpr("o");
  const parts = TREE_FIGURES.map((k) => {
    const p = sumPartsSql(f[k]);
    return `${p.hi} AS ${k}_hi, ${p.lo} AS ${k}_lo`;
  }).join(", ");
  if (dialect === "postgres") {
    return `tree(root_id, plan_id) AS (
  SELECT root_id, root_id FROM roots
  UNION ALL
  SELECT t.root_id, c.id FROM tree t CROSS JOIN LATERAL (SELECT c.id FROM business_plan c WHERE c.parent_id = t.plan_id OFFSET 0) c
),
linked(root_id, id, status, revenue_cents, probability) AS (
  SELECT t.root_id, o.id, o.status, o.revenue_cents, o.probability FROM tree t
    CROSS JOIN LATERAL (SELECT po.opportunity_id FROM plan_opportunity po WHERE po.plan_id = t.plan_id OFFSET 0) po
    CROSS JOIN LATERAL (SELECT o.id, o.status, o.revenue_cents, o.probability FROM opportunity o WHERE o.id = po.opportunity_id OFFSET 0) o
  UNION
  SELECT t.root_id, o.id, o.status, o.revenue_cents, o.probability FROM tree t
    CROSS JOIN LATERAL (SELECT ob.id FROM objective ob WHERE ob.plan_id = t.plan_id OFFSET 0) ob
    CROSS JOIN LATERAL (SELECT o.id, o.status, o.revenue_cents, o.probability FROM opportunity o WHERE o.objective_id = ob.id OFFSET 0) o
),
tree_figures AS (
  SELECT o.root_id, ${parts} FROM linked o GROUP BY o.root_id
)`;
  }
  return `tree(root_id, plan_id) AS (
  SELECT root_id, root_id FROM roots
  UNION ALL
  SELECT t.root_id, p.id FROM tree t CROSS JOIN business_plan p WHERE p.parent_id = t.plan_id
),
linked(root_id, opportunity_id) AS (
  SELECT t.root_id, po.opportunity_id FROM tree t CROSS JOIN plan_opportunity po WHERE po.plan_id = t.plan_id
  UNION
  SELECT t.root_id, o.id FROM tree t
    CROSS JOIN objective ob
    CROSS JOIN opportunity o
  WHERE ob.plan_id = t.plan_id AND o.objective_id = ob.id
),
tree_figures AS (
  SELECT l.root_id, ${parts} FROM linked l CROSS JOIN opportunity o WHERE o.id = l.opportunity_id GROUP BY l.root_id
)`;
}

/**
 * Rollups for many plans in ONE statement (treeFiguresSql, plus the direct children's targets).
 * Sums never overflow (money.ts: two partial sums, combined exactly in bigint), so any number of
 * opportunities of the largest amount adds up on both dialects.
 */
export async function loadRollups(db: Database, planIds: readonly number[], em?: EntityManager): Promise<Map<number, RollupFigures>> {
  return (await queryRollups(db, planIds, [], em)).live;
}

/**
 * The figures of many plans in ONE statement: live ones (above) for every id and, in the same
 * statement, the figures stored at expiry for `frozenIds` (plan_frozen_rollup, asOf as TEXT).
 * A frozen row without a weighted figure (stored before the column existed) answers the live one.
 */
async function queryRollups(db: Database, planIds: readonly number[], frozenIds: readonly number[], em?: EntityManager) {
  const n = planIds.length;
  const f = frozenIds.length;
  const pg = db.dialect === "postgres";
  // The rows of `table` whose `col` is one of the ids of parameter `start`. PostgreSQL: one array
  // parameter, and a LATERAL lookup per id (OFFSET 0: not flattened), so that a long list (Q3: 2,000
  // ids) stays an index lookup per id instead of a scan the planner may prefer for a large share.
  const rowsFor = (table: string, alias: string, col: string, cols: string, count: number, start: number) =>
    pg
      ? `unnest(${db.param(start)}::int[]) AS ${alias}_ids(id) CROSS JOIN LATERAL (SELECT ${cols} FROM ${table} ${alias} WHERE ${alias}.${col} = ${alias}_ids.id OFFSET 0) ${alias}`
      : `${table} ${alias} WHERE ${alias}.${col} IN ${db.inList(count, start)}`;
  const text = (k: string) => partsText({ hi: `${k}_hi`, lo: `${k}_lo` });
  const sql = `
WITH RECURSIVE roots(root_id) AS (
  SELECT r.id FROM ${rowsFor("business_plan", "r", "id", "r.id", n, 1)}
),
${treeFiguresSql(db.dialect)}
SELECT 'o' AS kind, root_id AS plan_id, ${text("pipeline")} AS a, ${text("won")} AS b, ${text("weighted")} AS c, CAST(NULL AS TEXT) AS d, CAST(NULL AS TEXT) AS e
FROM tree_figures
UNION ALL
SELECT 'c' AS kind, c.parent_id AS plan_id, ${sumSql("COALESCE(c.revenue_target_cents, 0)")} AS a, '0' AS b, '0' AS c,
  CAST(NULL AS TEXT) AS d, CAST(NULL AS TEXT) AS e
FROM ${rowsFor("business_plan", "c", "parent_id", "c.parent_id, c.revenue_target_cents", n, pg ? 2 : n + 1)}
GROUP BY c.parent_id${
    f
      ? `
UNION ALL
SELECT 'f' AS kind, fr.plan_id AS plan_id, CAST(fr.pipeline_revenue_cents AS TEXT) AS a, CAST(fr.won_revenue_cents AS TEXT) AS b,
  CAST(fr.weighted_pipeline_revenue_cents AS TEXT) AS c, CAST(fr.children_revenue_target_cents AS TEXT) AS d, CAST(fr.as_of AS TEXT) AS e
FROM ${rowsFor("plan_frozen_rollup", "fr", "plan_id", "fr.*", f, pg ? 3 : 2 * n + 1)}`
      : ""
  }`;
  const params = pg ? [[...planIds], [...planIds], ...(f ? [[...frozenIds]] : [])] : [...planIds, ...planIds, ...frozenIds];
  type Row = { kind: string; plan_id: number | string; a: unknown; b: unknown; c: unknown; d: unknown; e: unknown };
  // PostgreSQL, outside a write: one of two texts (with or without frozen ids), kept prepared per connection
  const rows = pg && !em ? await db.pgRead<Row>(sql, params, { prepare: true }) : await db.query<Row>(sql, params, em);
  const live = new Map<number, RollupFigures>();
  const stored: Array<{ id: number; row: (typeof rows)[number] }> = [];
  for (const r of rows) {
    const id = Number(r.plan_id);
    if (r.kind === "f") {
      stored.push({ id, row: r });
      continue;
    }
    const x = live.get(id) ?? emptyRollup();
    if (r.kind === "o") {
      x.pipelineRevenue = sumOf(r.a);
      x.wonRevenue = sumOf(r.b);
      x.weightedPipelineRevenue = sumOf(r.c);
    } else {
      x.childrenRevenueTarget = sumOf(r.a);
    }
    live.set(id, x);
  }
  const frozen = new Map<number, FrozenRollup>();
  for (const { id, row: r } of stored) {
    frozen.set(id, {
      pipelineRevenue: sumOf(r.a),
      wonRevenue: sumOf(r.b),
      weightedPipelineRevenue: r.c == null ? (live.get(id) ?? emptyRollup()).weightedPipelineRevenue : sumOf(r.c),
      childrenRevenueTarget: sumOf(r.d),
      asOf: storedInstant(String(r.e)),
    });
  }
  return { live, frozen };
}

/** A TIMESTAMP column read as TEXT ("2026-12-01 10:00:00.123", UTC on both dialects) as an instant. */
const storedInstant = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

/** What a plan's rollup is asked for: its live figures, or (EXPIRED) the ones stored at expiry. */
export const figuresKey = (planId: number, frozen: boolean) => `${frozen ? "F" : "L"}${planId}`;

export interface PlanFigures extends RollupFigures {
  asOf: Date;
}

/**
 * Figures for many figuresKeys in ONE statement, whatever mix of live and frozen plans is asked
 * for. A frozen key without stored figures (a plan that expired before they were kept) answers
 * its live figures. `now` is the asOf of live figures.
 */
export async function loadPlanFigures(db: Database, keys: readonly string[], now: Date): Promise<Map<string, PlanFigures>> {
  const ids = [...new Set(keys.map((k) => Number(k.slice(1))))];
  const frozenIds = [...new Set(keys.filter((k) => k.startsWith("F")).map((k) => Number(k.slice(1))))];
  const { live, frozen } = await queryRollups(db, ids, frozenIds);
  const out = new Map<string, PlanFigures>();
  for (const k of keys) {
    const id = Number(k.slice(1));
    out.set(k, (k.startsWith("F") ? frozen.get(id) : undefined) ?? { ...(live.get(id) ?? emptyRollup()), asOf: now });
  }
  return out;
}

export interface FrozenRollup extends RollupFigures {
  asOf: Date;
}

/** Stores the plan's current rollup as its frozen figures (at expiry, in the expiring transaction). */
export async function freezeRollup(db: Database, em: EntityManager, planId: number, at: Date): Promise<void> {
  const f = (await loadRollups(db, [planId], em)).get(planId) ?? emptyRollup();
  await em.insert(PlanFrozenRollup, { planId, ...f, asOf: at });
}

/** What a rollup needs of the plan (BusinessPlan.rollup and its compiled read). */
export type RollupOf = Pick<BusinessPlan, "id" | "status" | "revenueTarget">;

/**
 * THE rollup of a plan as the API answers it: live figures, or an EXPIRED plan's stored ones,
 * through the request's rollup loader (one statement for all plans asked together).
 */
export async function rollupOf(ctx: Context, p: RollupOf): Promise<PlanRollup> {
  const f = await ctx.loaders.rollup.load(figuresKey(p.id, hasFrozenFigures(p.status)));
  return {
    id: rollupId(p.id),
    revenueTarget: p.revenueTarget,
    childrenRevenueTarget: f.childrenRevenueTarget,
    pipelineRevenue: f.pipelineRevenue,
    wonRevenue: f.wonRevenue,
    weightedPipelineRevenue: f.weightedPipelineRevenue,
    attainment: ratio(f.wonRevenue, p.revenueTarget),
    asOf: f.asOf,
  };
}
