import { IsNull } from "typeorm";
import { ConfigError } from "../../config";
import { assertAdmin } from "../../auth/policy";
import { hashToken, newToken } from "../../auth/tokens";
import { Role } from "../../common/enums";
import { badInput, notFound } from "../../common/errors";
import type { Database } from "../../db/data-source";
import { ApiToken } from "./api-token.entity";
import { User } from "./user.entity";
import type { CreateUserInput } from "./users.inputs";

export class UsersService {
  constructor(private readonly db: Database) {}

  /** The user behind a bearer token, or null (unknown or revoked). One statement. */
  async authenticate(token: string): Promise<User | null> {
    const row = await this.db.manager
      .createQueryBuilder(User, "u")
      .innerJoin(ApiToken, "t", "t.user_id = u.id")
      .where("t.token_hash = :h AND t.revoked_at IS NULL", { h: hashToken(token) })
      .getOne();
    return row ?? null;
  }

  /** ADMIN only. Returns the user and a new token, which is shown only this once. */
  async createUser(actor: User, input: CreateUserInput): Promise<{ user: User; token: string }> {
    assertAdmin(actor, "create users");
    return this.createUserUnchecked(input);
  }

  /** For the admin CLI and the demo seed (no actor). */
  async createUserUnchecked(input: CreateUserInput): Promise<{ user: User; token: string }> {
    const email = input.email.trim().toLowerCase();
    return this.db.write(async (em) => {
      if (await em.exists(User, { where: { email } })) throw badInput("email", `a user with email ${email} already exists`);
      const user = await em.save(em.create(User, { name: input.name.trim(), email, role: input.role }));
      const token = newToken();
      await em.save(em.create(ApiToken, { userId: user.id, tokenHash: hashToken(token), revokedAt: null }));
      return { user, token };
    });
  }

  /**
   * Makes sure an ADMIN user answers to this token (ADMIN_TOKEN at start).
   * A token that was revoked, or that belongs to a non-ADMIN user, stops the start with a clear message.
   */
  async ensureAdminToken(token: string): Promise<User> {
    return this.db.write(async (em) => {
      const tokenHash = hashToken(token);
      const existing = await em.findOne(ApiToken, { where: { tokenHash } });
      if (existing) {
        if (existing.revokedAt) throw new ConfigError("ADMIN_TOKEN has been revoked: configure a new token");
        const owner = await em.findOneByOrFail(User, { id: existing.userId });
        if (owner.role !== Role.ADMIN) throw new ConfigError(`ADMIN_TOKEN belongs to a ${owner.role} user, not an ADMIN: configure another token`);
        return owner;
      }
      const email = "admin@localhost";
      let user = await em.findOne(User, { where: { email } });
      if (!user) user = await em.save(em.create(User, { name: "Administrator", email, role: Role.ADMIN }));
      await em.save(em.create(ApiToken, { userId: user.id, tokenHash, revokedAt: null }));
      return user;
    });
  }


  /** Issues an additional token for a user (admin CLI / seed). */
  async issueToken(userId: number, token = newToken()): Promise<string> {
    await this.db.write(async (em) => {
      if (!(await em.exists(User, { where: { id: userId } }))) throw notFound("User", userId);
      await em.save(em.create(ApiToken, { userId, tokenHash: hashToken(token), revokedAt: null }));
    });
    return token;
  }

  /** ADMIN: revokes a token (by its value). */
  async revokeTokenAs(actor: User, token: string): Promise<boolean> {
    assertAdmin(actor, "revoke tokens");
    return this.revokeToken(token);
  }

  /** Revokes a token (by its value); returns whether one was active. */
  async revokeToken(token: string): Promise<boolean> {
    return this.db.write(async (em) => {
      const res = await em.update(ApiToken, { tokenHash: hashToken(token), revokedAt: IsNull() }, { revokedAt: new Date() });
      return (res.affected ?? 0) > 0;
    });
  }

  /** Revokes every token of a user; returns how many. */
  async revokeAllTokens(userId: number): Promise<number> {
    return this.db.write(async (em) => {
      const res = await em.update(ApiToken, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
      return res.affected ?? 0;
    });
  }

  list(): Promise<User[]> {
    return this.db.manager.find(User, { order: { id: "ASC" } });
  }
}
