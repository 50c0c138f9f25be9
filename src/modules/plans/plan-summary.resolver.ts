import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { PlanGroupBy } from "./plan-summary";
import { PlanSummaryRow } from "./plans.types";

@Resolver()
export class PlanSummaryResolver {
  @Query(() => [PlanSummaryRow], {
    description:
      "The period's top-level plans in groups, each plan tree counted once through its rollup (an EXPIRED plan with the figures frozen at its expiry): the figures of a group are the sums of its plans' rollups. Ordered by label (groups without one last), then key. A periodId that is not a period's finds nothing (no groups).",
  })
  planSummary(
    @Ctx() ctx: Context,
    @Arg("periodId", () => ID, { description: "The period whose top-level plans are summarised (a global id)." }) periodId: string,
    @Arg("groupBy", () => PlanGroupBy, { description: "What the plans are grouped by." }) groupBy: PlanGroupBy,
  ): Promise<PlanSummaryRow[]> {
    return ctx.services.planSummary.summary(periodId, groupBy);
  }
}
