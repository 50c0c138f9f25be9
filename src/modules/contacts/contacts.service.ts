import { assertCanWrite } from "../../auth/policy";
import { mustFind } from "../../common/find";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import type { User } from "../users/user.entity";
import { Contact } from "./contact.entity";
import type { CreateContactInput } from "./contacts.inputs";

export class ContactsService {
  constructor(private readonly db: Database) {}

  async create(actor: User, input: CreateContactInput): Promise<Contact> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const account = await mustFind(em, Account, input.accountId, "Account");
      return em.save(
        em.create(Contact, {
          accountId: account.id,
          firstName: input.firstName.trim(),
          lastName: input.lastName.trim(),
          email: input.email?.trim().toLowerCase() ?? null,
          jobTitle: input.jobTitle ?? null,
        }),
      );
    });
  }
}
