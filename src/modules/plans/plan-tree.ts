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

/**
 * The first locked plan (workflow: isLocked) on the path from the plan up to its root, or null.
 * Asked inside the write transaction of a structural change. On PostgreSQL the ancestors are
 * read again FOR SHARE and stay share-locked until the transaction ends: an approval of an
 * ancestor running at the same time either waits for this change or is seen by it (READ
 * COMMITTED re-reads a row it had to wait for). The plan itself is guarded by its conditional
 * version bump; SQLite serialises writes anyway.
 */
export async function lockedInChain(db: Database, em: EntityManager, planId: number): Promise<ChainLink | null> {
  const chain = await planChain(db, em, planId);
  const ancestors = chain.slice(1);
  if (db.dialect === "postgres" && ancestors.length) {
    const rows: Array<{ id: number | string; status: string }> = await em.query(
      `SELECT id, status FROM business_plan WHERE id IN ${db.inList(ancestors.length)} ORDER BY id FOR SHARE`,
      ancestors.map((a) => a.id),
    );
    const now = new Map(rows.map((r) => [Number(r.id), r.status as PlanStatus]));
    for (const a of ancestors) a.status = now.get(a.id) ?? a.status;
  }
  return chain.find((p) => isLocked(p.status)) ?? null;
}
