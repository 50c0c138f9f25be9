import { Field, ID, InputType } from "type-graphql";
import { ObjectiveUnit } from "../../common/enums";
import { type Cents } from "../../common/money";
import { LIMITS, MAX_QUANTITY } from "../../common/limits";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";
import { IntRangeField, NameField, TextField } from "../../graphql/input-fields";
/** The fields an objective is created with and may change: its description and its targets. */
@InputType()
export abstract class ObjectiveTargetsInput {
  @TextField(LIMITS.text)
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  targetRevenue?: Cents | null;

  @IntRangeField(0, MAX_QUANTITY)
  targetQuantity?: number | null;

  @Field(() => ObjectiveUnit, { nullable: true })
  unit?: ObjectiveUnit | null;
}

@InputType()
export class CreateObjectiveInput extends ObjectiveTargetsInput {
  @NameField()
  name: string;

  @Field(() => ID)
  periodId: string;

  @Field(() => ID, { nullable: true })
  planId?: string | null;

  @Field(() => ID, { nullable: true })
  accountId?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  parentId?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Within the objective's period; defaults to its last day." })
  dueDate?: string | null;

  @Field(() => ID, { nullable: true, description: "An existing user; defaults to the plan's owner, or to the creator for an objective without a plan." })
  ownerId?: string | null;
}

@InputType()
export class UpdateObjectiveInput extends ObjectiveTargetsInput {
  @NameField({ nullable: true })
  name?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Within the objective's period; cannot be null." })
  dueDate?: string | null;

  @Field(() => ID, { nullable: true, description: "An existing user; null: no owner." })
  ownerId?: string | null;

  @IntRangeField(0, MAX_QUANTITY, { description: "Progress entered by hand; UNITS objectives only." })
  actualQuantity?: number | null;
}
