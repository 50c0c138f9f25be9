import { ArrayMaxSize, IsOptional } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { OpportunityStatus } from "../../common/enums";
import type { Cents } from "../../common/money";
import { LIMITS } from "../../common/limits";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";
import { IntRangeField, NameField } from "../../graphql/input-fields";

/** The terms an opportunity is created with and may change. */
@InputType()
export abstract class OpportunityTermsInput {
  @IntRangeField(0, 100)
  probability?: number | null;

  @Field(() => OpportunityStatus, { nullable: true })
  status?: OpportunityStatus | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;
}

@InputType()
export class CreateOpportunityInput extends OpportunityTermsInput {
  @NameField()
  name: string;

  @Field(() => ID)
  accountId: string;

  @Field(() => DecimalScalar)
  revenue: Cents;

  @Field(() => ID, { nullable: true })
  objectiveId?: string | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(LIMITS.listIds)
  planIds?: string[] | null;
}

@InputType()
export class UpdateOpportunityInput extends OpportunityTermsInput {
  @NameField({ nullable: true })
  name?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenue?: Cents | null;

  @Field(() => ID, { nullable: true, description: "null unlinks the objective." })
  objectiveId?: string | null;
}
