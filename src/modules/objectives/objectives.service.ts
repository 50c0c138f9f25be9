import { toGlobalId } from "../../common/ids";
import type { EntityManager } from "typeorm";
import { assertAdmin, assertCanWrite } from "../../auth/policy";
import { ObjectiveUnit } from "../../common/enums";
import { badInput, planLocked } from "../../common/errors";
import { findOptional, mustFind } from "../../common/find";
import type { Cents } from "../../common/money";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import { Contact } from "../contacts/contact.entity";
import { Period } from "../periods/period.entity";
import { within } from "../periods/periods.service";
import { BusinessPlan } from "../plans/business-plan.entity";
import { change, diff, recordAudit, ref } from "../plans/plan-audit";
import { planAndAncestorIds } from "../plans/plan-tree";
import type { PlansService } from "../plans/plans.service";
import { isLocked, LOCKED_STATUSES } from "../plans/plan-workflow";
import type { User } from "../users/user.entity";
import { Objective } from "./objective.entity";

export interface NewObjective {
  name: string;
  periodId: string;
  planId?: string | null;
  accountId?: string | null;
  contactId?: string | null;
  parentId?: string | null;
  description?: string | null;
  targetRevenue?: Cents | null;
  targetQuantity?: number | null;
  unit?: ObjectiveUnit | null;
}

export interface ObjectivePatch {
  name?: string | null;
  description?: string | null;
  targetRevenue?: Cents | null;
  targetQuantity?: number | null;
  unit?: ObjectiveUnit | null;
  actualQuantity?: number | null;
}

const FIELDS = ["name", "description", "periodId", "accountId", "contactId", "parentId", "targetRevenue", "targetQuantity", "unit", "manualQuantity"] as const;
/** The audited fields that hold references, and the type they point at (shown as global ids). */
const REFS = { periodId: "Period", accountId: "Account", contactId: "Contact", parentId: "Objective" } as const;

export class ObjectivesService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlansService,
  ) {}

  async create(actor: User, input: NewObjective): Promise<Objective> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const period = await mustFind(em, Period, input.periodId, "Period");
      const plan = await findOptional(em, BusinessPlan, input.planId, "BusinessPlan");
      let account = await findOptional(em, Account, input.accountId, "Account");
      if (plan) {
        this.plans.assertEditable(actor, plan);
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
      this.assertTargets(input.unit ?? null, input.targetQuantity ?? null);
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
        }),
      );
      if (plan) await recordAudit(em, plan.id, actor.id, "OBJECTIVE_CREATED", [change("objectiveId", null, ref("Objective", saved.id)), ...diff({}, saved, [...FIELDS], REFS)]);
      return saved;
    });
  }

  async update(actor: User, rawId: string, patch: ObjectivePatch): Promise<Objective> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const ob = await mustFind(em, Objective, rawId, "Objective", { forUpdate: true });
      const plan = await this.assertCanChange(em, actor, ob);
      const next: Partial<Objective> = {};
      if (patch.name === null) throw badInput("name", "cannot be null");
      if (patch.name !== undefined) next.name = patch.name.trim();
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.targetRevenue !== undefined) next.targetRevenue = patch.targetRevenue;
      if (patch.targetQuantity !== undefined) next.targetQuantity = patch.targetQuantity;
      if (patch.unit !== undefined) next.unit = patch.unit;
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
      if (plan) await recordAudit(em, plan.id, actor.id, "OBJECTIVE_UPDATED", [change("objectiveId", null, ref("Objective", ob.id)), ...changes]);
      return saved;
    });
  }

  async delete(actor: User, rawId: string): Promise<string> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const ob = await mustFind(em, Objective, rawId, "Objective", { forUpdate: true });
      const plan = await this.assertCanChange(em, actor, ob);
      await this.assertNoLockedDescendant(em, ob);
      await em.delete(Objective, { id: ob.id });
      if (plan) await recordAudit(em, plan.id, actor.id, "OBJECTIVE_DELETED", [change("objectiveId", ref("Objective", ob.id), null), change("name", ob.name, null)]);
      return toGlobalId("Objective", ob.id);
    });
  }

  private async assertCanChange(em: EntityManager, actor: User, ob: Objective): Promise<BusinessPlan | null> {
    if (ob.planId != null) {
      const plan = await em.findOneByOrFail(BusinessPlan, { id: ob.planId });
      if (isLocked(plan.status)) throw planLocked(`the objective's plan ${toGlobalId("BusinessPlan", plan.id)} is ${plan.status}`);
      this.plans.assertEditable(actor, plan);
      return plan;
    }
    if (ob.accountId == null) assertAdmin(actor, "change global objectives");
    return null;
  }

  /** Child objectives go with their parent (ON DELETE CASCADE): none of them may sit under a locked plan. */
  private async assertNoLockedDescendant(em: EntityManager, ob: Objective): Promise<void> {
    const rows: Array<{ id: number; plan_id: number; status: string }> = await em.query(
      `WITH RECURSIVE down(id) AS (
         SELECT id FROM objective WHERE parent_id = ${this.db.param(1)}
         UNION ALL SELECT o.id FROM objective o JOIN down ON o.parent_id = down.id
       ) SELECT o.id AS id, p.id AS plan_id, p.status AS status
         FROM down d JOIN objective o ON o.id = d.id JOIN business_plan p ON p.id = o.plan_id
         WHERE p.status IN ${this.db.inList(LOCKED_STATUSES.length, 2)}`,
      [ob.id, ...LOCKED_STATUSES],
    );
    if (rows.length) {
      const r = rows[0];
      throw planLocked(`child Objective ${toGlobalId("Objective", r.id)} would be deleted with Objective ${toGlobalId("Objective", ob.id)}, but its plan ${toGlobalId("BusinessPlan", r.plan_id)} is ${r.status}`);
    }
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
