import { ArrayMaxSize, IsOptional, Length, Matches, MaxLength, ValidateNested } from "class-validator";
import { Arg, Ctx, Field, ID, InputType, Mutation, Resolver } from "type-graphql";
import { PlanType } from "../../common/enums";
import { MAX_PLAN_TREE_DEPTH, MAX_PLAN_TREE_NODES } from "../../common/input-limits";
import type { Cents } from "../../common/money";
import { LIMITS } from "../../graphql/common-types";
import type { Context } from "../../graphql/context";
import { DecimalScalar } from "../../graphql/scalars";
import { BusinessPlan } from "./business-plan.entity";
import type { NewPlanTree } from "./plan-trees.service";

const TREE_BOUNDS = `at most ${MAX_PLAN_TREE_NODES} plans in all and ${MAX_PLAN_TREE_DEPTH} levels (the plan, its children, their children, ...)`;

@InputType({
  description: `A new business plan (DRAFT, version 1) and the plans to create under it, each checked as if created alone with createBusinessPlan; ${TREE_BOUNDS}.`,
})
export class CreateBusinessPlanTreeInput implements NewPlanTree {
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

@Resolver()
export class PlanTreesResolver {
  @Mutation(() => BusinessPlan, {
    description: `Creates a plan and its nested children in one transaction: all of it or nothing. Each plan is checked as if created alone (createBusinessPlan's rules); the first refusal names the node (\`extensions.field\`, e.g. children.2.children.0.periodId) and creates nothing. One audit entry (CREATED) per plan; ${TREE_BOUNDS}.`,
  })
  createBusinessPlanTree(@Arg("input", () => CreateBusinessPlanTreeInput, { description: "The plan and its children." }) input: CreateBusinessPlanTreeInput, @Ctx() ctx: Context) {
    return ctx.services.planTrees.createTree(ctx.user, input);
  }
}
