/**
 * Query limits (src/graphql/limits.ts, docs/security.md, "Query limits"): the
 * account view passes, one step beyond each limit is refused, the numbers the
 * docs/security.md gives for the account view are the ones the libraries compute, and
 * production hides introspection, suggestions and stack traces.
 */
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { type GraphQLError, Lexer, parse, Source, TokenKind, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppSchema } from "../src/schema";
import { QUERY_LIMITS } from "../src/common/limits";
import { estimateOperation } from "../src/graphql/limits";
import { createHarness, expectCode, type GqlResult, type Harness } from "./helpers/harness";
import { ACCOUNT_VIEW, ACCOUNT_VIEW_WIDE_VAR, accountViewWide, nestedChildren } from "./helpers/security-kit";
import { gid } from "./helpers/ids";

let h: Harness;
let prod: Harness;
beforeAll(async () => {
  h = await createHarness({ seed: true });
  prod = await createHarness({ seed: true, env: { NODE_ENV: "production" } });
});
afterAll(async () => {
  await h?.close();
  await prod?.close();
});

const ok = (r: GqlResult) => expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
/** Refused before execution: one error, BAD_USER_INPUT (armor, complexity) or a parse/validation code, no data. */
function refused(r: GqlResult, code: string, message: RegExp) {
  expectCode(r, code);
  const match = (r.errors ?? []).find((e) => e.extensions?.code === code && message.test(e.message));
  expect(match, `no ${code} error matching ${message}: ${JSON.stringify(r.errors)}`).toBeDefined();
  expect(r.data ?? null).toBeNull();
}

const tokens = (q: string) => {
  const lexer = new Lexer(new Source(q));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
};
function armorMeasure(q: string): { depth: number; cost: number } {
  const doc = parse(q);
  let depth = -1;
  let cost = -1;
  const grab = (set: (n: number) => void) => [(_ctx: unknown, e: GraphQLError) => set(Number(/found (\d+(?:\.\d+)?)/.exec(e.message)![1]))];
  validate(buildAppSchema(), doc, [
    maxDepthRule({ n: 0, propagateOnRejection: false, onReject: grab((n) => (depth = n)) }),
    costLimitRule({ maxCost: 0, propagateOnRejection: false, onReject: grab((n) => (cost = n)) }),
  ]);
  return { depth, cost };
}
const complexity = (q: string, variables: Record<string, unknown>) => estimateOperation(buildAppSchema(), parse(q), variables).cost;

describe("the account view is admitted", () => {
  it("single account, and the wide form up to the page the estimate admits (41 accounts)", async () => {
    const single = await h.gql(h.admin.token, ACCOUNT_VIEW, { id: gid("Account", 1), period: gid("Period", 6) });
    ok(single);
    // the demo data: Globex has two FY2026 plans, the annual one with six children; two accounts in all
    expect(single.data.account.businessPlans).toHaveLength(2);
    expect(single.data.account.businessPlans[0].children).toHaveLength(6);
    const total = (await h.ok(h.admin.token, `{ accounts { totalCount } }`)).accounts.totalCount;
    expect(total).toBe(2);
    for (const first of [1, 20, 41]) {
      const lit = await h.gql(h.admin.token, accountViewWide(first), { period: gid("Period", 6) });
      ok(lit);
      expect(lit.data.accounts.edges.length).toBe(Math.min(first, total));
      ok(await h.gql(h.admin.token, ACCOUNT_VIEW_WIDE_VAR, { period: gid("Period", 6), first }));
    }
  });

  it("its measured depth, tokens, armor cost and estimate are the numbers in docs/security.md, inside the limits", () => {
    expect(armorMeasure(ACCOUNT_VIEW)).toEqual({ depth: 6, cost: 226.71875 });
    expect(armorMeasure(accountViewWide(20)).depth).toBe(8);
    expect(tokens(ACCOUNT_VIEW)).toBe(122);
    expect(tokens(accountViewWide(100))).toBe(122);
    // every list multiplies by its declared size (LIST_SIZES) or its page
    expect(complexity(ACCOUNT_VIEW, { id: gid("Account", 1) })).toBe(119_556);
    expect(complexity(ACCOUNT_VIEW_WIDE_VAR, { first: 20 })).toBe(2_391_141);
    expect(complexity(accountViewWide(20), {})).toBe(2_391_141);
    // headroom: at least 2 levels, 15x the tokens, 2x the estimate of 20 accounts' trees (the bench's Q3)
    expect(QUERY_LIMITS.maxDepth - 8).toBeGreaterThanOrEqual(2);
    expect(QUERY_LIMITS.maxTokens / 122).toBeGreaterThan(15);
    expect(QUERY_LIMITS.maxComplexity / 2_391_141).toBeGreaterThan(2);
  });
});

describe("each limit: at the limit admitted, one beyond refused", () => {
  it(`depth ${QUERY_LIMITS.maxDepth}; a 40-level children { children { ... } } query is refused`, async () => {
    // businessPlan (1) + n x children + id: depth n + 2. At the depth limit, 8 nested lists are far beyond the
    // estimate (10^8 plans): the admitted query at the limit follows single objects (parent) instead.
    expect(armorMeasure(nestedChildren(8)).depth).toBe(10);
    const nestedParents = (levels: number) => `query Up($id: ID!) { businessPlan(id: $id) { ${"parent { ".repeat(levels)}id${" }".repeat(levels)} } }`;
    expect(armorMeasure(nestedParents(8)).depth).toBe(10);
    ok(await h.gql(h.admin.token, nestedParents(QUERY_LIMITS.maxDepth - 2), { id: gid("BusinessPlan", 1) }));
    refused(await h.gql(h.admin.token, nestedParents(QUERY_LIMITS.maxDepth - 1), { id: gid("BusinessPlan", 1) }), "BAD_USER_INPUT", /depth limit of 10 exceeded, found 11/);
    refused(await h.gql(h.admin.token, nestedChildren(QUERY_LIMITS.maxDepth - 1), { id: gid("BusinessPlan", 1) }), "BAD_USER_INPUT", /depth limit of 10 exceeded, found 11/);
    // 40 levels break two limits: both are reported, and nothing runs
    const deep = await h.gql(h.admin.token, nestedChildren(40), { id: gid("BusinessPlan", 1) });
    expect(deep.data ?? null).toBeNull();
    expect(deep.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT", "BAD_USER_INPUT"]);
    expect(deep.errors?.map((e) => e.message).sort()).toEqual([
      expect.stringMatching(/^Syntax Error: Query Cost limit of 200000 exceeded, found \d/),
      "Syntax Error: Query depth limit of 10 exceeded, found 42.",
    ]);
  });

  it(`depth counts through fragments`, async () => {
    const q = `query($id: ID!) { businessPlan(id: $id) { ...A } } fragment A on BusinessPlan { children { ...B } } fragment B on BusinessPlan { children { children { children { children { children { children { children { children { children { id } } } } } } } } } }`;
    refused(await h.gql(h.admin.token, q, { id: gid("BusinessPlan", 1) }), "BAD_USER_INPUT", /depth limit/);
  });

  it(`aliases ${QUERY_LIMITS.maxAliases}`, async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    ok(await h.gql(h.admin.token, aliases(QUERY_LIMITS.maxAliases)));
    refused(await h.gql(h.admin.token, aliases(QUERY_LIMITS.maxAliases + 1)), "BAD_USER_INPUT", /Aliases limit of 15 exceeded, found 16/);
  });

  it(`directives ${QUERY_LIMITS.maxDirectives}`, async () => {
    const directives = (n: number) => `{ me { ${"id @include(if: true) ".repeat(n)} } }`;
    ok(await h.gql(h.admin.token, directives(QUERY_LIMITS.maxDirectives)));
    refused(await h.gql(h.admin.token, directives(QUERY_LIMITS.maxDirectives + 1)), "BAD_USER_INPUT", /Directives limit of 20 exceeded, found 21/);
  });

  it(`tokens ${QUERY_LIMITS.maxTokens}`, async () => {
    // n tokens without tripping another limit: k one-field fragments spread into me (9 tokens each) plus
    // up to 8 plain fields. (k x the same field in one selection set would trip graphql-js's own
    // OverlappingFieldsCanBeMerged budget first: "Validation aborted.")
    const doc = (n: number) => {
      const k = Math.floor((n - 6) / 9);
      const fields = ["id", "name", "email", "role", "__typename", "id", "name", "email", "role"].slice(0, n - 6 - 9 * k);
      const spreads = Array.from({ length: k }, (_, i) => `...F${i}`).join(" ");
      const frags = Array.from({ length: k }, (_, i) => `fragment F${i} on User { id }`).join(" ");
      return `query { me { ${fields.join(" ")} ${spreads} } } ${frags}`;
    };
    expect(tokens(doc(QUERY_LIMITS.maxTokens + 1))).toBe(QUERY_LIMITS.maxTokens + 1);
    expect(tokens(doc(QUERY_LIMITS.maxTokens))).toBe(QUERY_LIMITS.maxTokens);
    ok(await h.gql(h.admin.token, doc(QUERY_LIMITS.maxTokens)));
    refused(await h.gql(h.admin.token, doc(QUERY_LIMITS.maxTokens + 1)), "GRAPHQL_PARSE_FAILED", /more that 2000 tokens/);
  });

  it(`armor cost ${QUERY_LIMITS.armorMaxCost} counts a literal first`, async () => {
    // armor multiplies by a literal first: the largest page of plans it admits, and one more
    const plans = (n: number) => `{ businessPlans(first: ${n}) { edges { node { id name status rollup { wonRevenue pipelineRevenue } } } } }`;
    const perPlan = armorMeasure(plans(2)).cost - armorMeasure(plans(1)).cost;
    const max = Math.floor((QUERY_LIMITS.armorMaxCost - (armorMeasure(plans(1)).cost - perPlan)) / perPlan);
    expect(armorMeasure(plans(max)).cost).toBeLessThanOrEqual(QUERY_LIMITS.armorMaxCost);
    expect(armorMeasure(plans(max + 1)).cost).toBeGreaterThan(QUERY_LIMITS.armorMaxCost);
    refused(await h.gql(h.admin.token, plans(max + 1)), "BAD_USER_INPUT", /Cost limit of 200000 exceeded/);
    // with first as a variable armor sees 1 item; the estimate multiplies by the variable's page
    expect(complexity(`query($f: Int) { businessPlans(first: $f) { edges { node { id } } } }`, { f: 500 })).toBe(1501);
  });

  it(`the estimate (${QUERY_LIMITS.maxComplexity}) multiplies by first from variables: QUERY_TOO_LARGE naming the lists`, async () => {
    ok(await h.gql(h.admin.token, ACCOUNT_VIEW_WIDE_VAR, { period: gid("Period", 6), first: 41 }));
    const r = await h.gql(h.admin.token, ACCOUNT_VIEW_WIDE_VAR, { period: gid("Period", 6), first: 42 });
    refused(r, "QUERY_TOO_LARGE", /^Query too large: the answer could have 5,021,395 fields, more than the limit of 5,000,000/);
    expect(r.errors![0].message).toMatch(/Query\.accounts\(first: 42\) x42/);
    expect(r.errors![0].message).toMatch(/Paginate: give the lists a smaller first/);
    // nested pages multiply: 500 plans x 500 audit entries x their changes
    const nested = `query($a: Int, $b: Int) { businessPlans(first: $a) { edges { node { auditTrail(first: $b) { action changedBy { name } changes { field oldValue newValue } } } } } }`;
    ok(await h.gql(h.admin.token, nested, { a: 10, b: 10 }));
    refused(await h.gql(h.admin.token, nested, { a: 500, b: 500 }), "QUERY_TOO_LARGE", /Query too large: the answer could have [\d,]+ fields/);
    // an absent first costs the default page (50), an absurd one the largest page (500): the resolver refuses it with its own message
    expect(complexity(ACCOUNT_VIEW_WIDE_VAR, {})).toBe(5_977_851);
    expect(complexity(`query($f: Int) { accounts(first: $f) { edges { node { id } } } }`, { f: 2147483647 })).toBe(1501);
    const e = expectCode(await h.gql(h.admin.token, `query($f: Int) { accounts(first: $f) { totalCount } }`, { f: 2147483647 }), "BAD_USER_INPUT");
    expect(e.message).toBe("first: must be at most 500");
  });

  it("page caps hold in the resolvers whatever the cost: first beyond 500 or negative is BAD_USER_INPUT", async () => {
    for (const [q, v] of [
      [`query($f: Int) { accounts(first: $f) { totalCount } }`, { f: 501 }],
      [`query($f: Int) { businessPlans(first: $f) { totalCount } }`, { f: 501 }],
      [`query($f: Int) { businessPlan(id: "${gid("BusinessPlan", 1)}") { auditTrail(first: $f) { action } } }`, { f: 501 }],
      [`query($f: Int) { accounts(first: $f) { totalCount } }`, { f: -1 }],
    ] as const) {
      expectCode(await h.gql(h.admin.token, q, v), "BAD_USER_INPUT");
    }
  });

  it("fragment explosion is refused during validation, before anything runs", async () => {
    const frags = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ");
    // nothing ran: it costs the statements of a request refused in validation (authentication only), no more
    const s0 = h.statements();
    expectCode(await h.gql(h.admin.token, `{ me { noSuchField } }`), "GRAPHQL_VALIDATION_FAILED");
    const refusedCost = h.statements() - s0;
    const s1 = h.statements();
    const r = await h.gql(h.admin.token, `query { ...F0 } ${frags} fragment F30 on Query { me { id } }`);
    expectCode(r, "GRAPHQL_VALIDATION_FAILED");
    expect(h.statements() - s1).toBe(refusedCost);
  });

  it("a subscription over HTTP is a validation error pointing at the WebSocket, not an internal one", async () => {
    refused(await h.gql(h.admin.token, `subscription { planChanged(accountId: "x") { action } }`), "GRAPHQL_VALIDATION_FAILED", /Subscriptions run over WebSocket/);
    // a document that is invalid anyway gets exactly one error per problem, still no internal one
    const r = await h.gql(h.admin.token, `subscription { me { id } }`);
    expect(r.errors?.every((e) => e.extensions?.code === "GRAPHQL_VALIDATION_FAILED")).toBe(true);
  });
});

describe("production mode", () => {
  it("introspection is off (unless INTROSPECTION=true); __typename still works", async () => {
    expect(prod.config.isProduction).toBe(true);
    expect(prod.config.introspection).toBe(false);
    const r = await prod.gql(prod.admin.token, `{ __schema { types { name } } }`);
    expectCode(r, "GRAPHQL_VALIDATION_FAILED");
    expect(r.data ?? null).toBeNull();
    expectCode(await prod.gql(prod.admin.token, `{ __type(name: "BusinessPlan") { fields { name } } }`), "GRAPHQL_VALIDATION_FAILED");
    ok(await prod.gql(prod.admin.token, `{ __typename me { id } }`));
    // development/test keeps it
    ok(await h.gql(h.admin.token, `{ __schema { queryType { name } } }`));
  });

  it("INTROSPECTION=true turns it back on in production", async () => {
    const on = await createHarness({ env: { NODE_ENV: "production", INTROSPECTION: "true" } });
    try {
      ok(await on.gql(on.admin.token, `{ __schema { queryType { name } } }`));
    } finally {
      await on.close();
    }
  });

  it("no field, argument, type, enum or input-field suggestions", async () => {
    const cases: Array<[string, Record<string, unknown> | undefined]> = [
      [`{ me { nam } }`, undefined],
      [`{ acount(id: "1") { name } }`, undefined],
      [`{ accounts(serch: "x") { totalCount } }`, undefined],
      [`query($f: BusinessPlanFiltr) { businessPlans(filter: $f) { totalCount } }`, undefined],
      [`query($s: [PlanStatus!]) { businessPlans(filter: { status: $s }) { totalCount } }`, { s: ["DRAF"] }],
      [`query($f: BusinessPlanFilter) { businessPlans(filter: $f) { totalCount } }`, { f: { acountId: "1" } }],
      [`{ businessPlans(filter: { status: [SUBMITED] }) { totalCount } }`, undefined],
    ];
    for (const [q, v] of cases) {
      const dev = await h.gql(h.admin.token, q, v);
      const p = await prod.gql(prod.admin.token, q, v);
      // the same refusal in both modes; only production drops the suggestion
      expect(codesOf(p)).toEqual(codesOf(dev));
      expect(JSON.stringify(dev.errors)).toContain("Did you mean");
      expect(JSON.stringify(p.errors)).not.toContain("Did you mean");
      expect(JSON.stringify(p.errors)).not.toMatch(/nam\b.*"name"|"DRAFT"|"accountId"|"SUBMITTED"|"include"/);
    }
  });

  it("no stack traces in any error", async () => {
    const failing = [`{ me { nam } }`, `query { account(id: "1") { name } } query { me { id } }`, `{ accounts(first: -1) { totalCount } }`, `mutation { deleteBusinessPlan(id: "999999") }`];
    for (const q of failing) {
      const r = await prod.gql(prod.admin.token, q);
      expect(r.errors?.length).toBeGreaterThan(0);
      for (const e of r.errors ?? []) {
        expect(Object.keys(e.extensions ?? {})).not.toContain("stacktrace");
        expect(JSON.stringify(e)).not.toMatch(/\bat .+:\d+:\d+/);
      }
    }
  });
});

function codesOf(r: GqlResult): string[] {
  return (r.errors ?? []).map((e) => e.extensions?.code);
}
