import "reflect-metadata";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { type Database, openDatabase } from "../src/db/data-source";
import { ApiToken } from "../src/modules/users/api-token.entity";
import { createServices } from "../src/services";
import { assertCompiled, ROOT } from "./helpers/server";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { createHarness, expectCode, type Harness } from "./helpers/harness";
import { Role } from "../src/common/enums";
import { gid, keyOf } from "./helpers/ids";

/** The operator commands, run compiled (node dist/scripts/*.js) as child processes against a fresh database. */

const ADMIN_JS = resolve(ROOT, "dist", "scripts", "admin.js");
const MIGRATE_JS = resolve(ROOT, "dist", "scripts", "db-migrate.js");
const SEED_JS = resolve(ROOT, "dist", "scripts", "db-seed-demo.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(script: string, args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", rej);
    child.on("exit", (code) => res({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freshDb(): Promise<string> {
  if (TEST_DB === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ap-admin-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return `sqlite:${join(dir, "planning.sqlite")}`;
  }
  const { url, drop } = await freshDatabaseUrl("postgres");
  cleanups.push(drop);
  return url;
}

/** Opens the database the commands work on, runs `fn`, closes it. */
async function withDb<T>(url: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ ...loadConfig({ NODE_ENV: "test" }), databaseUrl: url }, { migrate: false });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
const whoIs = (url: string, token: string) => withDb(url, (db) => createServices(db).users.authenticate(token));

beforeAll(() => assertCompiled(ADMIN_JS, MIGRATE_JS, SEED_JS));

describe("npm scripts", () => {
  it("admin, db:migrate and db:seed-demo compile and run the scripts", () => {
    const scripts = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")).scripts;
    expect(scripts.admin).toBe("tsc -p tsconfig.json && node dist/scripts/admin.js");
    expect(scripts["db:migrate"]).toBe("tsc -p tsconfig.json && node dist/scripts/db-migrate.js");
    expect(scripts["db:seed-demo"]).toBe("tsc -p tsconfig.json && node dist/scripts/db-seed-demo.js");
  });
});

describe("db:migrate", () => {
  it("applies the migrations to an empty database, then reports it up to date", async () => {
    const url = await freshDb();
    const env = { DATABASE_URL: url };
    const first = await run(MIGRATE_JS, [], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    // Every migration, the initial one first (the count grows as migrations are added).
    const applied = /^Applied (\d+) migration\(s\) to the (sqlite|postgres) database: Initial\d+(, [A-Za-z]+\d+)*\n$/.exec(first.stdout);
    expect(applied, first.stdout).not.toBeNull();
    const total = Number(applied?.[1]);
    const second = await run(MIGRATE_JS, ["--json"], env);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ applied: [], total, known: total });
    expect(await withDb(url, (db) => db.dataSource.showMigrations())).toBe(false); // nothing pending
    // the tables are there, and migrating loads no data
    const rows = await withDb(url, async (db) => (await db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM business_plan"))[0]);
    expect(Number(rows.n)).toBe(0);
  });

  it("exits 2 on a bad DATABASE_URL or argument", async () => {
    const bad = await run(MIGRATE_JS, [], { DATABASE_URL: "mysql://x" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DATABASE_URL must start with sqlite: or postgres:\/\//);
    expect((await run(MIGRATE_JS, ["now"], { DATABASE_URL: await freshDb() })).code).toBe(2);
  });
});

describe("db:seed-demo", () => {
  it("loads the demo data into an empty database once, and says so the second time", async () => {
    const url = await freshDb();
    const first = await run(SEED_JS, ["--json"], { DATABASE_URL: url });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout);
    expect(out.loaded).toBe(true);
    expect(Object.values(out.tokens)).toEqual(["demo-admin", "demo-giulia", "demo-marco", "demo-rita", "demo-alan"]);
    expect((await whoIs(url, "demo-giulia"))?.name).toBe("Giulia Rossi");
    const plans = await withDb(url, (db) => db.query<{ name: string }>("SELECT name FROM business_plan ORDER BY id"));
    expect(plans.map((p) => p.name)).toContain("Globex FY2026 Account Plan");
    const again = await run(SEED_JS, [], { DATABASE_URL: url });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("The demo data is already loaded; nothing changed.");
    expect(await withDb(url, (db) => db.query("SELECT id FROM business_plan"))).toHaveLength(plans.length);
  });

  it("refuses a database with other users, and production", async () => {
    const url = await freshDb();
    expect((await run(ADMIN_JS, ["create-user", "--name", "Real Person", "--email", "real@example.com", "--role", "ADMIN"], { DATABASE_URL: url })).code).toBe(0);
    const refused = await run(SEED_JS, [], { DATABASE_URL: url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty \(1 user\(s\), no demo data\)/);
    expect(await whoIs(url, "demo-admin")).toBeNull();
    const prod = await run(SEED_JS, [], { DATABASE_URL: await freshDb(), NODE_ENV: "production" });
    expect(prod.code).toBe(1);
    expect(prod.stderr).toMatch(/NODE_ENV=production/);
  });
});

describe("admin", () => {
  let url: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    url = await freshDb();
    env = { DATABASE_URL: url };
  });

  it("create-user prints the user and its token once; the token works and only its hash is stored", async () => {
    const r = await run(ADMIN_JS, ["create-user", "--name", "Olga Ops", "--email", "Olga.Ops@Example.com", "--role", "account_manager"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created user [A-Za-z0-9_-]+: Olga Ops <olga.ops@example.com> \(ACCOUNT_MANAGER\)\n/);
    const tokens = r.stdout.match(/apt_[A-Za-z0-9_-]{43}/g)!;
    expect(tokens).toHaveLength(1);
    const user = await whoIs(url, tokens[0]);
    expect(user).toMatchObject({ name: "Olga Ops", email: "olga.ops@example.com", role: Role.ACCOUNT_MANAGER });
    const stored = await withDb(url, (db) => db.manager.find(ApiToken, { where: { userId: user!.id } }));
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(tokens[0]);
  });

  it("create-user --json, and the API's rules: duplicate email, bad email, bad role, missing options", async () => {
    const r = await run(ADMIN_JS, ["create-user", "--name=Rick Review", "--email=rick@example.com", "--role=REVIEWER", "--json"], env);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.user).toMatchObject({ name: "Rick Review", role: "REVIEWER" });
    expect((await whoIs(url, out.token))?.email).toBe("rick@example.com");

    const dup = await run(ADMIN_JS, ["create-user", "--name", "Other", "--email", "RICK@example.com", "--role", "ANALYST"], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/BAD_USER_INPUT: email: a user with email rick@example.com already exists/);
    const badEmail = await run(ADMIN_JS, ["create-user", "--name", "X", "--email", "nope", "--role", "ANALYST"], env);
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/--email/);
    const badRole = await run(ADMIN_JS, ["create-user", "--name", "X", "--email", "x@example.com", "--role", "KING"], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--role must be one of ADMIN, ACCOUNT_MANAGER, REVIEWER, ANALYST/);
    const missing = await run(ADMIN_JS, ["create-user", "--name", "X"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Usage: npm run admin -- <command>/);
    const list = JSON.parse((await run(ADMIN_JS, ["list-users", "--json"], env)).stdout);
    expect(list.map((u: any) => u.email)).toEqual(["olga.ops@example.com", "rick@example.com"]); // nothing else was created
  });

  it("list-users shows id, role, email, active tokens and name, never a token", async () => {
    const r = await run(ADMIN_JS, ["list-users"], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+ROLE\s+EMAIL\s+TOKENS\s+NAME$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^\s*[A-Za-z0-9_-]+\s+ACCOUNT_MANAGER\s+olga\.ops@example\.com\s+1\s+Olga Ops$/),
      expect.stringMatching(/^\s*[A-Za-z0-9_-]+\s+REVIEWER\s+rick@example\.com\s+1\s+Rick Review$/),
    ]);
    expect(r.stdout).not.toMatch(/apt_/);
  });

  it("revoke-token --token (argument or stdin) revokes exactly that token", async () => {
    const a = JSON.parse((await run(ADMIN_JS, ["create-user", "--name", "Tom", "--email", "tom@example.com", "--role", "ANALYST", "--json"], env)).stdout);
    const second = (await run(ADMIN_JS, ["issue-token", "--user-id", a.user.id], env)).stdout.match(/apt_[A-Za-z0-9_-]{43}/)![0];
    expect((await whoIs(url, second))?.email).toBe("tom@example.com");

    const r = await run(ADMIN_JS, ["revoke-token", "--token", a.token], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Token revoked.\n");
    expect(await whoIs(url, a.token)).toBeNull();
    expect((await whoIs(url, second))?.email).toBe("tom@example.com"); // the other token still works

    const again = await run(ADMIN_JS, ["revoke-token", "--token", a.token], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active token matches/);

    const viaStdin = await run(ADMIN_JS, ["revoke-token", "--token", "-"], env, `${second}\n`);
    expect(viaStdin.code).toBe(0);
    expect(await whoIs(url, second)).toBeNull();
  });

  it("revoke-token --user-id revokes all of a user's tokens", async () => {
    const u = JSON.parse((await run(ADMIN_JS, ["create-user", "--name", "Ann", "--email", "ann@example.com", "--role", "ADMIN", "--json"], env)).stdout);
    const extra = JSON.parse((await run(ADMIN_JS, ["issue-token", "--user-id", u.user.id, "--json"], env)).stdout).token;
    const r = await run(ADMIN_JS, ["revoke-token", "--user-id", u.user.id], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Revoked 2 active token(s) of user ${u.user.id} (ann@example.com).\n`);
    expect(await whoIs(url, u.token)).toBeNull();
    expect(await whoIs(url, extra)).toBeNull();
    const olga = JSON.parse((await run(ADMIN_JS, ["list-users", "--json"], env)).stdout).find((x: any) => x.email === "olga.ops@example.com");
    expect(olga.activeTokens).toBe(1); // other users untouched

    const unknown = await run(ADMIN_JS, ["revoke-token", "--user-id", gid("User", 999999)], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`user ${gid("User", 999999)} not found`);
    expect((await run(ADMIN_JS, ["revoke-token", "--user-id", "abc"], env)).code).toBe(2);
    // ids are the API's global ids: a database key or another type's id is not a user id
    for (const notAUser of [String(keyOf(u.user.id)), gid("Account", keyOf(u.user.id))]) {
      const r2 = await run(ADMIN_JS, ["revoke-token", "--user-id", notAUser], env);
      expect(r2.code).toBe(2);
      expect(r2.stderr).toMatch(/--user-id must be a user's id/);
    }
    expect((await run(ADMIN_JS, ["revoke-token"], env)).code).toBe(2);
    expect((await run(ADMIN_JS, ["revoke-token", "--token", "t", "--user-id", "1"], env)).code).toBe(2);
  });

  it("prints usage for help, and exits 2 for an unknown command or option", async () => {
    const help = await run(ADMIN_JS, ["--help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/create-user --name <name> --email <email> --role/);
    expect((await run(ADMIN_JS, [], env)).code).toBe(2);
    const unknown = await run(ADMIN_JS, ["drop-everything"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "drop-everything"/);
    const badOption = await run(ADMIN_JS, ["list-users", "--verbose", "yes"], env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/unknown option --verbose/);
  });
});

describe("revokeToken mutation (ADMIN)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it("revokes a token for an ADMIN; FORBIDDEN for anyone else, and nothing changes", async () => {
    const victim = await h.user(Role.ANALYST);
    const manager = await h.user(Role.ACCOUNT_MANAGER);
    const m = "mutation($t: String!) { revokeToken(token: $t) }";
    expectCode(await h.gql(manager.token, m, { t: victim.token }), "FORBIDDEN");
    expect((await h.ok(victim.token, "{ me { id } }")).me.id).toBe(gid("User", victim.user.id));
    expect(await h.ok(h.admin.token, m, { t: victim.token })).toEqual({ revokeToken: true });
    expectCode(await h.gql(victim.token, "{ me { id } }"), "UNAUTHENTICATED");
    expect(await h.ok(h.admin.token, m, { t: victim.token })).toEqual({ revokeToken: false });
  });
});
