import { Arg, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { PeriodType } from "../../common/enums";
import { parseId } from "../../common/ids";
import type { Context } from "../../graphql/context";
import { Period } from "./period.entity";
import { CreatePeriodInput } from "./periods.inputs";

@Resolver(() => Period)
export class PeriodsResolver {
  @Query(() => Period, { nullable: true })
  period(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const n = parseId(id, "Period");
    return n === null ? null : ctx.loaders.period.load(n);
  }

  @Query(() => [Period], { description: "Ordered by start date, longer periods first." })
  periods(@Ctx() ctx: Context, @Arg("type", () => PeriodType, { nullable: true }) type?: PeriodType | null) {
    return ctx.services.periods.list(type);
  }

  @Mutation(() => Period)
  createPeriod(@Arg("input", () => CreatePeriodInput) input: CreatePeriodInput, @Ctx() ctx: Context) {
    return ctx.services.periods.create(ctx.user, input);
  }

  @FieldResolver(() => Period, { nullable: true })
  @Extensions({ needs: ["parentId"] })
  parent(@Root() p: Period, @Ctx() ctx: Context) {
    return p.parentId == null ? null : ctx.loaders.period.load(p.parentId);
  }

  @FieldResolver(() => [Period])
  @Extensions({ needs: ["id"] })
  children(@Root() p: Period, @Ctx() ctx: Context) {
    return ctx.loaders.periodChildren.load(p.id);
  }
}
