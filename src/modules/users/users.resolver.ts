import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { maxLength } from "../../common/input-limits";
import type { Context } from "../../graphql/context";
import { User } from "./user.entity";
import { CreateUserInput } from "./users.inputs";
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
  revokeToken(@Arg("token", () => String) token: string, @Ctx() ctx: Context): Promise<boolean> {
    maxLength("token", token, 512); // the longest bearer token the Authorization header accepts
    return ctx.services.users.revokeTokenAs(ctx.user, token);
  }
}
