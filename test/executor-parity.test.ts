import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { parseExamples } from "../src/graphql/examples";
import { recursiveInputTypes } from "../src/graphql/jit-executor";
import { buildAppSchema } from "../src/schema";
import { buildContext } from "../src/graphql/server";
import { createHarness, type GqlResult, type Harness } from "./helpers/harness";
import { gid } from "./helpers/ids";

/**
 * The API executes operations with graphql-jit (src/graphql/jit-executor.ts);
 * graphql-js is the reference. Two fresh demo databases, one per executor,
 * get the same operations in the same order, and every answer (data and
 * errors, with codes, messages, paths and locations) must be the same.
 * Instants the server stamps (createdAt, changedAt, ...) differ between the
 * two runs and are compared as "<instant>".
 */
const examples = parseExamples(readFileSync(resolve(__dirname, "..", "examples.graphql"), "utf8"));
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function normalized(r: GqlResult): unknown {
  return JSON.parse(JSON.stringify(r), (key, v) => {
    if (typeof v === "string" && INSTANT.test(v)) return "<instant>";
    if (key === "requestId") return "<request id>";
    return v;
  });
}

/** Operations beyond the examples: language features and errors at every stage. */
const EXTRA: Array<{ name: string; as: string | null; query: string; variables?: Record<string, unknown>; operationName?: string }> = [
  {
    name: "fragments, inline fragments, aliases, __typename",
    as: "demo-giulia",
    query: `fragment P on BusinessPlan { id name status __typename }
      query { a: account(id: "${gid("Account", 1)}") { __typename name plans: businessPlans { ...P children { ...P ... on BusinessPlan { revenueTarget } } } }
              b: account(id: "${gid("Account", 1)}") { id } }`,
  },
  {
    name: "@skip and @include with variables",
    as: "demo-giulia",
    query: `query Q($yes: Boolean!, $no: Boolean!) { account(id: "${gid("Account", 1)}") { name @include(if: $yes) id @skip(if: $yes)
      contacts @include(if: $no) { id } businessPlans { name @skip(if: $no) } } }`,
    variables: { yes: true, no: false },
  },
  {
    name: "lists, connections, rollups and progress",
    as: "demo-giulia",
    query: `{ businessPlans(first: 5) { edges { cursor node { id rollup { wonRevenue attainment } objectives { id progress { percentComplete } } } }
      pageInfo { hasNextPage endCursor } } }`,
  },
  {
    name: "node and nodes: an interface, resolved to each object's type, with inline fragments",
    as: "demo-giulia",
    query: `query N($ids: [ID!]!) { node(id: "${gid("Account", 1)}") { __typename id ... on Account { name } }
      nodes(ids: $ids) { __typename id ... on BusinessPlan { name rollup { wonRevenue } } ... on User { name } ... on Period { name } } }`,
    variables: { ids: [gid("BusinessPlan", 1), gid("User", 1), gid("Period", 6), gid("Account", 999999), "nope"] },
  },
  { name: "aliases named like Object.prototype members", as: "demo-giulia", query: `{ me { __proto__: id constructor: name toString: email } valueOf: me { id } }` },
  { name: "introspection", as: "demo-giulia", query: `{ __schema { queryType { name } types { name kind } } __type(name: "BusinessPlan") { fields { name } } }` },
  { name: "a domain error in a nested field keeps its code and path", as: "demo-giulia", query: `{ me { id } businessPlan(id: "999999") { id } }` },
  { name: "NOT_FOUND from a mutation", as: "demo-giulia", query: `mutation { updateBusinessPlan(id: "999999", input: { name: "x" }) { id } }` },
  { name: "FORBIDDEN from a mutation", as: "demo-alan", query: `mutation { updateBusinessPlan(id: "${gid("BusinessPlan", 1)}", input: { name: "x" }) { id } }` },
  {
    name: "argument validation (class-validator)",
    as: "demo-giulia",
    query: `mutation M($input: CreateAccountInput!) { createAccount(input: $input) { id } }`,
    variables: { input: { name: "" } },
  },
  {
    name: "a variable of the wrong type",
    as: "demo-giulia",
    query: `query Q($id: ID!) { account(id: $id) { id } }`,
    variables: { id: { nested: true } },
  },
  { name: "a missing required variable", as: "demo-giulia", query: `query Q($id: ID!) { account(id: $id) { id } }` },
  {
    name: "a bad scalar in a variable (Decimal)",
    as: "demo-giulia",
    query: `mutation M($input: UpdateBusinessPlanInput!) { updateBusinessPlan(id: "${gid("BusinessPlan", 1)}", input: $input) { id } }`,
    variables: { input: { revenueTarget: "12.345" } },
  },
  { name: "several operations, one chosen by name", as: "demo-giulia", query: `query A { me { id } } query B { me { name } }`, operationName: "B" },
  { name: "an unknown operation name", as: "demo-giulia", query: `query A { me { id } }`, operationName: "Nope" },
  { name: "no token", as: null, query: `{ me { id } }` },
  {
    name: "a recursive input type as a literal (compiled; as a variable it runs on graphql-js)",
    as: "demo-giulia",
    query: `mutation { createBusinessPlanTree(input: { name: "Lit", accountId: "${gid("Account", 2)}", periodId: "${gid("Period", 11)}", children: [{ name: "Lit Q1", accountId: "${gid("Account", 2)}", periodId: "${gid("Period", 12)}", children: [] }] }) { name children { name period { id } } } }`,
  },
];

describe("graphql-jit executes like graphql-js", () => {
  let jit: Harness;
  let ref: Harness;
  beforeAll(async () => {
    jit = await createHarness({ seed: true });
    ref = await createHarness({ seed: true, env: { GRAPHQL_EXECUTOR: "graphql-js" } });
  });
  afterAll(async () => {
    await jit?.close();
    await ref?.close();
  });

  it("jit is the default and the reference really is graphql-js", () => {
    expect(loadConfig({}).executor).toBe("jit");
    expect(jit.config.executor).toBe("jit");
    expect(ref.config.executor).toBe("graphql-js");
    expect(() => loadConfig({ GRAPHQL_EXECUTOR: "fast" })).toThrow(/GRAPHQL_EXECUTOR/);
  });

  it("the extra operations: same answers, errors included", async () => {
    for (const op of EXTRA) {
      const run = (h: Harness) => h.gqlRequest(op.as, { query: op.query, variables: op.variables, operationName: op.operationName });
      const [a, b] = [await run(jit), await run(ref)];
      expect(normalized(a), op.name).toEqual(normalized(b));
    }
    // the comparison sees errors (it is not comparing two empty answers)
    const codes = (await jit.gqlRequest("demo-alan", { query: EXTRA.find((x) => x.name === "FORBIDDEN from a mutation")!.query })).errors?.map((e) => e.extensions?.code);
    expect(codes).toEqual(["FORBIDDEN"]);
  });

  it("every operation of examples.graphql, the whole planning cycle in file order: same answers", async () => {
    let compared = 0;
    for (const e of examples) {
      const [a, b] = [await jit.gql(e.as, e.source, e.variables), await ref.gql(e.as, e.source, e.variables)];
      expect(a.errors ?? [], e.name).toEqual([]);
      expect(normalized(a), e.name).toEqual(normalized(b));
      compared++;
    }
    expect(compared).toBe(examples.length);
  });

  it("operations with a variable of a recursive input type are never compiled (graphql-jit 0.8.9 would never finish them)", () => {
    expect([...recursiveInputTypes(buildAppSchema())]).toEqual(["CreateBusinessPlanTreeInput"]);
  });

  it("a difference would be seen (the comparison can fail)", async () => {
    const q = `{ account(id: "${gid("Account", 1)}") { name } }`;
    const a = await jit.gql("demo-giulia", q);
    await ref.ok(ref.admin.token, `mutation { updateAccount(id: "${gid("Account", 1)}", input: { name: "Renamed" }) { id } }`);
    const b = await ref.gql("demo-giulia", q);
    expect(normalized(a)).not.toEqual(normalized(b));
  });
});

/**
 * graphql-jit 0.8.9 turns its own markers in literal arguments back into
 * JavaScript; a client string carrying one would run as code on the server
 * (see mustNotCompile in src/graphql/jit-executor.ts). Such documents must run
 * on graphql-js, for every caller, with or without a token.
 */
describe("client strings never become code", () => {
  let h: Harness;
  const flag = "__jitProbe";
  const g = globalThis as Record<string, unknown>;
  const MARKER = "__MAGIC_DATE__33a9e76d_02e0_4128_8e92_3530ad3da74d";
  const payload = (n: number, marker = MARKER) => `${marker}0), x: (globalThis.${flag}=${n}), y: (0`;
  beforeAll(async () => {
    h = await createHarness({ seed: true });
  });
  afterAll(async () => {
    delete g[flag];
    await h?.close();
  });

  it("graphql-jit alone would run it (so the guard below is what stops it)", async () => {
    delete g[flag];
    const compiled = compileQuery(buildAppSchema(), parse(`{ __type(name: "${payload(1)}") { name } }`));
    expect(isCompiledQuery(compiled)).toBe(true);
    if (isCompiledQuery(compiled)) await compiled.query(undefined, {}, {});
    expect(g[flag]).toBe(1);
    delete g[flag];
  });

  it("through the API: an account manager's argument, an escaped marker, an anonymous introspection", async () => {
    delete g[flag];
    const asUser = await h.gql("demo-giulia", `{ account(id: "${payload(2)}") { id } }`);
    expect(asUser).toEqual({ data: { account: null } });
    // the same marker written with GraphQL string escapes
    const escaped = payload(3, MARKER.replace(/_/g, "\\u005F"));
    expect(escaped).not.toContain("__MAGIC_");
    expect((await h.gql("demo-giulia", `{ account(id: "${escaped}") { id } }`)).errors ?? []).toEqual([]);
    // no token: anonymous introspection (on outside production)
    const query = `{ __type(name: "${payload(4)}") { name } }`;
    const contextValue = await buildContext(h.deps, undefined, undefined, { query });
    const res = await h.apollo.executeOperation({ query }, { contextValue });
    expect(res.body.kind === "single" && res.body.singleResult).toEqual({ data: { __type: null } });
    expect(g[flag]).toBeUndefined();
  });
});
