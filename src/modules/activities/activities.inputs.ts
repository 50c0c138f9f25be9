import { ArrayMaxSize, IsEnum, IsOptional } from "class-validator";
import { ArgsType, Field, ID, InputType } from "type-graphql";
import { ActivityStatus, ActivityType } from "../../common/enums";
import type { Cents } from "../../common/money";
import { LIMITS } from "../../common/limits";
import { DateScalar, DateTimeScalar, DecimalScalar } from "../../graphql/scalars";
import { IntRangeField, NameField, TextField } from "../../graphql/input-fields";
/** What an activity is tied to (every one optional; the account's own records only). */
@InputType()
export abstract class ActivityLinksInput {
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
export class CreateActivityInput extends ActivityLinksInput {
  @NameField()
  subject: string;

  @Field(() => ActivityType)
  @IsEnum(ActivityType)
  type: ActivityType;

  @Field(() => ID)
  accountId: string;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: Date | null;

  @TextField(LIMITS.text)
  notes?: string | null;
}

@InputType()
export class UpdateActivityInput extends ActivityLinksInput {
  @NameField({ nullable: true })
  subject?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: Date | null;

  @TextField(LIMITS.text)
  notes?: string | null;

  @Field(() => ActivityStatus, { nullable: true })
  status?: ActivityStatus | null;
}

@InputType()
export class FollowUpActivityInput {
  @NameField()
  subject: string;

  @Field(() => ActivityType)
  @IsEnum(ActivityType)
  type: ActivityType;

  @Field(() => DateTimeScalar, { nullable: true })
  dueAt?: Date | null;

  @TextField(LIMITS.text)
  notes?: string | null;
}

@InputType()
export class FollowUpOpportunityInput {
  @NameField()
  name: string;

  @Field(() => DecimalScalar)
  revenue: Cents;

  @IntRangeField(0, 100)
  probability?: number | null;

  @Field(() => DateScalar, { nullable: true })
  closeDate?: string | null;
}

/** Arguments of `completeActivity`. */
@ArgsType()
export class CompleteActivityArgs {
  @Field(() => ID)
  id: string;

  @TextField(LIMITS.text)
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
