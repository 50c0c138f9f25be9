import type { EntityManager } from "typeorm";
import { needsTeamRole, type PlanAccess } from "../../auth/policy";
import type { PlanMemberRole } from "../../common/enums";
import type { User } from "../users/user.entity";
import { PlanMember } from "./plan-member.entity";

/** The user's role in the plan's team, or null when not a member. */
export async function teamRoleOf(em: EntityManager, planId: number, userId: number): Promise<PlanMemberRole | null> {
  const m = await em.findOne(PlanMember, { where: { planId, userId } });
  return m?.role ?? null;
}

/**
 * What policy.ts needs to decide about `user` and `plan`: the plan with the user's team role.
 * The team is read only when the answer depends on it (not for the owner, an ADMIN or an ANALYST).
 */
export async function planAccessFor(em: EntityManager, user: User, plan: PlanAccess): Promise<PlanAccess> {
  const base = { id: plan.id, ownerId: plan.ownerId, status: plan.status };
  if (!needsTeamRole(user, base)) return base;
  return { ...base, teamRole: await teamRoleOf(em, plan.id, user.id) };
}
