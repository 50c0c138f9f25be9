import type { EntityManager } from "typeorm";
import type { PlanStatus } from "../../common/enums";
import type { Database } from "../../db/data-source";
import { isLocked } from "./plan-workflow";

/** The plan and all its ancestors (ids), by a recursive walk up parent_id (same SQL on both dialects). */
export async function planAndAncestorIds(db: Database, em: EntityManager, planId: number): Promise<Set<number>> {
  const rows: Array<{ id: number | string }> = await em.query(
    `WITH RECURSIVE up(id, parent_id) AS (
       SELECT id, parent_id FROM business_plan WHERE id = ${db.param(1)}
       UNION ALL SELECT p.id, p.parent_id FROM business_plan p JOIN up ON p.id = up.parent_id
     ) SELECT id FROM up`,
    [planId],
  );
  return new Set(rows.map((r) => Number(r.id)));
}

export interface ChainLink {
  id: number;
  status: PlanStatus;
  depth: number;
}

/** The plan and its ancestors with their statuses, the plan first (one statement). */
export async function planChain(db: Database, em: EntityManager, planId: number): Promise<ChainLink[]> {
  const rows: Array<{ id: number | string; status: string; depth: number | string }> = await em.query(
    `WITH RECURSIVE up(id, parent_id, status, depth) AS (
       SELECT id, parent_id, status, 0 FROM business_plan WHERE id = ${db.param(1)}
       UNION ALL SELECT p.id, p.parent_id, p.status, up.depth + 1 FROM business_plan p JOIN up ON p.id = up.parent_id
     ) SELECT id, status, depth FROM up ORDER BY depth`,
    [planId],
  );
  return rows.map((r) => ({ id: Number(r.id), status: r.status as PlanStatus, depth: Number(r.depth) }));
}

/** The first locked plan (workflow: isLocked) on the path from the plan up to its root, or null. */
export async function lockedInChain(db: Database, em: EntityManager, planId: number): Promise<ChainLink | null> {
  return (await planChain(db, em, planId)).find((p) => isLocked(p.status)) ?? null;
}
