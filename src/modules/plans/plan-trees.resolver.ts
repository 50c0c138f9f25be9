import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { BusinessPlan } from "./business-plan.entity";
import { CreateBusinessPlanTreeInput, TREE_BOUNDS } from "./plans.inputs";

@Resolver()
export class PlanTreesResolver {
  @Mutation(() => BusinessPlan, {
    description: `Creates a plan and its nested children in one transaction: all of it or nothing. Each plan is checked as if created alone (createBusinessPlan's rules); the first refusal names the node (\`extensions.field\`, e.g. children.2.children.0.periodId) and creates nothing. One audit entry (CREATED) per plan; ${TREE_BOUNDS}.`,
  })
  createBusinessPlanTree(@Arg("input", () => CreateBusinessPlanTreeInput, { description: "The plan and its children." }) input: CreateBusinessPlanTreeInput, @Ctx() ctx: Context) {
    return ctx.services.planTrees.createTree(ctx.user, input);
  }
}
