import { toGlobalId } from "../../common/ids";
import type { EntityManager } from "typeorm";
import { assertCanWrite, assertOwnerOrAdmin } from "../../auth/policy";
import { assertActivityTransition } from "./activity-status";
import { ActivityStatus } from "../../common/enums";
import { badInput, conflict } from "../../common/errors";
import { mustFind, rowLock } from "../../common/find";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { change, recordAudit, ref } from "../plans/plan-audit";
import { activityCompleted } from "../webhooks/webhook-events";
import type { Opportunity } from "../opportunities/opportunity.entity";
import type { OpportunitiesService } from "../opportunities/opportunities.service";
import type { User } from "../users/user.entity";
import { Activity } from "./activity.entity";
import { Objective } from "../objectives/objective.entity";
import { assertTreesUnlocked } from "../plans/plan-locks";
import { assertDetachableFromObjective, assertDetachableFromPlan, contactFor, objectiveFor, opportunityFor, planForExecution } from "./links";
import type { ActivityLinksInput, CreateActivityInput, FollowUpActivityInput, FollowUpOpportunityInput, UpdateActivityInput } from "./activities.inputs";

export class ActivitiesService {
  constructor(
    private readonly db: Database,
    private readonly opportunities: OpportunitiesService,
  ) {}

  async create(actor: User, input: CreateActivityInput): Promise<Activity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const account = await mustFind(em, Account, input.accountId, "Account");
      const links = await this.links(em, account.id, input);
      return this.insertPlanned(em, actor, input, { accountId: account.id, ...links, followUpOfId: null });
    });
  }

  async update(actor: User, rawId: string, patch: UpdateActivityInput): Promise<Activity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const a = await mustFind(em, Activity, rawId, "Activity", { forUpdate: true });
      this.assertCanChange(actor, a);
      if (patch.subject === null) throw badInput("subject", "cannot be null");
      if (patch.subject !== undefined) a.subject = patch.subject.trim();
      if (patch.dueAt !== undefined) a.dueAt = patch.dueAt;
      if (patch.notes !== undefined) a.notes = patch.notes;
      const previousPlanId = a.planId;
      const previousStatus = a.status;
      const previousObjectiveId = a.objectiveId;
      const links = await this.links(em, a.accountId, patch);
      if (links.planId !== undefined && links.planId !== previousPlanId) await assertDetachableFromPlan(em, previousPlanId, `Activity ${toGlobalId("Activity", a.id)}`);
      if (links.objectiveId !== undefined && links.objectiveId !== previousObjectiveId) {
        await assertDetachableFromObjective(em, previousObjectiveId, `Activity ${toGlobalId("Activity", a.id)}`);
      }
      for (const [k, v] of Object.entries(links) as Array<[keyof typeof links, number | null | undefined]>) {
        if (v !== undefined) a[k] = v;
      }
      if (patch.status != null && patch.status !== a.status) {
        assertActivityTransition(a, patch.status, "status");
        a.status = patch.status;
        a.completedAt = patch.status === ActivityStatus.COMPLETED ? new Date() : null;
      }
      const wasCompleted = previousStatus === ActivityStatus.COMPLETED;
      const saved = await em.save(a);
      await this.auditPlanLink(em, actor, saved, previousPlanId, saved.planId);
      if (!wasCompleted && saved.status === ActivityStatus.COMPLETED) await activityCompleted(em, actor, saved);
      return saved;
    });
  }

  async complete(actor: User, rawId: string, notes: string | null | undefined): Promise<Activity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const a = await mustFind(em, Activity, rawId, "Activity", { forUpdate: true });
      this.assertCanChange(actor, a);
      assertActivityTransition(a, ActivityStatus.COMPLETED, "id");
      a.status = ActivityStatus.COMPLETED;
      a.completedAt = new Date();
      if (notes != null) a.notes = notes;
      const saved = await em.save(a);
      await activityCompleted(em, actor, saved);
      return saved;
    });
  }

  /** A follow-up inherits account, contact, plan, objective and opportunity. */
  async followUpActivity(actor: User, rawId: string, input: FollowUpActivityInput): Promise<Activity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const src = await this.source(em, rawId);
      if (src.planId != null) await planForExecution(em, src.planId, src.accountId);
      if (src.objectiveId != null) await objectiveFor(em, src.objectiveId, src.accountId);
      return this.insertPlanned(em, actor, input, {
        accountId: src.accountId,
        contactId: src.contactId,
        planId: src.planId,
        objectiveId: src.objectiveId,
        opportunityId: src.opportunityId,
        followUpOfId: src.id,
      });
    });
  }

  /** A follow-up opportunity inherits account and objective, is linked to the activity's plan and records its source. */
  async followUpOpportunity(actor: User, rawId: string, input: FollowUpOpportunityInput): Promise<Opportunity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const src = await this.source(em, rawId);
      return this.opportunities.create(
        actor,
        {
          name: input.name,
          accountId: toGlobalId("Account", src.accountId),
          revenue: input.revenue,
          probability: input.probability,
          closeDate: input.closeDate,
          objectiveId: src.objectiveId == null ? null : toGlobalId("Objective", src.objectiveId),
          planIds: src.planId == null ? [] : [toGlobalId("BusinessPlan", src.planId)],
        },
        em,
        src.id,
      );
    });
  }

  /**
   * Deletes the activity (its owner or an ADMIN, as for its edits). It counts in its plan and in its
   * objective's plan (CALLS and MEETINGS objectives count completed activities): PLAN_LOCKED when
   * either is in a locked tree (plan-locks.ts); otherwise each records ACTIVITY_DELETED. Its follow-ups
   * stay, no longer a follow-up of anything (follow_up_of_id SET NULL), and so do opportunities
   * made from it (source_activity_id SET NULL).
   */
  async delete(actor: User, rawId: string): Promise<string> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const a = await mustFind(em, Activity, rawId, "Activity", { forUpdate: true });
      this.assertCanChange(actor, a);
      const objectivePlan = a.objectiveId == null ? null : ((await em.findOneBy(Objective, { id: a.objectiveId }))?.planId ?? null);
      const planIds = [...(a.planId == null ? [] : [a.planId]), ...(objectivePlan == null ? [] : [objectivePlan])];
      const plans = await assertTreesUnlocked(this.db, em, planIds, `delete Activity ${toGlobalId("Activity", a.id)}, which counts in it`);
      await em.delete(Activity, { id: a.id });
      for (const plan of plans) {
        await recordAudit(em, plan.id, actor.id, "ACTIVITY_DELETED", [change("activityId", ref("Activity", a.id), null), change("subject", a.subject, null)]);
      }
      return toGlobalId("Activity", a.id);
    });
  }

  /**
   * The activity a follow-up copies from, with its plan (if any) kept from being deleted until the
   * transaction ends, so the follow-up inherits the plan the source has at that point: the same as
   * a serial order, also when the plan is deleted or the source moved meanwhile. The plan is locked
   * before the source is read again, in the order a plan's deletion reaches them (plan, then its
   * activities), so a follow-up and a deletion do not deadlock.
   */
  private async source(em: EntityManager, rawId: string): Promise<Activity> {
    let src = await mustFind(em, Activity, rawId, "Activity");
    for (let attempt = 1; src.planId != null; attempt++) {
      const planId = src.planId;
      const plan = await em.findOne(BusinessPlan, { where: { id: planId }, ...rowLock(em, "keyShare") });
      src = await mustFind(em, Activity, rawId, "Activity");
      if (plan && src.planId === planId) break;
      if (attempt === 5) throw conflict(`Activity ${toGlobalId("Activity", src.id)} kept moving between plans while a follow-up was made; try again`);
    }
    return src;
  }

  private async links(
    em: EntityManager,
    accountId: number,
    input: ActivityLinksInput,
  ) {
    const out: { contactId?: number | null; planId?: number | null; objectiveId?: number | null; opportunityId?: number | null } = {};
    if (input.contactId !== undefined) out.contactId = (await contactFor(em, input.contactId, accountId))?.id ?? null;
    if (input.planId !== undefined) out.planId = input.planId === null ? null : (await planForExecution(em, input.planId, accountId)).id;
    if (input.objectiveId !== undefined) out.objectiveId = (await objectiveFor(em, input.objectiveId, accountId))?.id ?? null;
    if (input.opportunityId !== undefined) out.opportunityId = (await opportunityFor(em, input.opportunityId, accountId))?.id ?? null;
    return out;
  }

  /** A new PLANNED activity of `actor` (subject, type, due date, notes from `input`), attached as `at` says; its plan link audited. */
  private async insertPlanned(
    em: EntityManager,
    actor: User,
    input: CreateActivityInput | FollowUpActivityInput,
    at: Partial<Pick<Activity, "contactId" | "planId" | "objectiveId" | "opportunityId">> & Pick<Activity, "accountId" | "followUpOfId">,
  ): Promise<Activity> {
    const saved = await em.save(
      em.create(Activity, {
        subject: input.subject.trim(),
        type: input.type,
        status: ActivityStatus.PLANNED,
        dueAt: input.dueAt ?? null,
        completedAt: null,
        notes: input.notes ?? null,
        ...at,
        ownerId: actor.id,
      }),
    );
    await this.auditPlanLink(em, actor, saved, null, saved.planId);
    return saved;
  }

  /** Linking an activity to a plan (or moving it away) is a write to the plan: audited there. */
  private async auditPlanLink(em: EntityManager, actor: User, a: Activity, from: number | null, to: number | null) {
    if (from === to) return;
    if (from != null) await recordAudit(em, from, actor.id, "ACTIVITY_UNLINKED", [change("activityId", ref("Activity", a.id), null)]);
    if (to != null) await recordAudit(em, to, actor.id, "ACTIVITY_LINKED", [change("activityId", null, ref("Activity", a.id))]);
  }

  /** Activities are changed by their owner or an ADMIN. */
  private assertCanChange(actor: User, a: Activity) {
    assertOwnerOrAdmin(actor, a.ownerId, "activity", `Activity ${toGlobalId("Activity", a.id)}`);
  }
}
