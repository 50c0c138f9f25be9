import { PlanStatus, Role } from "../common/enums";
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
}

/**
 * May `user` edit this plan: its fields and its structure (child plans, objectives)?
 * The plan's owner and ADMIN users; a REVIEWER while the plan is SUBMITTED (they review it).
 * Plan teams (CONTRIBUTOR members) will be added here, and only here.
 * Whether the plan is locked is the workflow's question (plan-workflow.ts), asked first by the services.
 */
export function mayEditPlan(user: User, plan: PlanAccess): boolean {
  if (user.role === Role.ANALYST) return false;
  if (isOwnerOrAdmin(user, plan.ownerId)) return true;
  return user.role === Role.REVIEWER && plan.status === PlanStatus.SUBMITTED;
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
      ? `only the owner of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}, a REVIEWER or an ADMIN may ${what} (it is SUBMITTED)`
      : `only the owner of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} or an ADMIN may ${what}`,
  );
}
