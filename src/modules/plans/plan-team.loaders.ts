import type { Database } from "../../db/data-source";
import { type LoaderOptions, manyLoader } from "../../loaders/loader-kit";
import { rawTable } from "../../loaders/raw-rows";
import { PlanMember } from "./plan-member.entity";

/** BusinessPlan.team: the members of each plan, in the order they joined (then by user), one statement per batch. */
export function planTeamLoaders(db: Database, o: LoaderOptions) {
  return {
    teamByPlan: manyLoader<PlanMember>(
      o,
      (ids) => rawTable(db, PlanMember).whereIn("plan_id", ids, `"t"."added_at" ASC, "t"."user_id" ASC`),
      (r) => r.planId,
    ),
  };
}
