import type { Database } from "../../db/data-source";
import { type Cents, toCents } from "../../common/money";

export interface ProgressFigures {
  /** COMPLETED CALL/MEETING activities for CALLS/MEETINGS objectives. */
  countedQuantity: number;
  wonRevenue: Cents;
}

/** Progress inputs for many objectives in one statement (the sum as TEXT: exact beyond 2^53 cents on SQLite too). */
export async function loadProgress(db: Database, ids: readonly number[]): Promise<Map<number, ProgressFigures>> {
  const sql = `
SELECT ob.id AS id,
  (SELECT COUNT(*) FROM activity a
     WHERE a.objective_id = ob.id AND a.status = 'COMPLETED'
       AND ((ob.unit = 'CALLS' AND a.type = 'CALL') OR (ob.unit = 'MEETINGS' AND a.type = 'MEETING'))) AS qty,
  (SELECT CAST(COALESCE(SUM(o.revenue_cents), 0) AS TEXT) FROM opportunity o
     WHERE o.objective_id = ob.id AND o.status = 'WON') AS won
FROM objective ob WHERE ob.id IN ${db.inList(ids.length)}`;
  const rows = await db.query<{ id: number | string; qty: unknown; won: unknown }>(sql, [...ids]);
  const out = new Map<number, ProgressFigures>();
  for (const r of rows) {
    out.set(Number(r.id), { countedQuantity: Number(r.qty), wonRevenue: toCents(r.won) });
  }
  return out;
}
