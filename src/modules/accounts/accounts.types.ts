import { ObjectType } from "type-graphql";
import { ConnectionType } from "../../graphql/connection";
import { Account } from "./account.entity";

@ObjectType({ simpleResolvers: true })
export class AccountConnection extends ConnectionType("Account", Account) {
  /** The search the page was taken from; totalCount counts it only when asked for. */
  search: string | null;
}
