import { ArrayMaxSize, IsOptional, MaxLength } from "class-validator";
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

@InputType({ description: "Only the opportunities matching every given condition." })
export class OpportunityFilter {
  @Field(() => ID, { nullable: true, description: "Only this account's opportunities." })
  accountId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only opportunities owned by this user (e.g. your own id from `me`)." })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only opportunities linked to this plan (as in BusinessPlan.opportunities)." })
  planId?: string | null;

  @Field(() => [OpportunityStatus], { nullable: true, description: "Only opportunities in one of these statuses (at most 10 values)." })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: OpportunityStatus[] | null;

  @Field(() => DateScalar, { nullable: true, description: "Only opportunities closing on or after this date (inclusive); excludes those without a close date." })
  closeDateFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Only opportunities closing on or before this date (inclusive); excludes those without a close date." })
  closeDateTo?: string | null;

  @Field(() => String, { nullable: true, description: "Only opportunities whose name contains this text, case-insensitively (`%` and `_` are ordinary characters); at most 200 characters." })
  @IsOptional()
  @MaxLength(LIMITS.search)
  search?: string | null;
}
