import { IsEmail, IsEnum, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { Role } from "../../common/enums";
import { LIMITS } from "../../graphql/common-types";

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

/** The longest bearer token the Authorization header accepts. */
export const MAX_TOKEN_LENGTH = 512;

/** Arguments of `revokeToken`. */
@ArgsType()
export class RevokeTokenArgs {
  @Field(() => String)
  @MaxLength(MAX_TOKEN_LENGTH)
  token: string;
}

/** Arguments of `users`. */
@ArgsType()
export class UsersArgs {
  @Field(() => Role, { nullable: true, description: "Only users with this role." })
  role?: Role | null;

  @Field(() => String, { nullable: true, description: "Only users whose name or email contains this text, case-insensitively (`%` and `_` are ordinary characters); at most 200 characters." })
  @IsOptional()
  @MaxLength(LIMITS.search)
  search?: string | null;
}
