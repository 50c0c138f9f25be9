/**
 * The HTTP layer itself, against the real server (startApp on port 0, fetch):
 * health and readiness, status codes per kind of failure, request ids and
 * security headers, CSRF prevention, GET queries, body limits, CORS and
 * introspection settings, and the example operations of README.md and docs/api.md on the demo data.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbState } from "./helpers/db-state";
import { postGql, startTestServer, type TestServer } from "./helpers/server";
import { gid } from "./helpers/ids";

const ADMIN = "part1-http-admin-token";

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ env: { ADMIN_TOKEN: ADMIN }, seed: false, logLevel: "silent" });
});
afterAll(async () => srv?.stop());

const JSON_HEADERS = { "content-type": "application/json", authorization: `Bearer ${ADMIN}` };
const post = (body: string, headers: Record<string, string> = JSON_HEADERS) => fetch(srv.url, { method: "POST", headers, body });

describe("health and readiness", () => {
  it("GET /health answers 200 {status: ok} without a token", async () => {
    const res = await fetch(`${srv.origin}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /ready answers 200 {status: ready} once migrations have run", async () => {
    const res = await fetch(`${srv.origin}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready" });
  });
});

describe("POST /graphql", () => {
  it("answers JSON with data, a request id and security headers", async () => {
    const a = await postGql(srv.url, ADMIN, `{ me { role } }`);
    const b = await postGql(srv.url, ADMIN, `{ me { role } }`);
    expect(a.status).toBe(200);
    expect(a.data).toEqual({ me: { role: "ADMIN" } });
    expect(a.headers.get("content-type")).toMatch(/application\/json/);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(a.headers.get("x-request-id")).toMatch(uuid);
    expect(b.headers.get("x-request-id")).not.toBe(a.headers.get("x-request-id"));
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("x-powered-by")).toBeNull();
  });

  it("domain errors are HTTP 200 with data null and the contract code", async () => {
    const r = await postGql(srv.url, ADMIN, `mutation { updateAccount(id: "abc", input: { name: "X" }) { id } }`);
    expect(r.status).toBe(200);
    expect(r.data).toBeNull();
    expect(r.errors).toEqual([
      { message: "Account abc not found", path: ["updateAccount"], locations: [{ line: 1, column: 12 }], extensions: { code: "NOT_FOUND", id: "abc" } },
    ]);
  });

  it("a document that does not parse is 400 GRAPHQL_PARSE_FAILED; an unknown field 400 GRAPHQL_VALIDATION_FAILED", async () => {
    const parse = await postGql(srv.url, ADMIN, `{ me { id `);
    expect(parse.status).toBe(400);
    expect(parse.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const invalid = await postGql(srv.url, ADMIN, `{ me { password } }`);
    expect(invalid.status).toBe(400);
    expect(invalid.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("without a token even a broken document is 401 UNAUTHENTICATED (authentication comes first)", async () => {
    const r = await postGql(srv.url, null, `{ me { id `);
    expect(r.status).toBe(401);
    expect(r.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("malformed JSON is 400 BAD_REQUEST", async () => {
    const res = await post(`{"query": "{ me { id } }"`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: "Malformed JSON in request body", extensions: { code: "BAD_REQUEST" } }] });
  });

  it("a body over 1 MB is 413", async () => {
    const res = await post(JSON.stringify({ query: `{ me { id } }`, variables: { pad: "x".repeat(1_100_000) } }));
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("batched operations (a JSON array) are refused with 400", async () => {
    const res = await post(JSON.stringify([{ query: `{ me { id } }` }, { query: `{ me { id } }` }]));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("a text/plain POST is blocked as possible CSRF and runs nothing", async () => {
    const before = await dbState(srv.app);
    const res = await post(JSON.stringify({ query: `mutation { createAccount(input: { name: "CSRF" }) { id } }` }), {
      "content-type": "text/plain",
      authorization: `Bearer ${ADMIN}`,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(await dbState(srv.app)).toEqual(before);
  });

  it("a Decimal variable of 1e400 in the raw JSON body is BAD_USER_INPUT and creates nothing; so is the literal", async () => {
    const acc = await postGql(srv.url, ADMIN, `mutation { createAccount(input: { name: "Money over HTTP" }) { id } }`);
    const accountId = acc.data.createAccount.id;
    const before = await dbState(srv.app);
    const query = `mutation($r: Decimal!) { createOpportunity(input: { name: "Huge", accountId: "${accountId}", revenue: $r }) { id } }`;
    // JSON.stringify cannot write 1e400: the body is written by hand, as a client might
    const res = await post(`{"query": ${JSON.stringify(query)}, "variables": {"r": 1e400}}`);
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(body.errors[0].message).toMatch(/finite/);
    const lit = await postGql(srv.url, ADMIN, `mutation { createOpportunity(input: { name: "Huge", accountId: "${accountId}", revenue: 1e400 }) { id } }`);
    expect(lit.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await dbState(srv.app)).toEqual(before);
  });
});

describe("GET /graphql", () => {
  const url = (q: string) => `${srv.url}?query=${encodeURIComponent(q)}`;

  it("runs queries when a preflight header is sent", async () => {
    const res = await fetch(url(`{ me { role } }`), { headers: { authorization: `Bearer ${ADMIN}`, "apollo-require-preflight": "true" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { role: "ADMIN" } } });
  });

  it("without a preflight header it is blocked as possible CSRF (400)", async () => {
    const res = await fetch(url(`{ me { role } }`), { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(400);
  });

  it("never runs mutations (405) and changes nothing", async () => {
    const before = await dbState(srv.app);
    const res = await fetch(url(`mutation { createAccount(input: { name: "Via GET" }) { id } }`), {
      headers: { authorization: `Bearer ${ADMIN}`, "apollo-require-preflight": "true" },
    });
    expect(res.status).toBe(405);
    expect(await dbState(srv.app)).toEqual(before);
  });
});

describe("CORS and introspection settings", () => {
  const INTROSPECT = `{ __schema { queryType { name } } }`;

  it("by default (no CORS_ORIGINS) no cross-origin access is granted; introspection is on outside production", async () => {
    const res = await fetch(srv.url, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const r = await postGql(srv.url, ADMIN, INTROSPECT);
    expect(r.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });

  describe("with CORS_ORIGINS and INTROSPECTION=false", () => {
    let other: TestServer;
    beforeAll(async () => {
      other = await startTestServer({ env: { ADMIN_TOKEN: ADMIN, CORS_ORIGINS: "https://app.example, https://admin.example", INTROSPECTION: "false" }, seed: false, logLevel: "silent" });
    });
    afterAll(async () => other?.stop());

    it("allows exactly the listed origins", async () => {
      const preflight = (origin: string) =>
        fetch(other.url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" } });
      expect((await preflight("https://admin.example")).headers.get("access-control-allow-origin")).toBe("https://admin.example");
      expect((await preflight("https://app.example")).headers.get("access-control-allow-origin")).toBe("https://app.example");
      expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
      const r = await postGql(other.url, ADMIN, `{ me { role } }`, undefined, { origin: "https://app.example" });
      expect(r.headers.get("access-control-allow-origin")).toBe("https://app.example");
      expect(r.data).toEqual({ me: { role: "ADMIN" } });
    });

    it("refuses introspection", async () => {
      const r = await postGql(other.url, ADMIN, INTROSPECT);
      expect(r.status).toBe(400);
      expect(r.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(r.errors?.[0].message).toMatch(/introspection/i);
    });
  });
});

describe("the README and docs/api.md examples on the demo data", () => {
  let demo: TestServer;
  beforeAll(async () => {
    demo = await startTestServer({ seed: true, logLevel: "silent" });
  });
  afterAll(async () => demo?.stop());

  it("the demo tokens work, one per role", async () => {
    const roles: Record<string, string> = { "demo-admin": "ADMIN", "demo-giulia": "ACCOUNT_MANAGER", "demo-marco": "ACCOUNT_MANAGER", "demo-rita": "REVIEWER", "demo-alan": "ANALYST" };
    for (const [token, role] of Object.entries(roles)) expect((await postGql(demo.url, token, `{ me { role } }`)).data.me.role).toBe(role);
    expect(Object.values(demo.app.demoTokens ?? {}).sort()).toEqual(Object.keys(roles).sort());
  });

  it("example query: Globex's top-level plans with their rollups", async () => {
    const r = await postGql(
      demo.url,
      "demo-giulia",
      `{ accounts(search: "globex") { totalCount edges { node { id name owner { name }
          businessPlans(topLevelOnly: true) { id name status revenueTarget rollup { wonRevenue pipelineRevenue attainment } } } } } }`,
    );
    expect(r.status).toBe(200);
    expect(r.data.accounts.totalCount).toBe(1);
    const node = r.data.accounts.edges[0].node;
    expect(node).toMatchObject({ id: gid("Account", 1), name: "Globex Industries", owner: { name: "Giulia Rossi" } });
    expect(node.businessPlans[0]).toEqual({
      id: gid("BusinessPlan", 1),
      name: "Globex FY2026 Account Plan",
      status: "FINAL_APPROVED",
      revenueTarget: "12000000.00",
      rollup: { wonRevenue: "2550000.00", pipelineRevenue: "1135000.00", attainment: 0.2125 },
    });
  });

  it("example mutations: an opportunity linked to a plan; a plan submitted for review; an ANALYST refused", async () => {
    const created = await postGql(
      demo.url,
      "demo-giulia",
      `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id name revenue probability status plans { name } } }`,
      { input: { accountId: gid("Account", 1), name: "Conveyor line upgrade", revenue: "250000", probability: 30, closeDate: "2026-12-15", planIds: [gid("BusinessPlan", 6)] } },
    );
    expect(created.data.createOpportunity).toEqual({
      id: expect.any(String),
      name: "Conveyor line upgrade",
      revenue: "250000.00",
      probability: 30,
      status: "OPEN",
      plans: [{ name: "Globex Industrial Automation BU" }],
    });
    const rollup = await postGql(demo.url, "demo-giulia", `{ businessPlan(id: "${gid("BusinessPlan", 1)}") { rollup { pipelineRevenue } } }`);
    expect(rollup.data.businessPlan.rollup.pipelineRevenue).toBe("1385000.00");

    const submitted = await postGql(
      demo.url,
      "demo-marco",
      `mutation { changeBusinessPlanStatus(id: "${gid("BusinessPlan", 8)}", status: SUBMITTED, comment: "Ready for review", expectedVersion: 1) {
          status version statusHistory { from to changedBy { name } comment } } }`,
    );
    expect(submitted.data.changeBusinessPlanStatus).toEqual({
      status: "SUBMITTED",
      version: 2,
      statusHistory: [{ from: "DRAFT", to: "SUBMITTED", changedBy: { name: "Marco Bianchi" }, comment: "Ready for review" }],
    });

    const refused = await postGql(demo.url, "demo-alan", `mutation { createAccount(input: { name: "Analyst Co" }) { id } }`);
    expect(refused.status).toBe(200);
    expect(refused.errors?.[0]).toMatchObject({ message: "ANALYST users have read-only access", extensions: { code: "FORBIDDEN" } });
  });
});
