import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { ConfigError } from "../src/config";
import { createHarness, type Harness } from "./helpers/harness";
import { gid } from "./helpers/ids";

// ADMIN_TOKEN at start: idempotent, and refuses tokens it must not honour.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe("ensureAdminToken (ADMIN_TOKEN)", () => {
  it("creates one ADMIN for the token and is idempotent across starts", async () => {
    const users = h.deps.services.users;
    const a = await users.ensureAdminToken("boot-admin-token");
    const b = await users.ensureAdminToken("boot-admin-token");
    expect(a.id).toBe(b.id);
    expect(a.role).toBe(Role.ADMIN);
    const me = await h.ok("boot-admin-token", "{ me { id role } }");
    expect(me.me).toEqual({ id: gid("User", a.id), role: "ADMIN" });
  });

  it("refuses a revoked token with a clear configuration error instead of crashing on a duplicate", async () => {
    const users = h.deps.services.users;
    await users.ensureAdminToken("soon-revoked");
    expect(await users.revokeToken("soon-revoked")).toBe(true);
    await expect(users.ensureAdminToken("soon-revoked")).rejects.toThrow(ConfigError);
    await expect(users.ensureAdminToken("soon-revoked")).rejects.toThrow(/revoked/);
  });

  it("refuses a token that belongs to a non-ADMIN user", async () => {
    const am = await h.user(Role.ACCOUNT_MANAGER);
    await expect(h.deps.services.users.ensureAdminToken(am.token)).rejects.toThrow(/ACCOUNT_MANAGER/);
    const me = await h.ok(am.token, "{ me { role } }");
    expect(me.me.role).toBe("ACCOUNT_MANAGER");
  });
});
