import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { Objective } from "../objectives/objective.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";
import { Note } from "./note.entity";

@Resolver(() => Note)
export class NotesResolver {
  @Mutation(() => Note)
  addPlanNote(@Arg("planId", () => ID) planId: string, @Arg("body", () => String) body: string, @Ctx() ctx: Context) {
    return ctx.services.notes.addPlanNote(ctx.user, planId, body);
  }

  @Mutation(() => Note)
  addObjectiveNote(@Arg("objectiveId", () => ID) objectiveId: string, @Arg("body", () => String) body: string, @Ctx() ctx: Context) {
    return ctx.services.notes.addObjectiveNote(ctx.user, objectiveId, body);
  }

  @FieldResolver(() => User)
  author(@Root() n: Note, @Ctx() ctx: Context) {
    return ctx.loaders.user.load(n.authorId);
  }
}

@Resolver(() => BusinessPlan)
export class PlanNotesResolver {
  @FieldResolver(() => [Note])
  notes(@Root() p: BusinessPlan, @Ctx() ctx: Context) {
    return ctx.loaders.notesByPlan.load(p.id);
  }
}

@Resolver(() => Objective)
export class ObjectiveNotesResolver {
  @FieldResolver(() => [Note])
  notes(@Root() o: Objective, @Ctx() ctx: Context) {
    return ctx.loaders.notesByObjective.load(o.id);
  }
}
