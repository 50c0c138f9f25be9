import { manyLoader } from "../../loaders/loader-kit";
import type { LoaderKit } from "../../loaders/loaders";
import { Note } from "./note.entity";

/** How many notes BusinessPlan.notes and Objective.notes answer: the newest ones. */
export const NOTES_SHOWN = 100;

/**
 * Notes by id (node/nodes) and the newest NOTES_SHOWN of each plan or objective, newest first,
 * in one statement per batch (a window function, the same SQL on both dialects).
 */
export function noteLoaders(k: LoaderKit) {
  const newest = (column: "plan_id" | "objective_id") => (ids: readonly number[]) =>
    k.raw(Note).where(
      `"t"."id" IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY ${column} ORDER BY id DESC) AS rn
         FROM note WHERE ${column} IN ${k.db.inList(ids.length)}) w WHERE rn <= ${NOTES_SHOWN})`,
      [...ids],
      `"t"."id" DESC`,
    );
  return {
    note: k.byIds(Note),
    notesByPlan: manyLoader<Note>(k.o, newest("plan_id"), (r) => r.planId ?? 0),
    notesByObjective: manyLoader<Note>(k.o, newest("objective_id"), (r) => r.objectiveId ?? 0),
  };
}
export type NoteLoaders = ReturnType<typeof noteLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends NoteLoaders {}
}
