import { ArrayMaxSize } from "class-validator";
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

@InputType({ description: "Only the activities matching every given condition." })
export class ActivityFilter {
  @Field(() => ID, { nullable: true, description: "Only this account's activities." })
  accountId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only activities owned by this user (\"my activities\": your id from `me`)." })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only activities executing this plan (Activity.plan)." })
  planId?: string | null;

  @Field(() => ID, { nullable: true, description: "Only activities tied to this objective (Activity.objective)." })
  objectiveId?: string | null;

  @Field(() => [ActivityStatus], { nullable: true, description: "Only activities in one of these statuses (at most 10 values)." })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: ActivityStatus[] | null;

  @Field(() => [ActivityType], { nullable: true, description: "Only activities of one of these types (at most 10 values)." })
  @IsOptional()
  @ArrayMaxSize(10)
  type?: ActivityType[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Only activities due at or after this instant (inclusive); excludes those without a due date." })
  dueFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Only activities due before this instant (exclusive: \"this week\" is dueFrom Monday 00:00, dueTo next Monday 00:00); excludes those without a due date." })
  dueTo?: Date | null;
}
