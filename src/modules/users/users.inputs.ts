import { IsEmail, IsEnum, IsOptional, MaxLength } from "class-validator";
import { ArgsType, Field, InputType } from "type-graphql";
import { Role } from "../../common/enums";
import { LIMITS, MAX_TOKEN_LENGTH } from "../../common/limits";
import { NameField } from "../../graphql/input-fields";
@InputType()
export class CreateUserInput {
  @NameField()
  name: string;

  @Field()
  @MaxLength(LIMITS.email)
  @IsEmail()
  email: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;
}

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
