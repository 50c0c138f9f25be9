import { registerEnumType } from "type-graphql";

/** Where an objective stands (computed, never stored). */
export enum ObjectiveStatus {
  NOT_STARTED = "NOT_STARTED",
  IN_PROGRESS = "IN_PROGRESS",
  ACHIEVED = "ACHIEVED",
  MISSED = "MISSED",
}

registerEnumType(ObjectiveStatus, {
  name: "ObjectiveStatus",
  description: "Computed: ACHIEVED at 100% or more, MISSED when the due date has passed below 100%, IN_PROGRESS above 0%, otherwise NOT_STARTED.",
  valuesConfig: {
    NOT_STARTED: { description: "No progress yet (0%, or no target to measure against) and the due date has not passed." },
    IN_PROGRESS: { description: "Above 0% and below 100%, and the due date has not passed." },
    ACHIEVED: { description: "100% or more of the target, whenever it was reached." },
    MISSED: { description: "Below 100% and the due date has passed (today, UTC, is after it)." },
  },
});

/**
 * The contract's rule, in its order: ACHIEVED at 100% or more; MISSED when the due date
 * has passed below 100%; IN_PROGRESS above 0%; otherwise NOT_STARTED. `percentComplete`
 * null (no target to measure against) counts as 0%. The due date passes at the end of
 * that day: on `dueDate` itself the objective is not missed yet. Dates are YYYY-MM-DD
 * (UTC), so they compare as strings.
 */
export function objectiveStatus(percentComplete: number | null, dueDate: string, today: string): ObjectiveStatus {
  const pct = percentComplete ?? 0;
  if (pct >= 100) return ObjectiveStatus.ACHIEVED;
  if (today > dueDate) return ObjectiveStatus.MISSED;
  return pct > 0 ? ObjectiveStatus.IN_PROGRESS : ObjectiveStatus.NOT_STARTED;
}
