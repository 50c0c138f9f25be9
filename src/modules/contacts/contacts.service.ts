import { assertCanWrite } from "../../auth/policy";
import { notFound } from "../../common/errors";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import type { User } from "../users/user.entity";
import { Contact } from "./contact.entity";

export interface NewContact {
  accountId: number | null;
  rawAccountId: string;
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
      if (input.accountId === null || !(await em.exists(Account, { where: { id: input.accountId } }))) {
        throw notFound("Account", input.rawAccountId);
      }
      return em.save(
        em.create(Contact, {
          accountId: input.accountId,
          firstName: input.firstName.trim(),
          lastName: input.lastName.trim(),
          email: input.email?.trim().toLowerCase() ?? null,
          jobTitle: input.jobTitle ?? null,
        }),
      );
    });
  }
}
