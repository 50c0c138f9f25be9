import type { Database } from "../../db/data-source";
import { type LoaderOptions, manyLoader, oneLoader } from "../../loaders/loader-kit";
import { rawTable } from "../../loaders/raw-rows";
import { Note } from "./note.entity";

/** How many notes BusinessPlan.notes and Objective.notes answer: the newest ones. */
export const NOTES_SHOWN = 100;

/**
 * Notes by id (node/nodes) and the newest NOTES_SHOWN of each plan or objective, newest first,
 * in one statement per batch (a window function, the same SQL on both dialects).
 */
export function noteLoaders(db: Database, o: LoaderOptions) {
  const notes = rawTable(db, Note);
  const newest = (column: "plan_id" | "objective_id") => (ids: readonly number[]) =>
    notes.where(
      `"t"."id" IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY ${column} ORDER BY id DESC) AS rn
         FROM note WHERE ${column} IN ${db.inList(ids.length)}) w WHERE rn <= ${NOTES_SHOWN})`,
      [...ids],
      `"t"."id" DESC`,
    );
  return {
    note: oneLoader<Note>(o, (ids) => notes.whereIn("id", ids, `"t"."id" ASC`), (r) => r.id),
    notesByPlan: manyLoader<Note>(o, newest("plan_id"), (r) => r.planId ?? 0),
    notesByObjective: manyLoader<Note>(o, newest("objective_id"), (r) => r.objectiveId ?? 0),
  };
}
