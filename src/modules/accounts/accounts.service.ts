import { Brackets } from "typeorm";
import { assertCanWrite } from "../../auth/policy";
import { findOptional, mustFind } from "../../common/find";
import { encodeCursor, type Page, type PageArgs, pageRequest } from "../../common/pagination";
import type { Database } from "../../db/data-source";
import { User } from "../users/user.entity";
import { Account } from "./account.entity";
import type { CreateAccountInput, UpdateAccountInput } from "./accounts.inputs";

/** Escapes LIKE wildcards so that a search for "50%" finds "50%". */
function likePattern(s: string): string {
  return `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class AccountsService {
  constructor(private readonly db: Database) {}

  async create(actor: User, input: CreateAccountInput): Promise<Account> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const owner = await findOptional(em, User, input.ownerId, "User");
      return em.save(
        em.create(Account, { name: input.name.trim(), industry: input.industry ?? null, ownerId: owner?.id ?? actor.id }),
      );
    });
  }

  async update(actor: User, rawId: string, input: UpdateAccountInput): Promise<Account> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const account = await mustFind(em, Account, rawId, "Account");
      if (input.ownerId !== undefined) account.ownerId = (await findOptional(em, User, input.ownerId, "User"))?.id ?? null;
      if (input.name != null) account.name = input.name.trim(); // null: leave the name as it is (a name is required)
      if (input.industry !== undefined) account.industry = input.industry;
      return em.save(account);
    });
  }

  private filtered(search: string | null | undefined) {
    const qb = this.db.manager.createQueryBuilder(Account, "a");
    if (search && search.trim()) {
      qb.where("LOWER(a.name) LIKE :p ESCAPE '\\'", { p: likePattern(search.trim()) });
    }
    return qb;
  }

  /**
   * Accounts by name, then id; keyset pagination over (name, id), forward (first/after) or
   * backward (last/before: the last `last` accounts before the cursor, still in ascending order).
   */
  async page(search: string | null | undefined, args: PageArgs): Promise<Page<Account>> {
    const { backward, size, cursor } = pageRequest(args, ["string", "number"]);
    const qb = this.filtered(search);
    if (cursor) {
      const [name, id] = cursor as [string, number];
      const cmp = backward ? "<" : ">";
      qb.andWhere(new Brackets((w) => w.where(`a.name ${cmp} :cn`, { cn: name }).orWhere(`a.name = :cn AND a.id ${cmp} :ci`, { ci: id })));
    }
    const order = backward ? "DESC" : "ASC";
    const rows = await qb.orderBy("a.name", order).addOrderBy("a.id", order).limit(size + 1).getMany();
    const more = rows.length > size;
    const nodes = backward ? rows.slice(0, size).reverse() : rows.slice(0, size);
    const cursors = nodes.map((a) => encodeCursor([a.name, a.id]));
    return backward
      ? { nodes, cursors, hasNextPage: args.before != null, hasPreviousPage: more }
      : { nodes, cursors, hasNextPage: more };
  }

  count(search: string | null | undefined): Promise<number> {
    return this.filtered(search).getCount();
  }
}
