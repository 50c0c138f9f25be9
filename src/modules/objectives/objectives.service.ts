import { type Clock, systemClock } from "../../common/clock";
import { toGlobalId } from "../../common/ids";
import type { EntityManager } from "typeorm";
import { assertAdmin, assertCanWrite } from "../../auth/policy";
import { ObjectiveUnit } from "../../common/enums";
import { badInput } from "../../common/errors";
import { findOptional, mustFind, rowLock } from "../../common/find";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import { Contact } from "../contacts/contact.entity";
import { Period } from "../periods/period.entity";
import { within } from "../periods/periods.service";
import { BusinessPlan } from "../plans/business-plan.entity";
import { change, diff, ref } from "../plans/plan-audit";
import { planAndAncestorIds } from "../plans/plan-tree";
import { todayUtc } from "../plans/plan-workflow";
import type { PlansService } from "../plans/plans.service";
import { User } from "../users/user.entity";
import { Objective } from "./objective.entity";
import type { CreateObjectiveInput, UpdateObjectiveInput } from "./objectives.inputs";

const FIELDS = ["name", "description", "periodId", "accountId", "contactId", "parentId", "targetRevenue", "targetQuantity", "unit", "manualQuantity", "dueDate", "ownerId"] as const;
/** The audited fields that hold references, and the type they point at (shown as global ids). */
const REFS = { periodId: "Period", accountId: "Account", contactId: "Contact", parentId: "Objective", ownerId: "User" } as const;

/** A due date lies within the objective's period (both ends included). */
function assertDueDate(dueDate: string, period: Period): void {
  if (dueDate < period.startDate || dueDate > period.endDate) {
    throw badInput("dueDate", `must lie within the objective's period ${period.name} (${period.startDate} to ${period.endDate})`);
  }
}

/**
 * What a new objective takes from its period when its input does not say otherwise: due on the period's
 * last day. `create`, `copyInto` and the benchmark generator (bench/generate.ts, which writes rows without
 * the service) all take it from here, so a new stored field defaulted from the period is written once.
 */
export function objectiveDefaults(period: Pick<Period, "startDate" | "endDate">) {
  return { dueDate: period.endDate };
}

export class ObjectivesService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlansService,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Today (UTC, YYYY-MM-DD) by the services' clock: the day an objective's status is judged on. */
  today(): string {
    return todayUtc(this.clock.now());
  }

  async create(actor: User, input: CreateObjectiveInput): Promise<Objective> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const period = await mustFind(em, Period, input.periodId, "Period");
      const plan = await findOptional(em, BusinessPlan, input.planId, "BusinessPlan");
      let account = await findOptional(em, Account, input.accountId, "Account");
      if (plan) {
        // adding an objective is a structural edit of its plan
        await this.plans.assertStructureEditable(em, actor, plan, "add an objective to it");
        if (account && account.id !== plan.accountId) throw badInput("accountId", "must be the account of the objective's plan");
        account = account ?? (await em.findOneByOrFail(Account, { id: plan.accountId }));
        const planPeriod = await em.findOneByOrFail(Period, { id: plan.periodId });
        if (!within(period, planPeriod)) throw badInput("periodId", `must lie within the plan's period ${planPeriod.name}`);
      }
      if (!plan && !account) assertAdmin(actor, "create global objectives (objectives without account or plan)");
      const contact = await findOptional(em, Contact, input.contactId, "Contact");
      if (contact && contact.accountId !== account?.id) throw badInput("contactId", "the contact must belong to the objective's account");
      const parent = await findOptional(em, Objective, input.parentId, "Objective");
      if (parent) await this.assertValidParent(em, parent, period, plan?.id ?? null, account?.id ?? null);
      // a child objective under another plan's objective is a structural edit of that plan too
      const parentPlan =
        parent?.planId != null && parent.planId !== (plan?.id ?? null) ? await em.findOneByOrFail(BusinessPlan, { id: parent.planId }) : null;
      if (parentPlan) await this.plans.assertStructureEditable(em, actor, parentPlan, "add a child objective to its objectives");
      this.assertTargets(input.unit ?? null, input.targetQuantity ?? null);
      const dueDate = input.dueDate ?? objectiveDefaults(period).dueDate;
      assertDueDate(dueDate, period);
      // the owner: as given (an existing user), else the plan's owner, else the creator
      const ownerId = input.ownerId != null ? (await mustFind(em, User, input.ownerId, "User")).id : (plan?.ownerId ?? actor.id);
      const saved = await em.save(
        em.create(Objective, {
          name: input.name.trim(),
          description: input.description ?? null,
          periodId: period.id,
          planId: plan?.id ?? null,
          accountId: account?.id ?? null,
          contactId: contact?.id ?? null,
          parentId: parent?.id ?? null,
          targetRevenue: input.targetRevenue ?? null,
          targetQuantity: input.targetQuantity ?? null,
          unit: input.unit ?? null,
          manualQuantity: null,
          dueDate,
          ownerId,
        }),
      );
      if (plan) await this.plans.recordStructureChange(em, actor, plan, "OBJECTIVE_CREATED", [change("objectiveId", null, ref("Objective", saved.id)), ...diff({}, saved, [...FIELDS], REFS)]);
      if (parentPlan) {
        await this.plans.recordStructureChange(em, actor, parentPlan, "OBJECTIVE_CHILD_ADDED", [
          change("objectiveId", null, ref("Objective", saved.id)),
          change("parentId", null, ref("Objective", parent!.id)),
        ]);
      }
      return saved;
    });
  }

  /**
   * A copy of `source` in plan `planId` and period `periodId` under the copied parent `parentId`
   * (plan-copy.ts, inside its transaction): the same name, description, account, contact,
   * targets and unit; no quantity entered yet; due at the end of its new period, owned by the new plan's owner.
   */
  async copyInto(em: EntityManager, source: Objective, at: { planId: number; periodId: number; parentId: number | null }): Promise<Objective> {
    const period = await em.findOneByOrFail(Period, { id: at.periodId });
    const plan = await em.findOneByOrFail(BusinessPlan, { id: at.planId });
    return em.save(
      em.create(Objective, {
        name: source.name,
        description: source.description,
        periodId: at.periodId,
        planId: at.planId,
        accountId: source.accountId,
        contactId: source.contactId,
        parentId: at.parentId,
        targetRevenue: source.targetRevenue,
        targetQuantity: source.targetQuantity,
        unit: source.unit,
        manualQuantity: null,
        ...objectiveDefaults(period),
        ownerId: plan.ownerId,
      }),
    );
  }

  async update(actor: User, rawId: string, patch: UpdateObjectiveInput): Promise<Objective> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const ob = await this.lockForChange(em, rawId);
      const plan = await this.assertCanChange(em, actor, ob, "change its objectives");
      const next: Partial<Objective> = {};
      if (patch.name === null) throw badInput("name", "cannot be null");
      if (patch.name !== undefined) next.name = patch.name.trim();
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.targetRevenue !== undefined) next.targetRevenue = patch.targetRevenue;
      if (patch.targetQuantity !== undefined) next.targetQuantity = patch.targetQuantity;
      if (patch.unit !== undefined) next.unit = patch.unit;
      if (patch.dueDate === null) throw badInput("dueDate", "cannot be null");
      if (patch.dueDate !== undefined) {
        assertDueDate(patch.dueDate, await em.findOneByOrFail(Period, { id: ob.periodId }));
        next.dueDate = patch.dueDate;
      }
      if (patch.ownerId !== undefined) next.ownerId = patch.ownerId === null ? null : (await mustFind(em, User, patch.ownerId, "User")).id;
      const unit = next.unit !== undefined ? next.unit : ob.unit;
      if (patch.actualQuantity !== undefined) {
        if (unit !== ObjectiveUnit.UNITS) {
          throw badInput("actualQuantity", "can only be entered for UNITS objectives; CALLS and MEETINGS count completed activities");
        }
        next.manualQuantity = patch.actualQuantity;
      }
      this.assertTargets(unit, next.targetQuantity !== undefined ? next.targetQuantity : ob.targetQuantity);
      const changes = diff(ob, { ...ob, ...next }, [...FIELDS], REFS);
      if (!changes.length) return ob;
      Object.assign(ob, next);
      const saved = await em.save(ob);
      if (plan) await this.plans.recordStructureChange(em, actor, plan, "OBJECTIVE_UPDATED", [change("objectiveId", null, ref("Objective", ob.id)), ...changes]);
      return saved;
    });
  }

  async delete(actor: User, rawId: string): Promise<string> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const ob = await this.lockForChange(em, rawId);
      await this.assertCanChange(em, actor, ob, "remove an objective from it");
      // Child objectives go with their parent (ON DELETE CASCADE): each one's plan must accept the removal
      // from this caller, or nothing is deleted; every plan that loses objectives records it.
      const gone = [{ id: ob.id, name: ob.name, planId: ob.planId }, ...(await this.descendants(em, ob.id))];
      const byPlan = new Map<number, Array<{ id: number; name: string }>>();
      for (const g of gone) if (g.planId != null) byPlan.set(g.planId, [...(byPlan.get(g.planId) ?? []), g]);
      const plans = new Map<number, BusinessPlan>();
      for (const [planId, obs] of byPlan) {
        const plan = await em.findOneByOrFail(BusinessPlan, { id: planId });
        plans.set(planId, plan);
        const cascaded = obs.filter((o) => o.id !== ob.id);
        const what = cascaded.length ? "remove objectives from it" : "remove an objective from it";
        const refusal = await this.plans.structureRefusal(em, actor, plan, what);
        if (refusal && cascaded.length) {
          refusal.message = `child Objective ${cascaded.map((o) => toGlobalId("Objective", o.id)).join(", ")} would be deleted with Objective ${toGlobalId("Objective", ob.id)}: ${refusal.message}`;
        }
        if (refusal) throw refusal;
      }
      // hanging under another plan's objective: removing it is a structural edit of that plan too
      const parentPlan = await this.otherParentPlan(em, ob);
      if (parentPlan) await this.plans.assertStructureEditable(em, actor, parentPlan, "remove a child objective from its objectives");
      await em.delete(Objective, { id: ob.id });
      for (const [planId, obs] of byPlan) {
        const changes = obs.flatMap((o) => [
          change("objectiveId", ref("Objective", o.id), null),
          change("name", o.name, null),
          ...(o.id === ob.id ? [] : [change("deletedWith", null, ref("Objective", ob.id))]),
        ]);
        await this.plans.recordStructureChange(em, actor, plans.get(planId)!, "OBJECTIVE_DELETED", changes);
      }
      if (parentPlan) {
        await this.plans.recordStructureChange(em, actor, parentPlan, "OBJECTIVE_CHILD_REMOVED", [
          change("objectiveId", ref("Objective", ob.id), null),
          change("parentId", ref("Objective", ob.parentId), null),
        ]);
      }
      return toGlobalId("Objective", ob.id);
    });
  }

  private async assertCanChange(em: EntityManager, actor: User, ob: Objective, what: string): Promise<BusinessPlan | null> {
    if (ob.planId != null) {
      const plan = await em.findOneByOrFail(BusinessPlan, { id: ob.planId });
      await this.plans.assertStructureEditable(em, actor, plan, what);
      return plan;
    }
    if (ob.accountId == null) assertAdmin(actor, "change global objectives");
    return null;
  }

  /**
   * The objective to change, locked (PostgreSQL) after its plan: structural edits lock the plan first
   * (PlansService.assertStructureEditable) and creating an objective under this one key-share-locks it,
   * so taking the objective before its plan deadlocked with a concurrent createObjective.
   */
  private async lockForChange(em: EntityManager, rawId: string): Promise<Objective> {
    const ob = await mustFind(em, Objective, rawId, "Objective");
    const lock = rowLock(em, "update");
    if (!lock.lock) return ob;
    if (ob.planId != null) await em.findOne(BusinessPlan, { where: { id: ob.planId }, ...lock });
    return mustFind(em, Objective, rawId, "Objective", { forUpdate: true });
  }

  /** The plan of the objective's parent objective, when that is another plan than the objective's own. */
  private async otherParentPlan(em: EntityManager, ob: Objective): Promise<BusinessPlan | null> {
    if (ob.parentId == null) return null;
    const parent = await em.findOneByOrFail(Objective, { id: ob.parentId });
    if (parent.planId == null || parent.planId === ob.planId) return null;
    return em.findOneByOrFail(BusinessPlan, { id: parent.planId });
  }

  /** All objectives below `id` (children, their children, ...), with their plans. */
  private async descendants(em: EntityManager, id: number): Promise<Array<{ id: number; name: string; planId: number | null }>> {
    const rows: Array<{ id: number | string; name: string; plan_id: number | string | null }> = await em.query(
      `WITH RECURSIVE down(id) AS (
         SELECT id FROM objective WHERE parent_id = ${this.db.param(1)}
         UNION SELECT o.id FROM objective o JOIN down ON o.parent_id = down.id
       ) SELECT o.id AS id, o.name AS name, o.plan_id AS plan_id FROM down d JOIN objective o ON o.id = d.id ORDER BY o.id`,
      [id],
    );
    return rows.map((r) => ({ id: Number(r.id), name: r.name, planId: r.plan_id == null ? null : Number(r.plan_id) }));
  }

  private assertTargets(unit: ObjectiveUnit | null, targetQuantity: number | null) {
    if (targetQuantity != null && unit == null) throw badInput("unit", "is required with targetQuantity");
  }

  private async assertValidParent(em: EntityManager, parent: Objective, period: Period, planId: number | null, accountId: number | null) {
    const parentPeriod = await em.findOneByOrFail(Period, { id: parent.periodId });
    if (!within(period, parentPeriod)) throw badInput("periodId", `must lie within the parent objective's period ${parentPeriod.name}`);
    if (parent.planId != null) {
      if (planId == null) throw badInput("planId", "a child of a plan's objective must be under that plan or one of its descendants");
      if (!(await planAndAncestorIds(this.db, em, planId)).has(parent.planId)) {
        throw badInput("parentId", "the parent objective's plan must be the objective's plan or one of its ancestors");
      }
    } else if (parent.accountId != null && parent.accountId !== accountId) {
      throw badInput("parentId", "the parent objective belongs to another account");
    }
  }
}
