import { manyLoader } from "../../loaders/loader-kit";
import type { LoaderKit } from "../../loaders/loaders";
import { PlanMember } from "./plan-member.entity";

/** BusinessPlan.team: the members of each plan, in the order they joined (then by user), one statement per batch. */
export function planTeamLoaders(k: LoaderKit) {
  return {
    teamByPlan: manyLoader<PlanMember>(k.o, (ids) => k.raw(PlanMember).whereIn("plan_id", ids, `"t"."added_at" ASC, "t"."user_id" ASC`), (r) => r.planId),
  };
}
export type PlanTeamLoaders = ReturnType<typeof planTeamLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends PlanTeamLoaders {}
}
