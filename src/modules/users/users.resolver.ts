import { IsEmail, IsEnum, Length, Matches, MaxLength } from "class-validator";
import { Arg, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Role } from "../../common/enums";
import { maxLength } from "../../common/input-limits";
import type { Context } from "../../graphql/context";
import { LIMITS } from "../../graphql/common-types";
import { User } from "./user.entity";

@InputType()
export class CreateUserInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field()
  @MaxLength(LIMITS.email)
  @IsEmail()
  email: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;
}

@ObjectType()
export class CreatedUser {
  @Field(() => User)
  user: User;

  @Field({ description: "The user's API token, shown only once." })
  token: string;
}

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
