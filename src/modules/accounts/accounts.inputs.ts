import { IsOptional, Length, Matches, MaxLength } from "class-validator";
import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { LIMITS } from "../../graphql/common-types";

@InputType()
export class CreateAccountInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  industry?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;
}

@InputType()
export class UpdateAccountInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  industry?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;
}

/** Arguments of `accounts`. */
@ArgsType()
export class AccountsArgs {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.search)
  search?: string | null;

  @Field(() => Int, { nullable: true })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}
