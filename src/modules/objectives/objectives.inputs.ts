import { IsOptional, Length, Matches, Max, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { ObjectiveUnit } from "../../common/enums";
import { type Cents } from "../../common/money";
import { LIMITS } from "../../graphql/common-types";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";

const MAX_QTY = 1_000_000_000;

@InputType()
export class CreateObjectiveInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
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

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  targetRevenue?: Cents | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(MAX_QTY)
  targetQuantity?: number | null;

  @Field(() => ObjectiveUnit, { nullable: true })
  unit?: ObjectiveUnit | null;

  @Field(() => DateScalar, { nullable: true, description: "Within the objective's period; defaults to its last day." })
  dueDate?: string | null;

  @Field(() => ID, { nullable: true, description: "An existing user; defaults to the plan's owner, or to the creator for an objective without a plan." })
  ownerId?: string | null;
}

@InputType()
export class UpdateObjectiveInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  targetRevenue?: Cents | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(MAX_QTY)
  targetQuantity?: number | null;

  @Field(() => ObjectiveUnit, { nullable: true })
  unit?: ObjectiveUnit | null;

  @Field(() => DateScalar, { nullable: true, description: "Within the objective's period; cannot be null." })
  dueDate?: string | null;

  @Field(() => ID, { nullable: true, description: "An existing user; null: no owner." })
  ownerId?: string | null;

  @Field(() => Int, { nullable: true, description: "Progress entered by hand; UNITS objectives only." })
  @IsOptional()
  @Min(0)
  @Max(MAX_QTY)
  actualQuantity?: number | null;
}
