import type { EntityManager } from "typeorm";
import { planLocked } from "../../common/errors";
import { rowLock } from "../../common/find";
import { toGlobalId } from "../../common/ids";
import type { Database } from "../../db/data-source";
import { BusinessPlan } from "./business-plan.entity";
import { lockedInChain } from "./plan-tree";

/**
 * Deleting something that counts in plans (an opportunity, an activity, an objective's contact)
 * changes those plans and, through their rollups, every plan above them: refused (PLAN_LOCKED) when
 * any of the plans or any plan on the path up to its root is locked (plan-workflow.ts isLocked,
 * plan-tree.ts lockedInChain: the same rule as a structural edit). On PostgreSQL the plans are locked
 * (FOR UPDATE, in id order) until the transaction ends, so an approval running at the same time
 * either waits for the delete or is seen by it.
 */
export async function assertTreesUnlocked(db: Database, em: EntityManager, planIds: Iterable<number>, what: string): Promise<BusinessPlan[]> {
  const plans: BusinessPlan[] = [];
  for (const id of [...new Set(planIds)].sort((a, b) => a - b)) {
    const plan = await em.findOne(BusinessPlan, { where: { id }, ...rowLock(em, "update") });
    if (!plan) continue; // deleted meanwhile: its links went with it
    const locked = await lockedInChain(db, em, id);
    if (locked) {
      throw planLocked(
        locked.id === id
          ? `BusinessPlan ${toGlobalId("BusinessPlan", id)} is ${locked.status}: cannot ${what}`
          : `BusinessPlan ${toGlobalId("BusinessPlan", id)} is in the tree of ${locked.status} BusinessPlan ${toGlobalId("BusinessPlan", locked.id)}: cannot ${what}`,
      );
    }
    plans.push(plan);
  }
  return plans;
}
