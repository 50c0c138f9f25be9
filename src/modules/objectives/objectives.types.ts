import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { type Cents } from "../../common/money";
import { DecimalScalar } from "../../graphql/scalars";

@ObjectType({
  description:
    "CALLS and MEETINGS count the COMPLETED activities of that type linked to the objective or one of its descendants; actualRevenue sums their WON opportunities (each counted once).",
  simpleResolvers: true,
})
export class ObjectiveProgress {
  @Field(() => ID, {
    description:
      "Stable cache key (derived from the objective's id and the account the progress is narrowed to): the same figures always have the same id. Not a Node id.",
  })
  id: string;

  @Field(() => Int)
  actualQuantity: number;

  @Field(() => DecimalScalar)
  actualRevenue: Cents;

  @Field(() => Float, {
    nullable: true,
    description: "Percent of targetQuantity (or of targetRevenue when there is no quantity target); null without a target.",
  })
  percentComplete: number | null;
}
