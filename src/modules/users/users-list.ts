import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { Role } from "../../common/enums";
import { containsPattern } from "../../common/keyset";
import type { Database } from "../../db/data-source";
import type { Context } from "../../graphql/context";
import { User } from "./user.entity";
import { UsersArgs } from "./users.inputs";

/** Query.users answers at most this many users (by name, then id); narrow with role and search. */
export const USERS_MAX = 200;

/**
 * Who may list users: every signed-in user, every role. A user's name, email and role are already
 * readable by everyone signed in wherever a user appears (plan and account owners, audit entries),
 * so the list shows nothing new; it is what an owner or member picker needs.
 */
export class UserListService {
  constructor(private readonly db: Database) {}

  list(role: Role | null | undefined, search: string | null | undefined): Promise<User[]> {
    const qb = this.db.manager.createQueryBuilder(User, "u");
    if (role != null) qb.andWhere(`"u"."role" = :role`, { role });
    if (search?.trim()) {
      qb.andWhere(`(LOWER("u"."name") LIKE :q ESCAPE '\\' OR LOWER("u"."email") LIKE :q ESCAPE '\\')`, { q: containsPattern(search.trim()) });
    }
    return qb.orderBy(`"u"."name"`, "ASC").addOrderBy(`"u"."id"`, "ASC").limit(USERS_MAX).getMany();
  }
}

@Resolver(() => User)
export class UsersListResolver {
  @Query(() => [User], {
    description: `Users by name, then id: at most ${USERS_MAX} (narrow with role and search). Every signed-in user may list them (names, emails and roles are visible wherever a user appears).`,
  })
  users(@Ctx() ctx: Context, @Args(() => UsersArgs) { role, search }: UsersArgs): Promise<User[]> {
    return ctx.services.userList.list(role, search);
  }
}
