import { ArrayMaxSize, IsOptional, Length, Matches, MaxLength, ValidateNested } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { PlanStatus, PlanType } from "../../common/enums";
import { type Cents } from "../../common/money";
import { AUDIT_TRAIL_MAX, LIMITS, MAX_PLAN_TREE_DEPTH, MAX_PLAN_TREE_NODES } from "../../common/limits";
import { DecimalScalar } from "../../graphql/scalars";
import type { PlanFilter } from "./plan-filter";
import { IntRangeField, NameField, TextField } from "../../graphql/input-fields";
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
  @NameField()
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

  @TextField(LIMITS.short)
  businessUnit?: string | null;

  @TextField(LIMITS.short)
  territory?: string | null;

  @TextField(LIMITS.text)
  description?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  revenueTarget?: Cents | null;
}

@InputType()
export class UpdateBusinessPlanInput {
  @NameField({ nullable: true })
  name?: string | null;

  @TextField(LIMITS.text)
  description?: string | null;

  @TextField(LIMITS.short)
  businessUnit?: string | null;

  @TextField(LIMITS.short)
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

  @TextField(LIMITS.comment)
  comment?: string | null;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;
}

/** Arguments of `BusinessPlan.auditTrail`. */
@ArgsType()
export class AuditTrailArgs {
  @IntRangeField(0, AUDIT_TRAIL_MAX, { description: "At most this many entries (default 50, max 500)." })
  first?: number | null;
}

export const TREE_BOUNDS = `at most ${MAX_PLAN_TREE_NODES} plans in all and ${MAX_PLAN_TREE_DEPTH} levels (the plan, its children, their children, ...)`;

@InputType({
  description: `A new business plan (DRAFT, version 1) and the plans to create under it, each checked as if created alone with createBusinessPlan; ${TREE_BOUNDS}.`,
})
export class CreateBusinessPlanTreeInput {
  @Field(() => ID, { description: "The account the plan is for (a child's must be its parent's)." })
  accountId: string;

  @Field({ description: "1-200 characters, not blank; leading and trailing spaces are removed." })
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => ID, { description: "The period the plan covers (a child's must lie within its parent's)." })
  periodId: string;

  @Field(() => PlanType, { nullable: true, description: "Default ACCOUNT." })
  type?: PlanType | null;

  @Field(() => String, { nullable: true, description: "Free text, at most 10,000 characters." })
  @IsOptional()
  @MaxLength(LIMITS.text)
  description?: string | null;

  @Field(() => String, { nullable: true, description: "At most 200 characters." })
  @IsOptional()
  @MaxLength(LIMITS.short)
  businessUnit?: string | null;

  @Field(() => String, { nullable: true, description: "At most 200 characters." })
  @IsOptional()
  @MaxLength(LIMITS.short)
  territory?: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Exact decimal amount with at most 2 decimals, sent as a string ("1250000.00"); 0 to 90000000000000.00.',
  })
  revenueTarget?: Cents | null;

  @Field(() => ID, { nullable: true, description: "Defaults to the caller; only an ADMIN may name someone else (an ACCOUNT_MANAGER or ADMIN)." })
  ownerId?: string | null;

  @Field(() => [CreateBusinessPlanTreeInput], { nullable: true, description: `Created under this plan, in the same transaction; ${TREE_BOUNDS}.` })
  @IsOptional()
  @ArrayMaxSize(MAX_PLAN_TREE_NODES)
  @ValidateNested({ each: true })
  children?: CreateBusinessPlanTreeInput[] | null;
}
