import type { ActivityStatus } from "../../common/enums";
import { manyLoader } from "../../loaders/loader-kit";
import type { LoaderKit } from "../../loaders/loaders";
import { Activity } from "./activity.entity";

/** The documented activity order (due date, undated last, then id), for alias "t". */
export const SQL_ACTIVITY_ORDER = `"t"."due_at" ASC NULLS LAST, "t"."id" ASC`;

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
    activitiesByPlan: k.byColumn(Activity, "plan_id", (r) => r.planId, SQL_ACTIVITY_ORDER),
    activitiesByObjective: k.projected(Activity, "objectiveId", (_: null, p) =>
      manyLoader<Activity>(o, (ids) => raw(Activity).whereIn("objective_id", ids, SQL_ACTIVITY_ORDER, undefined, p(ids)), (r) => r.objectiveId ?? 0),
    ),
    activitiesByOpportunity: k.byColumn(Activity, "opportunity_id", (r) => r.opportunityId, SQL_ACTIVITY_ORDER),
    followUps: k.byColumn(Activity, "follow_up_of_id", (r) => r.followUpOfId, SQL_ACTIVITY_ORDER),
  };
}

export type ActivityLoaders = ReturnType<typeof activityLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends ActivityLoaders {}
}
