/**
 * The top-level lists of issue 15: Query.opportunities and Query.activities (every filter, every
 * order), businessPlans(orderBy:) and filter.search, Query.users. Checked against a model of the
 * data (filter + sort in JavaScript); cursor stability under every order with ties as a property
 * (pages concatenated == the whole ordered list, for random page sizes); statement counts bounded
 * whatever the page size; bad inputs with their codes.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityStatus, ActivityType, OpportunityStatus, Role } from "../src/common/enums";
import { createHarness, expectCode, type Harness, type TestUser } from "./helpers/harness";
import { createYear, type Ref } from "./helpers/factories";
import { gid } from "./helpers/ids";



let h: Harness;
let am1: TestUser;
let am2: TestUser;
let analyst: TestUser;
let acc: string[];
let plans: string[];
let objective: string;
let years: Array<{ year: Ref; quarters: Ref[] }>;

interface OppRow {
  id: string;
  key: number;
  name: string;
  account: string;
  owner: string;
  plans: string[];
  status: OpportunityStatus;
  closeDate: string | null;
  revenue: bigint;
}
interface ActRow {
  id: string;
  key: number;
  account: string;
  owner: string;
  plan: string | null;
  objective: string | null;
  status: ActivityStatus;
  type: ActivityType;
  dueAt: string | null;
}
interface PlanRow {
  id: string;
  key: number;
  name: string;
  periodStart: string;
  updatedAt: string;
}
const opps: OppRow[] = [];
const acts: ActRow[] = [];
const planRows: PlanRow[] = [];

// small value sets, so that every order has many ties
const NAMES = ["Alpha", "alpha", "Beta", "Gamma deal", "beta"];
const REVENUES = [100n, 250000n, 100n * 10n ** 8n];
const CLOSE_DATES = [null, "2093-01-15", "2093-02-01", "2093-03-31", "2093-04-01"];
const DUES = [null, "2093-01-05T09:00:00.000Z", "2093-01-06T00:00:00.000Z", "2093-01-12T00:00:00.000Z", "2093-01-05T09:00:00.000Z"];
const UPDATED = ["2093-05-01 10:00:00", "2093-05-02 10:00:00", "2093-05-02 10:00:00"];

const byKeyThenId = <T extends { key: number }>(dir: 1 | -1, keyOf: (r: T) => string | bigint | null) => (a: T, b: T) => {
  const ka = keyOf(a);
  const kb = keyOf(b);
  if (ka === null && kb !== null) return 1; // nulls last in both directions
  if (kb === null && ka !== null) return -1;
  if (ka !== null && kb !== null && ka !== kb) return (ka < kb ? -1 : 1) * dir;
  return (a.key - b.key) * dir;
};
const bin = (s: string) => Buffer.from(s, "utf8").toString("hex"); // binary order of names

const OPP_SORT = {
  DEFAULT: byKeyThenId<OppRow>(1, (r) => String(r.key).padStart(10, "0")),
  CLOSE_DATE_ASC: byKeyThenId<OppRow>(1, (r) => r.closeDate),
  REVENUE_DESC: byKeyThenId<OppRow>(-1, (r) => r.revenue),
  NAME_ASC: byKeyThenId<OppRow>(1, (r) => bin(r.name)),
};
const ACT_SORT = {
  DUE_AT_ASC: byKeyThenId<ActRow>(1, (r) => r.dueAt),
  DUE_AT_DESC: byKeyThenId<ActRow>(-1, (r) => r.dueAt),
};
const PLAN_SORT = {
  DEFAULT: byKeyThenId<PlanRow>(1, (r) => String(r.key).padStart(10, "0")),
  NAME_ASC: byKeyThenId<PlanRow>(1, (r) => bin(r.name)),
  UPDATED_AT_DESC: byKeyThenId<PlanRow>(-1, (r) => r.updatedAt),
  PERIOD_START_DESC: byKeyThenId<PlanRow>(-1, (r) => r.periodStart),
};

const OPPS = `query($f: OpportunityFilter, $o: OpportunityOrder, $first: Int, $after: String) {
  opportunities(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const ACTS = `query($f: ActivityFilter, $o: ActivityOrder, $first: Int, $after: String) {
  activities(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount edges { cursor node { id subject } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const PLANS = `query($f: BusinessPlanFilter, $o: PlanOrder, $first: Int, $after: String) {
  businessPlans(filter: $f, orderBy: $o, first: $first, after: $after) {
    totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const LISTS = { opportunities: OPPS, activities: ACTS, businessPlans: PLANS } as const;
type ListName = keyof typeof LISTS;

interface Conn {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function page(list: ListName, vars: Record<string, unknown>, token = am1.token): Promise<Conn> {
  return (await h.ok(token, LISTS[list], vars))[list] as Conn;
}

/** Every page from the start, `sizes` cycling; checks pageInfo on the way; returns the ids in order. */
async function walk(list: ListName, vars: Record<string, unknown>, sizes: number[]): Promise<string[]> {
  const out: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 500; i++) {
    const c = await page(list, { ...vars, first: sizes[i % sizes.length], after });
    out.push(...c.edges.map((e) => e.node.id));
    expect(c.pageInfo.hasPreviousPage).toBe(after !== undefined);
    if (c.edges.length) {
      expect(c.pageInfo.startCursor).toBe(c.edges[0].cursor);
      expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);
    }
    if (!c.pageInfo.hasNextPage) return out;
    if (c.edges.length) after = c.pageInfo.endCursor!;
  }
  throw new Error("walk did not end");
}

beforeAll(async () => {
  h = await createHarness();
  am1 = await h.user(Role.ACCOUNT_MANAGER, "List AM one");
  am2 = await h.user(Role.ACCOUNT_MANAGER, "List AM two");
  analyst = await h.user(Role.ANALYST, "List Analyst");
  const svc = h.deps.services;
  years = [await createYear(h, 2093), await createYear(h, 2094)];
  acc = [];
  for (const name of ["List Acc A", "List Acc B"]) acc.push(gid("Account", (await svc.accounts.create(am1.user, { name })).id));
  // random data, reproducible: the seed is in the failure message of any assertion below
  const seed = 1515;
  const rnd = fc.sample(fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000)), { seed, numRuns: 60 });
  plans = [];
  const planPeriods: string[] = [];
  const planAccounts: string[] = [];
  const periods = [years[0].year, ...years[0].quarters, years[1].year, years[1].quarters[2]];
  const PLAN_NAMES = ["North", "north", "South 50% plan", "South 50x plan", "Under_score", "UnderXscore", "ÄRGER Plan", "Back\\slash"];
  for (let i = 0; i < 16; i++) {
    const [a, b] = rnd[i];
    const period = periods[a % periods.length];
    const owner = b % 2 ? am1 : am2;
    const p = await svc.plans.create(owner.user, { name: PLAN_NAMES[i % PLAN_NAMES.length], accountId: acc[a % 2], periodId: period.id });
    plans.push(gid("BusinessPlan", p.id));
    planPeriods.push(period.id);
    planAccounts.push(acc[a % 2]);
    planRows.push({ id: gid("BusinessPlan", p.id), key: p.id, name: p.name, periodStart: "", updatedAt: UPDATED[b % UPDATED.length] });
  }
  // updated_at with ties (set directly: "now" would give every plan its own instant)
  for (const r of planRows) await h.deps.db.query(`UPDATE business_plan SET updated_at = ${h.deps.db.param(1)} WHERE id = ${h.deps.db.param(2)}`, [r.updatedAt, r.key]);
  const starts = await h.deps.db.query<{ id: number; s: string }>(
    `SELECT p.id AS id, CAST(per.start_date AS TEXT) AS s FROM business_plan p JOIN period per ON per.id = p.period_id`,
  );
  for (const s of starts) planRows.find((r) => r.key === Number(s.id))!.periodStart = s.s;
  const ob = await svc.objectives.create(h.admin.user, { name: "List objective", periodId: planPeriods[0], planId: plans[0] });
  objective = gid("Objective", ob.id);

  for (let i = 0; i < 45; i++) {
    const [a, b, c, d, e, f] = rnd[i];
    const owner = b % 3 ? am1 : am2;
    const account = acc[a % 2];
    const linkable = plans.filter((_, j) => planAccounts[j] === account).slice(0, 3); // plans of the same account
    const planIds = c % 3 === 0 ? [] : linkable.slice(0, 1 + (c % 2));
    const o = await svc.opportunities.create(owner.user, {
      name: NAMES[d % NAMES.length],
      accountId: account,
      revenue: REVENUES[e % REVENUES.length],
      status: [OpportunityStatus.OPEN, OpportunityStatus.WON, OpportunityStatus.LOST][f % 3],
      closeDate: CLOSE_DATES[(d + e) % CLOSE_DATES.length],
      planIds,
    });
    opps.push({
      id: gid("Opportunity", o.id),
      key: o.id,
      name: o.name,
      account,
      owner: gid("User", owner.user.id),
      plans: planIds,
      status: o.status,
      closeDate: o.closeDate,
      revenue: o.revenue,
    });
  }
  for (let i = 0; i < 50; i++) {
    const [a, b, c, d, e, f] = rnd[i + 10];
    const owner = b % 3 ? am1 : am2;
    const account = acc[a % 2];
    const plan = c % 3 === 0 ? null : (plans.filter((_, j) => planAccounts[j] === account)[c % 3] ?? null);
    const withObjective = account === planAccounts[0] && e % 4 === 0;
    const dueAt = DUES[d % DUES.length];
    const act = await svc.activities.create(owner.user, {
      subject: `Act ${i}`,
      type: [ActivityType.CALL, ActivityType.MEETING, ActivityType.TASK, ActivityType.EMAIL][e % 4],
      accountId: account,
      dueAt: dueAt === null ? null : new Date(dueAt),
      planId: plan,
      objectiveId: withObjective ? objective : null,
    });
    let status = ActivityStatus.PLANNED;
    if (f % 3 === 1) status = ActivityStatus.CANCELLED;
    if (status !== ActivityStatus.PLANNED) await svc.activities.update(owner.user, gid("Activity", act.id), { status });
    acts.push({
      id: gid("Activity", act.id),
      key: act.id,
      account,
      owner: gid("User", owner.user.id),
      plan,
      objective: withObjective ? objective : null,
      status,
      type: act.type,
      dueAt,
    });
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

// ---------------------------------------------------------------- the models

type OppFilter = Partial<{ accountId: string; ownerId: string; planId: string; status: OpportunityStatus[]; closeDateFrom: string; closeDateTo: string; search: string }>;
type ActFilter = Partial<{ accountId: string; ownerId: string; planId: string; objectiveId: string; status: ActivityStatus[]; type: ActivityType[]; dueFrom: string; dueTo: string }>;

const contains = (name: string, q: string) => name.toLowerCase().includes(q.trim().toLowerCase());
function expectedOpps(f: OppFilter, order: keyof typeof OPP_SORT): string[] {
  return opps
    .filter(
      (o) =>
        (f.accountId === undefined || o.account === f.accountId) &&
        (f.ownerId === undefined || o.owner === f.ownerId) &&
        (f.planId === undefined || o.plans.includes(f.planId)) &&
        (!f.status?.length || f.status.includes(o.status)) &&
        (f.closeDateFrom === undefined || (o.closeDate !== null && o.closeDate >= f.closeDateFrom)) &&
        (f.closeDateTo === undefined || (o.closeDate !== null && o.closeDate <= f.closeDateTo)) &&
        (f.search === undefined || contains(o.name, f.search)),
    )
    .sort(OPP_SORT[order])
    .map((o) => o.id);
}
function expectedActs(f: ActFilter, order: keyof typeof ACT_SORT): string[] {
  return acts
    .filter(
      (a) =>
        (f.accountId === undefined || a.account === f.accountId) &&
        (f.ownerId === undefined || a.owner === f.ownerId) &&
        (f.planId === undefined || a.plan === f.planId) &&
        (f.objectiveId === undefined || a.objective === f.objectiveId) &&
        (!f.status?.length || f.status.includes(a.status)) &&
        (!f.type?.length || f.type.includes(a.type)) &&
        (f.dueFrom === undefined || (a.dueAt !== null && a.dueAt >= f.dueFrom)) &&
        (f.dueTo === undefined || (a.dueAt !== null && a.dueAt < f.dueTo)),
    )
    .sort(ACT_SORT[order])
    .map((a) => a.id);
}
function expectedPlans(search: string | undefined, order: keyof typeof PLAN_SORT): string[] {
  return planRows
    .filter((p) => search === undefined || contains(p.name, search))
    .sort(PLAN_SORT[order])
    .map((p) => p.id);
}

// ---------------------------------------------------------------- filters and orders

describe("Query.opportunities", () => {
  const ORDERS = ["DEFAULT", "CLOSE_DATE_ASC", "REVENUE_DESC", "NAME_ASC"] as const;
  const filters = (): Array<[string, OppFilter]> => [
    ["none", {}],
    ["account", { accountId: acc[1] }],
    ["owner (mine)", { ownerId: gid("User", am2.user.id) }],
    ["plan", { planId: plans[0] }],
    ["status", { status: [OpportunityStatus.OPEN, OpportunityStatus.LOST] }],
    ["open deals closing this quarter", { status: [OpportunityStatus.OPEN], closeDateFrom: "2093-01-01", closeDateTo: "2093-03-31" }],
    ["closeDateFrom only", { closeDateFrom: "2093-02-01" }],
    ["search (case-insensitive)", { search: "ALPHA" }],
    ["search with a wildcard taken literally", { search: "%" }],
    ["an id of another type matches nothing", { accountId: plans[0] }],
  ];

  it("answers every filter in every order, as the model does, with totalCount", async () => {
    for (const [label, f] of filters()) {
      for (const order of ORDERS) {
        const c = await page("opportunities", { f, o: order === "DEFAULT" ? null : order, first: 500 });
        expect(c.edges.map((e) => e.node.id), `${label} / ${order}`).toEqual(expectedOpps(f, order));
        expect(c.totalCount, label).toBe(expectedOpps(f, order).length);
        expect(c.pageInfo.hasNextPage).toBe(false);
      }
    }
    expect(expectedOpps({ status: [OpportunityStatus.OPEN], closeDateFrom: "2093-01-01", closeDateTo: "2093-03-31" }, "CLOSE_DATE_ASC").length).toBeGreaterThan(0);
  });

  it("pages stably under every order with ties: the pages concatenated are the whole list, for random page sizes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ORDERS),
        fc.constantFrom(...filters().slice(0, 6)),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        async (order, [, f], sizes) => {
          const ids = await walk("opportunities", { f, o: order === "DEFAULT" ? null : order }, sizes);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toEqual(expectedOpps(f, order));
        },
      ),
      { numRuns: 25, seed: 15 },
    );
  }, 120_000);
});

describe("Query.activities", () => {
  const ORDERS = ["DUE_AT_ASC", "DUE_AT_DESC"] as const;
  const filters = (): Array<[string, ActFilter]> => [
    ["none", {}],
    ["account", { accountId: acc[0] }],
    ["my activities due this week", { ownerId: gid("User", am1.user.id), status: [ActivityStatus.PLANNED], dueFrom: "2093-01-05T00:00:00.000Z", dueTo: "2093-01-12T00:00:00.000Z" }],
    ["plan", { planId: plans[1] }],
    ["objective", { objectiveId: objective }],
    ["status", { status: [ActivityStatus.CANCELLED] }],
    ["type", { type: [ActivityType.CALL, ActivityType.EMAIL] }],
    ["dueTo is exclusive", { dueTo: "2093-01-12T00:00:00.000Z" }],
  ];

  it("answers every filter in both orders, as the model does (no due date last), with totalCount", async () => {
    for (const [label, f] of filters()) {
      for (const order of ORDERS) {
        const c = await page("activities", { f, o: order, first: 500 });
        expect(c.edges.map((e) => e.node.id), `${label} / ${order}`).toEqual(expectedActs(f, order));
        expect(c.totalCount).toBe(expectedActs(f, order).length);
      }
    }
    // the default is DUE_AT_ASC, the order of every nested activity list
    expect((await page("activities", { first: 500 })).edges.map((e) => e.node.id)).toEqual(expectedActs({}, "DUE_AT_ASC"));
    expect(expectedActs(filters()[2][1], "DUE_AT_ASC").length).toBeGreaterThan(0);
    expect(expectedActs(filters()[4][1], "DUE_AT_ASC").length).toBeGreaterThan(0);
  });

  it("pages stably in both orders across the rows without a due date", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ORDERS),
        fc.constantFrom(...filters().slice(0, 4)),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        async (order, [, f], sizes) => {
          const ids = await walk("activities", { f, o: order }, sizes);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids).toEqual(expectedActs(f, order));
        },
      ),
      { numRuns: 20, seed: 15 },
    );
  }, 120_000);
});

describe("Query.businessPlans: orderBy and search", () => {
  const ORDERS = ["DEFAULT", "NAME_ASC", "UPDATED_AT_DESC", "PERIOD_START_DESC"] as const;

  it("orders by every PlanOrder (ties by id) and searches names case-insensitively, wildcards literal, the same on both databases", async () => {
    for (const search of [undefined, "north", "50%", "under_", "ärger", "back\\", "\\", "_"]) {
      for (const order of ORDERS) {
        const c = await page("businessPlans", { f: search === undefined ? null : { search }, o: order === "DEFAULT" ? null : order, first: 500 });
        expect(c.edges.map((e) => e.node.id), `${search} / ${order}`).toEqual(expectedPlans(search, order));
        expect(c.totalCount).toBe(expectedPlans(search, order).length);
      }
    }
    expect(expectedPlans("50%", "DEFAULT").length).toBe(2);
    expect(expectedPlans("ärger", "DEFAULT").length).toBe(2); // ÄRGER: Unicode case folding on SQLite as on PostgreSQL
  });

  it("pages stably under every order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ORDERS), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), async (order, sizes) => {
        const ids = await walk("businessPlans", { o: order === "DEFAULT" ? null : order }, sizes);
        expect(ids).toEqual(expectedPlans(undefined, order));
      }),
      { numRuns: 16, seed: 15 },
    );
  }, 120_000);
});

describe("Query.users", () => {
  const USERS = `query($r: Role, $s: String) { users(role: $r, search: $s) { id name role } }`;
  it("lists users by name for every role, narrowed by role and search (name or email, wildcards literal)", async () => {
    const all = (await h.ok(analyst.token, USERS)).users as Array<{ id: string; name: string; role: string }>;
    expect(all.map((u) => u.name)).toEqual([...all.map((u) => u.name)].sort((a, b) => (bin(a) < bin(b) ? -1 : bin(a) > bin(b) ? 1 : 0)));
    expect(all.map((u) => u.id)).toContain(gid("User", am2.user.id));
    const ams = (await h.ok(am1.token, USERS, { r: "ACCOUNT_MANAGER" })).users as Array<{ role: string }>;
    expect(ams.length).toBeGreaterThanOrEqual(2);
    expect(ams.every((u) => u.role === "ACCOUNT_MANAGER")).toBe(true);
    expect((await h.ok(am1.token, USERS, { s: "LIST am" })).users.map((u: { id: string }) => u.id)).toEqual([gid("User", am1.user.id), gid("User", am2.user.id)]);
    expect((await h.ok(am1.token, USERS, { s: "list_am" })).users).toEqual([]);
    expect((await h.ok(am1.token, USERS, { s: "@test.example", r: "ANALYST" })).users.map((u: { id: string }) => u.id)).toContain(gid("User", analyst.user.id));
  });

  it("refuses a search beyond 200 characters and anonymous callers", async () => {
    expectCode(await h.gql(am1.token, USERS, { s: "x".repeat(201) }), "BAD_USER_INPUT");
    expectCode(await h.gql(null, USERS), "UNAUTHENTICATED");
  });
});

// ---------------------------------------------------------------- statements and bad inputs

describe("statement counts", () => {
  it("a page costs the same number of statements whatever its size and whatever the data size", async () => {
    const q = (list: string, o: string) => `query($first: Int) { ${list}(first: $first, orderBy: ${o}) { totalCount edges { node { id account { id name } owner { id name } } } } }`;
    const measure = async () => {
      const out: Record<string, number[]> = {};
      for (const [list, o] of [["opportunities", "NAME_ASC"], ["opportunities", "CLOSE_DATE_ASC"], ["activities", "DUE_AT_DESC"]] as const) {
        const counts: number[] = [];
        for (const first of [2, 10, 40, 200]) {
          const before = h.statements();
          await h.ok(am1.token, q(list, o), { first });
          counts.push(h.statements() - before);
        }
        // auth, the page (a second statement only when it reaches the rows without a date), count, accounts, owners
        expect(Math.max(...counts), `${list} ${o}: ${counts.join(", ")}`).toBeLessThanOrEqual(6);
        expect(Math.max(...counts) - Math.min(...counts), `${list} ${o}: ${counts.join(", ")}`).toBeLessThanOrEqual(1);
        out[`${list} ${o}`] = counts;
      }
      return out;
    };
    const small = await measure();
    // three times the data (more owners' and accounts' rows on every page): the same counts
    const svc = h.deps.services;
    for (let i = 0; i < 90; i++) {
      const owner = i % 2 ? am1 : am2;
      const o = await svc.opportunities.create(owner.user, { name: `More ${i}`, accountId: acc[i % 2], revenue: 1n, closeDate: i % 3 ? "2093-05-05" : null });
      opps.push({ id: gid("Opportunity", o.id), key: o.id, name: o.name, account: acc[i % 2], owner: gid("User", owner.user.id), plans: [], status: o.status, closeDate: o.closeDate, revenue: o.revenue });
      const a = await svc.activities.create(owner.user, { subject: `More ${i}`, type: ActivityType.TASK, accountId: acc[i % 2], dueAt: i % 3 ? new Date("2093-02-02T00:00:00Z") : null });
      acts.push({ id: gid("Activity", a.id), key: a.id, account: acc[i % 2], owner: gid("User", owner.user.id), plan: null, objective: null, status: ActivityStatus.PLANNED, type: a.type, dueAt: a.dueAt?.toISOString() ?? null });
    }
    // the same bound (whether a page reaches the undated rows depends on the data, not on its size)
    const most = (m: Record<string, number[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.max(...v)]));
    expect(most(await measure())).toEqual(most(small));
  }, 120_000);
});

describe("bad inputs", () => {
  const tamper = (cursor: string, f: (v: unknown[]) => unknown) =>
    Buffer.from(JSON.stringify(f(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")))), "utf8").toString("base64url");

  it("a cursor of another order, a tampered one, a page size out of range or an empty range is BAD_USER_INPUT and names the argument", async () => {
    const byName = await page("opportunities", { o: "NAME_ASC", first: 2 });
    const cursor = byName.pageInfo.endCursor!;
    const cases: Array<[ListName, Record<string, unknown>, string]> = [
      ["opportunities", { o: "REVENUE_DESC", after: cursor }, "after"],
      ["opportunities", { after: cursor }, "after"],
      ["opportunities", { o: "NAME_ASC", after: tamper(cursor, (v) => [v[0], v[1], -1]) }, "after"],
      ["opportunities", { o: "NAME_ASC", after: tamper(cursor, (v) => [v[0], 5, v[2]]) }, "after"],
      ["opportunities", { o: "REVENUE_DESC", after: tamper(cursor, () => ["REVENUE_DESC", "1 OR 1=1", 1]) }, "after"],
      ["opportunities", { o: "CLOSE_DATE_ASC", after: tamper(cursor, () => ["CLOSE_DATE_ASC", "2093-13-45'--", 1]) }, "after"],
      ["opportunities", { o: "REVENUE_DESC", after: tamper(cursor, () => ["REVENUE_DESC", null, 1]) }, "after"],
      ["opportunities", { o: "NAME_ASC", after: "not a cursor" }, "after"],
      ["opportunities", { first: -1 }, "first"],
      ["opportunities", { first: 501 }, "first"],
      ["opportunities", { f: { closeDateFrom: "2093-04-01", closeDateTo: "2093-03-31" } }, "closeDateFrom"],
      ["opportunities", { f: { search: "x".repeat(201) } }, "search"],
      ["opportunities", { f: { status: Array(11).fill("OPEN") } }, "status"],
      ["activities", { f: { dueFrom: "2093-01-02T00:00:00Z", dueTo: "2093-01-01T00:00:00Z" } }, "dueFrom"],
      ["activities", { o: "DUE_AT_DESC", after: tamper(cursor, () => ["DUE_AT_DESC", "yesterday", 1]) }, "after"],
      ["activities", { o: "DUE_AT_ASC", after: (await page("activities", { o: "DUE_AT_DESC", first: 1 })).pageInfo.endCursor }, "after"],
      ["businessPlans", { o: "NAME_ASC", after: (await page("businessPlans", { first: 1 })).pageInfo.endCursor }, "after"],
      ["businessPlans", { after: (await page("businessPlans", { o: "NAME_ASC", first: 1 })).pageInfo.endCursor }, "after"],
      ["businessPlans", { f: { search: "y".repeat(201) } }, "search"],
    ];
    for (const [list, vars, field] of cases) {
      const r = await h.gql(am1.token, LISTS[list], vars);
      const e = expectCode(r, "BAD_USER_INPUT");
      expect(`${e.message} ${JSON.stringify(e.extensions)}`, `${list} ${JSON.stringify(vars)}`).toContain(field);
    }
  });

  it("is signed-in only", async () => {
    expectCode(await h.gql(null, OPPS, {}), "UNAUTHENTICATED");
    expectCode(await h.gql(null, ACTS, {}), "UNAUTHENTICATED");
  });
});
