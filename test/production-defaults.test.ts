/**
 * Production is safe by default (issue 19): the configuration is validated
 * (one clear message per variable), NODE_ENV must be known, the public demo
 * tokens are not loaded in production unless SEED_DEMO=true (and then the
 * log says so loudly), and ADMIN_TOKEN has at least 32 characters there.
 * The start-up cases run the compiled server as a real process.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, PUBLIC_DEMO_TOKENS } from "../src/config";
import { freshDatabaseUrl } from "./helpers/db";
import { postGql, type ServerProcess, startServerProcess, runToExit } from "./helpers/server";

const STRONG = "0123456789abcdef0123456789abcdef"; // 32 characters

describe("the configuration schema", () => {
  it("an unknown NODE_ENV (a typo) is refused, not run as development", () => {
    expect(() => loadConfig({ NODE_ENV: "prod" })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "prod" })).toThrow('NODE_ENV must be production, development or test, got "prod"');
    expect(() => loadConfig({ NODE_ENV: "Production" })).toThrow(/NODE_ENV must be/);
    expect(loadConfig({}).nodeEnv).toBe("development");
  });

  it("SEED_DEMO defaults to false in production and true elsewhere; it can be set either way", () => {
    expect(loadConfig({ NODE_ENV: "production" }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", SEED_DEMO: "true" }).seedDemo).toBe(true);
    expect(loadConfig({ NODE_ENV: "development" }).seedDemo).toBe(true);
    expect(loadConfig({ NODE_ENV: "development", SEED_DEMO: "false" }).seedDemo).toBe(false);
  });

  it("ADMIN_TOKEN needs 32 characters in production (the message never echoes it); any length elsewhere", () => {
    let message = "";
    try {
      loadConfig({ NODE_ENV: "production", ADMIN_TOKEN: "a" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe("ADMIN_TOKEN must have at least 32 characters in production (it has 1); e.g. openssl rand -hex 32");
    expect(() => loadConfig({ NODE_ENV: "production", ADMIN_TOKEN: STRONG.slice(1) })).toThrow(/ADMIN_TOKEN must have at least 32/);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_TOKEN: STRONG }).adminToken).toBe(STRONG);
    expect(loadConfig({ NODE_ENV: "development", ADMIN_TOKEN: "a" }).adminToken).toBe("a");
  });

  it("every wrong variable gets its own message naming it, all in one error", () => {
    let message = "";
    try {
      loadConfig({ PORT: "http", SEED_DEMO: "maybe", DATABASE_URL: "mysql://root:hunter2@db/x", RATE_LIMIT_PER_MINUTE: "-3", REDIS_URL: "localhost:6379", LOG_LEVEL: "loud" });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    const lines = message.split("\n").slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      'PORT must be an integer between 0 and 65535, got "http"',
      'DATABASE_URL must start with sqlite: or postgres://, got "mysql://***@db/x"',
      'SEED_DEMO must be true or false, got "maybe"',
      'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, got "loud"',
      'RATE_LIMIT_PER_MINUTE must be an integer between 1 and 1000000, got "-3"',
      'REDIS_URL must start with redis:// or rediss://, got "localhost:6379"',
    ]);
    expect(message).not.toMatch(/hunter2/);
  });
});


describe("starting the server", () => {
  const procs: ServerProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const p of procs) await p.stop();
    for (const d of drops) await d();
  });
  const db = async () => {
    const f = await freshDatabaseUrl();
    drops.push(f.drop);
    return f.url;
  };

  it("NODE_ENV=production on an empty database without SEED_DEMO: no demo users, demo-admin is UNAUTHENTICATED", async () => {
    const p = await startServerProcess({ NODE_ENV: "production", DATABASE_URL: await db(), ADMIN_TOKEN: STRONG });
    procs.push(p);
    const demo = await postGql(p.url, "demo-admin", "{ me { id } }");
    expect(demo.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const admin = await postGql(p.url, STRONG, "{ me { role } }");
    expect(admin.data?.me.role).toBe("ADMIN");
  });

  it("SEED_DEMO=true in production loads them, with a warning in the log naming the public tokens", async () => {
    const p = await startServerProcess({ NODE_ENV: "production", SEED_DEMO: "true", LOG_LEVEL: "warn", DATABASE_URL: await db() });
    procs.push(p);
    expect((await postGql(p.url, "demo-admin", "{ me { role } }")).data?.me.role).toBe("ADMIN");
    const warning = p
      .output()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => /SEED_DEMO=true in production/.test(l.msg));
    expect(warning, p.output()).toBeDefined();
    expect(warning.level).toBe(40);
    for (const t of PUBLIC_DEMO_TOKENS) expect(warning.msg).toContain(t);
  });

  it("NODE_ENV=prod stops the start with the message; so does a short ADMIN_TOKEN in production", async () => {
    const typo = await runToExit({ NODE_ENV: "prod", DATABASE_URL: await db() });
    expect(typo.code).toBe(1);
    expect(typo.output.trim()).toBe('NODE_ENV must be production, development or test, got "prod"');
    const short = await runToExit({ NODE_ENV: "production", ADMIN_TOKEN: "a", DATABASE_URL: await db() });
    expect(short.code).toBe(1);
    expect(short.output.trim()).toBe("ADMIN_TOKEN must have at least 32 characters in production (it has 1); e.g. openssl rand -hex 32");
  });
});
