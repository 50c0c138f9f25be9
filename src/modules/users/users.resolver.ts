import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { User } from "./user.entity";
import { CreateUserInput, RevokeTokenArgs } from "./users.inputs";
import { CreatedUser } from "./users.types";

@Resolver(() => User)
export class UsersResolver {
  @Query(() => User)
  me(@Ctx() ctx: Context): User {
    return ctx.user;
  }

  @Mutation(() => CreatedUser)
  createUser(@Arg("input", () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: Context): Promise<CreatedUser> {
    return ctx.services.users.createUser(ctx.user, input);
  }

  @Mutation(() => Boolean, { description: "ADMIN: revokes an API token (by its value). True when it was active." })
  revokeToken(@Args(() => RevokeTokenArgs) { token }: RevokeTokenArgs, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.users.revokeTokenAs(ctx.user, token);
  }
}
