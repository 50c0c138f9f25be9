import { IsEmail } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { LIMITS } from "../../common/limits";
import { NameField, TextField } from "../../graphql/input-fields";
@InputType()
export class CreateContactInput {
  @Field(() => ID)
  accountId: string;

  @NameField()
  firstName: string;

  @NameField()
  lastName: string;

  @TextField(LIMITS.email)
  @IsEmail()
  email?: string | null;

  @TextField(LIMITS.short)
  jobTitle?: string | null;
}
