import { IsEmail, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { LIMITS } from "../../graphql/common-types";

@InputType()
export class CreateContactInput {
  @Field(() => ID)
  accountId: string;

  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  firstName: string;

  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  lastName: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.email)
  @IsEmail()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(LIMITS.short)
  jobTitle?: string | null;
}
