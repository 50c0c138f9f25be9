/**
 * Hostile-input suite, table-driven over real HTTP (startApp on port 0).
 *
 * Every case must get a 4xx or a contract error code (never 5xx, never
 * INTERNAL_SERVER_ERROR), no response body may contain internals (SQL, driver
 * and ORM names, file paths, stack frames, table/column names; echoes of the
 * client's own input are removed before the check), and after every case the
 * server still answers a normal query.
 *
 * Part 1: hand-written cases (query shape, transport, bodies, scalars, tokens, headers).
 * Part 2: generated from the schema: SQL metacharacters, and 100 kB values, in
 * every String and ID argument and input field of every root field.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppSchema } from "../src/schema";
import { type ArgFixture, type ArgTarget, argTargets, type BuiltCall, buildCall } from "./helpers/arg-targets";
import { ACCOUNT_VIEW, CLIENT_ERROR_CODES, codesOf, expectNoLeak, nestedChildren, postGql, type RawRequest, type RawResponse, send } from "./helpers/security-kit";
import { startTestServer, type TestServer } from "./helpers/server";
import { gid } from "./helpers/ids";

const ADMIN = "demo-admin";
const ALLOWED_ORIGIN = "https://planning.example";
const JSON_CT = { "content-type": "application/json" };

let server: TestServer;
let prod: TestServer;

beforeAll(async () => {
  server = await startTestServer({ seed: true, env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
  prod = await startTestServer({ seed: true, env: { NODE_ENV: "production" } });
});

/** An operation the test itself runs as the ADMIN; it must succeed. */
async function adminOk(query: string, variables?: Record<string, unknown>) {
  const r = await postGql(server.url, ADMIN, query, variables);
  if (r.status !== 200 || r.json?.errors) throw new Error(`fixture operation failed: ${r.text}`);
  return r.json.data;
}

let fixtureSeq = 0;
/** A fresh set of records for one case (generated cases never share state): created over HTTP by the ADMIN. */
async function freshFixture(): Promise<ArgFixture> {
  const n = ++fixtureSeq;
  const a = await adminOk(
    `mutation($n: String!) {
      account: createAccount(input: { name: $n }) { id }
      period: createPeriod(input: { name: "H FY2040", type: YEAR, startDate: "2040-01-01", endDate: "2040-12-31" }) { id }
      period2: createPeriod(input: { name: "H FY2042", type: YEAR, startDate: "2042-01-01", endDate: "2042-12-31" }) { id }
    }`,
    { n: `Hostile target ${n}` },
  );
  const b = await adminOk(
    `mutation($a: ID!, $p: ID!) {
      contact: createContact(input: { accountId: $a, firstName: "Hos", lastName: "Tile" }) { id }
      plan: createBusinessPlan(input: { name: "H plan", accountId: $a, periodId: $p }) { id }
      opportunity: createOpportunity(input: { name: "H deal", accountId: $a, revenue: "5.00" }) { id }
      activity: createActivity(input: { subject: "H call", type: CALL, accountId: $a }) { id }
    }`,
    { a: a.account.id, p: a.period.id },
  );
  const c = await adminOk(`mutation($p: ID!, $pl: ID!) { objective: createObjective(input: { name: "H objective", periodId: $p, planId: $pl }) { id } }`, { p: a.period.id, pl: b.plan.id });
  return { account: a.account.id, period: a.period.id, period2: a.period2.id, contact: b.contact.id, plan: b.plan.id, opportunity: b.opportunity.id, activity: b.activity.id, objective: c.objective.id };
}

/** Everything a case could change: the fixture's records as the API reads them, and the row count of every table. */
const FIXTURE_STATE = `query($a: ID!, $p: ID!, $p2: ID!, $c: ID!, $pl: ID!, $o: ID!, $opp: ID!, $act: ID!) {
  account(id: $a) { id name industry owner { id } contacts { id } opportunities { id } activities { id } businessPlans { id } }
  period(id: $p) { id name startDate endDate children { id } }
  period2: period(id: $p2) { id name startDate endDate children { id } }
  contact(id: $c) { id firstName lastName email jobTitle }
  businessPlan(id: $pl) { id name status version description businessUnit territory revenueTarget parent { id } owner { id }
    statusHistory { from to comment } contacts { id } opportunities { id } objectives { id } activities { id } children { id } }
  objective(id: $o) { id name description targetRevenue targetQuantity unit }
  opportunity(id: $opp) { id name revenue probability status closeDate objective { id } plans { id } }
  activity(id: $act) { id subject notes status dueAt contact { id } plan { id } objective { id } opportunity { id } followUps { id } }
}`;
/** The row count of every table of a server's database. */
async function rowCounts(s: TestServer): Promise<Record<string, number>> {
  const db = s.app.deps.db;
  const tables = (
    db.dialect === "sqlite"
      ? await db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      : await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
  ).map((r) => r.name);
  const [counts] = await db.query<Record<string, unknown>>(`SELECT ${tables.map((t, i) => `(SELECT COUNT(*) FROM "${t}") AS c${i}`).join(", ")}`);
  return Object.fromEntries(tables.map((t, i) => [t, Number(counts[`c${i}`])]));
}

async function stateOf(fx: ArgFixture) {
  const rows = await rowCounts(server);
  const api = await adminOk(FIXTURE_STATE, { a: fx.account, p: fx.period, p2: fx.period2, c: fx.contact, pl: fx.plan, o: fx.objective, opp: fx.opportunity, act: fx.activity });
  return { rows, api };
}

afterAll(async () => {
  await server?.stop();
  await prod?.stop();
});

interface Expect {
  /** Exact HTTP status, or a list of acceptable ones. */
  status?: number | number[];
  /** At least one error with one of these codes (checked when given). */
  code?: string | string[];
  /** No errors at all (a successful answer). */
  success?: boolean;
  /** Extra checks on the response. */
  check?: (r: RawResponse) => void;
}

interface Case {
  name: string;
  request: () => RawRequest;
  expect: Expect;
  /** Values the client sent that may legitimately come back in a message. */
  echoes?: string[];
  /** Send to the production-mode server. */
  production?: boolean;
}

const gql = (query: string, variables?: Record<string, unknown>, extra: Record<string, unknown> = {}): RawRequest => ({
  token: ADMIN,
  headers: JSON_CT,
  body: JSON.stringify({ query, variables, ...extra }),
});
const get = (params: Record<string, string>, headers: Record<string, string> = { "apollo-require-preflight": "true" }): RawRequest => ({
  method: "GET",
  token: ADMIN,
  headers,
  search: `?${new URLSearchParams(params).toString()}`,
});

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: accounts(first: 500) { edges { node { id name } } }`).join(" ")} }`;
const fragmentChain = (n: number) =>
  `query { ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ")} fragment F${n} on Query { me { id } }`;
const WIDE = `query($f: Int) { accounts(first: $f) { edges { node { id name industry owner { id name email role } contacts { id firstName lastName email jobTitle }
  businessPlans { id name type status description businessUnit territory revenueTarget version createdAt updatedAt
    rollup { revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue attainment } statusHistory { from to comment changedAt }
    auditTrail(first: 500) { action changedAt changes { field oldValue newValue } } } } } } }`;
const MIB = 1024 * 1024;

const PART1: Case[] = [
  // ---- query shape ----
  { name: "40-level children { children { ... } }", request: () => gql(nestedChildren(40), { id: gid("BusinessPlan", 1) }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "depth one beyond the limit (11)", request: () => gql(nestedChildren(9), { id: gid("BusinessPlan", 1) }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "depth 200 through account/plan cycles", request: () => gql(`{ businessPlan(id: "${gid("BusinessPlan", 1)}") { ${"account { businessPlans { ".repeat(100)}id${" } }".repeat(100)} } }`), expect: { status: 400, code: ["BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED"] } },
  { name: "wide: 500 accounts with plans, rollups, history and 500 audit entries each", request: () => gql(WIDE, { f: 500 }), expect: { status: 400, code: "QUERY_TOO_LARGE" } },
  { name: "wide: 1,900 scalar fields in one selection", request: () => gql(`{ me { ${"id name email role ".repeat(475)}} }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "alias flood: 16 aliased accounts(first: 500)", request: () => gql(aliases(16)), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "alias flood: 300 aliases", request: () => gql(aliases(300)), expect: { status: 400, code: ["BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED"] } },
  { name: "alias flood of __typename (allowed) within the token limit", request: () => gql(`{ ${Array.from({ length: 100 }, (_, i) => `t${i}: __typename`).join(" ")} }`), expect: { status: 200, success: true } },
  { name: "directive flood: 21 @include", request: () => gql(`{ me { ${"id @include(if: true) ".repeat(21)}} }`), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "directive flood: 200 @skip on one field", request: () => gql(`{ me { id ${"@skip(if: false) ".repeat(200)}} }`), expect: { status: 400, code: ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"] } },
  { name: "unknown directives x 30", request: () => gql(`{ me { id ${"@evil ".repeat(30)}} }`), expect: { status: 400, code: ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"] } },
  { name: "fragment cycle A -> B -> A", request: () => gql(`query { me { ...A } } fragment A on User { id ...B } fragment B on User { name ...A }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "self-referencing fragment", request: () => gql(`query { me { ...A } } fragment A on User { id ...A }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "fragment explosion (2^40 selections)", request: () => gql(fragmentChain(40)), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "fragment explosion on an object type", request: () => gql(`query { me { ...U0 } } ${Array.from({ length: 16 }, (_, i) => `fragment U${i} on User { id name ...U${i + 1} ...U${i + 1} }`).join(" ")} fragment U16 on User { email }`), expect: { status: 400, code: ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"] } },
  { name: "huge first literal (1,000,000) with a selection", request: () => gql(`{ accounts(first: 1000000) { edges { node { id name contacts { id } } } } }`), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "huge first variable (2^31 - 1): the page cap", request: () => gql(`query($f: Int) { accounts(first: $f) { totalCount } }`, { f: 2147483647 }), expect: { status: 200, code: "BAD_USER_INPUT" } },
  { name: "first beyond Int (2^31) as a literal", request: () => gql(`{ accounts(first: 2147483648) { totalCount } }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "first beyond Int (2^53) as a variable", request: () => gql(`query($f: Int) { accounts(first: $f) { totalCount } }`, { f: 2 ** 53 }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "negative first", request: () => gql(`{ businessPlans(first: -1) { totalCount } }`), expect: { status: 200, code: "BAD_USER_INPUT" } },
  { name: "nested pages: 500 plans x auditTrail(first: 500) x changes by variables", request: () => gql(`query($a: Int, $b: Int) { businessPlans(first: $a) { edges { node { auditTrail(first: $b) { action changedBy { name } changes { field oldValue newValue } } } } } }`, { a: 500, b: 500 }), expect: { status: 400, code: "QUERY_TOO_LARGE" } },
  { name: "amplification through unpaginated lists: account > opportunities > plans > opportunities > plans > opportunities", request: () => gql(`{ account(id: "${gid("Account", 1)}") { opportunities { plans { opportunities { plans { opportunities { id name revenue } } } } } } }`), expect: { status: 400, code: "QUERY_TOO_LARGE" } },
  { name: "5,000 tokens", request: () => gql(`{ me { ${"id ".repeat(5000)}} }`), expect: { status: 400, code: "GRAPHQL_PARSE_FAILED" } },
  { name: "list literal nested 20,000 deep", request: () => gql(`{ accounts(search: ${"[".repeat(20000)}${"]".repeat(20000)}) { totalCount } }`), expect: { status: 400, code: "GRAPHQL_PARSE_FAILED" } },
  { name: "selection sets nested 3,000 deep", request: () => gql(`{ ${"me { ".repeat(3000)}id${" }".repeat(3000)} }`), expect: { status: 400, code: "GRAPHQL_PARSE_FAILED" } },
  { name: "status list of 40,000 values (variables)", request: () => gql(`query($s: [PlanStatus!]) { account(id: "${gid("Account", 1)}") { businessPlans(status: $s) { id } } }`, { s: Array(40000).fill("DRAFT") }), expect: { status: 200, code: "BAD_USER_INPUT" } },
  { name: "filter status list of 11 values", request: () => gql(`query($s: [PlanStatus!]) { businessPlans(filter: { status: $s }) { totalCount } }`, { s: Array(11).fill("DRAFT") }), expect: { status: 200, code: "BAD_USER_INPUT" } },
  { name: "planIds list of 51 ids", request: () => gql(`mutation($ids: [ID!]) { createOpportunity(input: { name: "x", accountId: "${gid("Account", 1)}", revenue: "1.00", planIds: $ids }) { id } }`, { ids: Array.from({ length: 51 }, (_, i) => String(i + 1)) }), expect: { status: 200, code: "BAD_USER_INPUT" } },
  { name: "subscription operation", request: () => gql(`subscription { me { id } }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "two anonymous operations", request: () => gql(`{ me { id } } { me { name } }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "unknown operationName", request: () => gql(`query A { me { id } }`, undefined, { operationName: "B" }), expect: { status: 400, code: "OPERATION_RESOLUTION_FAILURE" } },
  { name: "persisted query by a bogus hash (APQ is off)", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }) }), expect: { status: [200, 400], code: "PERSISTED_QUERY_NOT_SUPPORTED" } },
  { name: "persisted query hash that does not match the query (APQ is off)", request: () => gql(`{ me { id } }`, undefined, { extensions: { persistedQuery: { version: 1, sha256Hash: "f".repeat(64) } } }), expect: { status: [200, 400], code: "PERSISTED_QUERY_NOT_SUPPORTED" } },

  // ---- transport: batching, GET, CSRF, content types ----
  { name: "batched array of two operations", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify([{ query: "{ me { id } }" }, { query: "{ me { id } }" }]) }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "batched array of 1,000 mutations", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify(Array(1000).fill({ query: `mutation { createAccount(input: { name: "batch" }) { id } }` })) }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "empty batch []", request: () => ({ token: ADMIN, headers: JSON_CT, body: "[]" }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "mutation over GET (with the preflight header)", request: () => get({ query: `mutation { createAccount(input: { name: "via GET" }) { id } }` }), expect: { status: 405, code: "BAD_REQUEST" } },
  { name: "mutation over GET (no preflight header): CSRF prevention", request: () => get({ query: `mutation { createAccount(input: { name: "via GET" }) { id } }` }, {}), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "query over GET without preflight header (simple request): CSRF prevention", request: () => get({ query: `{ me { id } }` }, {}), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "POST text/plain", request: () => ({ token: ADMIN, headers: { "content-type": "text/plain" }, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 400, code: "BAD_REQUEST", check: (r) => expect(r.json.errors[0].message).toMatch(/Cross-Site Request Forgery/) } },
  { name: "POST text/plain mutation", request: () => ({ token: ADMIN, headers: { "content-type": "text/plain;charset=UTF-8" }, body: JSON.stringify({ query: `mutation { createAccount(input: { name: "csrf" }) { id } }` }) }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "POST form-urlencoded", request: () => ({ token: ADMIN, headers: { "content-type": "application/x-www-form-urlencoded" }, body: "query=%7B%20me%20%7B%20id%20%7D%20%7D" }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "POST multipart/form-data", request: () => ({ token: ADMIN, headers: { "content-type": "multipart/form-data; boundary=x" }, body: '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ me { id } }\r\n--x--' }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "POST without content-type", request: () => ({ token: ADMIN, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "PUT /graphql", request: () => ({ method: "PUT", token: ADMIN, headers: JSON_CT, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: [400, 404, 405] } },
  { name: "DELETE /graphql", request: () => ({ method: "DELETE", token: ADMIN }), expect: { status: [400, 404, 405] } },

  // ---- bodies ----
  { name: "5 MB JSON body", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify({ query: "{ me { id } }", variables: { pad: "x".repeat(5 * MIB) } }) }), expect: { status: 413, check: (r) => expect(r.json.errors[0].message).toBe("Request body larger than 1mb") } },
  { name: "body just over 1 MB", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify({ query: "{ me { id } }", variables: { pad: "x".repeat(MIB) } }) }), expect: { status: 413 } },
  { name: "gzip bomb (20 MB inflated)", request: () => ({ token: ADMIN, headers: { ...JSON_CT, "content-encoding": "gzip" }, body: gzipSync(Buffer.from(JSON.stringify({ query: "{ me { id } }", pad: "a".repeat(20 * MIB) }))) }), expect: { status: 413 } },
  { name: "unsupported content-encoding", request: () => ({ token: ADMIN, headers: { ...JSON_CT, "content-encoding": "zstd-evil" }, body: "{}" }), expect: { status: 415 } },
  { name: "malformed JSON", request: () => ({ token: ADMIN, headers: JSON_CT, body: "{bad json" }), expect: { status: 400, check: (r) => expect(r.json.errors[0].message).toBe("Malformed JSON in request body") } },
  { name: "truncated JSON", request: () => ({ token: ADMIN, headers: JSON_CT, body: '{"query": "{ me { id } }"' }), expect: { status: 400, check: (r) => expect(r.json.errors[0].message).toBe("Malformed JSON in request body") } },
  { name: "JSON null", request: () => ({ token: ADMIN, headers: JSON_CT, body: "null" }), expect: { status: 400 } },
  { name: "JSON string", request: () => ({ token: ADMIN, headers: JSON_CT, body: '"{ me { id } }"' }), expect: { status: 400 } },
  { name: "JSON with 100,000 nested arrays", request: () => ({ token: ADMIN, headers: JSON_CT, body: `{"query":"{ me { id } }","variables":{"x":${"[".repeat(100000)}${"]".repeat(100000)}}}` }), expect: { status: [200, 400] } },
  { name: "empty body", request: () => ({ token: ADMIN, headers: JSON_CT, body: "" }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "empty object", request: () => ({ token: ADMIN, headers: JSON_CT, body: "{}" }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "query is a number", request: () => ({ token: ADMIN, headers: JSON_CT, body: '{"query": 42}' }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "query is an object", request: () => ({ token: ADMIN, headers: JSON_CT, body: '{"query": {"kind": "Document"}}' }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "variables as a JSON string", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify({ query: "query($id: ID!) { account(id: $id) { id } }", variables: '{"id":"1"}' }) }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "variables as an array", request: () => ({ token: ADMIN, headers: JSON_CT, body: JSON.stringify({ query: "query($id: ID!) { account(id: $id) { id } }", variables: ["1"] }) }), expect: { status: 400, code: "BAD_REQUEST" } },
  { name: "variable of the wrong type", request: () => gql(`query($f: Int) { accounts(first: $f) { totalCount } }`, { f: "ten" }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "required variable missing", request: () => gql(`query($id: ID!) { account(id: $id) { id } }`, {}), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "unknown input field in variables", request: () => gql(`mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`, { i: { name: "x", __proto__: { admin: true }, constructor: "y", evil: 1 } }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "__proto__ pollution attempt in variables", request: () => ({ token: ADMIN, headers: JSON_CT, body: '{"query":"mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }","variables":{"i":{"name":"proto","__proto__":{"role":"ADMIN"}}}}' }), expect: { status: [200, 400] } },

  // ---- scalars: decimals, dates ----
  ...(
    [
      ["1e400 literal", `mutation { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: 1e400 }) { id } }`, undefined, 400],
      ["NaN string", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "NaN" }, 400],
      ["Infinity string", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "Infinity" }, 400],
      ["-Infinity string", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "-Infinity" }, 400],
      ["1e400 string variable", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "1e400" }, 400],
      ["1e21 number variable", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: 1e21 }, 400],
      ["20-digit decimal", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "99999999999999999999.99" }, 400],
      ["negative decimal", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "-0.01" }, 400],
      ["three decimals", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "1.001" }, 400],
      ["hex decimal", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: "0x10" }, 400],
      ["decimal as an object", `mutation($r: Decimal!) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: $r }) { id } }`, { r: { $gt: 0 } }, 400],
      ["decimal as a boolean literal", `mutation { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: true }) { id } }`, undefined, 400],
      ["Feb 30th", `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id } }`, { d: "2024-02-30" }, 400],
      ["year 99999", `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id } }`, { d: "99999-01-01" }, 400],
      ["year 0000 (no date to PostgreSQL)", `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id } }`, { d: "0000-01-01" }, 400],
      ["SQL in a Date", `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id } }`, { d: "2024-01-01' OR '1'='1" }, 400],
      ["DateTime garbage", `mutation($t: DateTime) { createActivity(input: { subject: "s", type: CALL, accountId: "${gid("Account", 1)}", dueAt: $t }) { id } }`, { t: "tomorrow; DROP TABLE activity" }, 400],
      ["DateTime out of range", `mutation($t: DateTime) { createActivity(input: { subject: "s", type: CALL, accountId: "${gid("Account", 1)}", dueAt: $t }) { id } }`, { t: "275760-09-14T00:00:00Z" }, 400],
      ["probability 1e9", `mutation($p: Int) { createOpportunity(input: { name: "d", accountId: "${gid("Account", 1)}", revenue: "1.00", probability: $p }) { id } }`, { p: 1e9 }, 200],
      ["targetQuantity -1", `mutation { createObjective(input: { name: "o", periodId: "${gid("Period", 6)}", accountId: "${gid("Account", 1)}", targetQuantity: -1, unit: CALLS }) { id } }`, undefined, 200],
    ] as const
  ).map(
    ([name, query, variables, status]): Case => ({
      name: `absurd value: ${name}`,
      request: () => gql(query, variables as Record<string, unknown> | undefined),
      expect: { status, code: "BAD_USER_INPUT" },
      echoes: variables ? Object.values(variables).map((v) => (typeof v === "string" ? v : JSON.stringify(v))) : [],
    }),
  ),

  ...["0000-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"].map((t): Case => ({ name: `DateTime ${t} is outside 1000-9999 (PostgreSQL would store year 0 as 1 BC, unreadable)`, request: () => gql(`mutation($t: DateTime) { createActivity(input: { subject: "y0", type: CALL, accountId: "${gid("Account", 1)}", dueAt: $t }) { dueAt } }`, { t }), expect: { status: 400, code: "BAD_USER_INPUT" }, echoes: [t] })),
  { name: "DateTime and Date at the edges of the range are stored and read back", request: () => gql(`mutation($a: DateTime, $s: Date!, $e: Date!) { createActivity(input: { subject: "edge", type: CALL, accountId: "${gid("Account", 1)}", dueAt: $a }) { dueAt } createPeriod(input: { name: "edge", type: YEAR, startDate: $s, endDate: $e }) { startDate endDate } }`, { a: "1000-01-01T00:00:00Z", s: "1000-01-01", e: "9999-12-31" }), expect: { status: 200, success: true, check: (r) => {
    expect(r.json.data.createActivity.dueAt).toBe("1000-01-01T00:00:00.000Z");
    expect(r.json.data.createPeriod).toEqual({ startDate: "1000-01-01", endDate: "9999-12-31" });
  } } },
  { name: "absurd value: Feb 30th as a literal (BAD_USER_INPUT, like a variable)", request: () => gql(`mutation { expireBusinessPlans(periodEndedBefore: "2024-02-30") { id } }`), expect: { status: 400, code: "BAD_USER_INPUT" } },

  // ---- ids that cannot exist ----
  ...["1e999", "0x10", "' OR 1=1 --", "1; DROP TABLE business_plan", "-1", "0", "1.5", "", " ", "99999999999999999999", "２", "x".repeat(100_000)].map(
    (id): Case => ({
      name: `impossible id ${JSON.stringify(id.slice(0, 20))}${id.length > 20 ? "..." : ""}: NOT_FOUND for a mutation, null for a query`,
      request: () => gql(`mutation($id: ID!) { deleteBusinessPlan(id: $id) }`, { id }),
      expect: {
        status: 200,
        code: "NOT_FOUND",
        check: (r) => expect(r.text.length).toBeLessThan(1000),
      },
      echoes: [id],
    }),
  ),
  { name: "NUL in an id: BAD_USER_INPUT before any resolver (no text input may contain U+0000)", request: () => gql(`mutation($id: ID!) { deleteBusinessPlan(id: $id) }`, { id: "1\u0000" }), expect: { status: 400, code: "BAD_USER_INPUT", check: (r) => expect(r.json.errors[0].message).toBe("Variable $id must be well-formed text: no NUL (\\u0000) characters or unpaired surrogates") } },
  { name: "NUL in a string literal", request: () => gql(`mutation { createAccount(input: { name: "a\\u0000b" }) { id } }`), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "NUL in a nested input field", request: () => gql(`mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, { i: { name: "ok", accountId: gid("Account", 1), periodId: gid("Period", 6), description: "x\u0000y" } }), expect: { status: 400, code: "BAD_USER_INPUT", check: (r) => expect(r.json.errors[0].message).toMatch(/^Variable \$i\.description must be well-formed text/) } },
  { name: "unpaired surrogate in an email (validator.js would throw URIError)", request: () => gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }`, { i: { name: "x", email: "a\ud800@example.com", role: "ANALYST" } }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "unpaired surrogate in a variable key", request: () => ({ token: ADMIN, headers: JSON_CT, body: '{"query":"mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }","variables":{"i":{"name":"x","\\udc00":"y"}}}' }), expect: { status: 400, code: "BAD_USER_INPUT" } },
  { name: "impossible ids in queries are null, not errors", request: () => gql(`query($a: ID!) { account(id: $a) { id } businessPlan(id: $a) { id } objective(id: $a) { id } opportunity(id: $a) { id } activity(id: $a) { id } contact(id: $a) { id } period(id: $a) { id } }`, { a: "' OR '1'='1" }), expect: { status: 200, success: true, check: (r) => expect(Object.values(r.json.data).every((v) => v === null)).toBe(true) }, echoes: ["' OR '1'='1"] },

  // ---- tokens and headers ----
  { name: "no Authorization header", request: () => ({ headers: JSON_CT, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "unknown bearer token", request: () => ({ token: "nope", headers: JSON_CT, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "SQL in the bearer token", request: () => ({ headers: { ...JSON_CT, authorization: "Bearer ' OR 1=1 --" }, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "Basic credentials instead of a bearer token", request: () => ({ headers: { ...JSON_CT, authorization: "Basic YWRtaW46YWRtaW4=" }, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "bearer token of 10 kB", request: () => ({ headers: { ...JSON_CT, authorization: `Bearer ${"a".repeat(10_000)}` }, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "revoked-looking token with whitespace tricks", request: () => ({ headers: { ...JSON_CT, authorization: "Bearer demo-admin extra" }, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "unknown token on a mutation changes nothing", request: () => ({ token: "demo-nobody", headers: JSON_CT, body: JSON.stringify({ query: `mutation { createAccount(input: { name: "anon" }) { id } }` }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "anonymous introspection is not a way around authentication for data", request: () => ({ headers: JSON_CT, body: JSON.stringify({ query: "{ __typename me { id } }" }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "anonymous introspection-only document over the token limit: not even parsed to the end before authentication", request: () => ({ headers: JSON_CT, body: JSON.stringify({ query: `{ ${"__typename ".repeat(3000)}}` }) }), expect: { status: 401, code: "UNAUTHENTICATED" } },
  { name: "anonymous introspection within the limits still answers (playground docs)", request: () => ({ headers: JSON_CT, body: JSON.stringify({ query: "{ __schema { queryType { name } } }" }) }), expect: { status: 200, success: true } },
  { name: "header of 20 kB (Node's header limit)", request: () => ({ token: ADMIN, headers: { ...JSON_CT, "x-junk": "j".repeat(20_000) }, body: JSON.stringify({ query: "{ me { id } }" }) }), expect: { status: 431 } },
  { name: "helmet headers on /graphql", request: () => gql(`{ me { id } }`), expect: { status: 200, success: true, check: (r) => {
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(r.headers.get("strict-transport-security")).toMatch(/max-age=/);
    expect(r.headers.get("x-powered-by")).toBeNull();
  } } },
  { name: "CORS: a configured origin is allowed", request: () => ({ ...gql(`{ me { id } }`), headers: { ...JSON_CT, origin: ALLOWED_ORIGIN } }), expect: { status: 200, success: true, check: (r) => expect(r.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN) } },
  { name: "CORS: another origin gets no CORS headers", request: () => ({ ...gql(`{ me { id } }`), headers: { ...JSON_CT, origin: "https://evil.example" } }), expect: { status: 200, check: (r) => expect(r.headers.get("access-control-allow-origin")).toBeNull() } },
  { name: "CORS preflight from another origin", request: () => ({ method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" } }), expect: { status: [204, 200, 404], check: (r) => expect(r.headers.get("access-control-allow-origin")).toBeNull() } },

  // ---- production mode ----
  { name: "production: introspection refused", production: true, request: () => gql(`{ __schema { types { name fields { name } } } }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED" } },
  { name: "production: no field suggestions", production: true, request: () => gql(`{ me { nam emial } }`), expect: { status: 400, code: "GRAPHQL_VALIDATION_FAILED", check: (r) => expect(r.text).not.toMatch(/Did you mean|"name"|"email"/) } },
  { name: "production: no enum suggestions from variables", production: true, request: () => gql(`query($s: [PlanStatus!]) { businessPlans(filter: { status: $s }) { totalCount } }`, { s: ["SUBMITED"] }), expect: { status: 400, code: "BAD_USER_INPUT", check: (r) => expect(r.text).not.toMatch(/Did you mean|"SUBMITTED"/) } },
  { name: "production: no stack traces", production: true, request: () => gql(`{ accounts(first: -5) { totalCount } }`), expect: { status: 200, code: "BAD_USER_INPUT", check: (r) => expect(r.text).not.toMatch(/stacktrace|exception/) } },
];

/** Values with SQL metacharacters (and friends) for every String and ID argument. */
const SQL_PAYLOADS = [
  "' OR 1=1 --",
  "1; DROP TABLE business_plan; --",
  "\" OR \"\"=\"",
  "1' UNION SELECT token_hash FROM api_token --",
  "%' AND 1=1 AND '%'='",
  "\\'; SELECT pg_sleep(5); --",
  "$1 ? :id @p0 %s {0}",
  "Robert'); DELETE FROM account WHERE ('1'='1",
  "a\u0000b NUL",
  " \u202e\ud83d\udca3 𝓤𝓷𝓲𝓬𝓸𝓭𝓮 ☃ ",
];
const LONG = "L".repeat(100_000);

const schema = buildAppSchema();
const TARGETS = argTargets(schema);

interface GeneratedCase {
  name: string;
  target: (typeof TARGETS)[number];
  value: string;
}
const GENERATED: GeneratedCase[] = TARGETS.flatMap((t, i) => {
  const label = `${t.root} ${t.field}(${t.path.join(".")}${t.list ? "[]" : ""}: ${t.kind})`;
  return [
    { name: `${label} = SQL ${JSON.stringify(SQL_PAYLOADS[i % SQL_PAYLOADS.length].slice(0, 16))}`, target: t, value: SQL_PAYLOADS[i % SQL_PAYLOADS.length] },
    { name: `${label} = SQL ${JSON.stringify(SQL_PAYLOADS[(i + 3) % SQL_PAYLOADS.length].slice(0, 16))}`, target: t, value: SQL_PAYLOADS[(i + 3) % SQL_PAYLOADS.length] },
    { name: `${label} = SQL ${JSON.stringify(SQL_PAYLOADS[(i + 7) % SQL_PAYLOADS.length].slice(0, 16))}`, target: t, value: SQL_PAYLOADS[(i + 7) % SQL_PAYLOADS.length] },
    { name: `${label} = 100 kB`, target: t, value: LONG },
  ];
});

/** The generic rules every answer follows. */
function expectSane(r: RawResponse, echoes: string[], label: string) {
  expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
  const codes = codesOf(r.json);
  for (const code of codes) expect(CLIENT_ERROR_CODES.has(code), `${label}: unexpected code ${code} in ${r.text.slice(0, 300)}`).toBe(true);
  expectNoLeak(r, echoes, label);
}

async function expectAlive(s: TestServer) {
  const r = await postGql(s.url, ADMIN, ACCOUNT_VIEW, { id: gid("Account", 1), period: gid("Period", 6) });
  expect(r.status).toBe(200);
  expect(r.json.errors).toBeUndefined();
  expect(r.json.data.account.name).toBe("Globex Industries");
}

describe("hostile inputs over HTTP", () => {
  it("the suite has at least 60 hand-written and 60 generated cases", () => {
    console.log(`hostile cases: ${PART1.length} hand-written + ${GENERATED.length} generated (${TARGETS.length} String/ID argument paths x 4 values)`);
    expect(PART1.length).toBeGreaterThanOrEqual(60);
    expect(GENERATED.length).toBeGreaterThanOrEqual(60);
    // every root field with arguments has a baseline (buildCall throws otherwise)
    for (const t of TARGETS) buildCall(schema, t, { account: "1", period: "1", period2: "1", plan: "1", objective: "1", opportunity: "1", activity: "1", contact: "1" }, "x");
  });

  describe("part 1: hand-written", () => {
    for (const c of PART1) {
      it(c.name, async () => {
        const s = c.production ? prod : server;
        const rowsBefore = await rowCounts(s);
        const r = await send(s.url, c.request());
        const label = c.name;
        expectSane(r, c.echoes ?? [], label);
        const e = c.expect;
        if (e.status !== undefined) {
          const allowed = Array.isArray(e.status) ? e.status : [e.status];
          expect(allowed, `${label}: status ${r.status}: ${r.text.slice(0, 300)}`).toContain(r.status);
        }
        if (e.code !== undefined) {
          // one of the expected codes, and no other error next to it
          const wanted = Array.isArray(e.code) ? e.code : [e.code];
          const codes = codesOf(r.json);
          expect(codes.length, `${label}: codes ${codes} in ${r.text.slice(0, 300)}`).toBeGreaterThan(0);
          expect(codes.filter((c) => !wanted.includes(c)), `${label}: codes ${codes} in ${r.text.slice(0, 300)}`).toEqual([]);
        }
        if (e.success) expect(r.json?.errors, `${label}: ${r.text.slice(0, 300)}`).toBeUndefined();
        e.check?.(r);
        // a refused request changed nothing (no row added or removed anywhere)
        if (!e.success && (r.status >= 400 || codesOf(r.json).length > 0)) expect(await rowCounts(s), label).toEqual(rowsBefore);
        await expectAlive(s);
      });
    }
  });

  describe("part 2: SQL metacharacters and 100 kB values in every String and ID argument, each on a fresh fixture, the stored value read back", () => {
    for (const c of GENERATED) {
      it(c.name, async () => {
        const t = c.target;
        const fx = await freshFixture();
        const isSearch = t.field === "accounts" && t.path[0] === "search";
        // a search has something to find: an account whose name holds the value (when a name can hold it)
        if (isSearch && c.value !== LONG && !c.value.includes("\u0000")) await adminOk(`mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: `Hit ${c.value} end` });
        const call = buildCall(schema, t, fx, c.value, SELECT);
        if (isSearch) call.variables.first = 100;
        const before = await stateOf(fx);
        const r = await postGql(server.url, ADMIN, call.query, call.variables);
        const label = `${c.name}: ${r.text.slice(0, 300)}`;
        expectSane(r, [c.value], c.name);
        const codes = codesOf(r.json);
        if (c.value.includes("\u0000")) {
          // no text input may contain U+0000 (PostgreSQL cannot store it): refused before any resolver (src/graphql/input-guard.ts)
          expect(r.status).toBe(400);
          expect(codes, label).toEqual(["BAD_USER_INPUT"]);
        } else if (c.value === LONG && t.kind === "String") {
          // every string input has a maximum length
          expect(codes, label).toEqual(["BAD_USER_INPUT"]);
        } else if (t.kind === "ID") {
          // an id that cannot exist: NOT_FOUND for a write, nothing found for a read
          if (t.root === "mutation") expect(codes, label).toEqual(["NOT_FOUND"]);
          else expect(emptyAnswer(r.json?.data?.[t.field]), label).toBe(true);
          expect(r.text.length).toBeLessThan(2000);
        }
        if (codes.length > 0 || t.root === "query") {
          // refused (exactly one error), or a read: nothing changed
          expect(codes.length, label).toBeLessThanOrEqual(1);
          expect(await stateOf(fx), label).toEqual(before);
        }
        if (codes.length === 0 && isSearch) await expectSearchExact(r, c.value);
        else if (codes.length === 0 && t.root === "mutation") await expectStored(t, call, r, fx, c.value);
        await expectAlive(server);
      });
    }
  });
});

/** What a root field's selection asks for, by its return type: enough to read the result back. */
const READ_BACK: Record<string, string> = { Account: "account", Activity: "activity", Contact: "contact", Objective: "objective", Opportunity: "opportunity", Period: "period", BusinessPlan: "businessPlan", Note: "node" };
function SELECT(typeName: string): string | null {
  if (READ_BACK[typeName]) return "id";
  if (typeName === "CreatedUser") return "token user { id }";
  if (typeName.endsWith("Connection")) return "totalCount edges { node { id } }";
  return null;
}

/** A read that found nothing: null, an empty list, an empty connection. */
function emptyAnswer(v: any): boolean {
  if (v === null) return true;
  if (Array.isArray(v)) return v.every((x) => x === null); // nothing, or nothing found for each id (nodes)
  return typeof v === "object" && v.totalCount === 0 && Array.isArray(v.edges) && v.edges.length === 0;
}

/** accounts(search:) found exactly the accounts whose name contains the (trimmed) value, case-insensitively: read from the table. */
async function expectSearchExact(r: RawResponse, value: string) {
  const needle = value.trim().toLowerCase();
  const all = await server.app.deps.db.query<{ id: number | string; name: string }>(`SELECT id, name FROM account`);
  const expected = all.filter((a) => a.name.toLowerCase().includes(needle)).map((a) => gid("Account", a.id)).sort();
  expect(expected.length, `the fixture made an account whose name holds ${JSON.stringify(value)}`).toBeGreaterThanOrEqual(1);
  expect(expected.length).toBeLessThan(all.length);
  const got = r.json.data.accounts;
  expect(got.totalCount).toBe(expected.length);
  expect(got.edges.map((e: any) => e.node.id).sort()).toEqual(expected);
}

/** An accepted hostile string is stored byte-for-byte (names and subjects trimmed): read back in a separate request. */
async function expectStored(t: ArgTarget, call: BuiltCall, r: RawResponse, fx: ArgFixture, value: string) {
  const label = `${t.field}(${t.path.join(".")}) = ${JSON.stringify(value.slice(0, 40))}`;
  const accepted = [value, value.trim()];
  const answer = r.json.data[t.field];
  if (t.field === "createUser") {
    const field = t.path[t.path.length - 1];
    const me = (await postGql(server.url, answer.token, `{ me { id ${field} } }`)).json.data.me;
    expect(me.id).toBe(answer.user.id);
    expect(accepted, label).toContain(me[field]);
  } else if (t.field === "changeBusinessPlanStatus") {
    const plan = (await adminOk(`query($id: ID!) { businessPlan(id: $id) { status statusHistory { to comment } } }`, { id: fx.plan })).businessPlan;
    expect(plan.status).toBe("SUBMITTED");
    expect(plan.statusHistory, label).toEqual([{ to: "SUBMITTED", comment: value }]);
  } else if (t.field === "createBusinessPlanTree" && t.path.includes("children")) {
    // the value went into the first child (children.children: the first grandchild): read that plan back
    const field = t.path[t.path.length - 1];
    const levels = t.path.filter((p) => p === "children").length;
    let node = (await adminOk(`query($id: ID!) { businessPlan(id: $id) { ${"children { ".repeat(levels)}${field}${" }".repeat(levels)} } }`, { id: answer.id })).businessPlan;
    for (let i = 0; i < levels; i++) node = node.children[0];
    expect(accepted, label).toContain(node[field]);
  } else if (t.field === "revokeToken") {
    expect(answer, label).toBe(false); // no such token: nothing revoked
  } else {
    const root = READ_BACK[answer?.__typename];
    if (!root || !call.echoField) throw new Error(`${label}: accepted, but no way to read the stored value back: add one to expectStored`);
    // types without a query of their own (Note) are read back through node(id:)
    const selection = root === "node" ? `... on ${answer.__typename} { ${call.echoField} }` : call.echoField;
    const stored = (await adminOk(`query($id: ID!) { x: ${root}(id: $id) { ${selection} } }`, { id: answer.id })).x[call.echoField];
    expect(stored, label).toBe(answer[call.echoField]);
    expect(accepted, label).toContain(stored);
  }
}
