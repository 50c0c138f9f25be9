import { MaxLength } from "class-validator";
import { ArrayMaxSize, IsOptional, Length, Matches, Max, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { OpportunityStatus } from "../../common/enums";
import type { Cents } from "../../common/money";
import { LIMITS } from "../../graphql/common-types";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";

@InputType()
export class CreateOpportunityInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => ID)
  accountId: string;

  @Field(() => DecimalScalar)
  revenue: Cents;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  probability?: number | null;

  @Field(() => OpportunityStatus, { nullable: true })
  status?: OpportunityStatus | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;

  @Field(() => ID, { nullable: true })
  objectiveId?: string | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(LIMITS.listIds)
  planIds?: string[] | null;
}

@InputType()
export class UpdateOpportunityInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenue?: Cents | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(100)
  probability?: number | null;

  @Field(() => OpportunityStatus, { nullable: true })
  status?: OpportunityStatus | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;

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
