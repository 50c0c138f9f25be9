import { IsEnum, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { ActivityStatus, ActivityType } from "../../common/enums";
import type { Cents } from "../../common/money";
import { LIMITS } from "../../graphql/common-types";
import { DateScalar, DateTimeScalar, DecimalScalar } from "../../graphql/scalars";
import { IsInt, Max, Min } from "class-validator";

@InputType()
export class CreateActivityInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  subject: string;

  @Field(() => ActivityType)
  @IsEnum(ActivityType)
  type: ActivityType;

  @Field(() => ID)
  accountId: string;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  notes?: string | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  planId?: string | null;

  @Field(() => ID, { nullable: true })
  objectiveId?: string | null;

  @Field(() => ID, { nullable: true })
  opportunityId?: string | null;
}

@InputType()
export class UpdateActivityInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  subject?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  notes?: string | null;

  @Field(() => ActivityStatus, { nullable: true })
  status?: ActivityStatus | null;

  @Field(() => ID, { nullable: true })
  contactId?: string | null;

  @Field(() => ID, { nullable: true })
  planId?: string | null;

  @Field(() => ID, { nullable: true })
  objectiveId?: string | null;

  @Field(() => ID, { nullable: true })
  opportunityId?: string | null;
}

@InputType()
export class FollowUpActivityInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  subject: string;

  @Field(() => ActivityType)
  @IsEnum(ActivityType)
  type: ActivityType;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  notes?: string | null;
}

@InputType()
export class FollowUpOpportunityInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => DecimalScalar)
  revenue: Cents;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  probability?: number | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;
}

/** Arguments of `completeActivity`. */
@ArgsType()
export class CompleteActivityArgs {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  notes?: string | null;
}
