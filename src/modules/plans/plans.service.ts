import { type EntityManager, In } from "typeorm";
import { assertCanWrite, assertMayEditPlan, assertRole, mayDeletePlan } from "../../auth/policy";
import { type Clock, systemClock } from "../../common/clock";
import { type PlanMemberRole, PlanStatus, PlanType, Role } from "../../common/enums";
import { badInput, conflict, DomainError, ErrorCode, forbidden, notFound, planLocked } from "../../common/errors";
import { mustFind, rowLock } from "../../common/find";
import { parseId, toGlobalId } from "../../common/ids";
import { decodeCursor, encodeCursor, type Page, pageSize } from "../../common/pagination";
import { keysetPage } from "../../common/keyset";
import { insertIfAbsent } from "../../db/constraint-errors";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import { Period } from "../periods/period.entity";
import { within } from "../periods/periods.service";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";
import { type Change, change, diff, recordAudit, ref } from "./plan-audit";
import { PlanContact } from "./plan-contact.entity";
import { joinForOrder, PLAN_ORDERS, type PlanOrder } from "./plan-list";
import { freezeRollup } from "./plan-rollup";
import { type PlanFilter, planFilterConditions } from "./plan-filter";
import { planAccessFor } from "./plan-team";
import { lockedInChain, planAndAncestorIds } from "./plan-tree";
import { PlanStatusChange } from "./plan-status-change.entity";
import { checkTransition, hasFrozenFigures, isDeletable, isLocked, todayUtc } from "./plan-workflow";
import type { CreateBusinessPlanInput, UpdateBusinessPlanInput } from "./plans.inputs";

const AUDITED_FIELDS = [
  "name",
  "type",
  "status",
  "description",
  "accountId",
  "ownerId",
  "periodId",
  "parentId",
  "businessUnit",
  "territory",
  "revenueTarget",
] as const;
/** The audited fields that hold references, and the type they point at (shown as global ids). */
const AUDITED_REFS = { accountId: "Account", ownerId: "User", periodId: "Period", parentId: "BusinessPlan" } as const;

const actorOf = (user: User, plan: BusinessPlan, teamRole: PlanMemberRole | null = null) => ({ role: user.role, isOwner: plan.ownerId === user.id, teamRole });

export class PlansService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock = systemClock,
  ) {}

  // ---------- reading ----------

  private filtered(filter: PlanFilter | null | undefined) {
    const qb = this.db.manager.createQueryBuilder(BusinessPlan, "p");
    const params: Record<string, unknown> = {};
    const conds = planFilterConditions(filter, "p", (value) => {
      const name = `pf${Object.keys(params).length}`;
      params[name] = value;
      return Array.isArray(value) ? `(:...${name})` : `:${name}`;
    });
    for (const c of conds) qb.andWhere(c, params);
    return qb;
  }

  /** Plans by id (creation order) or in `orderBy` (plan-list.ts), keyset-paginated. */
  async page(
    filter: PlanFilter | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    orderBy?: PlanOrder | null,
  ): Promise<Page<BusinessPlan>> {
    const size = pageSize(first);
    if (orderBy) return keysetPage(() => joinForOrder(this.filtered(filter), orderBy), PLAN_ORDERS[orderBy], size, after);
    const cursor = decodeCursor(after, ["number"]);
    const qb = this.filtered(filter);
    if (cursor) qb.andWhere("p.id > :cid", { cid: cursor[0] });
    const rows = await qb.orderBy("p.id", "ASC").limit(size + 1).getMany();
    const nodes = rows.slice(0, size);
    return { nodes, cursors: nodes.map((p) => encodeCursor([p.id])), hasNextPage: rows.length > size };
  }

  count(filter: PlanFilter | null | undefined): Promise<number> {
    return this.filtered(filter).getCount();
  }

  // ---------- writing ----------

  async create(actor: User, input: CreateBusinessPlanInput): Promise<BusinessPlan> {
    this.assertMayCreate(actor);
    return this.db.write((em) => this.createIn(em, actor, input));
  }

  /** Who may create plans at all (role); the rest is per plan, in createIn. */
  assertMayCreate(actor: User): void {
    assertCanWrite(actor);
    assertRole(actor, [Role.ACCOUNT_MANAGER, Role.ADMIN], "create business plans");
  }

  /**
   * The one create path (every rule of a new plan), in the caller's transaction: `create` and
   * createBusinessPlanTree (plan-trees.service.ts). `parentIsNew`: the parent was created in
   * the same transaction, so the child is part of its creation (no CHILD_ADDED entry, no version bump).
   */
  async createIn(em: EntityManager, actor: User, input: CreateBusinessPlanInput, opts: { parentIsNew?: boolean } = {}): Promise<BusinessPlan> {
    this.assertMayCreate(actor);
    const account = await mustFind(em, Account, input.accountId, "Account");
    const period = await mustFind(em, Period, input.periodId, "Period");
    const owner = await this.resolveOwner(em, actor, input.ownerId);
    let parent: BusinessPlan | null = null;
    if (input.parentId != null) {
      parent = await mustFind(em, BusinessPlan, input.parentId, "BusinessPlan");
      await this.assertStructureEditable(em, actor, parent, "add a child plan to it");
      await this.assertValidParent(em, parent, account.id, period);
    }
    const parentId = parent?.id ?? null;
    const plan = await em.save(
      em.create(BusinessPlan, {
        name: input.name.trim(),
        type: input.type ?? PlanType.ACCOUNT,
        status: PlanStatus.DRAFT,
        description: input.description ?? null,
        accountId: account.id,
        ownerId: owner.id,
        periodId: period.id,
        parentId,
        businessUnit: input.businessUnit ?? null,
        territory: input.territory ?? null,
        revenueTarget: input.revenueTarget ?? null,
        copiedFromId: null,
        version: 1,
      }),
    );
    await this.recordCreated(em, actor, plan);
    if (parent && !opts.parentIsNew) await this.recordStructureChange(em, actor, parent, "CHILD_ADDED", [change("childId", null, ref("BusinessPlan", plan.id))]);
    return plan;
  }

  async update(actor: User, rawId: string, patch: UpdateBusinessPlanInput, expectedVersion?: number | null): Promise<BusinessPlan> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      // locked (PostgreSQL): edits of one plan queue and each applies to what the one before committed;
      // only a caller that names an expectedVersion can be told its view is stale
      const plan = await mustFind(em, BusinessPlan, rawId, "BusinessPlan", { forUpdate: true });
      // stale first: the caller's view is outdated, whatever the plan's state is now (deterministic under races)
      if (expectedVersion != null && expectedVersion !== plan.version) throw staleVersion(plan, expectedVersion);
      await this.assertEditable(em, actor, plan);
      const next: Partial<BusinessPlan> = {};
      if (patch.name != null) next.name = patch.name.trim();
      else if (patch.name === null) throw badInput("name", "cannot be null");
      if (patch.type != null) next.type = patch.type;
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.businessUnit !== undefined) next.businessUnit = patch.businessUnit;
      if (patch.territory !== undefined) next.territory = patch.territory;
      if (patch.revenueTarget !== undefined) next.revenueTarget = patch.revenueTarget;
      // Moving a plan is a structural edit of the parent it leaves and of the one it joins.
      let oldParent: BusinessPlan | null = null;
      let newParent: BusinessPlan | null = null;
      if (patch.parentId !== undefined) {
        const target = patch.parentId === null ? null : await mustFind(em, BusinessPlan, patch.parentId, "BusinessPlan");
        if ((target?.id ?? null) !== plan.parentId) {
          if (plan.parentId != null) {
            oldParent = await em.findOneByOrFail(BusinessPlan, { id: plan.parentId });
            await this.assertStructureEditable(em, actor, oldParent, "move a child plan out of it");
          }
          if (target) {
            await this.assertStructureEditable(em, actor, target, "add a child plan to it");
            const period = await em.findOneByOrFail(Period, { id: plan.periodId });
            await this.assertValidParent(em, target, plan.accountId, period);
            await this.assertNotAncestor(em, plan.id, target.id);
            newParent = target;
          }
        }
        next.parentId = target?.id ?? null;
      }
      const changes = diff(plan, { ...plan, ...next }, [...AUDITED_FIELDS], AUDITED_REFS);
      if (changes.length === 0) return plan;
      const updated = await this.bumpVersion(em, plan, next);
      await recordAudit(em, plan.id, actor.id, "UPDATED", changes);
      if (oldParent) await this.recordStructureChange(em, actor, oldParent, "CHILD_REMOVED", [change("childId", ref("BusinessPlan", plan.id), null)]);
      if (newParent) await this.recordStructureChange(em, actor, newParent, "CHILD_ADDED", [change("childId", null, ref("BusinessPlan", plan.id))]);
      return updated;
    });
  }

  async delete(actor: User, rawId: string): Promise<string> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      // locked: a concurrent status change must not turn the DRAFT this checks into a deleted SUBMITTED plan
      const plan = await mustFind(em, BusinessPlan, rawId, "BusinessPlan", { forUpdate: true });
      if (isLocked(plan.status)) throw planLocked(`BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is ${plan.status} and cannot be deleted`);
      if (!mayDeletePlan(actor, plan)) throw forbidden("only the plan's owner or an ADMIN may delete it");
      if (!isDeletable(plan.status)) throw badInput("id", `only DRAFT plans can be deleted; this one is ${plan.status}`);
      const children = await em.find(BusinessPlan, { where: { parentId: plan.id }, order: { id: "ASC" } });
      if (children.length) {
        throw badInput("id", `the plan has child plans (BusinessPlan ${children.map((c) => toGlobalId("BusinessPlan", c.id)).join(", ")}); delete or move them first`);
      }
      // Its objectives go with it (ON DELETE CASCADE), and with them every objective hanging under one of
      // them, in whatever plan: objectives of a plan that was moved out from under this one still can.
      // Those belong to another plan, which would lose them unaudited: refused like child plans.
      const hanging = await em
        .createQueryBuilder(Objective, "o")
        .innerJoin(Objective, "p", "p.id = o.parent_id")
        .where("p.plan_id = :plan", { plan: plan.id })
        .andWhere("(o.plan_id IS NULL OR o.plan_id <> :plan)", { plan: plan.id })
        .orderBy("o.id", "ASC")
        .getMany();
      if (hanging.length) {
        const list = hanging.map((o) => `Objective ${toGlobalId("Objective", o.id)}${o.planId == null ? "" : ` of BusinessPlan ${toGlobalId("BusinessPlan", o.planId)}`}`).join(", ");
        throw badInput("id", `objectives of other plans hang under this plan's objectives (${list}); move or delete them first`);
      }
      // Removing a child plan is a structural edit of its parent.
      const parent = plan.parentId == null ? null : await em.findOneByOrFail(BusinessPlan, { id: plan.parentId });
      if (parent) await this.assertStructureEditable(em, actor, parent, "remove a child plan from it");
      // Its objectives go with it (ON DELETE CASCADE). Those hanging under an objective of another plan
      // (an ancestor) leave that plan's objective tree: a structural edit of that plan as well.
      const objectives = await em.find(Objective, { where: { planId: plan.id }, order: { id: "ASC" } });
      const outside = await this.parentObjectivesElsewhere(em, plan.id, objectives);
      const others = new Map<number, BusinessPlan>();
      for (const planId of [...new Set(outside.map((x) => x.parentPlanId))].sort((a, b) => a - b)) {
        const other = planId === parent?.id ? parent : await em.findOneByOrFail(BusinessPlan, { id: planId });
        if (other !== parent) await this.assertStructureEditable(em, actor, other, "remove a child objective from its objectives");
        others.set(planId, other);
      }
      await em.delete(BusinessPlan, { id: plan.id });
      const objectiveChanges = (planId: number) =>
        outside.filter((x) => x.parentPlanId === planId).flatMap((x) => [change("objectiveId", ref("Objective", x.objective.id), null), change("parentId", ref("Objective", x.objective.parentId), null)]);
      if (parent) {
        await this.recordStructureChange(em, actor, parent, "CHILD_REMOVED", [
          change("childId", ref("BusinessPlan", plan.id), null),
          change("deleted", null, "true"),
          ...objectives.map((o) => change("deletedObjectiveId", ref("Objective", o.id), null)),
          ...objectiveChanges(parent.id),
        ]);
      }
      for (const [planId, other] of others) {
        if (other !== parent) await this.recordStructureChange(em, actor, other, "OBJECTIVE_CHILD_REMOVED", objectiveChanges(planId));
      }
      return toGlobalId("BusinessPlan", plan.id);
    });
  }

  async changeStatus(
    actor: User,
    rawId: string,
    to: PlanStatus,
    comment: string | null | undefined,
    expectedVersion?: number | null,
  ): Promise<BusinessPlan> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const plan = await mustFind(em, BusinessPlan, rawId, "BusinessPlan", { forUpdate: true });
      if (expectedVersion != null && expectedVersion !== plan.version) throw staleVersion(plan, expectedVersion);
      const period = await em.findOneByOrFail(Period, { id: plan.periodId });
      const { teamRole } = await planAccessFor(em, actor, plan);
      const verdict = checkTransition(plan.status, to, actorOf(actor, plan, teamRole ?? null), period.endDate < todayUtc(this.clock.now()));
      if (!verdict.ok) throw new DomainError(ErrorCode[verdict.code], verdict.reason);
      return this.applyStatus(em, actor, plan, to, comment ?? null);
    });
  }

  /**
   * ADMIN: expires, in one transaction, every plan not yet EXPIRED whose period
   * ended before `date`. Each goes through the workflow table; plans the table
   * refuses (a DRAFT or SUBMITTED plan whose period has not ended by today) are left alone.
   */
  async expire(actor: User, date: string): Promise<BusinessPlan[]> {
    assertCanWrite(actor);
    assertRole(actor, [Role.ADMIN], "expire plans in bulk");
    return this.db.write(async (em) => {
      const today = todayUtc(this.clock.now());
      // A period that has not ended by today has not "ended before" any date: a future
      // date must not expire (irreversibly) FINAL_APPROVED plans still being executed.
      const cutoff = date < today ? date : today;
      const query = em
        .createQueryBuilder(BusinessPlan, "p")
        .innerJoinAndMapOne("p.periodRef", Period, "per", "per.id = p.period_id")
        .where("p.status <> :expired AND per.end_date < :date", { expired: PlanStatus.EXPIRED, date: cutoff })
        .orderBy("p.id", "ASC");
      // PostgreSQL: lock the plans read (FOR UPDATE OF p); one changed or expired meanwhile is read again
      // as committed and skipped when it is EXPIRED now, as a serial run would (not a CONFLICT for the whole batch).
      if (this.db.dialect === "postgres") query.setLock("pessimistic_write", undefined, ["p"]);
      const rows = await query.getMany();
      const out: BusinessPlan[] = [];
      for (const plan of rows) {
        const ended = (plan.periodRef as Period).endDate < today;
        if (!checkTransition(plan.status, PlanStatus.EXPIRED, actorOf(actor, plan), ended).ok) continue;
        delete plan.periodRef;
        out.push(await this.applyStatus(em, actor, plan, PlanStatus.EXPIRED, `expired: period ended before ${date}`));
      }
      return out;
    });
  }

  async addContact(actor: User, rawPlanId: string, rawContactId: string): Promise<BusinessPlan> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const plan = await mustFind(em, BusinessPlan, rawPlanId, "BusinessPlan");
      await this.assertEditable(em, actor, plan);
      const contact = await mustFind(em, Contact, rawContactId, "Contact");
      if (contact.accountId !== plan.accountId) throw badInput("contactId", "the contact belongs to another account");
      if (await insertIfAbsent(em, PlanContact, { planId: plan.id, contactId: contact.id })) {
        await recordAudit(em, plan.id, actor.id, "CONTACT_ADDED", [change("contactId", null, ref("Contact", contact.id))]);
      }
      return plan;
    });
  }

  /** Removes a contact from the plan: an edit of the plan (as addPlanContact); NOT_FOUND when it is not linked. */
  async removeContact(actor: User, rawPlanId: string, rawContactId: string): Promise<BusinessPlan> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      // locked: a concurrent approval either waits for this removal or is seen by it
      const plan = await mustFind(em, BusinessPlan, rawPlanId, "BusinessPlan", { forUpdate: true });
      await this.assertEditable(em, actor, plan);
      const contact = await mustFind(em, Contact, rawContactId, "Contact");
      const res = await em.delete(PlanContact, { planId: plan.id, contactId: contact.id });
      if ((res.affected ?? 0) === 0) throw notFound(`link of Contact ${toGlobalId("Contact", contact.id)} to BusinessPlan`, toGlobalId("BusinessPlan", plan.id));
      await recordAudit(em, plan.id, actor.id, "CONTACT_REMOVED", [change("contactId", ref("Contact", contact.id), null)]);
      return plan;
    });
  }

  // ---------- rules shared with other services ----------

  /** Field edits of the plan itself: the workflow's lock, then the policy's edit right (team roles included). */
  async assertEditable(em: EntityManager, actor: User, plan: BusinessPlan, what?: string): Promise<void> {
    assertCanWrite(actor);
    if (isLocked(plan.status)) throw planLocked(`BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is ${plan.status}: it can no longer be edited`);
    assertMayEditPlan(actor, await planAccessFor(em, actor, plan), what);
  }

  /**
   * A structural edit of `plan` (a child plan or an objective added to or removed from it):
   * PLAN_LOCKED when the plan or any ancestor is locked (approval locks the whole tree),
   * FORBIDDEN unless the caller may edit the plan. Every service asks this, nothing repeats it.
   */
  async assertStructureEditable(em: EntityManager, actor: User, plan: BusinessPlan, what: string): Promise<void> {
    const refusal = await this.structureRefusal(em, actor, plan, what);
    if (refusal) throw refusal;
  }

  /** Why a structural edit of `plan` is refused (the error assertStructureEditable throws), or null. */
  async structureRefusal(em: EntityManager, actor: User, plan: BusinessPlan, what: string): Promise<DomainError | null> {
    assertCanWrite(actor);
    await this.queueForStructure(em, plan);
    const locked = await lockedInChain(this.db, em, plan.id);
    if (locked) {
      return planLocked(
        locked.id === plan.id
          ? `BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is ${locked.status}: cannot ${what}`
          : `BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is in the tree of ${locked.status} BusinessPlan ${toGlobalId("BusinessPlan", locked.id)}: cannot ${what}`,
      );
    }
    const access = await planAccessFor(em, actor, plan);
    try {
      assertMayEditPlan(actor, access, what);
    } catch (e) {
      return e as DomainError;
    }
    return null;
  }

  /**
   * PostgreSQL: structural edits of one plan queue on its row (SELECT ... FOR UPDATE) and continue with
   * what the one before them committed, so twenty objectives added at once all succeed, each bumping
   * the version the previous one left: a serial order, not CONFLICT. SQLite's writes are serial already.
   */
  private async queueForStructure(em: EntityManager, plan: BusinessPlan): Promise<void> {
    if (!rowLock(em, "update").lock) return;
    Object.assign(plan, await mustFind(em, BusinessPlan, plan.id, "BusinessPlan", { forUpdate: true }));
  }

  /** A structural change is a change of the plan: its version goes up and its audit trail says what happened. */
  async recordStructureChange(em: EntityManager, actor: User, plan: BusinessPlan, action: string, changes: Change[]): Promise<void> {
    await this.bumpVersion(em, plan, {});
    await recordAudit(em, plan.id, actor.id, action, changes);
  }

  /** A new plan's audit entry: every audited field, plus `extra` (e.g. where a copy came from). */
  async recordCreated(em: EntityManager, actor: User, plan: BusinessPlan, extra: Change[] = []): Promise<void> {
    await recordAudit(em, plan.id, actor.id, "CREATED", [...diff({}, plan, [...AUDITED_FIELDS], AUDITED_REFS), ...extra]);
  }

  /** The owner of a plan the actor creates: the actor, or (ADMIN only) the ACCOUNT_MANAGER or ADMIN `rawOwnerId` names. */
  async resolveOwner(em: EntityManager, actor: User, rawOwnerId: string | null | undefined): Promise<User> {
    if (rawOwnerId == null || parseId(rawOwnerId, "User") === actor.id) return actor;
    if (actor.role !== Role.ADMIN) throw forbidden("only an ADMIN may make someone else the owner of a plan");
    const owner = await mustFind(em, User, rawOwnerId, "User");
    if (owner.role !== Role.ACCOUNT_MANAGER && owner.role !== Role.ADMIN) {
      throw badInput("ownerId", `a plan's owner must be an ACCOUNT_MANAGER or ADMIN, not ${owner.role}`);
    }
    return owner;
  }

  private async assertValidParent(em: EntityManager, parent: BusinessPlan, accountId: number, period: Period): Promise<void> {
    if (parent.accountId !== accountId) throw badInput("parentId", "a child plan must belong to the same account as its parent");
    const parentPeriod = await em.findOneByOrFail(Period, { id: parent.periodId });
    if (!within(period, parentPeriod)) {
      throw badInput("periodId", `a child plan's period must lie within its parent's period ${parentPeriod.name}`);
    }
  }

  /** The plan's objectives whose parent objective belongs to another plan, with that plan. */
  private async parentObjectivesElsewhere(em: EntityManager, planId: number, objectives: Objective[]) {
    const parentIds = [...new Set(objectives.map((o) => o.parentId).filter((id): id is number => id != null))];
    if (!parentIds.length) return [];
    const parents = new Map((await em.find(Objective, { where: { id: In(parentIds) } })).map((o) => [o.id, o]));
    return objectives
      .map((objective) => ({ objective, parentPlanId: parents.get(objective.parentId ?? -1)?.planId ?? null }))
      .filter((x): x is { objective: Objective; parentPlanId: number } => x.parentPlanId != null && x.parentPlanId !== planId);
  }

  /** Refuses a new parent that is the plan itself or one of its descendants. */
  private async assertNotAncestor(em: EntityManager, planId: number, newParentId: number): Promise<void> {
    if ((await planAndAncestorIds(this.db, em, newParentId)).has(planId)) throw badInput("parentId", "a plan cannot become its own ancestor");
  }

  /**
   * The conditional update every plan change goes through:
   * UPDATE ... SET version = version + 1 WHERE id = ? AND version = ?.
   * 0 rows affected means someone else changed the plan since it was read.
   */
  private async bumpVersion(em: EntityManager, plan: BusinessPlan, fields: Partial<BusinessPlan>): Promise<BusinessPlan> {
    const now = new Date();
    const res = await em
      .createQueryBuilder()
      .update(BusinessPlan)
      .set({ ...fields, version: () => "version + 1", updatedAt: now })
      .where("id = :id AND version = :v", { id: plan.id, v: plan.version })
      .execute();
    if ((res.affected ?? 0) !== 1) throw conflict(`BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} was changed by someone else; reload it and try again`);
    return Object.assign(plan, fields, { version: plan.version + 1, updatedAt: now });
  }

  private async applyStatus(em: EntityManager, actor: User, plan: BusinessPlan, to: PlanStatus, comment: string | null) {
    const from = plan.status;
    const at = new Date();
    const updated = await this.bumpVersion(em, plan, { status: to });
    // at expiry the figures are frozen: from now on the plan answers what it reported then
    if (hasFrozenFigures(to)) await freezeRollup(this.db, em, plan.id, at);
    await em.insert(PlanStatusChange, { planId: plan.id, from, to, changedById: actor.id, changedAt: at, comment });
    const changes: Change[] = [change("status", from, to)];
    if (comment) changes.push(change("comment", null, comment));
    await recordAudit(em, plan.id, actor.id, "STATUS_CHANGED", changes, at);
    return updated;
  }
}

function staleVersion(plan: BusinessPlan, expected: number) {
  return conflict(`BusinessPlan ${toGlobalId("BusinessPlan", plan.id)} is at version ${plan.version}, not ${expected}: someone else changed it; reload and retry`);
}
