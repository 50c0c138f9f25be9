import { In } from "typeorm";
import type { OpportunityStatus } from "../../common/enums";
import { family, manyLoader, pairLoader } from "../../loaders/loader-kit";
import { type LoaderKit, SQL_BY_ID } from "../../loaders/loaders";
import type { BusinessPlan } from "../plans/business-plan.entity";
import { Opportunity } from "./opportunity.entity";
import { PlanOpportunity } from "./plan-opportunity.entity";

/** The opportunities module's per-request loaders (composed by src/registry.ts). */
export function opportunityLoaders(k: LoaderKit) {
  const { o, raw } = k;
  const m = k.db.manager;
  return {
    opportunity: k.byIds(Opportunity),
    opportunitiesByAccount: family((status: OpportunityStatus[] | null) =>
      manyLoader<Opportunity>(
        o,
        (ids) => raw(Opportunity).whereIn("account_id", ids, SQL_BY_ID, status?.length ? k.inFilter("status", status) : undefined),
        (r) => r.accountId,
      ),
    ),
    opportunitiesByPlan: pairLoader<Opportunity>(o, async (ids) => {
      const links = await m.find(PlanOpportunity, {
        where: { planId: In([...ids]) },
        relations: { opportunityRef: true },
        order: { opportunityId: "ASC" },
      });
      return links.map((l) => [l.planId, l.opportunityRef as Opportunity]);
    }),
    opportunitiesByObjective: k.projected(Opportunity, "objectiveId", (_: null, p) =>
      manyLoader<Opportunity>(o, (ids) => raw(Opportunity).whereIn("objective_id", ids, SQL_BY_ID, undefined, p(ids)), (r) => r.objectiveId ?? 0),
    ),
    plansByOpportunity: pairLoader<BusinessPlan>(o, async (ids) => {
      const links = await m.find(PlanOpportunity, {
        where: { opportunityId: In([...ids]) },
        relations: { planRef: true },
        order: { planId: "ASC" },
      });
      return links.map((l) => [l.opportunityId, l.planRef as BusinessPlan]);
    }),
    followUpOpportunities: k.byColumn(Opportunity, "source_activity_id", (r) => r.sourceActivityId),
  };
}

export type OpportunityLoaders = ReturnType<typeof opportunityLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends OpportunityLoaders {}
}
