import { IsEnum } from "class-validator";
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
