/**
 * Compiled reads (PostgreSQL only): with `compiledReads` on (COMPILED_READS, the default), a query
 * over accounts, plans, objectives, opportunities, activities, contacts and users is answered by one
 * generated SQL statement that builds the JSON answer, with the resolvers as the fallback for what
 * the compiler does not support. The answers must be exactly the resolvers' (COMPILED_READS=false).
 *
 * Model-based, differential: two apps on ONE database (seeded once, then a world built through the
 * GraphQL API: plan trees three levels deep in every status, EXPIRED ones with frozen rollups that
 * differ from the live figures, objectives of every unit including global ones, opportunities and
 * activities of every status, follow-up chains, undated activities, ties in every ordering), one with
 * compiled reads on and one with them off. fast-check generates operations over the real schema
 * (random subsets of fields and relations, arguments from the world's ids and from unknown, foreign
 * and malformed ones, literals or variables, aliases, __typename, named and inline fragments,
 * @include/@skip, depth and cost around the limits); each goes to both servers as the same user, and
 * the HTTP status and the whole JSON body (data and errors) must be equal. A fixed set of operations
 * (the orderings, filters and figures most likely to differ) runs every time, whatever the seed.
 * Normalised, and only these: PlanRollup.asOf of a live rollup (the request's time; a frozen asOf, an
 * EXPIRED plan's, is compared), and the list named in the list budget's refusal (see `normalised`).
 *
 * Seed: COMPILED_READS_SEED (else a new one per run, printed); operations: COMPILED_READS_OPS (200);
 * COMPILED_READS_DEBUG=true prints every operation with its answer.
 * Before the flag exists both apps are the resolvers and the comparison holds trivially; the checks
 * marked "once compiledReads exists" switch on by themselves when src/config.ts has the flag.
 */
import fc from "fast-check";
import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  parse,
} from "graphql";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Q2, Q3 } from "../bench/queries";
import { QUERY_LIMITS } from "../src/common/limits";
import { CompiledReads } from "../src/graphql/compiled-reads";
import { loadConfig } from "../src/config";
import { estimateOperation } from "../src/graphql/limits";
import { buildAppSchema } from "../src/schema";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { createContact, createPeriod, createYear, driveTo, M, mkActivity, mkObjective, mkOpp, mkPlan } from "./helpers/factories";
import type { GqlResult, Harness } from "./helpers/harness";
import { gid } from "./helpers/ids";
import { literal } from "./helpers/schema-fuzz";
import { postGql, startTestServer, type TestServer } from "./helpers/server";

/** True once src/config.ts knows the flag: then the checks that it is effective run too. */
const compiledReadsExists = "compiledReads" in loadConfig({});

const OPS = Number(process.env.COMPILED_READS_OPS ?? 200);
const SEED = process.env.COMPILED_READS_SEED ? Number(process.env.COMPILED_READS_SEED) : Math.floor(Math.random() * 2 ** 31);
/** The list budget of both servers: low enough that some generated operations exhaust it (QUERY_TOO_LARGE at execution). */
const LIST_BUDGET = 400;
/**
 * Statements of the account view (bench Q2, and Q3's 20 accounts) with compiled reads, as built on main
 * (9bc885c): authentication, the root row, the generated JSON statement, the rollups (one recursive
 * statement for all plans) and the progress figures (one for all objectives). 2 (authentication + one
 * statement) once rollups and progress are inside the generated statement.
 */
const COMPILED_ACCOUNT_VIEW_STATEMENTS = 5;

const ADMIN = "demo-admin";

// ---------- the world ----------

/** The node types whose ids the world collects. */
type IdPool = "Account" | "BusinessPlan" | "Objective" | "Opportunity" | "Activity" | "Contact" | "User" | "Period";

interface Pools {
  Account: string[];
  BusinessPlan: string[];
  Objective: string[];
  Opportunity: string[];
  Activity: string[];
  Contact: string[];
  User: string[];
  Period: string[];
  /** Cursors each connection served (valid `after`/`before` values), by root field. */
  cursors: Record<string, string[]>;
  /** Substrings of names, in other cases, and LIKE metacharacters. */
  searches: string[];
  /** Tokens of the callers. */
  tokens: string[];
}

interface World {
  pools: Pools;
  /** The asOf of every frozen rollup (EXPIRED plans): compared, never normalised. */
  frozenAsOf: Set<string>;
  /** Named objects of the fixed operations: account "Acme" and its parts, "Beta_Corp", periods. */
  named: { acme: string; beta: string; year98: string; jan98: string; top18: string; q2_18: string; call: string; analyst: string };
}

/** A Harness-shaped client over HTTP for the factories (they only use ok, gql and admin.token). */
function httpHarness(url: string): Harness {
  const gql = async (token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult> => {
    const r = await postGql(url, token, query, variables);
    return { data: r.data, errors: r.errors };
  };
  const ok = async (token: string | null, query: string, variables?: Record<string, unknown>) => {
    const r = await gql(token, query, variables);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)} for ${query} ${JSON.stringify(variables)}`);
    return r.data;
  };
  return { gql, ok, admin: { token: ADMIN } } as unknown as Harness;
}

async function buildWorld(h: Harness): Promise<World> {
  const user = async (role: string, name: string) => {
    const d = await h.ok(ADMIN, `mutation($input: CreateUserInput!) { createUser(input: $input) { token user { id } } }`, {
      input: { role, name, email: `${name.toLowerCase().replace(/\W+/g, ".")}.${SEED}@cr.example` },
    });
    return { token: d.createUser.token as string, id: d.createUser.user.id as string };
  };
  const am1 = await user("ACCOUNT_MANAGER", "Ada Manager");
  const am2 = await user("ACCOUNT_MANAGER", "Bo Manager");
  const reviewer = await user("REVIEWER", "Cy Reviewer");
  const analyst = await user("ANALYST", "Di Analyst");

  // 2018 has ended (plans in it can expire; objectives due then are MISSED); 2098 has not
  const y18 = await createYear(h, 2018, { label: "CR2018" });
  const y98 = await createYear(h, 2098, { label: "CR2098" });
  const jan98 = (await createPeriod(h, { name: "Jan CR2098", type: "MONTH", startDate: "2098-01-01", endDate: "2098-01-31", parentId: y98.quarters[0].id })).id;
  const feb98 = (await createPeriod(h, { name: "Feb CR2098", type: "MONTH", startDate: "2098-02-01", endDate: "2098-02-28", parentId: y98.quarters[0].id })).id;

  const pools: Pools = {
    Account: [],
    BusinessPlan: [],
    Objective: [],
    Opportunity: [],
    Activity: [],
    Contact: [],
    User: [am1.id, am2.id, reviewer.id, analyst.id],
    Period: [y18.year.id, ...y18.quarters.map((q) => q.id), y98.year.id, ...y98.quarters.map((q) => q.id), jan98, feb98],
    cursors: {},
    searches: ["acme", "ACME", "Acme", "a", "_", "%", "Corp", "100%", "zzz", "", " labs"],
    tokens: [ADMIN, am1.token, am2.token, reviewer.token, analyst.token, "demo-giulia"],
  };
  const add = (k: IdPool, id: string) => {
    pools[k].push(id);
    return id;
  };
  const account = async (name: string, industry: string | null, owner: string | null) =>
    add("Account", (await h.ok(ADMIN, M.account, { input: { name, industry, ownerId: owner } })).createAccount.id);

  // global objectives (no account, no plan: ADMIN only), periods overlapping in every way
  const gCalls = add("Objective", await mkObjective(h, ADMIN, { name: "Global calls Q1", periodId: y98.quarters[0].id, unit: "CALLS", targetQuantity: 5 }));
  add("Objective", await mkObjective(h, ADMIN, { name: "Global revenue 2098", periodId: y98.year.id, targetRevenue: "100000.00", description: "company-wide" }));
  add("Objective", await mkObjective(h, ADMIN, { name: "Global meetings Feb", periodId: feb98, unit: "MEETINGS", targetQuantity: 1, dueDate: "2098-02-20" }));
  add("Objective", await mkObjective(h, ADMIN, { name: "Global 2018", periodId: y18.year.id, unit: "UNITS", targetQuantity: 3 }));

  const specs = [
    { name: "Acme", industry: "Manufacturing", owner: am1, planOwner: am1, target: "1000000.00" },
    { name: "acme labs", industry: null, owner: null, planOwner: am2, target: null },
    { name: "Beta_Corp", industry: "Retail", owner: am2, planOwner: am2, target: "250000.50" },
    { name: "Gamma 100%", industry: "", owner: am1, planOwner: am1, target: "0.00" },
  ];
  const expired: string[] = [];
  const named = { year98: y98.year.id, jan98, analyst: analyst.token } as World["named"];
  for (const [i, s] of specs.entries()) {
    const acc = await account(s.name, s.industry, s.owner?.id ?? null);
    if (i === 0) named.acme = acc;
    if (i === 2) named.beta = acc;
    const tok = s.planOwner.token;
    // contacts: equal last names (and first names), a lower-case twin, optional fields set and not
    const c1 = add("Contact", (await createContact(h, tok, { accountId: acc, firstName: "Ann", lastName: "Smith", jobTitle: "CFO", email: `ann${i}@cr.example` })).id);
    add("Contact", (await createContact(h, tok, { accountId: acc, firstName: "Bob", lastName: "Smith" })).id);
    add("Contact", (await createContact(h, tok, { accountId: acc, firstName: "Ann", lastName: "Smith", jobTitle: "CTO" })).id);
    add("Contact", (await createContact(h, tok, { accountId: acc, firstName: "ann", lastName: "smith" })).id);
    if (i % 2 === 0) add("Contact", (await createContact(h, tok, { accountId: acc, firstName: "Zoe", lastName: "Adams", jobTitle: "" })).id);

    // only an ADMIN may name another owner
    const plan = (input: Record<string, unknown>) => mkPlan(h, input.ownerId ? ADMIN : tok, { accountId: acc, ...input }).then((id) => add("BusinessPlan", id));
    // 2098: year > quarters > months, optional fields set on some levels only
    const top = await plan({
      name: `${s.name} FY2098`,
      periodId: y98.year.id,
      revenueTarget: s.target,
      businessUnit: i % 2 ? null : "North",
      territory: i === 2 ? "EMEA" : null,
      description: i === 0 ? "The big one" : null,
      type: ["ACCOUNT", "REGIONAL", "BRAND", "NATIONAL"][i],
    });
    const q: string[] = [];
    for (const [n, quarter] of y98.quarters.entries()) {
      q.push(await plan({ name: `${s.name} Q${n + 1}`, periodId: quarter.id, parentId: top, revenueTarget: n % 2 ? null : `${(n + 1) * 1000 + i}.25`, territory: n === 3 ? "South" : null }));
    }
    const jan = await plan({ name: `${s.name} Jan`, periodId: jan98, parentId: q[0], revenueTarget: "10.10", businessUnit: "Jan unit" });
    const feb = await plan({ name: `${s.name} Feb`, periodId: feb98, parentId: q[0] });
    const submitted = await plan({ name: `${s.name} submitted`, periodId: y98.year.id, revenueTarget: "500.00", ownerId: i === 0 ? am2.id : undefined });
    const approved = await plan({ name: `${s.name} approved`, periodId: y98.quarters[1].id, description: "locked" });
    // 2018: a tree that expires (its rollup is frozen), with one child left live
    const top18 = await plan({ name: `${s.name} FY2018`, periodId: y18.year.id, revenueTarget: "3000.00" });
    const q1_18 = await plan({ name: `${s.name} Q1 2018`, periodId: y18.quarters[0].id, parentId: top18, revenueTarget: "1000.00" });
    const q2_18 = await plan({ name: `${s.name} Q2 2018`, periodId: y18.quarters[1].id, parentId: top18 });

    // objectives of every unit, on plans, on the account; a child objective; dates and descriptions or not
    const obj = (input: Record<string, unknown>) => mkObjective(h, tok, input).then((id) => add("Objective", id));
    const calls = await obj({ name: `${s.name} calls`, planId: q[0], periodId: y98.quarters[0].id, unit: "CALLS", targetQuantity: 4, contactId: c1 });
    const meetings = await obj({ name: `${s.name} meetings`, planId: q[0], periodId: y98.quarters[0].id, unit: "MEETINGS", targetQuantity: 2 });
    const units = await obj({ name: `${s.name} units`, planId: jan, periodId: jan98, unit: "UNITS", targetQuantity: 10, parentId: calls, description: "by hand" });
    await h.ok(tok, M.updateObjective, { id: units, input: { actualQuantity: 3 + i } });
    const revenue = await obj({ name: `${s.name} revenue`, planId: top, periodId: y98.year.id, targetRevenue: `${2000 + i * 500}.00`, dueDate: "2098-06-30" });
    await obj({ name: `${s.name} no target`, planId: q[1], periodId: y98.quarters[1].id });
    const accObj = await obj({ name: `${s.name} account goal`, accountId: acc, periodId: y98.quarters[1].id, unit: "CALLS", targetQuantity: 1 });
    await obj({ name: `${s.name} account 2018`, accountId: acc, periodId: y18.year.id, targetRevenue: "10.00" });
    const old = await obj({ name: `${s.name} 2018 calls`, planId: q1_18, periodId: y18.quarters[0].id, unit: "CALLS", targetQuantity: 2 });

    // opportunities of every status, linked to plans (at creation and afterwards, twice in one tree) and objectives
    const opp = (input: Record<string, unknown>) => mkOpp(h, tok, { accountId: acc, ...input }).then((id) => add("Opportunity", id));
    const o1 = await opp({ name: `${s.name} open`, revenue: "1000.50", probability: 40, closeDate: "2098-02-15", planIds: [q[0]], objectiveId: revenue });
    await opp({ name: `${s.name} won`, revenue: `${2500 + i}.00`, status: "WON", planIds: [top, q[0]], objectiveId: revenue });
    await opp({ name: `${s.name} lost`, revenue: "99.99", status: "LOST", closeDate: "2098-03-01" });
    const o4 = await opp({ name: `${s.name} later`, revenue: "0.01", probability: 0 });
    await h.ok(tok, M.link, { o: o4, p: q[1] });
    await h.ok(tok, M.link, { o: o4, p: jan });
    await opp({ name: `${s.name} 2018 won`, revenue: "700.00", status: "WON", planIds: [top18, q1_18], objectiveId: old });
    const o6 = await opp({ name: `${s.name} 2018 open`, revenue: "300.00", probability: 75, planIds: [top18] });
    await opp({ name: `${s.name} 2018 child`, revenue: "40.00", status: "WON", planIds: [q2_18] });

    // activities of every type and status; equal due times; undated; follow-up chains; links or none
    const act = (input: Record<string, unknown>) => mkActivity(h, tok, { accountId: acc, ...input }).then((id) => add("Activity", id));
    const call = await act({ subject: `${s.name} call`, type: "CALL", dueAt: "2098-01-10T09:00:00.000Z", contactId: c1, planId: q[0], objectiveId: calls });
    await h.ok(tok, M.complete, { id: call, notes: "went well" });
    const meet = await act({ subject: `${s.name} meeting`, type: "MEETING", dueAt: "2098-01-10T09:00:00.000Z", planId: q[0], objectiveId: meetings, opportunityId: o1 });
    await h.ok(tok, M.complete, { id: meet });
    await act({ subject: `${s.name} email`, type: "EMAIL", dueAt: "2098-01-10T09:00:00.000Z", notes: "same time" });
    await act({ subject: `${s.name} task`, type: "TASK" });
    const cancelled = await act({ subject: `${s.name} cancelled`, type: "CALL", dueAt: "2098-05-01T00:00:00.000Z", objectiveId: calls });
    await h.ok(tok, M.updateActivity, { id: cancelled, input: { status: "CANCELLED" } });
    const followUp = async (of: string, input: Record<string, unknown>) =>
      add("Activity", (await h.ok(tok, M.followUpActivity, { id: of, input })).createFollowUpActivity.id as string);
    const f1 = await followUp(call, { subject: `${s.name} follow-up 1`, type: "EMAIL", dueAt: "2098-01-12T09:00:00.000Z" });
    const f2 = await followUp(f1, { subject: `${s.name} follow-up 2`, type: "CALL", dueAt: "2098-01-11T09:00:00.000Z" });
    await h.ok(tok, M.complete, { id: f2 });
    await followUp(call, { subject: `${s.name} follow-up undated`, type: "TASK" });
    add("Opportunity", (await h.ok(tok, M.followUpOpportunity, { id: meet, input: { name: `${s.name} from meeting`, revenue: "123.45", closeDate: "2098-04-01" } })).createFollowUpOpportunity.id);
    const g = await act({ subject: `${s.name} global call`, type: "CALL", dueAt: "2098-02-02T10:00:00.000Z", objectiveId: gCalls });
    if (i !== 1) await h.ok(tok, M.complete, { id: g });
    await act({ subject: `${s.name} account call`, type: "CALL", objectiveId: accObj, dueAt: "2098-04-04T10:00:00.000Z" });
    if (i === 0) Object.assign(named, { top18, q2_18, call });
    const call18 = await act({ subject: `${s.name} 2018 call`, type: "CALL", dueAt: "2018-02-01T10:00:00.000Z", planId: q1_18, objectiveId: old });
    await h.ok(tok, M.complete, { id: call18 });

    // statuses last (locked plans refuse edits): SUBMITTED, FINAL_APPROVED, EXPIRED children and parent
    await driveTo(h, submitted, "SUBMITTED");
    await driveTo(h, approved, "FINAL_APPROVED");
    if (i !== 3) {
      await driveTo(h, q1_18, "EXPIRED");
      await driveTo(h, top18, "EXPIRED");
      expired.push(top18, q1_18);
      // after the freeze the live figures move on: the frozen rollup must not follow
      await h.ok(tok, M.updateOpportunity, { id: o6, input: { status: "WON", revenue: "333.00" } });
      const rollups = await h.ok(tok, `query($a: ID!, $b: ID!) { a: businessPlan(id: $a) { rollup { wonRevenue } } b: businessPlan(id: $b) { rollup { wonRevenue } } }`, { a: top18, b: q2_18 });
      expect([rollups.a.rollup.wonRevenue, rollups.b.rollup.wonRevenue]).toEqual(["740.00", "40.00"]); // live: 1073.00 for top18
    }
  }
  await account("Empty Co", null, null);

  // cursors of both connections, and every frozen rollup's asOf (demo data included)
  const page = await h.ok(ADMIN, `{ accounts(first: 500) { edges { cursor node { id } } } businessPlans(first: 20) { edges { cursor } } }`);
  pools.cursors.accounts = page.accounts.edges.filter((_: unknown, n: number) => n % 3 === 0).map((e: { cursor: string }) => e.cursor);
  pools.cursors.businessPlans = page.businessPlans.edges.slice(0, 4).map((e: { cursor: string }) => e.cursor);
  for (const e of page.accounts.edges.slice(0, 2)) pools.Account.push(e.node.id); // demo accounts too
  const frozen = await h.ok(ADMIN, `{ businessPlans(first: 500, filter: { status: [EXPIRED] }) { edges { node { id rollup { asOf } } } } }`);
  const frozenAsOf = new Set<string>(frozen.businessPlans.edges.map((e: { node: { rollup: { asOf: string } } }) => e.node.rollup.asOf));
  expect(frozen.businessPlans.edges.length).toBeGreaterThanOrEqual(expired.length);
  return { pools, frozenAsOf, named };
}

// ---------- the operation generator ----------

type Gen = fc.GeneratorValue;
/** An integer in [min, max], uniformly (fast-check's integers lean to the bounds, which would make every "3%" far likelier). */
const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min, max }));
const int = (g: Gen, min: number, max: number) => g(uniform, min, max);
const chance = (g: Gen, percent: number) => int(g, 0, 99) < percent;
const pick = <T>(g: Gen, items: readonly T[]): T => items[int(g, 0, items.length - 1)];

/** The types compiled reads answer (and what they lead to); relations to other types are followed rarely. */
const CORE = new Set(["Account", "BusinessPlan", "Objective", "Opportunity", "Activity", "Contact", "User", "PlanRollup", "ObjectiveProgress", "Period"]);
/** Root fields the generator starts from, with weights (account(id:) and accounts(...) most of the time). */
const ROOTS: Array<[string, number]> = [
  ["account", 40],
  ["accounts", 25],
  ["businessPlan", 6],
  ["businessPlans", 5],
  ["objective", 4],
  ["globalObjectives", 3],
  ["activity", 3],
  ["activities", 3],
  ["opportunity", 3],
  ["opportunities", 3],
  ["contact", 2],
  ["me", 1],
  ["node", 2],
];
const ID_ARG_TYPE: Record<string, IdPool> = {
  accountId: "Account",
  periodId: "Period",
  ownerId: "User",
  planId: "BusinessPlan",
  objectiveId: "Objective",
};
const NODE_POOLS: readonly IdPool[] = ["Account", "BusinessPlan", "Objective", "Activity", "User", "Period", "Contact", "Opportunity"];
const MALFORMED_IDS = ["abc", "", "1", "QWNjb3VudDox=", Buffer.from("Account:0").toString("base64url"), Buffer.from("Nope:1").toString("base64url")];
const FIRSTS = [0, 1, 1, 2, 2, 3, 3, 5, 10, 500];
const DATETIMES = ["2098-01-10T09:00:00.000Z", "2098-01-01T00:00:00Z", "2018-01-01T00:00:00Z", "2098-03-01T00:00:00+02:00"];
const DATES = ["2098-02-15", "2098-01-01", "2098-12-31", "2018-06-30"];

interface Scope {
  keys: Map<string, { sig: string; child: Scope }>;
}
const newScope = (): Scope => ({ keys: new Map() });

interface Op {
  query: string;
  variables: Record<string, unknown>;
  token: string | null;
  /** Response keys under which PlanRollup.asOf appears. */
  asOfKeys: Set<string>;
  /** The root fields asked for. */
  roots: string[];
}

interface Ctx {
  g: Gen;
  schema: GraphQLSchema;
  pools: Pools;
  /** This operation may still get an argument value the server refuses (BAD_USER_INPUT); one at most (see `refused`). */
  wild: boolean;
  defs: string[];
  variables: Record<string, unknown>;
  fragments: string[];
  aliases: number;
  directives: number;
  /**
   * This operation may use @skip/@include (a third of them): compiled reads leave every operation
   * with a directive to the executor, so most operations have none, or few would be compiled.
   */
  directivesOn: boolean;
  /** Fields written so far; relations stop at maxFields (the parser allows 2,000 tokens). */
  fields: number;
  maxFields: number;
  maxDepth: number;
  /** Percent chance that a relation to a core type is selected. */
  relationP: number;
  asOfKeys: Set<string>;
}

/** An id for an argument that takes ids of `type`: mostly the world's, sometimes unknown, foreign or malformed (null or nothing, never an error). */
function idFor(c: Ctx, type: IdPool | null, ownPercent = 72): string {
  const r = int(c.g, 0, 99);
  const own = type ? (c.pools[type] as string[]) : [];
  if (type && r < ownPercent && own.length) return pick(c.g, own);
  if (r < ownPercent + (100 - ownPercent) / 3) return gid((type ?? "Account") as "Account", 999_999);
  if (r < ownPercent + ((100 - ownPercent) * 2) / 3) return pick(c.g, c.pools[pick(c.g, NODE_POOLS)]);
  return pick(c.g, MALFORMED_IDS);
}

/**
 * A value for an argument or input field of `field`, by its name and type: the world's ids, small pages,
 * enum subsets (empty, with duplicates), cursors the same connection served; undefined: leave it out.
 */
/**
 * One refused value per operation at most: two refused arguments in different places of the tree
 * each null the same non-null ancestor, and which error arrives first (the one reported) depends
 * on the order in which the loaders resolve, for the resolvers alone too (seen with seed 1983980291).
 */
function refused<T>(c: Ctx, value: T): T {
  c.wild = false;
  return value;
}

function valueFor(c: Ctx, field: string, name: string, type: GraphQLInputType, idType: IdPool | null): unknown {
  const g = c.g;
  const inner = (isNonNullType(type) ? type.ofType : type) as GraphQLInputType;
  if (isListType(inner)) {
    const item = getNamedType(inner);
    if (isEnumType(item)) {
      const values = item.getValues().map((v) => v.name);
      if (c.wild && chance(g, 10)) return refused(c, Array.from({ length: 11 }, () => pick(g, values))); // over the filter limit
      return Array.from({ length: int(g, 0, values.length) }, () => pick(g, values)); // duplicates allowed
    }
    if (name === "ids") return Array.from({ length: int(g, 0, 4) }, () => idFor(c, pick(g, NODE_POOLS)));
    return [];
  }
  const named = inner as GraphQLNamedType;
  if (isEnumType(named)) return pick(g, named.getValues().map((v) => v.name));
  if (isInputObjectType(named)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) {
      if (!chance(g, 30)) continue;
      const v = valueFor(c, field, f.name, f.type, ID_ARG_TYPE[f.name] ?? null);
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }
  switch (named.name) {
    case "ID":
      // a root field's id (account(id:), ...) names one of the world's objects most of the time
      return idFor(c, idType, field !== "node" && name === "id" ? 88 : 72);
    case "Int":
      if (c.wild && chance(g, 15)) return refused(c, pick(g, [-1, 501]));
      return pick(g, FIRSTS);
    case "Boolean":
      return g(fc.boolean);
    case "String": {
      if (name !== "after" && name !== "before") return pick(g, c.pools.searches);
      const served = c.pools.cursors[field] ?? [];
      if (c.wild && chance(g, 30)) return refused(c, pick(g, ["not-a-cursor", ...Object.values(c.pools.cursors).flat()]));
      return served.length ? pick(g, served) : undefined;
    }
    case "DateTime":
      return pick(g, DATETIMES);
    case "Date":
      return pick(g, DATES);
    default:
      return undefined;
  }
}

/** `(a: 1, b: $v2)` for a field's arguments (optional ones often left out), as literals or variables. */
function argsOf(c: Ctx, field: GraphQLField<unknown, unknown>, rootIdType: IdPool | null): string {
  const out: string[] = [];
  const given = new Set<string>();
  for (const a of field.args as readonly GraphQLArgument[]) {
    const required = isNonNullType(a.type);
    if (!required && chance(c.g, 55)) continue;
    // accounts pages one way: first/after or last/before (both: BAD_USER_INPUT, in wild operations only)
    const other = a.name === "last" || a.name === "before" ? ["first", "after"] : a.name === "first" || a.name === "after" ? ["last", "before"] : [];
    if (!c.wild && other.some((o) => given.has(o))) continue;
    const value = valueFor(c, field.name, a.name, a.type, a.name === "id" ? rootIdType : (ID_ARG_TYPE[a.name] ?? null));
    if (value === undefined) continue;
    given.add(a.name);
    if (chance(c.g, 35)) {
      const v = `v${c.defs.length}`;
      c.defs.push(`$${v}: ${String(a.type)}`);
      // a declared nullable variable left out: as if the argument were not given
      if (required || !chance(c.g, 10)) c.variables[v] = value;
      out.push(`${a.name}: $${v}`);
    } else {
      out.push(`${a.name}: ${literal(value, a.type)}`);
    }
  }
  return out.length ? `(${out.join(", ")})` : "";
}

function directive(c: Ctx): string {
  if (!c.directivesOn || c.directives >= QUERY_LIMITS.maxDirectives - 2 || !chance(c.g, 8)) return "";
  c.directives++;
  const name = c.g(fc.boolean) ? "include" : "skip";
  if (c.g(fc.boolean)) return ` @${name}(if: ${c.g(fc.boolean)})`;
  const v = `b${c.defs.length}`;
  c.defs.push(`$${v}: Boolean!`);
  c.variables[v] = c.g(fc.boolean);
  return ` @${name}(if: $${v})`;
}

/** One field of `parent` with its arguments, alias and sub-selection; null when no alias is left for it. */
function fieldOf(c: Ctx, scope: Scope, parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, depth: number, rootIdType: IdPool | null = null): string | null {
  const declared = c.defs.length;
  const args = argsOf(c, field, rootIdType);
  const sig = `${parent.name}.${field.name}${args}`;
  /** Leaves the field out, with the variables its arguments declared (an unused variable is an error). */
  const drop = () => {
    for (const d of c.defs.splice(declared)) delete c.variables[d.slice(1, d.indexOf(":"))];
    return null;
  };
  let key = field.name;
  let alias = "";
  const fresh = () => `a${c.aliases++}`;
  if (c.aliases < QUERY_LIMITS.maxAliases - 1 && chance(c.g, 8)) key = alias = fresh();
  const seen = scope.keys.get(key);
  if (seen && seen.sig !== sig) {
    if (c.aliases >= QUERY_LIMITS.maxAliases - 1) return drop();
    key = alias = fresh();
  }
  const entry = scope.keys.get(key) ?? { sig, child: newScope() };
  scope.keys.set(key, entry);
  c.fields++;
  if (parent.name === "PlanRollup" && field.name === "asOf") c.asOfKeys.add(key);
  const named = getNamedType(field.type);
  // a connection's edges and an edge's node do not spend the operation's depth bound (the server's limit counts them)
  const next = /Connection$|Edge$/.test(parent.name) ? depth : depth + 1;
  const sub = isLeafType(named) ? "" : ` ${selectionOf(c, entry.child, named, next)}`;
  return `${alias ? `${alias}: ` : ""}${field.name}${args}${directive(c)}${sub}`;
}

/** A selection set on `type`: a random subset of its fields, some through fragments, sometimes __typename. */
function selectionOf(c: Ctx, scope: Scope, type: GraphQLNamedType, depth: number): string {
  const g = c.g;
  if (isInterfaceType(type)) {
    // node(id:): inline fragments on a few of the types that implement Node
    const parts = ["__typename", "id"];
    for (const t of ["Account", "BusinessPlan", "Objective", "Activity", "User"]) {
      if (chance(g, 40)) parts.push(`... on ${t}${directive(c)} ${selectionOf(c, scope, c.schema.getType(t)!, depth)}`);
    }
    return `{ ${parts.join(" ")} }`;
  }
  const obj = type as GraphQLObjectType;
  const fields = Object.values(obj.getFields()) as Array<GraphQLField<unknown, unknown>>;
  const parts: string[] = [];
  // fields in a random order (the answer's key order follows the query's)
  for (const f of fields.map((f) => ({ f, k: int(g, 0, 999) })).sort((a, b) => a.k - b.k).map((x) => x.f)) {
    const named = getNamedType(f.type);
    const leaf = isLeafType(named);
    const structural = /Connection$|Edge$/.test(obj.name) || named.name === "PageInfo";
    const p = leaf ? 40 : structural ? 75 : CORE.has(named.name) ? c.relationP : 4;
    if (!leaf && !structural && (depth >= c.maxDepth || c.fields >= c.maxFields)) continue;
    if (!chance(g, p)) continue;
    const s = fieldOf(c, scope, obj, f, depth);
    if (s) parts.push(s);
  }
  if (parts.length === 0 || chance(g, 10)) parts.push("__typename");
  // move some of the fields into a named fragment, or an inline fragment (with or without a type condition)
  if (parts.length > 1 && chance(g, 25)) {
    const cut = int(g, 1, parts.length - 1);
    const moved = parts.splice(cut);
    if (c.g(fc.boolean)) {
      const name = `F${c.fragments.length}`;
      c.fragments.push(`fragment ${name} on ${obj.name} { ${moved.join(" ")} }`);
      parts.push(`...${name}${directive(c)}`);
    } else {
      parts.push(`...${c.g(fc.boolean) ? ` on ${obj.name}` : ""}${directive(c)} { ${moved.join(" ")} }`);
    }
  }
  return `{ ${parts.join(" ")} }`;
}

/**
 * One operation: 1-3 root fields; a depth bound and a size drawn per operation: mostly small and
 * medium, some deep and narrow (past the depth limit), a few wide (past the token or cost limits);
 * one in five may carry argument values the server refuses.
 */
function genOperation(g: Gen, schema: GraphQLSchema, pools: Pools): Op {
  const r = int(g, 0, 99);
  const [maxDepth, maxFields, relationP] =
    r < 35 ? [int(g, 1, 4), int(g, 5, 60), int(g, 15, 45)] : r < 90 ? [int(g, 4, 7), int(g, 60, 300), int(g, 20, 45)] : r < 95 ? [int(g, 8, 12), int(g, 20, 80), 25] : [int(g, 5, 8), 900, 50];
  const c: Ctx = { g, schema, pools, wild: chance(g, 20), defs: [], variables: {}, fragments: [], aliases: 0, directives: 0, directivesOn: chance(g, 33), fields: 0, maxFields, maxDepth, relationP, asOfKeys: new Set() };
  const query = schema.getQueryType()!;
  const scope = newScope();
  const total = ROOTS.reduce((s, [, w]) => s + w, 0);
  const roots: string[] = [];
  const names: string[] = [];
  for (let n = chance(g, 25) ? int(g, 2, 3) : 1; n > 0; n--) {
    let x = int(g, 0, total - 1);
    const name = ROOTS.find(([, w]) => (x -= w) < 0)![0];
    const field = query.getFields()[name] as GraphQLField<unknown, unknown>;
    // account(id:) takes Account ids, businessPlan(id:) BusinessPlan ids, ...; node(id:) any type's
    const typeName = name[0].toUpperCase() + name.slice(1);
    const idType = name === "node" ? pick(g, NODE_POOLS) : typeName in pools ? (typeName as IdPool) : null;
    const s = fieldOf(c, scope, query, field, 1, idType);
    if (s) roots.push(s);
    names.push(name);
  }
  const head = c.defs.length || chance(g, 50) ? `query${chance(g, 50) ? ` Op${int(g, 0, 999)}` : ""}${c.defs.length ? `(${c.defs.join(", ")})` : ""} ` : "";
  const token = chance(g, 2) ? null : pick(g, pools.tokens);
  return { query: `${head}{ ${roots.join(" ")} }${c.fragments.length ? `\n${c.fragments.join("\n")}` : ""}`, variables: c.variables, token, asOfKeys: c.asOfKeys, roots: names };
}

// ---------- comparison ----------

/** The list budget's refusal names the list at which the count crossed the limit. */
/** What the generated operations used (printed, and each must occur in a run). */
const FEATURES: Record<string, RegExp> = {
  namedFragment: /\nfragment F\d+ on /,
  typedInlineFragment: /\.\.\. on \w+/,
  untypedInlineFragment: /\.\.\.( @\w+\(if: [^)]*\))? \{/,
  include: /@include\(/,
  skip: /@skip\(/,
  directiveVariable: /\(if: \$b\d+\)/,
  argumentVariable: /: \$v\d+/,
  alias: /\ba\d+: /,
  typename: /__typename/,
  rollup: /rollup/,
  progress: /progress/,
  followUps: /followUps|followUpOf/,
  applicableObjectives: /applicableObjectives/,
  cursor: /\bcursor\b/,
  pageInfo: /pageInfo/,
  totalCount: /totalCount/,
};

/** The list budget's refusal names the list at which the count crossed the limit. */
const BUDGET_AT = /^(Query too large: the answer reached more than [\d,]+ list items) \(at \w+\.\w+\)/;

/**
 * The body with what legitimately differs between two correct answers replaced:
 *  - a live rollup's asOf (the request's time); a frozen asOf (an EXPIRED plan's) stays as it is;
 *  - the list named in the list budget's QUERY_TOO_LARGE message: which list's items are counted
 *    last depends on the order in which the loaders resolve, so the resolvers themselves name
 *    different lists for the same operation (seen: BusinessPlan.auditTrail and BusinessPlan.children).
 */
function normalised(body: unknown, asOfKeys: Set<string>, frozen: Set<string>): unknown {
  return JSON.parse(JSON.stringify(body), (key, v) => {
    if (asOfKeys.has(key) && typeof v === "string" && !frozen.has(v)) return "<live asOf>";
    if (key === "message" && typeof v === "string" && BUDGET_AT.test(v)) return v.replace(BUDGET_AT, "$1 (at <list>)");
    return v;
  });
}

/** The path of the first difference between two JSON values, or null when they are equal. */
function firstDifference(a: unknown, b: unknown, path = "$"): string | null {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.join("\u0000") !== kb.join("\u0000")) return `${path}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/**
 * A fresh database with a linguistic collation (ICU en-US: "acme" < "Acme" < "ann" < "Bob"), as a
 * production database created with en_US.UTF-8 has; the test server's default (C.UTF-8) orders by
 * code point, under which an ORDER BY with the database's collation and one in JavaScript or with
 * COLLATE "C" would agree. Falls back to a default database where ICU is missing (PostgreSQL < 15).
 */
async function linguisticDatabase(): Promise<{ url: string; drop: () => Promise<void>; collation: string }> {
  const base = process.env.TEST_POSTGRES_URL!;
  const name = `t_cr_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  } catch (e) {
    console.log(`compiled reads: no ICU collation (${(e as Error).message}); default collation`);
    return { ...(await freshDatabaseUrl()), collation: "default" };
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  const drop = async () => {
    const c = new Client({ connectionString: base });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return { url: u.toString(), drop, collation: "ICU en-US" };
}

/** Waits (at most 3 s) until no session is connected to the database of `url`. */
async function connectionsClosed(url: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await admin.connect();
  try {
    for (let i = 0; i < 30; i++) {
      const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [new URL(url).pathname.slice(1)]);
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.end();
  }
}

/** Operations that run every time: the orderings, filters, figures and refusals a SQL compiler is most likely to get wrong. */
function fixedOperations(w: World): Array<{ name: string; query: string; variables?: Record<string, unknown>; token?: string }> {
  const n = w.named;
  const PROGRESS = "progress { id actualQuantity actualRevenue percentComplete }";
  const ROLLUP = "rollup { id asOf revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue weightedPipelineRevenue attainment }";
  return [
    { name: "the account view (bench Q2)", query: Q2, variables: { id: n.acme, period: n.year98 } },
    { name: "contacts: equal names, a lower-case twin, null and empty optional fields", query: `query($id: ID!) { account(id: $id) { contacts { id firstName lastName jobTitle email } } }`, variables: { id: n.acme } },
    {
      name: "activities: equal due times, undated last, status filters (empty, duplicates), first 0",
      query: `query($id: ID!) { account(id: $id) { activities { id subject dueAt status type completedAt notes } none: activities(status: [], first: 0) { id }
        planned: activities(status: [PLANNED, PLANNED], first: 2) { id dueAt } done: activities(status: [COMPLETED, CANCELLED]) { id followUpOf { id } } } }`,
      variables: { id: n.acme },
    },
    {
      name: "applicable objectives: global ones scoped to the account, status, progress with and without accountId, period overlap",
      query: `query($id: ID!, $other: ID!, $jan: ID!) { account(id: $id) { applicableObjectives { id name isGlobal status unit targetQuantity targetRevenue dueDate ${PROGRESS}
        elsewhere: progress(accountId: $other) { id actualQuantity actualRevenue percentComplete } nowhere: progress(accountId: "abc") { id actualQuantity } }
        jan: applicableObjectives(periodId: $jan) { id name period { id } } bad: applicableObjectives(periodId: $other) { id } objectives { id name } } }`,
      variables: { id: n.acme, other: n.beta, jan: n.jan98 },
    },
    {
      name: "an EXPIRED plan's frozen rollup next to its live child's, and the tree's",
      query: `query($p: ID!, $c: ID!) { expired: businessPlan(id: $p) { status ${ROLLUP} children { id status ${ROLLUP} } ancestors { id } }
        live: businessPlan(id: $c) { status ${ROLLUP} parent { id status rollup { asOf wonRevenue } } } }`,
      variables: { p: n.top18, c: n.q2_18 },
    },
    {
      name: "businessPlans filters: status lists, topLevelOnly, malformed and foreign ids (nothing, no error)",
      query: `query($id: ID!, $y: ID!) { account(id: $id) { top: businessPlans(topLevelOnly: true, status: [EXPIRED, DRAFT, DRAFT]) { id name status children { id children { id name } } }
        year: businessPlans(periodId: $y) { id } malformed: businessPlans(periodId: "abc") { id } foreign: businessPlans(ownerId: $y) { id }
        all: businessPlans(status: [], topLevelOnly: false) { id type businessUnit territory description revenueTarget version owner { id } period { id } } } }`,
      variables: { id: n.acme, y: n.year98 },
    },
    {
      name: "opportunities: every status, first, plans linked twice in one tree, objective, source activity",
      query: `query($id: ID!) { account(id: $id) { opportunities { id name revenue probability status closeDate plans { id } objective { id } sourceActivity { id } }
        two: opportunities(first: 2, status: [WON, OPEN]) { id } zero: opportunities(first: 0) { id } } }`,
      variables: { id: n.acme },
    },
    {
      name: "a follow-up chain both ways",
      query: `query($a: ID!) { activity(id: $a) { id followUps { id dueAt followUps { id followUpOf { id followUpOf { id } } } } followUpOf { id } followUpOpportunities { id } } }`,
      variables: { a: n.call },
    },
    {
      name: "accounts: LIKE metacharacters, case, totalCount, pageInfo, paging backwards",
      query: `{ u: accounts(search: "_") { totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
        p: accounts(search: "%", first: 1) { totalCount edges { node { name industry owner { name } } } }
        c: accounts(search: "ACME") { edges { node { name } } } l: accounts(last: 2) { edges { cursor node { name } } pageInfo { hasPreviousPage hasNextPage } } }`,
    },
    {
      name: "account(id:): unknown, malformed, another type's, non-canonical",
      query: `query($u: ID!, $t: ID!) { a: account(id: $u) { id } b: account(id: "abc") { id } c: account(id: $t) { id } d: account(id: "QWNjb3VudDox=") { id } }`,
      variables: { u: gid("Account", 999_999), t: n.top18 },
    },
    {
      name: "a refused argument deep in the tree: partial data, an error per parent (paths)",
      query: `query($id: ID!) { account(id: $id) { name opportunities(first: 2) { id plans(first: 501) { id } } businessPlans(status: [DRAFT, DRAFT, DRAFT, DRAFT, DRAFT, DRAFT, DRAFT, DRAFT, DRAFT, DRAFT, DRAFT]) { id } } }`,
      variables: { id: n.acme },
    },
    {
      // 4 x 100 nodes = exactly LIST_BUDGET items: admitted. An abstract type (Node) is not compiled, so the
      // operation falls back to the executor: the items a first attempt counted must not count twice.
      name: "the list budget exactly reached by an operation that falls back to the resolvers",
      query: `query($ids: [ID!]!) { ${["a", "b", "c", "d"].map((k) => `${k}: nodes(ids: $ids) { id ... on Objective { name } }`).join(" ")} }`,
      variables: { ids: Array.from({ length: LIST_BUDGET / 4 }, (_, i) => w.pools.Objective[i % w.pools.Objective.length]) },
    },
    {
      name: "the same account under aliases, fragments and directives, as an ANALYST",
      token: n.analyst,
      query: `query($id: ID!, $no: Boolean!) { x: account(id: $id) { ...A } y: account(id: $id) { id ... on Account @include(if: $no) { name } __typename } }
        fragment A on Account { id name @skip(if: $no) owner { id role } businessPlans(topLevelOnly: true) { id ... { ${ROLLUP} } } }`,
      variables: { id: n.acme, no: false },
    },
  ];
}

// ---------- the test ----------

describe.skipIf(TEST_DB !== "postgres")("compiled reads answer exactly like the resolvers (PostgreSQL only)", () => {
  let compiled: TestServer;
  let resolvers: TestServer;
  let drop: () => Promise<void> = async () => {};
  let world: World;
  const schema = buildAppSchema();
  /** How many query operations compiled reads answered, and how many they left to the resolvers. */
  const answeredBy = { compiled: 0, resolvers: 0 };
  const execute = CompiledReads.prototype.execute;

  beforeAll(async () => {
    // count, in this process, which operations compiled reads answer (the servers run here)
    CompiledReads.prototype.execute = async function (this: CompiledReads, ...args: Parameters<CompiledReads["execute"]>) {
      const answer = await execute.apply(this, args);
      answeredBy[answer ? "compiled" : "resolvers"]++;
      return answer;
    };
    const fresh = await linguisticDatabase();
    drop = fresh.drop;
    // no webhook polls or purges during the run: every statement counted is the request's
    const env = { WEBHOOK_INTERVAL_MS: "3600000", IDEMPOTENCY_PURGE_INTERVAL_SECONDS: "86400", QUERY_MAX_LIST_ITEMS: String(LIST_BUDGET) };
    compiled = await startTestServer({ databaseUrl: fresh.url, seed: true, env: { ...env, COMPILED_READS: "true" } });
    resolvers = await startTestServer({ databaseUrl: fresh.url, seed: false, env: { ...env, COMPILED_READS: "false" } });
    const t0 = Date.now();
    world = await buildWorld(httpHarness(compiled.url));
    console.log(`compiled reads: world built in ${Date.now() - t0} ms; seed ${SEED}; collation ${fresh.collation}; compiledReads flag ${compiledReadsExists ? "exists" : "does not exist yet"}`);
  }, 120_000);

  afterAll(async () => {
    CompiledReads.prototype.execute = execute;
    await compiled?.stop();
    await resolvers?.stop();
    // pg-pool's end() calls back before its connections have closed: a forced DROP DATABASE right away
    // would terminate them, and the closing pools would log it
    if (compiled) await connectionsClosed(compiled.config.databaseUrl);
    await drop();
  });

  /** Posts `op` to both servers; the two answers, normalised (throws with the operation when they differ). */
  async function compare(op: Op, label: string) {
    const [a, b] = await Promise.all([postGql(compiled.url, op.token, op.query, op.variables), postGql(resolvers.url, op.token, op.query, op.variables)]);
    const left = { status: a.status, body: normalised({ data: a.data, errors: a.errors }, op.asOfKeys, world.frozenAsOf) };
    const right = { status: b.status, body: normalised({ data: b.data, errors: b.errors }, op.asOfKeys, world.frozenAsOf) };
    const diff = firstDifference(left, right);
    if (diff) {
      throw new Error(
        `compiled reads (left) and resolvers (right) differ at ${diff}\n${label}\ntoken ${op.token}\nquery ${op.query}\nvariables ${JSON.stringify(op.variables)}\n` +
          `compiled:  ${JSON.stringify(left).slice(0, 3000)}\nresolvers: ${JSON.stringify(right).slice(0, 3000)}`,
      );
    }
    return { answer: b };
  }

  it("fixed operations: the same answers", async () => {
    for (const f of fixedOperations(world)) {
      const { answer } = await compare({ query: f.query, variables: f.variables ?? {}, token: f.token ?? ADMIN, asOfKeys: new Set(["asOf"]), roots: [] }, f.name);
      // each is what it says: data where data is meant, the refusal where one is meant
      if (f.name.startsWith("a refused argument")) expect(answer.errors?.length, f.name).toBeGreaterThan(1);
      else expect(answer.errors, f.name).toBeUndefined();
    }
  });

  it.skipIf(!compiledReadsExists)("once compiledReads exists: one server has it on, the other off", () => {
    expect((compiled.config as unknown as Record<string, unknown>).compiledReads).toBe(true);
    expect((resolvers.config as unknown as Record<string, unknown>).compiledReads).toBe(false);
    expect((loadConfig({}) as unknown as Record<string, unknown>).compiledReads).toBe(true);
  });

  it(`${OPS} generated operations: the same status and JSON answer from both servers (seed ${SEED})`, { timeout: 120_000 }, async () => {
    const tally = { ops: 0, data: 0, errors: 0, limits: 0, codes: {} as Record<string, number>, rejectedEstimate: 0, roots: {} as Record<string, number>, features: {} as Record<string, number>, answerBytes: 0 };
    const t0 = Date.now();
    const before = { ...answeredBy };
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        // mostly operations the limits admit; some beyond them (refused the same by both)
        let op = genOperation(g, schema, world.pools);
        for (let tries = 0; tries < 6; tries++) {
          let cost = 0;
          try {
            cost = estimateOperation(schema, parse(op.query), op.variables).cost;
          } catch {
            break; // invalid document or variables: the servers say so
          }
          if (cost <= QUERY_LIMITS.maxComplexity || chance(g, 15)) break;
          tally.rejectedEstimate++;
          op = genOperation(g, schema, world.pools);
        }
        const { answer: b } = await compare(op, `seed ${SEED} (rerun: COMPILED_READS_SEED=${SEED})`);
        tally.ops++;
        const codes = (b.errors ?? []).map((e) => String(e.extensions?.code));
        if (codes.length === 0) tally.data++;
        else tally.errors++;
        // depth, cost, alias, token, estimate and list-budget refusals
        if ((b.errors ?? []).some((e) => /limit|too large|more that 2000 tokens/i.test(e.message))) tally.limits++;
        for (const code of codes) tally.codes[code] = (tally.codes[code] ?? 0) + 1;
        for (const r of op.roots) tally.roots[r] = (tally.roots[r] ?? 0) + 1;
        for (const [f, re] of Object.entries(FEATURES)) if (re.test(op.query)) tally.features[f] = (tally.features[f] ?? 0) + 1;
        tally.answerBytes += JSON.stringify(b.data ?? null).length;
        // COMPILED_READS_DEBUG=true: every operation and its answer, one JSON line each (to tune the generator)
        if (process.env.COMPILED_READS_DEBUG === "true") console.log(JSON.stringify({ token: op.token, query: op.query, variables: op.variables, status: b.status, answer: { data: b.data, errors: b.errors } }));
      }),
      { numRuns: OPS, seed: SEED, endOnFailure: true },
    );
    const by = { compiled: answeredBy.compiled - before.compiled, resolvers: answeredBy.resolvers - before.resolvers };
    console.log(`compiled reads: ${OPS} operations compared in ${Date.now() - t0} ms, answered by ${JSON.stringify(by)}: ${JSON.stringify(tally)}`);
    // the generator is not only producing refusals: most operations answer data, and errors of several kinds occur
    expect(tally.data).toBeGreaterThan(OPS * 0.5);
    expect(tally.errors).toBeGreaterThan(0);
    if (OPS >= 100) {
      expect(tally.limits).toBeGreaterThan(0);
      expect(Object.keys(tally.features).sort()).toEqual(Object.keys(FEATURES).sort());
      expect(tally.roots.account).toBeGreaterThan(OPS * 0.2);
      expect(tally.roots.accounts).toBeGreaterThan(OPS * 0.1);
      // the comparison is not resolvers against resolvers: compiled reads answer a good share of the operations
      if (compiledReadsExists) expect(by.compiled).toBeGreaterThan(OPS * 0.25);
    }
  });

  it("the comparison can fail: a changed leaf, a live asOf for a frozen one, a reordered list or keys are all seen", async () => {
    const r = await postGql(resolvers.url, ADMIN, Q2, { id: world.named.acme, period: world.named.year98 });
    const base = { status: r.status, body: normalised({ data: r.data, errors: r.errors }, new Set(["asOf"]), world.frozenAsOf) };
    expect(firstDifference(base, structuredClone(base))).toBeNull();
    // change the last leaf of the answer
    const changed = structuredClone(base);
    const leaves: Array<[Record<string, unknown>, string]> = [];
    const walk = (v: unknown) => {
      if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (x && typeof x === "object" ? walk(x) : leaves.push([v as Record<string, unknown>, k]));
    };
    walk(changed.body);
    expect(leaves.length).toBeGreaterThan(0);
    const [holder, key] = leaves[leaves.length - 1];
    holder[key] = holder[key] === "x" ? "y" : "x";
    expect(firstDifference(base, changed)).not.toBeNull();
    // a frozen asOf is compared: answering the live time for it is a difference
    const frozen = [...world.frozenAsOf][0];
    const keys = new Set(["asOf"]);
    expect(firstDifference(normalised({ asOf: frozen }, keys, world.frozenAsOf), normalised({ asOf: new Date().toISOString() }, keys, world.frozenAsOf))).not.toBeNull();
    // order matters (ordering ties included), and so does the order of keys (the query's)
    expect(firstDifference({ l: [1, 2] }, { l: [2, 1] })).not.toBeNull();
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })).not.toBeNull();
  });

  it.skipIf(!compiledReadsExists)(
    `once compiledReads exists: the account view (1 and 20 accounts) costs at most ${COMPILED_ACCOUNT_VIEW_STATEMENTS} statements with it, more without`,
    async () => {
      const count = async (s: TestServer, query: string, variables: Record<string, unknown>) => {
        const before = s.app.deps.db.statements;
        const r = await postGql(s.url, ADMIN, query, variables);
        expect(r.errors).toBeUndefined();
        return { statements: s.app.deps.db.statements - before, body: normalised(r.data, new Set(["asOf"]), world.frozenAsOf) };
      };
      for (const [name, query, variables] of [
        ["account view", Q2, { id: world.named.acme, period: world.named.year98 }],
        ["20-account view", Q3, { period: world.named.year98 }],
      ] as const) {
        const on = await count(compiled, query, variables);
        const off = await count(resolvers, query, variables);
        console.log(`${name}: ${on.statements} statements with compiled reads, ${off.statements} without`);
        expect(on.body, name).toEqual(off.body);
        expect(on.statements, name).toBeLessThanOrEqual(COMPILED_ACCOUNT_VIEW_STATEMENTS);
        // the generated statement is counted: it goes through the data source (its logger), as DB_LOGGING and the benchmark count statements
        expect(on.statements, name).toBeGreaterThanOrEqual(2);
        expect(off.statements, name).toBeGreaterThan(on.statements);
      }
    },
  );
});
