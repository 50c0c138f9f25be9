import { assertCanWrite, assertMayManageTeam } from "../../auth/policy";
import { PlanMemberRole, PlanStatus, Role } from "../../common/enums";
import { badInput, notFound, planLocked } from "../../common/errors";
import { mustFind } from "../../common/find";
import { toGlobalId } from "../../common/ids";
import { MAX_PAGE } from "../../common/limits";
import type { Database } from "../../db/data-source";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";
import { change, ref } from "./plan-audit";
import { PlanMember } from "./plan-member.entity";
import { isLocked } from "./plan-workflow";
import type { PlansService } from "./plans.service";

/** Most plans plansToReview answers (the oldest first). */
export const PLANS_TO_REVIEW_MAX = MAX_PAGE;

/**
 * Plan teams: who works on a plan besides its owner (policy.ts mayEditPlan reads the roles).
 * A team change is a change of the plan: its version goes up and its audit trail records it
 * (MEMBER_ADDED, MEMBER_ROLE_CHANGED, MEMBER_REMOVED).
 */
export class PlanTeamService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlansService,
  ) {}

  /** Adds `userId` to the plan's team, or changes the role of a member (the same role again changes nothing). */
  async addMember(actor: User, rawPlanId: string, rawUserId: string, role: PlanMemberRole): Promise<BusinessPlan> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      // locked: team changes of one plan queue, and a concurrent approval either waits or is seen
      const plan = await mustFind(em, BusinessPlan, rawPlanId, "BusinessPlan", { forUpdate: true });
      this.assertTeamEditable(actor, plan);
      const user = await mustFind(em, User, rawUserId, "User");
      if (user.id === plan.ownerId) throw badInput("userId", `User ${toGlobalId("User", user.id)} owns the plan; the owner is not a member of its team`);
      if (user.role === Role.ANALYST) throw badInput("userId", `User ${toGlobalId("User", user.id)} is an ANALYST (read-only) and cannot join a plan's team`);
      const existing = await em.findOne(PlanMember, { where: { planId: plan.id, userId: user.id } });
      if (existing?.role === role) return plan;
      if (existing) {
        await em.update(PlanMember, { planId: plan.id, userId: user.id }, { role });
        await this.plans.recordStructureChange(em, actor, plan, "MEMBER_ROLE_CHANGED", [change("userId", null, ref("User", user.id)), change("role", existing.role, role)]);
      } else {
        await em.insert(PlanMember, { planId: plan.id, userId: user.id, role, addedAt: new Date() });
        await this.plans.recordStructureChange(em, actor, plan, "MEMBER_ADDED", [change("userId", null, ref("User", user.id)), change("role", null, role)]);
      }
      return plan;
    });
  }

  /** Removes a member; NOT_FOUND when the user is not on the plan's team. */
  async removeMember(actor: User, rawPlanId: string, rawUserId: string): Promise<BusinessPlan> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const plan = await mustFind(em, BusinessPlan, rawPlanId, "BusinessPlan", { forUpdate: true });
      this.assertTeamEditable(actor, plan);
      const user = await mustFind(em, User, rawUserId, "User");
      const existing = await em.findOne(PlanMember, { where: { planId: plan.id, userId: user.id } });
      if (!existing) throw notFound(`member of BusinessPlan ${toGlobalId("BusinessPlan", plan.id)}: User`, toGlobalId("User", user.id));
      await em.delete(PlanMember, { planId: plan.id, userId: user.id });
      await this.plans.recordStructureChange(em, actor, plan, "MEMBER_REMOVED", [change("userId", ref("User", user.id), null), change("role", existing.role, null)]);
      return plan;
    });
  }

  /**
   * SUBMITTED plans waiting for the caller's review: those where the caller is a team REVIEWER, or every
   * SUBMITTED plan for a user whose role is REVIEWER. Oldest first (by id), at most PLANS_TO_REVIEW_MAX.
   */
  plansToReview(actor: User): Promise<BusinessPlan[]> {
    const qb = this.db.manager.createQueryBuilder(BusinessPlan, "p").where("p.status = :st", { st: PlanStatus.SUBMITTED });
    if (actor.role !== Role.REVIEWER) {
      qb.andWhere("EXISTS (SELECT 1 FROM plan_member m WHERE m.plan_id = p.id AND m.user_id = :uid AND m.role = :role)", {
        uid: actor.id,
        role: PlanMemberRole.REVIEWER,
      });
    }
    return qb.orderBy("p.id", "ASC").limit(PLANS_TO_REVIEW_MAX).getMany();
  }

  /** The workflow's lock first (as for field edits), then the policy: the owner or an ADMIN. */
  private assertTeamEditable(actor: User, plan: BusinessPlan): void {
    if (isLocked(plan.status)) throw planLocked(`BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is ${plan.status}: its team can no longer change`);
    assertMayManageTeam(actor, plan);
  }
}
