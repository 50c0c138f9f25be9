import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { type Cents } from "../../common/money";
import { ConnectionType } from "../../graphql/connection";
import { DecimalScalar } from "../../graphql/scalars";
import { BusinessPlan } from "./business-plan.entity";
import type { PlanFilter } from "./plan-filter";

@ObjectType({ simpleResolvers: true })
export class BusinessPlanConnection extends ConnectionType("BusinessPlan", BusinessPlan) {
  /** The filter the page was taken from (totalCount counts it). */
  filter: PlanFilter | null;
}

@ObjectType({
  description:
    "Figures over the plan and all its descendants; an opportunity counts once, when it is linked to one of those plans or to an objective under them.",
  simpleResolvers: true,
})
export class PlanRollup {
  @Field(() => ID, { description: "Stable cache key (derived from the plan's id): the same plan's figures always have the same id. Not a Node id." })
  id: string;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget: Cents | null;

  @Field(() => DecimalScalar, { description: "Sum of the direct children's revenue targets." })
  childrenRevenueTarget: Cents;

  @Field(() => DecimalScalar, { description: "Revenue of OPEN opportunities." })
  pipelineRevenue: Cents;

  @Field(() => DecimalScalar, { description: "Revenue of WON opportunities." })
  wonRevenue: Cents;

  @Field(() => DecimalScalar, {
    description:
      "Sum of revenue x probability / 100 over the OPEN opportunities counted in pipelineRevenue (each opportunity's share rounded half up to the cent).",
  })
  weightedPipelineRevenue: Cents;

  @Field(() => Float, { nullable: true, description: "wonRevenue / revenueTarget; null without a target." })
  attainment: number | null;

  @Field({ description: "When the figures were computed; for an EXPIRED plan, the moment it expired (its figures are frozen then)." })
  asOf: Date;
}

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
