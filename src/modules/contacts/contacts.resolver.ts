import { IsEmail, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from "type-graphql";
import { parseId } from "../../common/ids";
import type { Context } from "../../graphql/context";
import { LIMITS } from "../../graphql/common-types";
import { Account } from "../accounts/account.entity";
import { Contact } from "./contact.entity";

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

@Resolver(() => Contact)
export class ContactsResolver {
  @Query(() => Contact, { nullable: true })
  contact(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    const n = parseId(id, "Contact");
    return n === null ? null : ctx.loaders.contact.load(n);
  }

  @Mutation(() => Contact)
  createContact(@Arg("input", () => CreateContactInput) input: CreateContactInput, @Ctx() ctx: Context) {
    return ctx.services.contacts.create(ctx.user, input);
  }

  @FieldResolver(() => Account)
  account(@Root() c: Contact, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(c.accountId);
  }
}
