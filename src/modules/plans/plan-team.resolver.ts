import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { PlanMemberRole } from "../../common/enums";
import type { Context } from "../../graphql/context";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";
import { PlanMember } from "./plan-member.entity";

@Resolver(() => BusinessPlan)
export class PlanTeamResolver {
  @Query(() => [BusinessPlan])
  plansToReview(@Ctx() ctx: Context) {
    return ctx.services.planTeam.plansToReview(ctx.user);
  }

  @Mutation(() => BusinessPlan)
  addPlanMember(
    @Arg("planId", () => ID) planId: string,
    @Arg("userId", () => ID) userId: string,
    @Arg("role", () => PlanMemberRole) role: PlanMemberRole,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.planTeam.addMember(ctx.user, planId, userId, role);
  }

  @Mutation(() => BusinessPlan)
  removePlanMember(@Arg("planId", () => ID) planId: string, @Arg("userId", () => ID) userId: string, @Ctx() ctx: Context) {
    return ctx.services.planTeam.removeMember(ctx.user, planId, userId);
  }

  @FieldResolver(() => [PlanMember])
  team(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.teamByPlan.load(p.id);
  }
}

@Resolver(() => PlanMember)
export class PlanMemberResolver {
  @FieldResolver(() => User)
  user(@Root() m: PlanMember, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(m.userId);
  }
}
