import { Arg, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { parseId } from "../../common/ids";
import type { Context } from "../../graphql/context";
import { Account } from "../accounts/account.entity";
import { Contact } from "./contact.entity";
import { CreateContactInput } from "./contacts.inputs";
import { CONTACT_SQL } from "../activities/activities.read-sql";

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
  @Extensions({ needs: ["accountId"], sql: CONTACT_SQL.account })
  account(@Root() c: Contact, @Ctx() ctx: Context) {
    return ctx.loaders.account.load(c.accountId);
  }
}
