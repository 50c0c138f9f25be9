import { PlanMemberRole, PlanStatus, Role } from "../../common/enums";
import { planLocked } from "../../common/errors";
import { toGlobalId } from "../../common/ids";

/**
 * Who may perform a transition: the plan's owner, the plan's team REVIEWER, or a user with one of
 * these roles. A team CONTRIBUTOR is in no row: contributors never change a plan's status.
 */
export type Party = "OWNER" | "TEAM_REVIEWER" | Role.REVIEWER | Role.ADMIN;

export interface Transition {
  from: PlanStatus;
  to: PlanStatus;
  who: Party[];
  /** Only once the plan's period has ended. */
  needsPeriodEnded?: boolean;
}

/**
 * The status workflow. EXPIRED is final: no row starts there. Every transition to
 * EXPIRED needs the plan's period to have ended ("at the end of the planning period").
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: PlanStatus.DRAFT, to: PlanStatus.SUBMITTED, who: ["OWNER", Role.ADMIN] },
  { from: PlanStatus.SUBMITTED, to: PlanStatus.DRAFT, who: ["OWNER", "TEAM_REVIEWER", Role.REVIEWER, Role.ADMIN] },
  { from: PlanStatus.SUBMITTED, to: PlanStatus.FINAL_APPROVED, who: ["OWNER", Role.ADMIN] },
  { from: PlanStatus.FINAL_APPROVED, to: PlanStatus.EXPIRED, who: ["OWNER", Role.ADMIN], needsPeriodEnded: true },
  { from: PlanStatus.DRAFT, to: PlanStatus.EXPIRED, who: ["OWNER", Role.ADMIN], needsPeriodEnded: true },
  { from: PlanStatus.SUBMITTED, to: PlanStatus.EXPIRED, who: ["OWNER", Role.ADMIN], needsPeriodEnded: true },
];

export interface TransitionActor {
  role: Role;
  isOwner: boolean;
  /** The actor's role in the plan's team, if a member. */
  teamRole?: PlanMemberRole | null;
}

export type TransitionVerdict =
  | { ok: true }
  | { ok: false; code: "INVALID_STATUS_TRANSITION" | "FORBIDDEN"; reason: string };

/** The one pure function every status change goes through. */
export function checkTransition(
  from: PlanStatus,
  to: PlanStatus,
  actor: TransitionActor,
  periodEnded: boolean,
): TransitionVerdict {
  const row = TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (!row) {
    const allowed = TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
    return {
      ok: false,
      code: "INVALID_STATUS_TRANSITION",
      reason: `cannot change a ${from} plan to ${to}${allowed.length ? ` (allowed: ${[...new Set(allowed)].join(", ")})` : ` (${from} is final)`}`,
    };
  }
  const permitted =
    (actor.isOwner && actor.role !== Role.ANALYST && row.who.includes("OWNER")) ||
    (actor.teamRole === PlanMemberRole.REVIEWER && actor.role !== Role.ANALYST && row.who.includes("TEAM_REVIEWER")) ||
    row.who.includes(actor.role as Party);
  if (!permitted) {
    return {
      ok: false,
      code: "FORBIDDEN",
      reason: `only ${row.who.map((w) => (w === "OWNER" ? "the plan's owner" : w === "TEAM_REVIEWER" ? "the plan's team REVIEWER" : w)).join(", ")} may change a ${from} plan to ${to}`,
    };
  }
  if (row.needsPeriodEnded && !periodEnded) {
    return { ok: false, code: "INVALID_STATUS_TRANSITION", reason: `a ${from} plan can only expire once its period has ended` };
  }
  return { ok: true };
}

export const LOCKED_STATUSES: readonly PlanStatus[] = [PlanStatus.FINAL_APPROVED, PlanStatus.EXPIRED];

/**
 * Locked: the plan's fields and its structure (child plans, objectives) no longer change.
 * A structural change anywhere in a plan tree is refused when any plan on the path from
 * the changed plan up to the root is locked (plan-tree.ts lockedInChain).
 */
export const isLocked = (s: PlanStatus) => LOCKED_STATUSES.includes(s);

/** Only a DRAFT plan may be deleted (by whom: policy.ts mayEditPlan, owner or ADMIN). */
export const isDeletable = (s: PlanStatus) => s === PlanStatus.DRAFT;

/** Opportunities, activities and objective ties may be attached: every status but EXPIRED. */
export const acceptsLinks = (s: PlanStatus) => s !== PlanStatus.EXPIRED;

/**
 * An EXPIRED plan's links (child plans, objectives, activities, opportunities) are final:
 * nothing attached to it may be detached, and its figures are the ones stored at expiry.
 */
export const linksAreFinal = (s: PlanStatus) => s === PlanStatus.EXPIRED;

/** A plan as the link rules see it; `via`: the objective of that plan a link goes through, if any. */
interface LinkTarget {
  id: number;
  status: PlanStatus;
}

const linkSubject = (plan: LinkTarget, viaObjectiveId?: number) =>
  viaObjectiveId === undefined
    ? `BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is ${plan.status}`
    : `Objective ${toGlobalId("Objective", viaObjectiveId)} belongs to BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}, which is ${plan.status}`;

/** PLAN_LOCKED unless something may be linked to the plan (directly, or through its objective `viaObjectiveId`). */
export function assertAcceptsLinks(plan: LinkTarget, viaObjectiveId?: number): void {
  if (!acceptsLinks(plan.status)) throw planLocked(`${linkSubject(plan, viaObjectiveId)}: nothing more can be linked to it`);
}

/** PLAN_LOCKED when the plan's links are final: `what` (when named) cannot be detached from it (or from its objective). */
export function assertLinksDetachable(plan: LinkTarget, what?: string, viaObjectiveId?: number): void {
  if (!linksAreFinal(plan.status)) return;
  throw planLocked(`${linkSubject(plan, viaObjectiveId)}: its links are final${what ? `, ${what} cannot be detached from it` : ""}`);
}

/** The plan answers the rollup stored when it expired instead of live figures. */
export const hasFrozenFigures = (s: PlanStatus) => s === PlanStatus.EXPIRED;

/** The date (UTC) of `now` as YYYY-MM-DD: "today" for the clock the caller reads. */
export const todayUtc = (now: Date) => now.toISOString().slice(0, 10);
