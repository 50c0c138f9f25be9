import { manyLoader, valueLoader } from "../../loaders/loader-kit";
import { type LoaderKit, SQL_BY_ID } from "../../loaders/loaders";
import { emptyProgress, loadProgress, type ProgressFigures } from "./objective-progress";
import { Objective } from "./objective.entity";

/** The objective (alias "t") lies in a period that overlaps the period whose id is `period` (SQL). */
export const objectiveOverlapsPeriodSql = (period: string) =>
  `EXISTS (SELECT 1 FROM period op, period fp WHERE op.id = "t"."period_id" AND fp.id = ${period}
            AND op.start_date <= fp.end_date AND op.end_date >= fp.start_date)`;

/** The objectives module's per-request loaders (composed by src/registry.ts). */
export function objectiveLoaders(k: LoaderKit) {
  const { db, o, raw } = k;
  const periodOverlap = (periodId: number, start: number) => ({ sql: objectiveOverlapsPeriodSql(db.param(start)), params: [periodId] });
  return {
    objective: k.byIds(Objective),
    /**
     * The account's objectives, optionally only those whose period overlaps `periodId`
     * (Account.objectives and, with the global ones added, Account.applicableObjectives).
     */
    objectivesByAccount: k.projected(Objective, "accountId", (periodId: number | null, p) =>
      manyLoader<Objective>(
        o,
        (ids) => raw(Objective).whereIn("account_id", ids, SQL_BY_ID, periodId == null ? undefined : (start) => periodOverlap(periodId, start), p(ids)),
        (r) => r.accountId ?? 0,
      ),
    ),
    /** Global objectives (no account, no plan), optionally overlapping a period; keyed by 0. */
    globalObjectives: k.projected(Objective, null, (periodId: number | null, p) =>
      manyLoader<Objective>(
        o,
        async (ids) => {
          const overlap = periodId == null ? null : periodOverlap(periodId, 1);
          return raw(Objective).where(
            `"t"."account_id" IS NULL AND "t"."plan_id" IS NULL${overlap ? ` AND ${overlap.sql}` : ""}`,
            overlap?.params ?? [],
            SQL_BY_ID,
            p(ids),
          );
        },
        () => 0,
      ),
    ),
    objectivesByPlan: k.projected(Objective, "planId", (_: null, p) =>
      manyLoader<Objective>(o, (ids) => raw(Objective).whereIn("plan_id", ids, SQL_BY_ID, undefined, p(ids)), (r) => r.planId ?? 0),
    ),
    objectiveChildren: k.byColumn(Objective, "parent_id", (r) => r.parentId),
    /** Keyed by progressKey (objective and account scope): every scope asked for at once in one statement. */
    progress: valueLoader<ProgressFigures, string>(o, (keys) => loadProgress(db, keys), emptyProgress),
  };
}

export type ObjectiveLoaders = ReturnType<typeof objectiveLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends ObjectiveLoaders {}
}
