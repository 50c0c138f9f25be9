/**
 * Authentication and role rules over real HTTP: the app is started with
 * startApp() on port 0 against a fresh database and called with fetch.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbState } from "./helpers/db-state";
import { type HttpGqlResult, postGql, startTestServer, type TestServer } from "./helpers/server";
import { keyOf } from "./helpers/ids";

const ADMIN_TOKEN = "part1-auth-admin-token";
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

let srv: TestServer;
const gql = <T = any>(token: string | null, query: string, variables?: Record<string, unknown>) =>
  postGql<T>(srv.url, token, query, variables);

async function ok<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await gql<T>(token, query, variables);
  if (r.errors?.length || r.status !== 200) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

function expectHttpCode(r: HttpGqlResult, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual([code]);
  return r.errors![0];
}

/** The operation fails with FORBIDDEN (HTTP 200) and the database is unchanged. */
async function expectForbidden(token: string, query: string, variables?: Record<string, unknown>) {
  const before = await dbState(srv.app);
  const r = await gql(token, query, variables);
  const err = expectHttpCode(r, 200, "FORBIDDEN");
  expect(await dbState(srv.app)).toEqual(before);
  return err;
}

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { token user { id name email role } } }`;
const ME = `{ me { id name email role } }`;

let tokens: Record<"ADMIN" | "ACCOUNT_MANAGER" | "REVIEWER" | "ANALYST", string>;
let ids: Record<string, string>;
let fixture: { accountId: string; periodId: string; planId: string; contactId: string; opportunityId: string; activityId: string; objectiveId: string };

beforeAll(async () => {
  srv = await startTestServer({ env: { ADMIN_TOKEN }, seed: false, logLevel: "silent" });
  tokens = { ADMIN: ADMIN_TOKEN } as typeof tokens;
  ids = {};
  for (const role of ["ACCOUNT_MANAGER", "REVIEWER", "ANALYST"] as const) {
    const d = await ok(ADMIN_TOKEN, CREATE_USER, { input: { name: `Auth ${role}`, email: `auth.${role.toLowerCase()}@test.example`, role } });
    tokens[role] = d.createUser.token;
    ids[role] = d.createUser.user.id;
  }
  const am = tokens.ACCOUNT_MANAGER;
  const period = await ok(ADMIN_TOKEN, `mutation { createPeriod(input: { name: "FY2031", type: YEAR, startDate: "2031-01-01", endDate: "2031-12-31" }) { id } }`);
  const account = await ok(am, `mutation { createAccount(input: { name: "Auth Corp" }) { id } }`);
  const accountId = account.createAccount.id;
  const periodId = period.createPeriod.id;
  const contact = await ok(am, `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "Ann", lastName: "Lee" }) { id } }`, { a: accountId });
  const plan = await ok(am, `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "Auth plan", accountId: $a, periodId: $p }) { id } }`, { a: accountId, p: periodId });
  const planId = plan.createBusinessPlan.id;
  const objective = await ok(am, `mutation($p: ID!, $pl: ID!) { createObjective(input: { name: "Auth objective", periodId: $p, planId: $pl }) { id } }`, { p: periodId, pl: planId });
  const opp = await ok(am, `mutation($a: ID!) { createOpportunity(input: { name: "Auth deal", accountId: $a, revenue: "10.00" }) { id } }`, { a: accountId });
  const act = await ok(am, `mutation($a: ID!) { createActivity(input: { subject: "Auth call", type: CALL, accountId: $a }) { id } }`, { a: accountId });
  fixture = {
    accountId,
    periodId,
    planId,
    contactId: contact.createContact.id,
    objectiveId: objective.createObjective.id,
    opportunityId: opp.createOpportunity.id,
    activityId: act.createActivity.id,
  };
});
afterAll(async () => srv?.stop());

describe("GET /health", () => {
  it("answers 200 {status: ok}", async () => {
    const res = await fetch(`${srv.origin}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("authentication", () => {
  it("a request without a token is HTTP 401 UNAUTHENTICATED", async () => {
    const r = await gql(null, ME);
    const err = expectHttpCode(r, 401, "UNAUTHENTICATED");
    expect(err.message).toMatch(/bearer/i);
    expect(r.data ?? null).toBeNull();
  });

  it("an unknown token is HTTP 401 UNAUTHENTICATED", async () => {
    expectHttpCode(await gql("apt_not-a-real-token", ME), 401, "UNAUTHENTICATED");
    // the hash of a real token is not a token either
    expectHttpCode(await gql(sha256(tokens.ANALYST), ME), 401, "UNAUTHENTICATED");
  });

  it("a malformed Authorization header is HTTP 401", async () => {
    for (const header of ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer ", ADMIN_TOKEN, `Token ${ADMIN_TOKEN}`]) {
      const r = await postGql(srv.url, null, ME, undefined, { authorization: header });
      expectHttpCode(r, 401, "UNAUTHENTICATED");
    }
  });

  it("a mutation without a valid token is refused before anything is written", async () => {
    const before = await dbState(srv.app);
    for (const token of [null, "nope"]) {
      const r = await gql(token, `mutation { createAccount(input: { name: "Sneaky" }) { id } }`);
      expectHttpCode(r, 401, "UNAUTHENTICATED");
    }
    expect(await dbState(srv.app)).toEqual(before);
  });

  it("ADMIN_TOKEN signs in as an ADMIN; the scheme name is case-insensitive", async () => {
    const d = await ok(ADMIN_TOKEN, ME);
    expect(d.me).toMatchObject({ role: "ADMIN", email: "admin@localhost" });
    const r = await postGql(srv.url, null, ME, undefined, { authorization: `bearer ${ADMIN_TOKEN}` });
    expect(r.status).toBe(200);
    expect(r.data.me.role).toBe("ADMIN");
  });
});

describe("createUser", () => {
  it("returns the user and a token once; the token works; only its SHA-256 hash is stored", async () => {
    const d = await ok(ADMIN_TOKEN, CREATE_USER, { input: { name: "  Nina Neu  ", email: "Nina.Neu@Test.Example", role: "ACCOUNT_MANAGER" } });
    const { user, token } = d.createUser;
    expect(user).toEqual({ id: expect.any(String), name: "Nina Neu", email: "nina.neu@test.example", role: "ACCOUNT_MANAGER" });
    expect(token).toMatch(/^apt_[A-Za-z0-9_-]{43}$/);

    const me = await ok(token, ME);
    expect(me.me).toEqual(user);

    const rows = await srv.app.deps.db.query<{ token_hash: string; user_id: number }>(
      `SELECT token_hash, user_id FROM api_token WHERE user_id = ${keyOf(user.id)}`,
    );
    expect(rows.map((r) => r.token_hash)).toEqual([sha256(token)]);
    const everything = JSON.stringify(await dbState(srv.app));
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice(4));
  });

  it("every role can be created and signs in with its role", async () => {
    for (const role of ["ADMIN", "ACCOUNT_MANAGER", "REVIEWER", "ANALYST"]) {
      const d = await ok(ADMIN_TOKEN, CREATE_USER, { input: { name: `Role ${role}`, email: `role.${role.toLowerCase()}@test.example`, role } });
      expect((await ok(d.createUser.token, ME)).me.role).toBe(role);
    }
  });

  it("is FORBIDDEN for every role but ADMIN, and creates nothing", async () => {
    for (const role of ["ACCOUNT_MANAGER", "REVIEWER", "ANALYST"] as const) {
      const err = await expectForbidden(tokens[role], CREATE_USER, {
        input: { name: "Eve", email: `eve.${role.toLowerCase()}@test.example`, role: "ADMIN" },
      });
      expect(err.message).toMatch(/ADMIN/);
    }
  });

  it("a second user with the same email is BAD_USER_INPUT naming email, and creates nothing", async () => {
    const before = await dbState(srv.app);
    const r = await gql(ADMIN_TOKEN, CREATE_USER, { input: { name: "Dup", email: "AUTH.analyst@test.example", role: "ANALYST" } });
    expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0].message).toMatch(/email/);
    expect(await dbState(srv.app)).toEqual(before);
  });
});

describe("createPeriod", () => {
  const CREATE_PERIOD = `mutation { createPeriod(input: { name: "FY2040", type: YEAR, startDate: "2040-01-01", endDate: "2040-12-31" }) { id name } }`;

  it("is FORBIDDEN for every role but ADMIN, and creates nothing", async () => {
    for (const role of ["ACCOUNT_MANAGER", "REVIEWER", "ANALYST"] as const) {
      const err = await expectForbidden(tokens[role], CREATE_PERIOD);
      expect(err.message).toMatch(/ADMIN/);
    }
  });

  it("works for an ADMIN", async () => {
    const d = await ok(ADMIN_TOKEN, CREATE_PERIOD);
    expect(d.createPeriod.name).toBe("FY2040");
  });
});

describe("ANALYST", () => {
  it("may read everything", async () => {
    const d = await ok(
      tokens.ANALYST,
      `query($a: ID!, $p: ID!, $pl: ID!) {
        me { role }
        accounts { totalCount edges { node { name } } }
        account(id: $a) { name contacts { lastName } }
        period(id: $p) { name }
        businessPlan(id: $pl) { name status objectives { name } }
        businessPlans { totalCount }
      }`,
      { a: fixture.accountId, p: fixture.periodId, pl: fixture.planId },
    );
    expect(d.me.role).toBe("ANALYST");
    expect(d.accounts.totalCount).toBe(1);
    expect(d.account).toEqual({ name: "Auth Corp", contacts: [{ lastName: "Lee" }] });
    expect(d.businessPlan).toEqual({ name: "Auth plan", status: "DRAFT", objectives: [{ name: "Auth objective" }] });
  });

  it("may not write: every kind of write is FORBIDDEN and changes nothing", async () => {
    const f = fixture;
    const writes: Array<[string, Record<string, unknown>?]> = [
      [`mutation { createAccount(input: { name: "Analyst Co" }) { id } }`],
      [`mutation($id: ID!) { updateAccount(id: $id, input: { name: "Renamed" }) { id } }`, { id: f.accountId }],
      [`mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "A", lastName: "B" }) { id } }`, { a: f.accountId }],
      [`mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "X", accountId: $a, periodId: $p }) { id } }`, { a: f.accountId, p: f.periodId }],
      [`mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "X" }) { id } }`, { id: f.planId }],
      [`mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED) { id } }`, { id: f.planId }],
      [`mutation($id: ID!) { deleteBusinessPlan(id: $id) }`, { id: f.planId }],
      [`mutation($id: ID!, $p: ID!) { copyBusinessPlan(id: $id, periodId: $p) { id } }`, { id: f.planId, p: f.periodId }],
      [`mutation($id: ID!, $c: ID!) { addPlanContact(planId: $id, contactId: $c) { id } }`, { id: f.planId, c: f.contactId }],
      [`mutation { expireBusinessPlans(periodEndedBefore: "2100-01-01") { id } }`],
      [`mutation($p: ID!, $pl: ID!) { createObjective(input: { name: "X", periodId: $p, planId: $pl }) { id } }`, { p: f.periodId, pl: f.planId }],
      [`mutation($id: ID!) { updateObjective(id: $id, input: { name: "X" }) { id } }`, { id: f.objectiveId }],
      [`mutation($id: ID!) { deleteObjective(id: $id) }`, { id: f.objectiveId }],
      [`mutation($a: ID!) { createOpportunity(input: { name: "X", accountId: $a, revenue: "1" }) { id } }`, { a: f.accountId }],
      [`mutation($id: ID!) { updateOpportunity(id: $id, input: { probability: 50 }) { id } }`, { id: f.opportunityId }],
      [`mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`, { o: f.opportunityId, p: f.planId }],
      [`mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id } }`, { o: f.opportunityId, p: f.planId }],
      [`mutation($a: ID!) { createActivity(input: { subject: "X", type: CALL, accountId: $a }) { id } }`, { a: f.accountId }],
      [`mutation($id: ID!) { updateActivity(id: $id, input: { subject: "X" }) { id } }`, { id: f.activityId }],
      [`mutation($id: ID!) { completeActivity(id: $id) { id } }`, { id: f.activityId }],
      [`mutation($id: ID!) { createFollowUpActivity(activityId: $id, input: { subject: "X", type: CALL }) { id } }`, { id: f.activityId }],
      [`mutation($id: ID!) { createFollowUpOpportunity(activityId: $id, input: { name: "X", revenue: "1" }) { id } }`, { id: f.activityId }],
      [`mutation { createPeriod(input: { name: "X", type: YEAR, startDate: "2050-01-01", endDate: "2050-12-31" }) { id } }`],
      [`mutation { createUser(input: { name: "X", email: "x@test.example", role: ANALYST }) { token } }`],
      [`mutation { revokeToken(token: "whatever") }`],
    ];
    for (const [query, vars] of writes) await expectForbidden(tokens.ANALYST, query, vars);
  });
});

describe("role rules beyond ANALYST", () => {
  it("a REVIEWER may not create business plans (FORBIDDEN, nothing created)", async () => {
    await expectForbidden(tokens.REVIEWER, `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "R", accountId: $a, periodId: $p }) { id } }`, {
      a: fixture.accountId,
      p: fixture.periodId,
    });
  });

  it("an ACCOUNT_MANAGER may not make someone else a plan's owner", async () => {
    await expectForbidden(
      tokens.ACCOUNT_MANAGER,
      `mutation($a: ID!, $p: ID!, $o: ID!) { createBusinessPlan(input: { name: "R", accountId: $a, periodId: $p, ownerId: $o }) { id } }`,
      { a: fixture.accountId, p: fixture.periodId, o: ids.REVIEWER },
    );
  });
});

describe("revokeToken", () => {
  it("is FORBIDDEN for non-ADMIN users and leaves the token working", async () => {
    const d = await ok(ADMIN_TOKEN, CREATE_USER, { input: { name: "Victim", email: "victim@test.example", role: "REVIEWER" } });
    const victim = d.createUser.token;
    for (const role of ["ACCOUNT_MANAGER", "REVIEWER", "ANALYST"] as const) {
      await expectForbidden(tokens[role], `mutation($t: String!) { revokeToken(token: $t) }`, { t: victim });
    }
    expect((await ok(victim, ME)).me.role).toBe("REVIEWER");
  });

  it("an ADMIN revokes a token: it stops working (401), other tokens keep working", async () => {
    const d = await ok(ADMIN_TOKEN, CREATE_USER, { input: { name: "Leaver", email: "leaver@test.example", role: "ACCOUNT_MANAGER" } });
    const token = d.createUser.token;
    expect((await ok(token, ME)).me.name).toBe("Leaver");

    const revoked = await ok(ADMIN_TOKEN, `mutation($t: String!) { revokeToken(token: $t) }`, { t: token });
    expect(revoked.revokeToken).toBe(true);

    expectHttpCode(await gql(token, ME), 401, "UNAUTHENTICATED");
    expectHttpCode(await gql(token, `mutation { createAccount(input: { name: "After revoke" }) { id } }`), 401, "UNAUTHENTICATED");
    const rows = await srv.app.deps.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM account WHERE name = 'After revoke'`);
    expect(Number(rows[0].n)).toBe(0);

    // revoking again reports that nothing was active; an unknown token likewise
    expect((await ok(ADMIN_TOKEN, `mutation($t: String!) { revokeToken(token: $t) }`, { t: token })).revokeToken).toBe(false);
    expect((await ok(ADMIN_TOKEN, `mutation { revokeToken(token: "apt_unknown") }`)).revokeToken).toBe(false);
    // the others still work
    expect((await ok(tokens.ANALYST, ME)).me.role).toBe("ANALYST");
    expect((await ok(ADMIN_TOKEN, ME)).me.role).toBe("ADMIN");
  });
});
