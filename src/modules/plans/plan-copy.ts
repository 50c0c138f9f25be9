import type { EntityManager } from "typeorm";
import { assertCanWrite, assertRole } from "../../auth/policy";
import { PlanStatus, Role } from "../../common/enums";
import { badInput } from "../../common/errors";
import { mustFind } from "../../common/find";
import type { Database } from "../../db/data-source";
import { Objective } from "../objectives/objective.entity";
import type { ObjectivesService } from "../objectives/objectives.service";
import { Period } from "../periods/period.entity";
import type { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";
import { change, ref } from "./plan-audit";
import { PlanContact } from "./plan-contact.entity";
import type { PlansService } from "./plans.service";

/** copyBusinessPlan: a plan tree rolled forward into another period (services.planCopy). */
export class PlanCopyService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlansService,
    private readonly objectives: ObjectivesService,
  ) {}

  /**
   * Roll forward: deep-copies the plan and its descendants into `periodId` (same
   * period type). Children move to the child period at the same position;
   * objectives come along with targets and mapped periods; all copies start as
   * DRAFT at version 1 with no opportunities or activities.
   */
  async copy(actor: User, rawId: string, rawPeriodId: string, rawOwnerId: string | null | undefined): Promise<BusinessPlan> {
    assertCanWrite(actor);
    assertRole(actor, [Role.ACCOUNT_MANAGER, Role.ADMIN], "roll plans forward");
    return this.db.write(async (em) => {
      const source = await mustFind(em, BusinessPlan, rawId, "BusinessPlan");
      const target = await mustFind(em, Period, rawPeriodId, "Period");
      const owner = await this.plans.resolveOwner(em, actor, rawOwnerId);
      const sourcePeriod = await em.findOneByOrFail(Period, { id: source.periodId });
      if (sourcePeriod.type !== target.type) {
        throw badInput("periodId", `must be a ${sourcePeriod.type} period like the source plan's, got ${target.type} ${target.name}`);
      }
      const mapper = new PeriodMapper(em);
      const planMap = new Map<number, BusinessPlan>();
      // breadth-first over the source tree
      const queue: Array<{ src: BusinessPlan; parentCopyId: number | null; srcAnchor: Period; dstAnchor: Period }> = [
        { src: source, parentCopyId: null, srcAnchor: sourcePeriod, dstAnchor: target },
      ];
      const objectiveMap = new Map<number, number>();
      let root: BusinessPlan | null = null;
      while (queue.length) {
        const { src, parentCopyId, srcAnchor, dstAnchor } = queue.shift()!;
        const dstPeriod = src === source ? target : await mapper.map(srcAnchor, dstAnchor, src.periodId, `child plan "${src.name}"`);
        const copy = await em.save(
          em.create(BusinessPlan, {
            name: src.name,
            type: src.type,
            status: PlanStatus.DRAFT,
            description: src.description,
            accountId: src.accountId,
            ownerId: owner.id, // the copy belongs to the copier (or the ADMIN's ownerId), all the way down
            periodId: dstPeriod.id,
            parentId: parentCopyId,
            businessUnit: src.businessUnit,
            territory: src.territory,
            revenueTarget: src.revenueTarget,
            copiedFromId: src.id,
            version: 1,
          }),
        );
        planMap.set(src.id, copy);
        if (!root) root = copy;
        await this.plans.recordCreated(em, actor, copy, [change("copiedFromId", null, ref("BusinessPlan", src.id))]);
        const srcPlanPeriod = await em.findOneByOrFail(Period, { id: src.periodId });
        const objectives = await em.find(Objective, { where: { planId: src.id }, order: { id: "ASC" } });
        // parents before children so parent ids can be mapped
        for (const ob of sortParentsFirst(objectives)) {
          const obPeriod = await mapper.map(srcPlanPeriod, dstPeriod, ob.periodId, `objective "${ob.name}"`);
          const saved = await this.objectives.copyInto(em, ob, {
            planId: copy.id,
            periodId: obPeriod.id,
            parentId: ob.parentId == null ? null : (objectiveMap.get(ob.parentId) ?? null),
          });
          objectiveMap.set(ob.id, saved.id);
        }
        const contacts = await em.find(PlanContact, { where: { planId: src.id } });
        if (contacts.length) await em.insert(PlanContact, contacts.map((c) => ({ planId: copy.id, contactId: c.contactId })));
        const children = await em.find(BusinessPlan, { where: { parentId: src.id }, order: { id: "ASC" } });
        for (const child of children) queue.push({ src: child, parentCopyId: copy.id, srcAnchor: srcPlanPeriod, dstAnchor: dstPeriod });
      }
      return root!;
    });
  }
}

function sortParentsFirst(objectives: Objective[]): Objective[] {
  const ids = new Set(objectives.map((o) => o.id));
  const done = new Set<number>();
  const out: Objective[] = [];
  let pending = objectives;
  while (pending.length) {
    const next: Objective[] = [];
    for (const o of pending) {
      if (o.parentId == null || !ids.has(o.parentId) || done.has(o.parentId)) {
        out.push(o);
        done.add(o.id);
      } else next.push(o);
    }
    if (next.length === pending.length) return [...out, ...next]; // cycle guard
    pending = next;
  }
  return out;
}

/** `date` moved by the calendar offset (whole months, then days) between `from` and `to`. */
function shiftDate(date: string, from: string, to: string): string {
  const [y, m, d] = date.split("-").map(Number);
  const [fy, fm, fd] = from.split("-").map(Number);
  const [ty, tm, td] = to.split("-").map(Number);
  return new Date(Date.UTC(ty, tm - 1 + (y - fy) * 12 + (m - fm), td + (d - fd))).toISOString().slice(0, 10);
}

/**
 * Maps a period under a source anchor to the period at the same position under
 * a target anchor: the anchor itself maps to the target, a child to the target's
 * child at the same index (by start date), recursively.
 */
class PeriodMapper {
  private children = new Map<number, Period[]>();
  constructor(private readonly em: EntityManager) {}

  private async childrenOf(id: number): Promise<Period[]> {
    let c = this.children.get(id);
    if (!c) {
      c = await this.em.find(Period, { where: { parentId: id }, order: { startDate: "ASC", id: "ASC" } });
      this.children.set(id, c);
    }
    return c;
  }

  async map(srcAnchor: Period, dstAnchor: Period, periodId: number, what: string): Promise<Period> {
    if (periodId === srcAnchor.id) return dstAnchor;
    // path from the period up to the anchor
    const path: Period[] = [];
    let cur = await this.em.findOneByOrFail(Period, { id: periodId });
    while (cur.id !== srcAnchor.id) {
      path.unshift(cur);
      if (cur.parentId == null) {
        throw badInput("id", `the period of ${what} (${cur.name}) is not part of ${srcAnchor.name}, so it cannot be rolled forward`);
      }
      cur = await this.em.findOneByOrFail(Period, { id: cur.parentId });
    }
    let src = srcAnchor;
    let dst = dstAnchor;
    for (const step of path) {
      const srcKids = await this.childrenOf(src.id);
      const dstKids = (await this.childrenOf(dst.id)).filter((k) => k.type === step.type);
      const srcSameType = srcKids.filter((k) => k.type === step.type);
      const pos = srcSameType.findIndex((k) => k.id === step.id);
      // The same position is the same calendar offset from the anchor (Q3 starts 6 months into
      // the year), not the n-th existing child: with Q3 missing, Q4 must not stand in for it.
      const start = shiftDate(step.startDate, src.startDate, dst.startDate);
      const match = dstKids.find((k) => k.startDate === start);
      if (!match) {
        throw badInput(
          "periodId",
          `${dst.name} has no ${step.type} child period at position ${pos + 1} (starting ${start}) to match ${step.name} (needed for ${what}); create it first`,
        );
      }
      src = step;
      dst = match;
    }
    return dst;
  }
}

