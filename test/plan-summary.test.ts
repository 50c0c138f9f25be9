/**
 * Query.planSummary and PlanRollup.weightedPipelineRevenue (issue 15).
 *
 * The property: over random plan trees (owners, territories, business units, types, targets),
 * random opportunities (revenue up to the largest amount, probability, status, links to plans and
 * objectives) and random expiry followed by later changes (so that frozen and live figures differ),
 * every planSummary group's figures are the sums of its plans' rollups, for every groupBy; and the
 * rollups' weighted pipeline is the model's (each OPEN opportunity of the tree once, revenue x
 * probability / 100 rounded half up to the cent). Each run works in a period of its own.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { weightedCents } from "../src/common/money";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";
import { cents, createPeriod, dec, mkAccount, mkObjective, mkOpp, mkPlan } from "./helpers/factories";

const mkYear = async (h: Harness, year: number) => (await createPeriod(h, { name: `FY${year}`, type: "YEAR", startDate: `${year}-01-01`, endDate: `${year}-12-31` })).id;

let h: Harness;
let owners: TestUser[];
let account: string;

beforeAll(async () => {
  h = await createHarness();
  owners = [await h.user(Role.ACCOUNT_MANAGER, "Ann Owner"), await h.user(Role.ACCOUNT_MANAGER, "Bob Owner")];
  account = await mkAccount(h, h.admin.token, "Summary Corp");
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const GROUP_BYS = ["OWNER", "TERRITORY", "BUSINESS_UNIT", "TYPE", "STATUS"] as const;

const SUMMARY = `query($p: ID!, $g: PlanGroupBy!) { planSummary(periodId: $p, groupBy: $g) {
  key label plans revenueTarget wonRevenue pipelineRevenue weightedPipelineRevenue } }`;

const PLANS = `query($p: ID) { businessPlans(filter: { periodId: $p, topLevelOnly: true }, first: 500) { edges { node {
  id status territory businessUnit type owner { id name }
  rollup { revenueTarget wonRevenue pipelineRevenue weightedPipelineRevenue } } } } }`;

interface Row {
  key: string | null;
  label: string | null;
  plans: number;
  revenueTarget: string;
  wonRevenue: string;
  pipelineRevenue: string;
  weightedPipelineRevenue: string;
}

/** planSummary as the sums of the individual rollups of the period's top-level plans. */
async function summedRollups(periodId: string, groupBy: (typeof GROUP_BYS)[number]): Promise<Row[]> {
  const d = await h.ok(h.admin.token, PLANS, { p: periodId });
  const groups = new Map<string, { key: string | null; label: string | null; n: number; t: bigint; w: bigint; p: bigint; wp: bigint }>();
  for (const { node: p } of d.businessPlans.edges) {
    const [key, label]: [string | null, string | null] =
      groupBy === "OWNER"
        ? [p.owner.id, p.owner.name]
        : groupBy === "TERRITORY"
          ? [p.territory, p.territory]
          : groupBy === "BUSINESS_UNIT"
            ? [p.businessUnit, p.businessUnit]
            : groupBy === "TYPE"
              ? [p.type, p.type]
              : [p.status, p.status];
    const g = groups.get(String(key)) ?? { key, label, n: 0, t: 0n, w: 0n, p: 0n, wp: 0n };
    g.n++;
    g.t += p.rollup.revenueTarget == null ? 0n : cents(p.rollup.revenueTarget);
    g.w += cents(p.rollup.wonRevenue);
    g.p += cents(p.rollup.pipelineRevenue);
    g.wp += cents(p.rollup.weightedPipelineRevenue);
    groups.set(String(key), g);
  }
  const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return [...groups.values()]
    .map((g) => ({ key: g.key, label: g.label, plans: g.n, revenueTarget: dec(g.t), wonRevenue: dec(g.w), pipelineRevenue: dec(g.p), weightedPipelineRevenue: dec(g.wp) }))
    .sort((a, b) => cmp(a.label, b.label) || cmp(a.key, b.key));
}

// ---------------------------------------------------------------- the random model

interface PlanGen {
  /** index of the parent among the earlier plans, or null for a top-level plan */
  parent: number | null;
  owner: number;
  territory: string | null;
  businessUnit: string | null;
  type: "ACCOUNT" | "BRAND" | "REGIONAL";
  target: bigint | null;
}
interface OppGen {
  revenue: bigint;
  probability: number;
  status: "OPEN" | "WON" | "LOST";
  plans: number[];
  objective: number | null;
  /** changed after the (optional) expiry */
  later: { revenue: bigint; probability: number; status: "OPEN" | "WON" | "LOST" } | null;
}

const amount = fc.oneof(fc.bigInt({ min: 0n, max: 100_000n }), fc.bigInt({ min: 0n, max: 9n * 10n ** 15n }));
const status = fc.constantFrom("OPEN" as const, "WON" as const, "LOST" as const);
const planGen = (i: number) =>
  fc.record({
    parent: i === 0 ? fc.constant(null) : fc.option(fc.nat({ max: i - 1 }), { freq: 3 }),
    owner: fc.nat({ max: 1 }),
    territory: fc.constantFrom(null, "North", "South"),
    businessUnit: fc.constantFrom(null, "Devices"),
    type: fc.constantFrom("ACCOUNT" as const, "BRAND" as const, "REGIONAL" as const),
    target: fc.option(amount, { freq: 4 }),
  });
const scenario = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => planGen(i))))
  .chain((plans) =>
    fc.record({
      plans: fc.constant(plans as PlanGen[]),
      /** objectives: the plan each sits on */
      objectives: fc.array(fc.nat({ max: plans.length - 1 }), { maxLength: 3 }),
      opps: fc.array(
        fc.record({
          revenue: amount,
          probability: fc.integer({ min: 0, max: 100 }),
          status,
          plans: fc.uniqueArray(fc.nat({ max: plans.length - 1 }), { maxLength: 3 }),
          objective: fc.option(fc.nat({ max: 2 }), { freq: 2 }),
          later: fc.option(fc.record({ revenue: amount, probability: fc.integer({ min: 0, max: 100 }), status }), { freq: 3 }),
        }),
        { maxLength: 6 },
      ),
      expire: fc.boolean(),
    }),
  );

let runNo = 0;
/** What the random runs covered (asserted, so that the property cannot pass on trivial data only). */
const covered = { runs: 0, expired: 0, changedAfterExpiry: 0, weightedNonZero: 0 };

describe("planSummary", () => {
  it("every group's figures are the sums of its plans' rollups, for every groupBy; weighted pipeline as modelled (property)", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const year = 2000 + runNo++;
        const periodId = await mkYear(h, year);
        const planIds: string[] = [];
        const parentOf: Array<number | null> = [];
        for (const p of s.plans) {
          const parent = p.parent === null ? null : planIds[p.parent];
          parentOf.push(p.parent);
          planIds.push(
            await mkPlan(h, h.admin.token, {
              name: `Plan ${planIds.length}`,
              accountId: account,
              periodId,
              parentId: parent,
              ownerId: gid("User", owners[p.owner].user.id),
              territory: p.territory,
              businessUnit: p.businessUnit,
              type: p.type,
              revenueTarget: p.target === null ? null : dec(p.target),
            }),
          );
        }
        const objIds: string[] = [];
        for (const planIdx of s.objectives) {
          objIds.push(await mkObjective(h, h.admin.token, { name: `Obj ${objIds.length}`, planId: planIds[planIdx], periodId, targetRevenue: "1.00" }));
        }
        const oppIds: string[] = [];
        for (const o of s.opps) {
          const objective = o.objective !== null && o.objective < objIds.length ? o.objective : null;
          const id = await mkOpp(h, h.admin.token, {
            name: `Opp ${oppIds.length}`,
            accountId: account,
            revenue: dec(o.revenue),
            probability: o.probability,
            status: o.status,
            objectiveId: objective === null ? null : objIds[objective],
          });
          for (const p of o.plans) await h.ok(h.admin.token, `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`, { o: id, p: planIds[p] });
          oppIds.push(id);
          o.objective = objective;
        }
        let expired = false;
        if (s.expire) {
          const d = await h.ok(h.admin.token, `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id } }`, { d: `${year + 1}-01-01` });
          expired = d.expireBusinessPlans.length > 0;
          if (expired) covered.expired++;
          if (expired && s.opps.some((o) => o.later)) covered.changedAfterExpiry++;
        }
        covered.runs++;
        for (const [i, o] of s.opps.entries()) {
          if (!o.later) continue;
          await h.ok(h.admin.token, `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) { id } }`, {
            id: oppIds[i],
            input: { revenue: dec(o.later.revenue), probability: o.later.probability, status: o.later.status },
          });
        }

        for (const g of GROUP_BYS) {
          const summary = (await h.ok(h.admin.token, SUMMARY, { p: periodId, g })).planSummary as Row[];
          expect(summary, g).toEqual(await summedRollups(periodId, g));
        }

        // the model's weighted pipeline of each top-level tree (live figures: before expiry or without it)
        const rootOf = (i: number): number => (parentOf[i] === null ? i : rootOf(parentOf[i] as number));
        const objPlan = (k: number) => s.objectives[k];
        const d = await h.ok(h.admin.token, PLANS, { p: periodId });
        const served = new Map<string, string>(d.businessPlans.edges.map((e: any) => [e.node.id, e.node.rollup.weightedPipelineRevenue]));
        for (const [i, id] of planIds.entries()) {
          if (parentOf[i] !== null) continue;
          let w = 0n;
          for (const o of s.opps) {
            const inTree = o.plans.some((p) => rootOf(p) === i) || (o.objective !== null && rootOf(objPlan(o.objective)) === i);
            // figures at expiry when the plan expired (frozen), else after the later changes
            const f = expired || !o.later ? o : { ...o, ...o.later };
            if (inTree && f.status === "OPEN") w += weightedCents(f.revenue, f.probability);
          }
          expect(served.get(id), `weighted pipeline of plan ${i}`).toBe(dec(w));
          if (w > 0n) covered.weightedNonZero++;
        }
      }),
      { numRuns: h.dialect === "postgres" ? 12 : 20 },
    );
    expect(covered.expired).toBeGreaterThan(0);
    expect(covered.changedAfterExpiry).toBeGreaterThan(0);
    expect(covered.weightedNonZero).toBeGreaterThan(0);
  }, 600_000);

  it("costs the same number of statements whatever the number of plans", async () => {
    const count = async (plans: number) => {
      const year = 2100 + plans;
      const periodId = await mkYear(h, year);
      for (let i = 0; i < plans; i++) {
        const top = await mkPlan(h, h.admin.token, { name: `Top ${i}`, accountId: account, periodId, territory: i % 2 ? "North" : null, ownerId: gid("User", owners[i % 2].user.id) });
        await mkPlan(h, h.admin.token, { name: `Child ${i}`, accountId: account, periodId, parentId: top });
        const opp = await mkOpp(h, h.admin.token, { name: `Deal ${i}`, accountId: account, revenue: "100.00", probability: 30, status: "OPEN" });
        await h.ok(h.admin.token, `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`, { o: opp, p: top });
      }
      const out: number[] = [];
      for (const g of GROUP_BYS) {
        const before = h.statements();
        const d = await h.ok(h.admin.token, SUMMARY, { p: periodId, g });
        out.push(h.statements() - before);
        expect(d.planSummary.reduce((n: number, r: Row) => n + r.plans, 0)).toBe(plans);
      }
      return out;
    };
    const small = await count(2);
    const large = await count(12);
    expect(large).toEqual(small);
    // authentication and the summary statement
    for (const n of small) expect(n).toBeLessThanOrEqual(2);
  }, 300_000);

  it("answers groups in label order with plans without a territory last, and owners by name with their ids as keys", async () => {
    const periodId = await mkYear(h, 2200);
    await mkPlan(h, h.admin.token, { name: "A", accountId: account, periodId, territory: "South", ownerId: gid("User", owners[1].user.id), revenueTarget: "10.00" });
    await mkPlan(h, h.admin.token, { name: "B", accountId: account, periodId, ownerId: gid("User", owners[0].user.id) });
    await mkPlan(h, h.admin.token, { name: "C", accountId: account, periodId, territory: "North", ownerId: gid("User", owners[0].user.id), revenueTarget: "0.05" });
    const t = (await h.ok(owners[1].token, SUMMARY, { p: periodId, g: "TERRITORY" })).planSummary as Row[];
    expect(t.map((r) => [r.key, r.label, r.plans, r.revenueTarget])).toEqual([
      ["North", "North", 1, "0.05"],
      ["South", "South", 1, "10.00"],
      [null, null, 1, "0.00"],
    ]);
    const o = (await h.ok(h.admin.token, SUMMARY, { p: periodId, g: "OWNER" })).planSummary as Row[];
    expect(o.map((r) => [r.key, r.label, r.plans])).toEqual([
      [gid("User", owners[0].user.id), "Ann Owner", 2],
      [gid("User", owners[1].user.id), "Bob Owner", 1],
    ]);
    // a period without plans: no groups
    const empty = await mkYear(h, 2201);
    expect((await h.ok(h.admin.token, SUMMARY, { p: empty, g: "STATUS" })).planSummary).toEqual([]);
  });

  it("a periodId that is not a period's (malformed, another type's, unknown) finds nothing, as an id in a list filter does", async () => {
    for (const p of ["abc", "1", account, gid("Period", 999999)]) {
      const r = await h.gql(h.admin.token, SUMMARY, { p, g: "OWNER" });
      expect(r.errors).toBeUndefined();
      expect(r.data.planSummary).toEqual([]);
    }
  });
});
