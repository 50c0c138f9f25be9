import { manyLoader } from "../../loaders/loader-kit";
import type { LoaderKit } from "../../loaders/loaders";
import { Contact } from "./contact.entity";

/** The documented contact order (last name, first name, id), for alias "t". */
export const SQL_CONTACT_ORDER = `"t"."last_name" ASC, "t"."first_name" ASC, "t"."id" ASC`;

/** The contacts module's per-request loaders (composed by src/registry.ts). */
export function contactLoaders(k: LoaderKit) {
  const { o, raw } = k;
  return {
    contact: k.byIds(Contact),
    contactsByAccount: k.projected(Contact, "accountId", (_: null, p) =>
      manyLoader<Contact>(o, (ids) => raw(Contact).whereIn("account_id", ids, SQL_CONTACT_ORDER, undefined, p(ids)), (r) => r.accountId),
    ),
  };
}

export type ContactLoaders = ReturnType<typeof contactLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends ContactLoaders {}
}
