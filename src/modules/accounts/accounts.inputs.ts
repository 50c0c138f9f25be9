import { ArgsType, Field, ID, InputType, Int } from "type-graphql";
import { LIMITS } from "../../common/limits";
import { NameField, TextField } from "../../graphql/input-fields";
@InputType()
export class CreateAccountInput {
  @NameField()
  name: string;

  @TextField(LIMITS.short)
  industry?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;
}

@InputType()
export class UpdateAccountInput {
  @NameField({ nullable: true })
  name?: string | null;

  @TextField(LIMITS.short)
  industry?: string | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;
}

/** Arguments of `accounts`. */
@ArgsType()
export class AccountsArgs {
  @TextField(LIMITS.search)
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
