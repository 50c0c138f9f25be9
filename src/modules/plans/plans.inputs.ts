import { ArrayMaxSize, IsOptional, Length, Matches, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { PlanStatus, PlanType } from "../../common/enums";
import { type Cents } from "../../common/money";
import { LIMITS } from "../../graphql/common-types";
import { DecimalScalar } from "../../graphql/scalars";
import type { PlanFilter } from "./plan-filter";
import { PlanOrder } from "./plan-list";

@InputType()
export class BusinessPlanFilter implements PlanFilter {
  @Field(() => ID, { nullable: true })
  accountId?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => ID, { nullable: true })
  periodId?: string | null;

  @Field(() => [PlanStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: PlanStatus[] | null;

  @Field(() => Boolean, { nullable: true, description: "Only plans without a parent." })
  topLevelOnly?: boolean | null;

  @Field(() => String, { nullable: true, description: "Case-insensitive match on the plan's name: only plans whose name contains this text (`%` and `_` are ordinary characters); at most 200 characters." })
  @IsOptional()
  @MaxLength(LIMITS.search)
  search?: string | null;
}

@InputType()
export class CreateBusinessPlanInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => ID)
  accountId: string;

  @Field(() => ID)
  periodId: string;

  @Field(() => PlanType, { nullable: true })
  type?: PlanType | null;

  @Field(() => ID, { nullable: true })
  parentId?: string | null;

  @Field(() => ID, { nullable: true, description: "Defaults to the caller." })
  ownerId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  businessUnit?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  territory?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget?: Cents | null;
}

@InputType()
export class UpdateBusinessPlanInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  businessUnit?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  territory?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget?: Cents | null;

  @Field(() => PlanType, { nullable: true })
  type?: PlanType | null;

  @Field(() => ID, {
    nullable: true,
    description: "Moves the plan under another plan of the same account (null: make it top-level). A plan cannot become its own ancestor.",
  })
  parentId?: string | null;
}

/** Arguments of `businessPlans`. */
@ArgsType()
export class BusinessPlansArgs {
  @Field(() => BusinessPlanFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: BusinessPlanFilter | null;

  @Field(() => PlanOrder, { nullable: true, description: "The order (default: creation order). A cursor only continues the order it came from." })
  orderBy?: PlanOrder | null;

  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/** Arguments of `changeBusinessPlanStatus`. */
@ArgsType()
export class ChangeBusinessPlanStatusArgs {
  @Field(() => ID)
  id: string;

  @Field(() => PlanStatus)
  status: PlanStatus;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.comment)
  comment?: string | null;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;
}

/** Most entries `BusinessPlan.auditTrail(first:)` returns per plan, and its default. */
export const AUDIT_TRAIL_MAX = 500;
export const AUDIT_TRAIL_DEFAULT = 50;

/** Arguments of `BusinessPlan.auditTrail`. */
@ArgsType()
export class AuditTrailArgs {
  @Field(() => Int, { nullable: true, description: "At most this many entries (default 50, max 500)." })
  @IsOptional()
  @Min(0)
  @Max(AUDIT_TRAIL_MAX)
  first?: number | null;
}
