import { PlanMemberRole, PlanStatus, Role } from "../common/enums";
import { forbidden } from "../common/errors";
import { toGlobalId } from "../common/ids";
import type { User } from "../db/entities";

/** Everyone signed in may read. Writing needs any role but ANALYST. */
export function assertCanWrite(user: User): void {
  if (user.role === Role.ANALYST) throw forbidden("ANALYST users have read-only access");
}

export function assertAdmin(user: User, what: string): void {
  if (user.role !== Role.ADMIN) throw forbidden(`Only ADMIN users may ${what}`);
}

export function assertRole(user: User, roles: Role[], what: string): void {
  if (!roles.includes(user.role)) throw forbidden(`Only ${roles.join(" or ")} users may ${what}`);
}

/**
 * Owner or ADMIN: the edit right of everything a user owns (opportunities, activities) and the
 * base of the plan rules below. The one place this rule is written.
 */
export function isOwnerOrAdmin(user: User, ownerId: number | null): boolean {
  return user.role === Role.ADMIN || (ownerId !== null && ownerId === user.id);
}

/** FORBIDDEN unless `user` owns the record (`ownerId`) or is an ADMIN; `what`: e.g. "opportunity", `label`: its type and id. */
export function assertOwnerOrAdmin(user: User, ownerId: number | null, what: string, label: string): void {
  if (isOwnerOrAdmin(user, ownerId)) return;
  throw forbidden(`only the ${what}'s owner or an ADMIN may change ${label}`);
}

/** What the edit rule needs to know about a plan. */
export interface PlanAccess {
  id: number;
  ownerId: number;
  status: PlanStatus;
  /**
   * The user's role in the plan's team (plan_member), null when not a member. Services fill it in
   * (PlansService.accessOf, plans/plan-team.ts teamRoleOf); left out it means "not a member".
   */
  teamRole?: PlanMemberRole | null;
}

/**
 * May `user` edit this plan: its fields and its structure (child plans, objectives)?
 * The plan's owner, ADMIN users and the team's CONTRIBUTORs; a REVIEWER (by role, or the team's
 * REVIEWER) while the plan is SUBMITTED (they review it). This is the one edit rule: every path
 * (fields, children, objectives, contacts) asks it, through PlansService.assertEditable / structureRefusal.
 * Whether the plan is locked is the workflow's question (plan-workflow.ts), asked first by the services.
 */
export function mayEditPlan(user: User, plan: PlanAccess): boolean {
  if (user.role === Role.ANALYST) return false;
  if (isOwnerOrAdmin(user, plan.ownerId)) return true;
  if (plan.teamRole === PlanMemberRole.CONTRIBUTOR) return true;
  return (user.role === Role.REVIEWER || plan.teamRole === PlanMemberRole.REVIEWER) && plan.status === PlanStatus.SUBMITTED;
}

/** May `user` change the plan's team (addPlanMember, removePlanMember)? Its owner or an ADMIN, never a member. */
export function mayManageTeam(user: User, plan: PlanAccess): boolean {
  if (user.role === Role.ANALYST) return false;
  return isOwnerOrAdmin(user, plan.ownerId);
}

/**
 * May `user` add a note to this plan (or to one of its objectives)? Whoever may edit it at some
 * point of its life (owner, ADMIN, any team member) and every REVIEWER by role, whatever the
 * plan's status: a remark is not an edit, so notes stay open on locked plans.
 */
export function mayNotePlan(user: User, plan: PlanAccess): boolean {
  if (user.role === Role.ANALYST) return false;
  return user.role === Role.ADMIN || user.role === Role.REVIEWER || plan.ownerId === user.id || plan.teamRole != null;
}

/** Whether mayEditPlan's answer depends on the user's team role (the services skip reading it otherwise). */
export function needsTeamRole(user: User, plan: PlanAccess): boolean {
  return user.role !== Role.ANALYST && user.role !== Role.ADMIN && plan.ownerId !== user.id;
}

/** May `user` delete this plan? Its owner or an ADMIN (a REVIEWER reviews, never deletes). */
export function mayDeletePlan(user: User, plan: PlanAccess): boolean {
  if (user.role === Role.ANALYST) return false;
  return isOwnerOrAdmin(user, plan.ownerId);
}

export function assertMayEditPlan(user: User, plan: PlanAccess, what = "edit it"): void {
  assertCanWrite(user);
  if (mayEditPlan(user, plan)) return;
  throw forbidden(
    plan.status === PlanStatus.SUBMITTED
      ? `only the owner of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}, its CONTRIBUTORs, a REVIEWER or an ADMIN may ${what} (it is SUBMITTED)`
      : `only the owner of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}, its CONTRIBUTORs or an ADMIN may ${what}`,
  );
}

export function assertMayManageTeam(user: User, plan: PlanAccess): void {
  assertCanWrite(user);
  if (!mayManageTeam(user, plan)) throw forbidden(`only the owner of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} or an ADMIN may change its team`);
}

export function assertMayNotePlan(user: User, plan: PlanAccess): void {
  assertCanWrite(user);
  if (!mayNotePlan(user, plan)) {
    throw forbidden(`only the owner of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}, its team, a REVIEWER or an ADMIN may add notes to it`);
  }
}
