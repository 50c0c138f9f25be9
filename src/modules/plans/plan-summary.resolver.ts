import { Arg, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import type { Cents } from "../../common/money";
import type { Context } from "../../graphql/context";
import { DecimalScalar } from "../../graphql/scalars";
import { PlanGroupBy } from "./plan-summary";

@ObjectType({ description: "One group of the top-level plans of a period (each plan tree counted once, through its rollup)." })
export class PlanSummaryRow {
  @Field(() => String, { nullable: true, description: "The owner's id, the territory, the business unit, the type or the status; null for plans without one." })
  key: string | null;

  @Field(() => String, { nullable: true, description: "What to show for the group: the owner's name, or the key itself; null for plans without one." })
  label: string | null;

  @Field(() => Int, { description: "How many top-level plans the group has (each with its whole tree)." })
  plans: number;

  @Field(() => DecimalScalar, { description: "Sum of the plans' revenue targets (a plan without one counts 0)." })
  revenueTarget: Cents;

  @Field(() => DecimalScalar, { description: "Sum of the plans' rollup wonRevenue." })
  wonRevenue: Cents;

  @Field(() => DecimalScalar, { description: "Sum of the plans' rollup pipelineRevenue." })
  pipelineRevenue: Cents;

  @Field(() => DecimalScalar, { description: "Sum of the plans' rollup weightedPipelineRevenue." })
  weightedPipelineRevenue: Cents;
}

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
