/**
 * BusinessPlan.rollup and Objective.progress against figures computed here,
 * independently of the application's SQL: the plan tree, the links and the
 * amounts are modelled in the test and summed with bigint cents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createHarness, expectStatementsAtMost, type Harness, type TestUser } from "./helpers/harness";
import { cents, dec, M, mkAccount, mkObjective, mkOpp, mkPeriods, mkPlan, onTheWire, type PeriodSet, sum } from "./helpers/factories";

let h: Harness;
let am: TestUser;
let amB: TestUser;
let per: PeriodSet;
let accA: string;
let accB: string;

/** The model the expectations are computed from. */
interface PlanSpec {
  key: string;
  parent: string | null;
  period: keyof PeriodSet;
  target: string | null;
  account: "A" | "B";
}
interface OppSpec {
  key: string;
  revenue: string;
  status: "OPEN" | "WON" | "LOST";
  plans: string[];
  objective: string | null;
  account?: "A" | "B";
  /** status set by updateOpportunity after creation */
  laterStatus?: "OPEN" | "WON" | "LOST";
}

const PLANS: PlanSpec[] = [
  { key: "R", parent: null, period: "fy26", target: "1000.00", account: "A" },
  { key: "C1", parent: "R", period: "q1", target: "100.10", account: "A" },
  { key: "G1", parent: "C1", period: "jan", target: null, account: "A" },
  { key: "GG", parent: "G1", period: "jan", target: "5.00", account: "A" },
  { key: "C2", parent: "R", period: "q2", target: "200.20", account: "A" },
  { key: "G2", parent: "C2", period: "apr", target: "0.05", account: "A" },
  { key: "C3", parent: "R", period: "q3", target: null, account: "A" },
  { key: "U", parent: null, period: "fy26", target: "50.00", account: "A" },
  { key: "X", parent: null, period: "fy26", target: "0.60", account: "A" },
  { key: "N", parent: null, period: "fy26", target: null, account: "A" },
  { key: "RB", parent: null, period: "fy26", target: "10.00", account: "B" },
];

/** objective key -> plan key (null: account objective or global) */
const OBJECTIVES: Record<string, { plan: string | null; global?: boolean; account?: "A" | "B" }> = {
  obR: { plan: "R" },
  obC1: { plan: "C1" },
  obG1: { plan: "G1" },
  obGG: { plan: "GG" },
  obC3: { plan: "C3" },
  obU: { plan: "U" },
  obAcct: { plan: null, account: "A" },
  obGlobal: { plan: null, global: true },
  obRB: { plan: "RB" },
};

const OPPS: OppSpec[] = [
  { key: "o1", revenue: "0.10", status: "OPEN", plans: ["R"], objective: null },
  { key: "o2", revenue: "0.20", status: "OPEN", plans: ["R"], objective: null },
  // linked to a grandchild plan and to an objective of the child plan: once in R and C1
  { key: "o3", revenue: "1234.56", status: "WON", plans: ["G1"], objective: "obC1" },
  // linked to R and to an objective under R: once
  { key: "o4", revenue: "333.33", status: "OPEN", plans: ["R"], objective: "obR" },
  // only through an objective of the great-grandchild plan
  { key: "o5", revenue: "10.01", status: "WON", plans: [], objective: "obGG" },
  // LOST: never counted
  { key: "o6", revenue: "999.99", status: "LOST", plans: ["R", "C1"], objective: "obR" },
  { key: "o7", revenue: "77.70", status: "WON", plans: ["U"], objective: null },
  { key: "o8", revenue: "8.08", status: "OPEN", plans: ["C2", "U"], objective: null },
  // account objective without a plan, and a global objective: in no plan's rollup
  { key: "o9", revenue: "9.99", status: "WON", plans: [], objective: "obAcct" },
  { key: "o10", revenue: "0.01", status: "WON", plans: ["C1", "G1"], objective: null },
  { key: "o11", revenue: "42.00", status: "WON", plans: [], objective: "obGlobal" },
  // under R through C2 -> G2, and under U through its objective
  { key: "o12", revenue: "5.55", status: "WON", plans: ["G2"], objective: "obU" },
  { key: "o13", revenue: "0.99", status: "OPEN", plans: [], objective: "obG1" },
  { key: "o14", revenue: "12.34", status: "LOST", plans: [], objective: "obC1" },
  // status changed after creation
  { key: "o15", revenue: "3.03", status: "OPEN", plans: ["C3"], objective: null, laterStatus: "WON" },
  { key: "o16", revenue: "4.04", status: "WON", plans: [], objective: "obC3", laterStatus: "LOST" },
  { key: "o17", revenue: "6.06", status: "LOST", plans: ["C2"], objective: "obC3", laterStatus: "OPEN" },
  // exact decimals: 0.10 + 0.20 = 0.30 (WON) and 0.10 + 0.20 (OPEN) on plan X
  { key: "x1", revenue: "0.10", status: "WON", plans: ["X"], objective: null },
  { key: "x2", revenue: "0.20", status: "WON", plans: ["X"], objective: null },
  { key: "x3", revenue: "0.10", status: "OPEN", plans: ["X"], objective: null },
  { key: "x4", revenue: "0.20", status: "OPEN", plans: ["X"], objective: null },
  // another account: only in its own plan
  { key: "b1", revenue: "100.00", status: "WON", plans: ["RB"], objective: "obRB", account: "B" },
  { key: "b2", revenue: "1.00", status: "OPEN", plans: [], objective: "obGlobal", account: "B" },
];

const planId: Record<string, string> = {};
const objectiveId: Record<string, string> = {};

// ---------- independent expectations ----------

const finalStatus = (o: OppSpec) => o.laterStatus ?? o.status;

function subtree(root: string): Set<string> {
  const out = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of PLANS) {
      if (p.parent && out.has(p.parent) && !out.has(p.key)) {
        out.add(p.key);
        grew = true;
      }
    }
  }
  return out;
}

function expectedRollup(key: string) {
  const tree = subtree(key);
  const counted = OPPS.filter((o) => o.plans.some((p) => tree.has(p)) || (o.objective !== null && tree.has(OBJECTIVES[o.objective].plan ?? "")));
  const pipeline = sum(counted.filter((o) => finalStatus(o) === "OPEN").map((o) => cents(o.revenue)));
  const won = sum(counted.filter((o) => finalStatus(o) === "WON").map((o) => cents(o.revenue)));
  const childrenTarget = sum(PLANS.filter((p) => p.parent === key).map((p) => (p.target ? cents(p.target) : 0n)));
  const target = PLANS.find((p) => p.key === key)!.target;
  return {
    counted: counted.map((o) => o.key),
    rollup: {
      revenueTarget: target,
      childrenRevenueTarget: dec(childrenTarget),
      pipelineRevenue: dec(pipeline),
      wonRevenue: dec(won),
    },
    attainment: target === null ? null : Number(won) / Number(cents(target)),
  };
}

/** attainment is served with 6 exact decimals (truncated): within 1e-6 of the true ratio, never above it. */
function expectAttainment(got: number, exact: number, label: string) {
  expect(typeof got, label).toBe("number");
  expect(exact - got, label).toBeGreaterThanOrEqual(-1e-12);
  expect(exact - got, label).toBeLessThan(1e-6);
}

const ROLLUP = `rollup { revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue attainment }`;

beforeAll(async () => {
  h = onTheWire(await createHarness());
  am = await h.user(Role.ACCOUNT_MANAGER, "AM");
  amB = await h.user(Role.ACCOUNT_MANAGER, "AM B");
  per = await mkPeriods(h);
  accA = await mkAccount(h, am.token, "Rollup A");
  accB = await mkAccount(h, amB.token, "Rollup B");
  for (const p of PLANS) {
    const token = p.account === "A" ? am.token : amB.token;
    planId[p.key] = await mkPlan(h, token, {
      name: p.key,
      accountId: p.account === "A" ? accA : accB,
      periodId: per[p.period],
      parentId: p.parent ? planId[p.parent] : null,
      revenueTarget: p.target,
    });
  }
  for (const [key, o] of Object.entries(OBJECTIVES)) {
    const plan = o.plan ? PLANS.find((p) => p.key === o.plan)! : null;
    const token = o.global ? h.admin.token : plan?.account === "B" ? amB.token : am.token;
    objectiveId[key] = await mkObjective(h, token, {
      name: key,
      periodId: plan ? per[plan.period] : per.fy26,
      planId: plan ? planId[plan.key] : null,
      accountId: o.account === "A" ? accA : o.account === "B" ? accB : null,
    });
  }
  for (const o of OPPS) {
    const token = o.account === "B" ? amB.token : am.token;
    const id = await mkOpp(h, token, {
      name: o.key,
      accountId: o.account === "B" ? accB : accA,
      revenue: o.revenue,
      status: o.status,
      planIds: o.plans.map((p) => planId[p]),
      objectiveId: o.objective ? objectiveId[o.objective] : null,
    });
    if (o.laterStatus) await h.ok(token, M.updateOpportunity, { id, input: { status: o.laterStatus } });
  }
});
afterAll(async () => h?.close());

describe("BusinessPlan.rollup", () => {
  it("sanity of the model: the interesting cases are really in it", () => {
    // an opportunity linked both to R and to an objective under R is counted once
    expect(expectedRollup("R").counted.filter((k) => k === "o4")).toHaveLength(1);
    expect(expectedRollup("R").counted).toEqual(expect.arrayContaining(["o3", "o5", "o10", "o12", "o13"]));
    expect(expectedRollup("R").counted).not.toContain("o7");
    expect(expectedRollup("U").counted).toEqual(["o7", "o8", "o12"]);
  });

  it("every plan's rollup equals the independently computed sums", async () => {
    const d = await h.ok(am.token, `{ businessPlans(first: 100) { edges { node { id name ${ROLLUP} } } } }`);
    const got = new Map<string, any>(d.businessPlans.edges.map((e: any) => [e.node.name, e.node.rollup]));
    expect([...got.keys()].sort()).toEqual(PLANS.map((p) => p.key).sort());
    for (const p of PLANS) {
      const exp = expectedRollup(p.key);
      const r = got.get(p.key);
      expect({ plan: p.key, ...r, attainment: undefined }).toEqual({ plan: p.key, ...exp.rollup, attainment: undefined });
      if (exp.attainment === null) expect(r.attainment, p.key).toBeNull();
      else expectAttainment(r.attainment, exp.attainment, p.key);
    }
  });

  it("spot checks with literal figures", async () => {
    const q = `query($id: ID!) { businessPlan(id: $id) { ${ROLLUP} } }`;
    const R = (await h.ok(am.token, q, { id: planId.R })).businessPlan.rollup;
    // won: o3 1234.56 + o5 10.01 + o10 0.01 + o12 5.55 + o15 3.03 = 1253.16
    // open: o1 0.10 + o2 0.20 + o4 333.33 + o8 8.08 + o13 0.99 + o17 6.06 = 348.76
    expect(R).toEqual({ revenueTarget: "1000.00", childrenRevenueTarget: "300.30", pipelineRevenue: "348.76", wonRevenue: "1253.16", attainment: 1.25316 });
    const X = (await h.ok(am.token, q, { id: planId.X })).businessPlan.rollup;
    expect(X).toEqual({ revenueTarget: "0.60", childrenRevenueTarget: "0.00", pipelineRevenue: "0.30", wonRevenue: "0.30", attainment: 0.5 });
    const N = (await h.ok(am.token, q, { id: planId.N })).businessPlan.rollup;
    expect(N).toEqual({ revenueTarget: null, childrenRevenueTarget: "0.00", pipelineRevenue: "0.00", wonRevenue: "0.00", attainment: null });
    // childrenRevenueTarget: direct children only (C1 100.10 + C2 200.20 + C3 none), not G2 or GG
    const C1 = (await h.ok(am.token, q, { id: planId.C1 })).businessPlan.rollup;
    expect(C1.childrenRevenueTarget).toBe("0.00"); // G1 has no target; GG's 5.00 is a grandchild
    const G1 = (await h.ok(am.token, q, { id: planId.G1 })).businessPlan.rollup;
    expect(G1).toMatchObject({ childrenRevenueTarget: "5.00", revenueTarget: null, attainment: null });
  });

  it("follows later changes: re-linking, unlinking, status and revenue edits, new children", async () => {
    const q = `query($id: ID!) { businessPlan(id: $id) { ${ROLLUP} } }`;
    const before = (await h.ok(am.token, q, { id: planId.N })).businessPlan.rollup;
    const child = await mkPlan(h, am.token, { name: "N child", accountId: accA, periodId: per.q4, parentId: planId.N, revenueTarget: "0.07" });
    const o = await mkOpp(h, am.token, { name: "moving", accountId: accA, revenue: "0.10", status: "OPEN", planIds: [child] });
    let r = (await h.ok(am.token, q, { id: planId.N })).businessPlan.rollup;
    expect(r).toEqual({ ...before, childrenRevenueTarget: "0.07", pipelineRevenue: "0.10" });
    await h.ok(am.token, M.updateOpportunity, { id: o, input: { status: "WON", revenue: "0.20" } });
    await h.ok(am.token, M.link, { o, p: planId.N }); // now linked to N and its child: still once
    r = (await h.ok(am.token, q, { id: planId.N })).businessPlan.rollup;
    expect(r).toMatchObject({ pipelineRevenue: "0.00", wonRevenue: "0.20" });
    await h.ok(am.token, M.unlink, { o, p: planId.N });
    await h.ok(am.token, M.unlink, { o, p: child });
    r = (await h.ok(am.token, q, { id: planId.N })).businessPlan.rollup;
    expect(r).toMatchObject({ pipelineRevenue: "0.00", wonRevenue: "0.00" });
    await h.ok(am.token, `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { revenueTarget: "1.00" }) { id } }`, { id: planId.N });
    r = (await h.ok(am.token, q, { id: planId.N })).businessPlan.rollup;
    expect(r).toMatchObject({ revenueTarget: "1.00", attainment: 0 });
  });

  it("sums are exact beyond the range of floating point numbers", async () => {
    // each amount is below 2^53 cents, their sum is not; a float sum would lose the last cents
    const plan = await mkPlan(h, am.token, { name: "Huge", accountId: accA, periodId: per.fy26, revenueTarget: "30000000000000.00" });
    const amounts = ["60000000000000.01", "60000000000000.02", "0.10", "0.20"];
    for (const revenue of amounts) await mkOpp(h, am.token, { name: `huge ${revenue}`, accountId: accA, revenue, status: "WON", planIds: [plan] });
    const expected = dec(sum(amounts.map(cents)));
    expect(expected).toBe("120000000000000.33");
    const r = (await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { ${ROLLUP} } }`, { id: plan })).businessPlan.rollup;
    expect(r.wonRevenue).toBe(expected);
    expect(r.attainment).toBeCloseTo(4, 6);
  });
});

describe("Objective.progress actualRevenue", () => {
  it("sums WON opportunities of the objective exactly (independent of plan links)", async () => {
    const q = `query($id: ID!) { objective(id: $id) { progress { actualRevenue } } }`;
    for (const key of Object.keys(OBJECTIVES)) {
      const exp = dec(sum(OPPS.filter((o) => o.objective === key && finalStatus(o) === "WON").map((o) => cents(o.revenue))));
      const got = (await h.ok(am.token, q, { id: objectiveId[key] })).objective.progress.actualRevenue;
      expect({ key, got }).toEqual({ key, got: exp });
    }
  });

  it("exact beyond floating point range too", async () => {
    const ob = await mkObjective(h, am.token, { name: "Huge objective", periodId: per.fy26, accountId: accA, targetRevenue: "1.00" });
    for (const revenue of ["50000000000000.05", "50000000000000.05", "0.30"]) {
      await mkOpp(h, am.token, { name: "huge", accountId: accA, revenue, status: "WON", objectiveId: ob });
    }
    const p = (await h.ok(am.token, `query($id: ID!) { objective(id: $id) { progress { actualRevenue } } }`, { id: ob })).objective.progress;
    expect(p.actualRevenue).toBe("100000000000000.40");
  });
});

describe("batching: a constant number of statements", () => {
  let acc100: string;
  let acc1: string;
  const n = 100;
  beforeAll(async () => {
    acc100 = await mkAccount(h, am.token, "Hundred plans");
    acc1 = await mkAccount(h, am.token, "One plan");
    for (let i = 1; i <= n; i++) {
      const plan = await mkPlan(h, am.token, { name: `p${i}`, accountId: acc100, periodId: per.fy26, revenueTarget: `${i}.00` });
      const ob = await mkObjective(h, am.token, { name: `ob${i}`, periodId: per.fy26, planId: plan, targetRevenue: "100.00" });
      await mkOpp(h, am.token, { name: `won${i}`, accountId: acc100, revenue: `${i}.0${i % 10}`, status: "WON", objectiveId: ob });
      await mkOpp(h, am.token, { name: `open${i}`, accountId: acc100, revenue: `0.${String(i % 100).padStart(2, "0")}`, status: "OPEN", planIds: [plan] });
    }
    const plan = await mkPlan(h, am.token, { name: "single", accountId: acc1, periodId: per.fy26, revenueTarget: "1.00" });
    const ob = await mkObjective(h, am.token, { name: "single ob", periodId: per.fy26, planId: plan, targetRevenue: "100.00" });
    await mkOpp(h, am.token, { name: "single won", accountId: acc1, revenue: "1.01", status: "WON", objectiveId: ob });
  });

  const measure = async (query: string, variables: Record<string, unknown>) => {
    const before = h.statements();
    const data = await h.ok(am.token, query, variables);
    return { data, statements: h.statements() - before };
  };

  it("rollups for 100 plans cost the same statements as for 1 (and are right)", async () => {
    const q = `query($acc: ID!, $first: Int) { businessPlans(filter: { accountId: $acc }, first: $first) { edges { node { name ${ROLLUP} } } } }`;
    const one = await measure(q, { acc: acc100, first: 1 });
    const hundred = await measure(q, { acc: acc100, first: 100 });
    expect(one.data.businessPlans.edges).toHaveLength(1);
    expect(hundred.data.businessPlans.edges).toHaveLength(n);
    // authentication + the page + one rollup statement (+ on PostgreSQL, compiled reads' statement for the page's plans)
    expectStatementsAtMost(h.dialect === "postgres" ? 4 : 3, { one: one.statements, hundred: hundred.statements });
    hundred.data.businessPlans.edges.forEach((e: any, idx: number) => {
      const i = idx + 1;
      const won = cents(`${i}.0${i % 10}`);
      expect({ name: e.node.name, ...e.node.rollup, attainment: undefined }).toEqual({
        name: `p${i}`,
        revenueTarget: `${i}.00`,
        childrenRevenueTarget: "0.00",
        pipelineRevenue: dec(BigInt(i % 100)),
        wonRevenue: dec(won),
        attainment: undefined,
      });
      expectAttainment(e.node.rollup.attainment, Number(won) / (i * 100), `p${i}`);
    });
  });

  it("rollups nested under accounts are batched too", async () => {
    const q = `query($a: ID!) { account(id: $a) { businessPlans { ${ROLLUP} } } }`;
    const one = await measure(q, { a: acc1 });
    const hundred = await measure(q, { a: acc100 });
    expect(hundred.data.account.businessPlans).toHaveLength(n);
    expectStatementsAtMost(4, { one: one.statements, hundred: hundred.statements });
  });

  it("objective progress for 100 objectives costs the same statements as for 1", async () => {
    const q = `query($a: ID!) { account(id: $a) { objectives { name progress { actualQuantity actualRevenue percentComplete } } } }`;
    const one = await measure(q, { a: acc1 });
    const hundred = await measure(q, { a: acc100 });
    expect(one.data.account.objectives).toHaveLength(1);
    expect(hundred.data.account.objectives).toHaveLength(n);
    // authentication + account + objectives + one progress statement
    expectStatementsAtMost(4, { one: one.statements, hundred: hundred.statements });
    hundred.data.account.objectives.forEach((o: any, idx: number) => {
      const i = idx + 1;
      const won = cents(`${i}.0${i % 10}`);
      expect(o.progress.actualRevenue).toBe(dec(won));
      expect(o.progress.percentComplete).toBeCloseTo(Number(won) / 100, 2);
    });
  });
});
