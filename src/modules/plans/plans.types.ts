import { Field, Float, ID, ObjectType } from "type-graphql";
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

  @Field(() => Float, { nullable: true, description: "wonRevenue / revenueTarget; null without a target." })
  attainment: number | null;

  @Field({ description: "When the figures were computed; for an EXPIRED plan, the moment it expired (its figures are frozen then)." })
  asOf: Date;
}
