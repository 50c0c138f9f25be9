import { toGlobalId } from "../../common/ids";
import type { EntityManager } from "typeorm";
import { assertCanWrite, assertOwnerOrAdmin } from "../../auth/policy";
import { OpportunityStatus } from "../../common/enums";
import { badInput } from "../../common/errors";
import { mustFind } from "../../common/find";
import { insertIfAbsent } from "../../db/constraint-errors";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import { assertDetachableFromObjective, objectiveFor, planForExecution } from "../activities/links";
import { BusinessPlan } from "../plans/business-plan.entity";
import { change, recordAudit, ref } from "../plans/plan-audit";
import { opportunityWon } from "../webhooks/webhook-events";
import { notFound, planLocked } from "../../common/errors";
import { assertLinksDetachable, linksAreFinal } from "../plans/plan-workflow";
import { assertTreesUnlocked } from "../plans/plan-locks";
import { Objective } from "../objectives/objective.entity";
import type { User } from "../users/user.entity";
import { Opportunity } from "./opportunity.entity";
import { PlanOpportunity } from "./plan-opportunity.entity";
import type { CreateOpportunityInput, UpdateOpportunityInput } from "./opportunities.inputs";

/** Default probability by status when none is given. */
const defaultProbability = (s: OpportunityStatus) => (s === OpportunityStatus.WON ? 100 : s === OpportunityStatus.LOST ? 0 : 10);

export class OpportunitiesService {
  constructor(private readonly db: Database) {}

  async create(actor: User, input: CreateOpportunityInput, em?: EntityManager, sourceActivityId: number | null = null): Promise<Opportunity> {
    assertCanWrite(actor);
    const run = async (tx: EntityManager) => {
      const account = await mustFind(tx, Account, input.accountId, "Account");
      const objective = await objectiveFor(tx, input.objectiveId, account.id);
      const plans: BusinessPlan[] = [];
      for (const raw of new Set(input.planIds ?? [])) plans.push(await planForExecution(tx, raw, account.id, "planIds"));
      const status = input.status ?? OpportunityStatus.OPEN;
      const opp = await tx.save(
        tx.create(Opportunity, {
          name: input.name.trim(),
          accountId: account.id,
          ownerId: actor.id,
          objectiveId: objective?.id ?? null,
          revenue: input.revenue,
          probability: input.probability ?? defaultProbability(status),
          status,
          closeDate: input.closeDate ?? null,
          sourceActivityId,
        }),
      );
      for (const plan of plans) await this.link(tx, actor, opp, plan);
      if (opp.status === OpportunityStatus.WON) await opportunityWon(tx, actor, opp);
      return opp;
    };
    return em ? run(em) : this.db.write(run);
  }

  async update(actor: User, rawId: string, patch: UpdateOpportunityInput): Promise<Opportunity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const opp = await mustFind(em, Opportunity, rawId, "Opportunity");
      this.assertCanChange(actor, opp);
      const wasWon = opp.status === OpportunityStatus.WON;
      if (patch.name === null) throw badInput("name", "cannot be null");
      if (patch.revenue === null) throw badInput("revenue", "cannot be null");
      if (patch.name !== undefined) opp.name = patch.name.trim();
      if (patch.revenue !== undefined) opp.revenue = patch.revenue;
      if (patch.status != null) opp.status = patch.status;
      if (patch.probability != null) opp.probability = patch.probability;
      else if (patch.status != null) opp.probability = patch.status === OpportunityStatus.OPEN ? opp.probability : defaultProbability(patch.status);
      if (patch.closeDate !== undefined) opp.closeDate = patch.closeDate;
      if (patch.objectiveId !== undefined) {
        const next = (await objectiveFor(em, patch.objectiveId, opp.accountId))?.id ?? null;
        if (next !== opp.objectiveId) await assertDetachableFromObjective(em, opp.objectiveId, `Opportunity ${toGlobalId("Opportunity", opp.id)}`);
        opp.objectiveId = next;
      }
      const saved = await em.save(opp);
      if (!wasWon && saved.status === OpportunityStatus.WON) await opportunityWon(em, actor, saved);
      return saved;
    });
  }

  async linkToPlan(actor: User, rawOppId: string, rawPlanId: string): Promise<Opportunity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const opp = await mustFind(em, Opportunity, rawOppId, "Opportunity");
      this.assertCanChange(actor, opp);
      const plan = await planForExecution(em, rawPlanId, opp.accountId);
      await this.link(em, actor, opp, plan);
      return opp;
    });
  }

  async unlinkFromPlan(actor: User, rawOppId: string, rawPlanId: string): Promise<Opportunity> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const opp = await mustFind(em, Opportunity, rawOppId, "Opportunity");
      this.assertCanChange(actor, opp);
      const plan = await mustFind(em, BusinessPlan, rawPlanId, "BusinessPlan");
      assertLinksDetachable(plan);
      const res = await em.delete(PlanOpportunity, { planId: plan.id, opportunityId: opp.id });
      if ((res.affected ?? 0) === 0) throw notFound(`link of Opportunity ${toGlobalId("Opportunity", opp.id)} to BusinessPlan`, toGlobalId("BusinessPlan", plan.id));
      await recordAudit(em, plan.id, actor.id, "OPPORTUNITY_UNLINKED", [change("opportunityId", ref("Opportunity", opp.id), null)]);
      return opp;
    });
  }

  /**
   * Deletes the opportunity (its owner or an ADMIN, as for its edits). It counts in every plan it is
   * linked to and in its objective's plan: PLAN_LOCKED when any of them is in a locked tree
   * (plan-locks.ts); otherwise each of them records OPPORTUNITY_DELETED. Activities about it stay,
   * without the opportunity (opportunity_id SET NULL).
   */
  async delete(actor: User, rawId: string): Promise<string> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      // locked first (PostgreSQL): a link being made meanwhile either commits before (and is seen) or waits
      const opp = await mustFind(em, Opportunity, rawId, "Opportunity", { forUpdate: true });
      this.assertCanChange(actor, opp);
      const links = await em.find(PlanOpportunity, { where: { opportunityId: opp.id } });
      const objectivePlan = opp.objectiveId == null ? null : ((await em.findOneBy(Objective, { id: opp.objectiveId }))?.planId ?? null);
      const planIds = [...links.map((l) => l.planId), ...(objectivePlan == null ? [] : [objectivePlan])];
      const plans = await assertTreesUnlocked(this.db, em, planIds, `delete Opportunity ${toGlobalId("Opportunity", opp.id)}, which counts in it`);
      await em.delete(Opportunity, { id: opp.id });
      for (const plan of plans) {
        await recordAudit(em, plan.id, actor.id, "OPPORTUNITY_DELETED", [change("opportunityId", ref("Opportunity", opp.id), null), change("name", opp.name, null)]);
      }
      return toGlobalId("Opportunity", opp.id);
    });
  }

  /** Idempotent link, audited on the plan when new (also when the same link is being made concurrently: one of them is new). */
  async link(em: EntityManager, actor: User, opp: Opportunity, plan: BusinessPlan): Promise<void> {
    if (!(await insertIfAbsent(em, PlanOpportunity, { planId: plan.id, opportunityId: opp.id }))) return;
    await recordAudit(em, plan.id, actor.id, "OPPORTUNITY_LINKED", [change("opportunityId", null, ref("Opportunity", opp.id))]);
  }

  /** Opportunities are changed by their owner or an ADMIN. */
  private assertCanChange(actor: User, opp: Opportunity) {
    assertOwnerOrAdmin(actor, opp.ownerId, "opportunity", `Opportunity ${toGlobalId("Opportunity", opp.id)}`);
  }
}

