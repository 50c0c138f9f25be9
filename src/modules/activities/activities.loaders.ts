import type { ActivityStatus } from "../../common/enums";
import { manyLoader } from "../../loaders/loader-kit";
import type { LoaderKit } from "../../loaders/loaders";
import { Activity } from "./activity.entity";

/** The documented activity order (due date, undated last, then id), for alias "t". */
const SQL_ACTIVITY_ORDER = `"t"."due_at" ASC NULLS LAST, "t"."id" ASC`;

/** The activities module's per-request loaders (composed by src/registry.ts). */
export function activityLoaders(k: LoaderKit) {
  const { o, raw } = k;
  return {
    activity: k.byIds(Activity),
    activitiesByAccount: k.projected(Activity, "accountId", (status: ActivityStatus[] | null, p) =>
      manyLoader<Activity>(
        o,
        (ids) => raw(Activity).whereIn("account_id", ids, SQL_ACTIVITY_ORDER, status?.length ? k.inFilter("status", status) : undefined, p(ids)),
        (r) => r.accountId,
      ),
    ),
    activitiesByPlan: manyLoader<Activity>(
      o,
      (ids) => raw(Activity).whereIn("plan_id", ids, SQL_ACTIVITY_ORDER),
      (r) => r.planId ?? 0,
    ),
    activitiesByObjective: k.projected(Activity, "objectiveId", (_: null, p) =>
      manyLoader<Activity>(o, (ids) => raw(Activity).whereIn("objective_id", ids, SQL_ACTIVITY_ORDER, undefined, p(ids)), (r) => r.objectiveId ?? 0),
    ),
    activitiesByOpportunity: manyLoader<Activity>(
      o,
      (ids) => raw(Activity).whereIn("opportunity_id", ids, SQL_ACTIVITY_ORDER),
      (r) => r.opportunityId ?? 0,
    ),
    followUps: manyLoader<Activity>(
      o,
      (ids) => raw(Activity).whereIn("follow_up_of_id", ids, SQL_ACTIVITY_ORDER),
      (r) => r.followUpOfId ?? 0,
    ),
  };
}

export type ActivityLoaders = ReturnType<typeof activityLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends ActivityLoaders {}
}
