import { ObjectiveUnit } from "../../common/enums";
import { progressId } from "../../common/ids";
import { type Cents, ratio, sumOf, sumSql } from "../../common/money";
import type { Database } from "../../db/data-source";
import type { Context } from "../../graphql/context";
import type { Objective } from "./objective.entity";
import type { ObjectiveProgress } from "./objectives.types";

export interface ProgressFigures {
  /** COMPLETED CALL/MEETING activities for CALLS/MEETINGS objectives. */
  countedQuantity: number;
  wonRevenue: Cents;
}

export const emptyProgress = (): ProgressFigures => ({ countedQuantity: 0, wonRevenue: 0n });

/** Progress is asked for an objective, over all accounts (null) or narrowed to one account. */
export interface ProgressKey {
  objectiveId: number;
  accountId: number | null;
}

export const progressKey = (k: ProgressKey) => `${k.objectiveId}:${k.accountId ?? "*"}`;

const ACCOUNT_SCOPE = Symbol("progressAccountScope");

/**
 * The objective as listed under an account (Account.applicableObjectives): its progress is
 * that account's. A view of the loaded row (prototype delegation): the row itself, shared
 * by every account of the request, is not changed.
 */
export function scopedToAccount<T extends object>(o: T, accountId: number): T {
  const view = Object.create(o) as T & { [ACCOUNT_SCOPE]?: number };
  view[ACCOUNT_SCOPE] = accountId;
  return view;
}

export const accountScopeOf = (o: object): number | null => (o as { [ACCOUNT_SCOPE]?: number })[ACCOUNT_SCOPE] ?? null;

/**
 * Progress for many (objective, account scope) pairs in ONE statement, the same SQL on
 * both dialects. An objective's progress covers it and all its descendants (a recursive
 * walk down parent_id; UNION keeps each objective once per root, so each activity and
 * opportunity, which points at one objective, counts once). The root's unit decides which
 * activities count. Figures come back per (root, account) and are added up here for the
 * scope asked: all accounts, or one. Sums cannot overflow (money.ts sumSql).
 */
export async function loadProgress(db: Database, keys: readonly string[]): Promise<Map<string, ProgressFigures>> {
  const parsed = keys.map((k) => {
    const [id, acc] = k.split(":");
    return { key: k, objectiveId: Number(id), accountId: acc === "*" ? null : Number(acc) };
  });
  if (db.dialect === "postgres") return loadProgressPg(db, parsed);
  const ids = [...new Set(parsed.map((p) => p.objectiveId))];
  const sql = `
WITH RECURSIVE tree(root_id, ob_id) AS (
  SELECT id, id FROM objective WHERE id IN ${db.inList(ids.length)}
  UNION
  SELECT t.root_id, c.id FROM tree t CROSS JOIN objective c WHERE c.parent_id = t.ob_id
)
SELECT 'a' AS kind, t.root_id AS id, a.account_id AS account_id, CAST(COUNT(*) AS TEXT) AS v
FROM tree t CROSS JOIN objective r CROSS JOIN activity a
WHERE r.id = t.root_id AND a.objective_id = t.ob_id AND a.status = 'COMPLETED'
  AND ((r.unit = 'CALLS' AND a.type = 'CALL') OR (r.unit = 'MEETINGS' AND a.type = 'MEETING'))
GROUP BY t.root_id, a.account_id
UNION ALL
SELECT 'o' AS kind, t.root_id AS id, o.account_id AS account_id, ${sumSql("o.revenue_cents")} AS v
FROM tree t CROSS JOIN opportunity o
WHERE o.objective_id = t.ob_id AND o.status = 'WON'
GROUP BY t.root_id, o.account_id`;
  const rows = await db.query<{ kind: string; id: number | string; account_id: number | string; v: unknown }>(sql, ids);
  const out = new Map<string, ProgressFigures>();
  for (const p of parsed) out.set(p.key, emptyProgress());
  for (const r of rows) {
    const id = Number(r.id);
    const acc = Number(r.account_id);
    for (const p of parsed) {
      if (p.objectiveId !== id || (p.accountId !== null && p.accountId !== acc)) continue;
      const f = out.get(p.key)!;
      if (r.kind === "a") f.countedQuantity += Number(r.v);
      else f.wonRevenue += sumOf(r.v);
    }
  }
  return out;
}

/**
 * PostgreSQL form of the same figures, one row per key asked (objective, account scope): the
 * account narrowing happens in SQL (an account's view of a global objective reads that account's
 * rows, not every account's), and every step is a LATERAL subquery with OFFSET 0 (not flattened
 * into a join), so each is an index lookup per objective of the tree. Without that, PostgreSQL
 * (which cannot estimate the recursive CTE) hash-joined whole tables: 3.3 ms in the account view,
 * 44 ms in the 20-account view at the bench's M size. The counted activity type follows from the
 * root's unit (CALLS: CALL, MEETINGS: MEETING, others: none), which makes it an index condition;
 * the indexes activity (objective_id, status, type, account_id) and opportunity (objective_id,
 * status, account_id) serve the lookups. All-accounts keys use the whole account range.
 */
async function loadProgressPg(db: Database, parsed: Array<{ key: string; objectiveId: number; accountId: number | null }>) {
  const sql = `
WITH RECURSIVE keys(root_id, account_id) AS (
  SELECT * FROM unnest($1::int[], $2::int[])
),
tree(root_id, ob_id, activity_type) AS (
  SELECT r.id, r.id, CASE r.unit WHEN 'CALLS' THEN 'CALL' WHEN 'MEETINGS' THEN 'MEETING' END
  FROM (SELECT DISTINCT root_id FROM keys) k CROSS JOIN LATERAL (SELECT r.id, r.unit FROM objective r WHERE r.id = k.root_id OFFSET 0) r
  UNION
  SELECT t.root_id, c.id, t.activity_type
  FROM tree t CROSS JOIN LATERAL (SELECT c.id FROM objective c WHERE c.parent_id = t.ob_id OFFSET 0) c
),
scoped(root_id, account_id, ob_id, lo, hi, activity_type) AS (
  SELECT k.root_id, k.account_id, t.ob_id, COALESCE(k.account_id, -2147483648), COALESCE(k.account_id, 2147483647), t.activity_type
  FROM keys k CROSS JOIN tree t WHERE t.root_id = k.root_id
)
SELECT 'a' AS kind, s.root_id AS id, s.account_id AS account_id, CAST(SUM(a.n) AS TEXT) AS v
FROM scoped s CROSS JOIN LATERAL (
  SELECT COUNT(*) AS n FROM activity a
  WHERE a.objective_id = s.ob_id AND a.status = 'COMPLETED' AND a.type = s.activity_type AND a.account_id BETWEEN s.lo AND s.hi
) a
GROUP BY s.root_id, s.account_id
UNION ALL
SELECT 'o' AS kind, s.root_id AS id, s.account_id AS account_id, ${sumSql("o.revenue_cents")} AS v
FROM scoped s CROSS JOIN LATERAL (
  SELECT o.revenue_cents FROM opportunity o
  WHERE o.objective_id = s.ob_id AND o.status = 'WON' AND o.account_id BETWEEN s.lo AND s.hi OFFSET 0
) o
GROUP BY s.root_id, s.account_id`;
  const uniq = new Map(parsed.map((p) => [p.key, p]));
  const keys = [...uniq.values()];
  // one text, kept prepared per connection
  const rows = await db.pgRead<{ kind: string; id: number | string; account_id: number | string | null; v: unknown }>(sql, [
    keys.map((k) => k.objectiveId),
    keys.map((k) => k.accountId),
  ], { prepare: true });
  const out = new Map<string, ProgressFigures>();
  for (const p of parsed) out.set(p.key, emptyProgress());
  for (const r of rows) {
    const f = out.get(progressKey({ objectiveId: Number(r.id), accountId: r.account_id == null ? null : Number(r.account_id) }));
    if (!f) continue;
    if (r.kind === "a") f.countedQuantity += Number(r.v);
    else f.wonRevenue += sumOf(r.v);
  }
  return out;
}

const pct = (r: number | null) => (r === null ? null : Math.round(r * 10000) / 100);

/** What progress needs of the objective (Objective.progress and its compiled read). */
export type ProgressOf = Pick<Objective, "id" | "unit" | "manualQuantity" | "targetQuantity" | "targetRevenue">;

/**
 * THE progress of an objective (and its descendants), over every account (scope null) or one:
 * the figures through the request's progress loader (one statement for all asked together).
 */
export async function progressOf(ctx: Context, o: ProgressOf, scope: number | null): Promise<ObjectiveProgress> {
  const f = await ctx.loaders.progress.load(progressKey({ objectiveId: o.id, accountId: scope }));
  const actualQuantity = o.unit === ObjectiveUnit.UNITS ? (o.manualQuantity ?? 0) : f.countedQuantity;
  let percentComplete: number | null = null;
  if (o.targetQuantity != null && o.targetQuantity > 0) percentComplete = pct(actualQuantity / o.targetQuantity);
  else if (o.targetRevenue != null && o.targetRevenue > 0n) percentComplete = pct(ratio(f.wonRevenue, o.targetRevenue));
  return { id: progressId(o.id, scope), actualQuantity, actualRevenue: f.wonRevenue, percentComplete };
}
