/**
 * Bounded answers (issue 19): every list field has a size the estimate knows
 * (its page, or its declared size in LIST_SIZES), the estimate multiplies
 * through every level, unpaginated relations included, and an execution
 * budget of list items per request backs it up. The amplification query
 * account > opportunities > plans > opportunities > plans > opportunities
 * is refused before anything runs, whatever the data; what the estimate
 * admits but the data makes bigger is stopped by the budget.
 */
import { getNullableType, isListType, isObjectType, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { buildAppSchema } from "../src/schema";
import { QUERY_LIMITS } from "../src/common/limits";
import { estimateOperation, LIST_SIZES } from "../src/graphql/limits";
import { Q2, Q3 } from "../bench/queries";
import { gid } from "./helpers/ids";
import { postGql } from "./helpers/security-kit";
import { startTestServer, type TestServer } from "./helpers/server";

const AMPLIFY = `query Amplify($id: ID!) { account(id: $id) { opportunities { plans { opportunities { plans { opportunities { id name revenue } } } } } } }`;
/** Three list levels: the estimate admits it (25,602 fields); the data decides how big it is. */
const THREE_LEVELS = `query ThreeLevels($id: ID!) { account(id: $id) { opportunities { plans { opportunities { id } } } } }`;

describe("the estimate", () => {
  it("knows a size for every list field of the schema: a page (first) or a declared size", () => {
    const missing: string[] = [];
    for (const type of Object.values(buildAppSchema().getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isListType(getNullableType(field.type))) continue;
        if (field.args.some((a) => a.name === "first")) continue;
        if (LIST_SIZES[`${type.name}.${field.name}`] === undefined) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("the bench's Q2 and Q3 are inside the limit; the amplification query is far beyond it", () => {
    const cost = (q: string, v: Record<string, unknown>) => estimateOperation(buildAppSchema(), parse(q), v).cost;
    expect(cost(Q2, { id: gid("Account", 1), period: gid("Period", 1) })).toBe(119_556);
    expect(cost(Q3, { period: gid("Period", 1) })).toBe(2_391_141);
    expect(cost(AMPLIFY, { id: gid("Account", 1) })).toBe(18_900_602);
    expect(cost(THREE_LEVELS, { id: gid("Account", 1) })).toBe(25_602);
    expect(cost(Q3, { period: gid("Period", 1) })).toBeLessThan(QUERY_LIMITS.maxComplexity);
    expect(cost(AMPLIFY, { id: gid("Account", 1) })).toBeGreaterThan(QUERY_LIMITS.maxComplexity);
  });

  it("accounts(last:) counts like first, nodes(ids:) counts the ids it is given (from variables too), ancestors its declared size", () => {
    const est = (q: string, v: Record<string, unknown> = {}) => estimateOperation(buildAppSchema(), parse(q), v);
    const page = (arg: string) => est(`{ accounts(${arg}) { edges { node { id name } } } }`).cost;
    expect(page("last: 7")).toBe(page("first: 7"));
    expect(page("last: 7")).toBeLessThan(page("last: 8"));
    expect(page("last: 500")).toBe(page("first: 500"));
    const byLast = est(`query($n: Int) { accounts(last: $n) { edges { node { id name } } } }`, { n: 300 });
    expect(byLast.cost).toBe(page("first: 300"));
    expect([...byLast.lists.keys()]).toContain("Query.accounts(last: 300)");
    const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on BusinessPlan { name } } }`;
    const ids = (n: number) => Array.from({ length: n }, (_, i) => gid("BusinessPlan", i + 1));
    // 1 + n x (id + name)
    expect(est(NODES, { ids: ids(1) }).cost).toBe(3);
    expect(est(NODES, { ids: ids(40) }).cost).toBe(81);
    expect(est(NODES, { ids: ids(100) }).cost).toBe(201);
    expect(LIST_SIZES["Query.nodes"]).toBe(100);
    // a plan's ancestors multiply their selection by 10
    expect(est(`{ businessPlan(id: "${gid("BusinessPlan", 1)}") { ancestors { id name } } }`).cost).toBe(est(`{ businessPlan(id: "${gid("BusinessPlan", 1)}") { id } }`).cost + 20);
  });
});

describe("over HTTP, with an ANALYST token, at growing N", () => {
  let s: TestServer;
  let analyst: string;
  let admin: string;
  let accountId: string;
  let plans: string[];
  let count = 0;

  /** Grows the account to n opportunities, each on both plans. */
  async function growTo(n: number) {
    for (; count < n; count++) {
      const r = await postGql(s.url, admin, `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }`, {
        i: { name: `Opp ${count}`, accountId, revenue: "100.00", planIds: plans },
      });
      expect(r.json.errors, JSON.stringify(r.json.errors)).toBeUndefined();
    }
  }

  beforeAll(async () => {
    // a budget of 1,000 list items, so that the backstop shows at small N
    s = await startTestServer({ seed: false, env: { QUERY_MAX_LIST_ITEMS: "1000" } });
    const services = s.app.deps.services;
    admin = (await services.users.createUserUnchecked({ name: "Admin", email: "admin@budget.example", role: Role.ADMIN })).token;
    analyst = (await services.users.createUserUnchecked({ name: "Analyst", email: "analyst@budget.example", role: Role.ANALYST })).token;
    const ok = async (q: string, v: Record<string, unknown>) => {
      const r = await postGql(s.url, admin, q, v);
      expect(r.json.errors, JSON.stringify(r.json.errors)).toBeUndefined();
      return r.json.data;
    };
    accountId = (await ok(`mutation { createAccount(input: { name: "Amplified" }) { id } }`, {})).createAccount.id;
    const period = (await ok(`mutation { createPeriod(input: { name: "FY2030", type: YEAR, startDate: "2030-01-01", endDate: "2030-12-31" }) { id } }`, {})).createPeriod.id;
    plans = [];
    for (const name of ["Plan A", "Plan B"]) {
      plans.push((await ok(`mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, { i: { name, accountId, periodId: period } })).createBusinessPlan.id);
    }
  });
  afterAll(async () => {
    await s?.stop();
  });

  for (const n of [10, 40, 120]) {
    it(`N = ${n}: the amplification query is refused before any resolver runs (400, QUERY_TOO_LARGE, no SQL statement)`, async () => {
      await growTo(n);
      const before = s.app.deps.db.statements;
      const r = await postGql(s.url, analyst, AMPLIFY, { id: accountId });
      // the token lookup is the only statement: nothing was loaded, nothing built, whatever N is
      expect(s.app.deps.db.statements - before).toBeLessThanOrEqual(1);
      expect(r.status).toBe(400);
      expect(r.json.errors).toHaveLength(1);
      expect(r.json.errors[0].extensions.code).toBe("QUERY_TOO_LARGE");
      expect(r.json.errors[0].message).toMatch(/^Query too large: the answer could have 18,900,602 fields, more than the limit of 5,000,000 \(the lists multiply: Account\.opportunities x100, BusinessPlan\.opportunities x50, Opportunity\.plans x5\)\. Paginate: give the lists a smaller first/);
      expect(r.json.data ?? null).toBeNull();
      expect(r.text.length).toBeLessThan(1000);
    });
  }

  it("what the estimate admits runs while the data is small, and the list-item budget stops it once the data is not", async () => {
    // N = 120 by now: 120 + 240 + 240 x 120 = 29,160 items; back at N = 10 it was 10 + 20 + 20 x 10 = 230.
    const r = await postGql(s.url, analyst, THREE_LEVELS, { id: accountId });
    expect(r.status).toBe(400);
    expect(r.json.errors).toHaveLength(1);
    expect(r.json.errors[0].extensions.code).toBe("QUERY_TOO_LARGE");
    expect(r.json.errors[0].message).toMatch(/^Query too large: the answer reached more than 1,000 list items \(at BusinessPlan\.opportunities\)\. Paginate/);
    expect(r.json.data ?? null).toBeNull();
    // the same shape one level less stays under the budget: 120 + 240 items
    const small = await postGql(s.url, analyst, `query($id: ID!) { account(id: $id) { opportunities { plans { id } } } }`, { id: accountId });
    expect(small.status).toBe(200);
    expect(small.json.errors).toBeUndefined();
    expect(small.json.data.account.opportunities).toHaveLength(120);
  });

  it("the same shape with first on its lists is admitted (estimate 1,667) and answers at most that many", async () => {
    const paged = `query Paged($id: ID!) { account(id: $id) { opportunities(first: 5) { plans(first: 2) { opportunities(first: 5) { plans(first: 2) { opportunities(first: 5) { id name revenue } } } } } } }`;
    expect(estimateOperation(buildAppSchema(), parse(paged), { id: gid("Account", 1) }).cost).toBe(1_667);
    const r = await postGql(s.url, analyst, paged, { id: accountId });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    const top = r.json.data.account.opportunities;
    expect(top).toHaveLength(5);
    let leaves = 0;
    for (const o of top) {
      expect(o.plans).toHaveLength(2);
      for (const p of o.plans) {
        expect(p.opportunities).toHaveLength(5);
        for (const o2 of p.opportunities) for (const p2 of o2.plans) leaves += p2.opportunities.length;
      }
    }
    expect(leaves).toBe(5 * 2 * 5 * 2 * 5);
  });

  it("a nested first is validated like a page size: negative or above 500 is BAD_USER_INPUT", async () => {
    for (const first of [-1, 501]) {
      const r = await postGql(s.url, analyst, `query($id: ID!, $f: Int) { account(id: $id) { opportunities(first: $f) { id } } }`, { id: accountId, f: first });
      expect(r.json.errors).toHaveLength(1);
      expect(r.json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
      expect(r.json.errors[0].message).toMatch(/^first: must be/);
    }
    const zero = await postGql(s.url, analyst, `query($id: ID!) { account(id: $id) { opportunities(first: 0) { id } activities(first: 0) { id } } }`, { id: accountId });
    expect(zero.json.data.account).toEqual({ opportunities: [], activities: [] });
  });

  it("the budget is per request: the next request starts from zero", async () => {
    const r = await postGql(s.url, analyst, `query($id: ID!) { account(id: $id) { opportunities { id } } }`, { id: accountId });
    expect(r.status).toBe(200);
    expect(r.json.data.account.opportunities).toHaveLength(120);
  });

  it("a mutation is not cut short after its write: its whole answer comes back (the estimate still applies before it runs)", async () => {
    const m = `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id account { opportunities { plans { opportunities { id } } } } } }`;
    const r = await postGql(s.url, admin, m, { i: { name: "Opp 121", accountId, revenue: "1.00", planIds: plans } });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    // 121 + 242 + 242 x 121 items: far beyond this server's 1,000
    const opps = r.json.data.createOpportunity.account.opportunities;
    expect(opps).toHaveLength(121);
    expect(opps[0].plans[0].opportunities).toHaveLength(121);
  });
});
