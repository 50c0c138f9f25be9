import type { EntityManager } from "typeorm";
import type { Database } from "../../db/data-source";

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
