import { assertCanWrite } from "../../auth/policy";
import { mustFind } from "../../common/find";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import type { User } from "../users/user.entity";
import { Contact } from "./contact.entity";

export interface NewContact {
  /** GraphQL id; one that cannot exist is NOT_FOUND. */
  accountId: string;
  firstName: string;
  lastName: string;
  email?: string | null;
  jobTitle?: string | null;
}

export class ContactsService {
  constructor(private readonly db: Database) {}

  async create(actor: User, input: NewContact): Promise<Contact> {
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
