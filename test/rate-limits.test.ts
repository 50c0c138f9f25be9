/**
 * Throttled sign-ins and the optional per-token quota (issue 19), over HTTP:
 * wrong tokens from one address past AUTH_FAILURES_PER_WINDOW are 429
 * RATE_LIMITED with Retry-After, a valid token from the same address is not
 * slowed, RATE_LIMIT_PER_MINUTE limits each token; with REDIS_URL two server
 * processes share one budget (needs TEST_REDIS_URL; skipped without it).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess, startTestServer, type TestServer } from "./helpers/server";
import { Role } from "../src/common/enums";
import { freshDatabaseUrl } from "./helpers/db";
import { postGql, type RawResponse } from "./helpers/security-kit";

const REDIS = process.env.TEST_REDIS_URL;
if (!REDIS) console.log("TEST_REDIS_URL not set: the shared Redis rate-limit tests are skipped");

const ME = "{ me { id } }";
const wrong = (i: number) => `wrong-token-${i}-${randomUUID()}`;

function expectLimited(r: RawResponse, window: number, what: RegExp) {
  expect(r.status, r.text).toBe(429);
  expect(r.json.errors).toHaveLength(1);
  expect(r.json.errors[0].extensions.code).toBe("RATE_LIMITED");
  expect(r.json.errors[0].message).toMatch(what);
  const after = Number(r.headers.get("retry-after"));
  expect(Number.isInteger(after)).toBe(true);
  expect(after).toBeGreaterThanOrEqual(1);
  expect(after).toBeLessThanOrEqual(window);
  expect(r.json.errors[0].message).toMatch(new RegExp(`retry after ${after} s$`));
  return after;
}

describe("failed sign-ins (in memory, the default)", () => {
  let s: TestServer;
  let valid: string;
  beforeAll(async () => {
    s = await startTestServer({ seed: false });
    valid = (await s.app.deps.services.users.createUserUnchecked({ name: "Ann", email: "ann@limits.example", role: Role.ANALYST })).token;
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("20 wrong tokens a minute are 401; from the 21st on they are 429 RATE_LIMITED with Retry-After", async () => {
    expect(s.config.authFailuresPerWindow).toBe(20);
    expect(s.config.rateLimitWindowSeconds).toBe(60);
    for (let i = 0; i < 20; i++) {
      const r = await postGql(s.url, wrong(i), ME);
      expect(r.status).toBe(401);
      expect(r.json.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
    for (let i = 20; i < 30; i++) expectLimited(await postGql(s.url, wrong(i), ME), 60, /^Too many failed sign-ins from this address/);
  });

  it("meanwhile a valid token from the same address is answered normally, and so is a request without a token", async () => {
    const r = await postGql(s.url, valid, ME);
    expect(r.status).toBe(200);
    expect(r.json.data.me.id).toBeDefined();
    expect(r.headers.get("retry-after")).toBeNull();
    const none = await postGql(s.url, null, ME);
    expect(none.status).toBe(401);
  });
});

describe("the window is configurable", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ seed: false, env: { AUTH_FAILURES_PER_WINDOW: "2", RATE_LIMIT_WINDOW_SECONDS: "1" } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("after the Retry-After the server gave, a wrong token is 401 again", async () => {
    expect((await postGql(s.url, wrong(1), ME)).status).toBe(401);
    expect((await postGql(s.url, wrong(2), ME)).status).toBe(401);
    const after = expectLimited(await postGql(s.url, wrong(3), ME), 1, /failed sign-ins/);
    await new Promise((r) => setTimeout(r, after * 1000 + 100));
    expect((await postGql(s.url, wrong(4), ME)).status).toBe(401);
  });
});

describe("the per-token quota (RATE_LIMIT_PER_MINUTE)", () => {
  let s: TestServer;
  let a: string;
  let b: string;
  beforeAll(async () => {
    s = await startTestServer({ seed: false, env: { RATE_LIMIT_PER_MINUTE: "3" } });
    a = (await s.app.deps.services.users.createUserUnchecked({ name: "Bot A", email: "a@quota.example", role: Role.ANALYST })).token;
    b = (await s.app.deps.services.users.createUserUnchecked({ name: "Bot B", email: "b@quota.example", role: Role.ANALYST })).token;
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("is off by default", async () => {
    const plain = await startTestServer({ seed: false });
    try {
      expect(plain.config.rateLimitPerWindow).toBeNull();
    } finally {
      await plain.stop();
    }
  });

  it("3 requests per token and window; the 4th is 429; another token keeps its own quota", async () => {
    for (let i = 0; i < 3; i++) expect((await postGql(s.url, a, ME)).status).toBe(200);
    expectLimited(await postGql(s.url, a, ME), 60, /^Request quota of this token used up/);
    expect((await postGql(s.url, b, ME)).status).toBe(200);
  });
});

describe.skipIf(!REDIS)("with REDIS_URL, two server processes share one budget", () => {
  const procs: ServerProcess[] = [];
  const drops: Array<() => Promise<void>> = [];
  const ADMIN = `admin-${randomUUID()}`;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    // a key prefix of its own: parallel runs (and the other project) never share these counters
    const env = { REDIS_URL: REDIS!, RATE_LIMIT_KEY_PREFIX: `test-${randomUUID()}`, AUTH_FAILURES_PER_WINDOW: "4", RATE_LIMIT_PER_MINUTE: "4", ADMIN_TOKEN: ADMIN, SEED_DEMO: "false" };
    for (let i = 0; i < 2; i++) {
      const db = await freshDatabaseUrl();
      drops.push(db.drop);
      procs.push(await startServerProcess({ ...env, DATABASE_URL: db.url }));
    }
    [a, b] = procs;
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) await p.stop();
    for (const d of drops) await d();
  });

  const post = async (p: ServerProcess, token: string) => {
    const res = await fetch(p.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: ME }) });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), code: ((await res.json()) as any).errors?.[0]?.extensions?.code };
  };

  it("failed sign-ins: 2 on one process and 2 on the other use up the 4; the 5th is refused by either", async () => {
    for (const p of [a, a, b, b]) expect((await post(p, wrong(0))).status).toBe(401);
    // each process alone has counted only 2 (in memory it would answer 401)
    for (const p of [a, b]) {
      const r = await post(p, wrong(1));
      expect(r).toMatchObject({ status: 429, code: "RATE_LIMITED" });
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
  });

  it("the per-token quota: 2 requests on each process use it up; the next is refused by either", async () => {
    for (const p of [a, b, a, b]) expect((await post(p, ADMIN)).status).toBe(200);
    expect(await post(a, ADMIN)).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(await post(b, ADMIN)).toMatchObject({ status: 429, code: "RATE_LIMITED" });
  });
});
