/**
 * Roll forward (copyBusinessPlan): a deep copy into another period of the same
 * type. Children go to the child period at the same position (Q1 -> Q1 of the
 * new year, February -> February); a child in its parent's period goes to the
 * new period itself; objectives come along with targets and mapped periods;
 * everything starts DRAFT at version 1 without opportunities or activities and
 * records copiedFrom. A missing period is BAD_USER_INPUT naming it, with
 * nothing created.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./helpers/harness";
import { createPeriod, createPlan, createWorld, driveTo, M, type World } from "./helpers/factories";
import { expectRejected, type PlanSnapshot, rowCounts, snapshot } from "./helpers/db-state";
import { gid } from "./helpers/ids";

let h: Harness;
let w: World;

interface Year {
  year: string;
  q: Record<number, string>;
  m: Record<string, string>; // months of Q1
}

const QB: Record<number, [string, string]> = { 1: ["01-01", "03-31"], 2: ["04-01", "06-30"], 3: ["07-01", "09-30"], 4: ["10-01", "12-31"] };
const MB: Record<string, [string, string]> = { Jan: ["01-01", "01-31"], Feb: ["02-01", "02-28"], Mar: ["03-01", "03-31"] };

/** A year with the given quarters and Q1 months, created in the given (possibly shuffled) order. */
async function year(y: number, quarters: number[], months: string[]): Promise<Year> {
  const out: Year = { year: (await createPeriod(h, { name: `FY${y}`, type: "YEAR", startDate: `${y}-01-01`, endDate: `${y}-12-31` })).id, q: {}, m: {} };
  for (const n of quarters) out.q[n] = (await createPeriod(h, { name: `Q${n} FY${y}`, type: "QUARTER", startDate: `${y}-${QB[n][0]}`, endDate: `${y}-${QB[n][1]}`, parentId: out.year })).id;
  for (const m of months) out.m[m] = (await createPeriod(h, { name: `${m} FY${y}`, type: "MONTH", startDate: `${y}-${MB[m][0]}`, endDate: `${y}-${MB[m][1]}`, parentId: out.q[1] })).id;
  return out;
}

const TREE = `query($id: ID!) { businessPlan(id: $id) { ...P children { ...P children { ...P children { ...P } } } } }
fragment P on BusinessPlan {
  id name type status version description businessUnit territory revenueTarget
  owner { id } period { id name } parent { id } copiedFrom { id }
  objectives { id name targetRevenue targetQuantity unit period { id } parent { id } contact { id } }
  opportunities { id } activities { id } contacts { id } statusHistory { to }
  auditTrail { action changes { field oldValue newValue } }
  rollup { pipelineRevenue wonRevenue }
}`;

let src: Year;
let R: string, C0: string, C1: string, C3: string, G: string, G0: string;
const ob: Record<string, string> = {};
let sourceSnaps: Array<[string, PlanSnapshot]>;

beforeAll(async () => {
  h = await createHarness();
  w = await createWorld(h);
  src = await year(2030, [1, 2, 3, 4], ["Jan", "Feb", "Mar"]);
  const mk = (name: string, periodId: string, parentId?: string) => createPlan(h, w, { name, periodId, parentId, revenueTarget: "100.00" });
  R = (
    await h.ok(w.owner.token, M.createPlan, {
      input: {
        name: "Root FY2030",
        accountId: w.accountId,
        periodId: src.year,
        type: "NATIONAL",
        description: "the national plan",
        businessUnit: "Automation",
        territory: "Italy",
        revenueTarget: "1000000.00",
      },
    })
  ).createBusinessPlan.id;
  C0 = await mk("C0 same period", src.year, R);
  C1 = await mk("C1 Q1", src.q[1], R);
  C3 = await mk("C3 Q3", src.q[3], R);
  G = await mk("G Feb", src.m.Feb, C1);
  G0 = await mk("G0 same as C3", src.q[3], C3);
  const obj = async (key: string, input: Record<string, unknown>) => {
    ob[key] = (await h.ok(w.owner.token, M.createObjective, { input })).createObjective.id;
  };
  await obj("O1", { name: "O1 revenue", planId: R, periodId: src.year, targetRevenue: "500000.00" });
  await obj("O2", { name: "O2 calls", planId: R, periodId: src.q[2], targetQuantity: 12, unit: "CALLS", parentId: ob.O1 });
  await obj("O4", { name: "O4 meetings", planId: R, periodId: src.q[4], targetQuantity: 3, unit: "MEETINGS", contactId: w.contactId });
  await obj("O3", { name: "O3 Feb", planId: C1, periodId: src.m.Feb, targetRevenue: "1000.00", parentId: ob.O1 });
  // execution on the source: these must not come along
  await h.ok(w.owner.token, M.createOpportunity, { input: { name: "Deal", accountId: w.accountId, revenue: "40.00", planIds: [R, C1] } });
  await h.ok(w.owner.token, M.createActivity, { input: { subject: "Call", type: "CALL", accountId: w.accountId, planId: C3 } });
  await h.ok(w.owner.token, M.addContact, { p: R, c: w.contactId });
  // statuses on the source: copies start DRAFT anyway
  await driveTo(h, C1, "SUBMITTED");
  await driveTo(h, R, "FINAL_APPROVED");
  await driveTo(h, G0, "FINAL_APPROVED"); // (not EXPIRED: FY2030 has not ended, and expiry needs that since issue 12)
  sourceSnaps = await Promise.all([R, C0, C1, C3, G, G0].map(async (id) => [id, await snapshot(h, id)] as [string, PlanSnapshot]));
});
afterAll(async () => h?.close());

describe("a successful roll forward", () => {
  let dst: Year;
  let copy: any;
  let before: Record<string, number>;

  beforeAll(async () => {
    // created out of order: the position is the calendar position, not the creation order
    dst = await year(2031, [4, 2, 3, 1], ["Mar", "Jan", "Feb"]);
    before = await rowCounts(h);
    const id = (await h.ok(w.admin.token, M.copy, { id: R, p: dst.year, o: gid("User", w.otherAm.user.id) })).copyBusinessPlan.id;
    copy = (await h.ok(w.admin.token, TREE, { id })).businessPlan;
  });

  const byName = (plans: any[], name: string) => {
    const p = plans.find((x) => x.name === name);
    expect(p, name).toBeDefined();
    return p;
  };

  it("copies the root into the target period with its fields, DRAFT, version 1, the named owner, copiedFrom set", () => {
    expect(copy).toMatchObject({
      name: "Root FY2030",
      type: "NATIONAL",
      status: "DRAFT",
      version: 1,
      description: "the national plan",
      businessUnit: "Automation",
      territory: "Italy",
      revenueTarget: "1000000.00",
      owner: { id: gid("User", w.otherAm.user.id) },
      period: { id: dst.year },
      parent: null,
      copiedFrom: { id: R },
    });
  });

  it("puts each child in the child period at the same position, and a child in its parent's period in the new period itself", () => {
    expect(copy.children.map((c: any) => c.name).sort()).toEqual(["C0 same period", "C1 Q1", "C3 Q3"]);
    expect(byName(copy.children, "C0 same period").period).toEqual({ id: dst.year, name: "FY2031" });
    const c1 = byName(copy.children, "C1 Q1");
    expect(c1.period).toEqual({ id: dst.q[1], name: "Q1 FY2031" });
    const c3 = byName(copy.children, "C3 Q3");
    expect(c3.period).toEqual({ id: dst.q[3], name: "Q3 FY2031" });
    expect(c1.children).toHaveLength(1);
    expect(c1.children[0]).toMatchObject({ name: "G Feb", period: { id: dst.m.Feb, name: "Feb FY2031" }, parent: { id: c1.id } });
    expect(c3.children).toHaveLength(1);
    expect(c3.children[0]).toMatchObject({ name: "G0 same as C3", period: { id: dst.q[3] }, parent: { id: c3.id } });
    expect(byName(copy.children, "C0 same period").children).toEqual([]);
  });

  it("every copy starts DRAFT at version 1 with no history, no opportunities, no activities, and records its source", () => {
    const all = [copy, ...copy.children, ...copy.children.flatMap((c: any) => c.children)];
    expect(all).toHaveLength(6);
    const sources: Record<string, string> = { "Root FY2030": R, "C0 same period": C0, "C1 Q1": C1, "C3 Q3": C3, "G Feb": G, "G0 same as C3": G0 };
    for (const p of all) {
      expect(p).toMatchObject({ status: "DRAFT", version: 1, statusHistory: [], opportunities: [], activities: [], copiedFrom: { id: sources[p.name] } });
      expect(p.rollup).toEqual({ pipelineRevenue: "0.00", wonRevenue: "0.00" });
      expect(p.auditTrail).toHaveLength(1);
      expect(p.auditTrail[0].action).toBe("CREATED");
      expect(p.auditTrail[0].changes).toContainEqual({ field: "copiedFromId", oldValue: null, newValue: sources[p.name] });
    }
  });

  it("copies objectives with their targets, units, contacts, mapped periods and parents", () => {
    const objs = Object.fromEntries(copy.objectives.map((o: any) => [o.name, o]));
    expect(Object.keys(objs).sort()).toEqual(["O1 revenue", "O2 calls", "O4 meetings"]);
    const o1 = objs["O1 revenue"];
    expect(o1).toMatchObject({ targetRevenue: "500000.00", targetQuantity: null, unit: null, period: { id: dst.year }, parent: null });
    expect(o1.id).not.toBe(ob.O1);
    expect(objs["O2 calls"]).toMatchObject({ targetQuantity: 12, unit: "CALLS", period: { id: dst.q[2] }, parent: { id: o1.id } });
    expect(objs["O4 meetings"]).toMatchObject({ targetQuantity: 3, unit: "MEETINGS", period: { id: dst.q[4] }, contact: { id: w.contactId } });
    const c1 = byName(copy.children, "C1 Q1");
    expect(c1.objectives).toHaveLength(1);
    expect(c1.objectives[0]).toMatchObject({ name: "O3 Feb", targetRevenue: "1000.00", period: { id: dst.m.Feb }, parent: { id: o1.id } });
  });

  it("creates exactly the copies (6 plans, 4 objectives, 6 audit rows) and leaves the source untouched", async () => {
    const after = await rowCounts(h);
    expect(after.business_plan - before.business_plan).toBe(6);
    expect(after.objective - before.objective).toBe(4);
    expect(after.plan_audit_entry - before.plan_audit_entry).toBe(6);
    expect(after.plan_status_change).toBe(before.plan_status_change);
    expect(after.plan_opportunity).toBe(before.plan_opportunity);
    expect(after.activity).toBe(before.activity);
    expect(after.opportunity).toBe(before.opportunity);
    for (const [id, snap] of sourceSnaps) expect(await snapshot(h, id)).toEqual(snap);
  });

  it("an ACCOUNT_MANAGER can roll a sub-tree forward and owns the copy", async () => {
    const id = (await h.ok(w.owner.token, M.copy, { id: C1, p: dst.q[1] })).copyBusinessPlan.id;
    const p = (await h.ok(w.owner.token, TREE, { id })).businessPlan;
    expect(p).toMatchObject({ name: "C1 Q1", owner: { id: gid("User", w.owner.user.id) }, period: { id: dst.q[1] }, parent: null, copiedFrom: { id: C1 } });
    expect(p.children[0]).toMatchObject({ name: "G Feb", period: { id: dst.m.Feb } });
    expect(p.objectives[0]).toMatchObject({ name: "O3 Feb", period: { id: dst.m.Feb }, parent: null }); // its parent objective was not copied
  });
});

describe("refusals create nothing", () => {
  async function expectNothingCreated(run: () => Promise<any>, code: string, ...mustMention: string[]) {
    const before = await rowCounts(h);
    const r = await run();
    await expectRejected(h, r, code, sourceSnaps);
    for (const s of mustMention) expect(r.errors[0].message).toContain(s);
    expect(await rowCounts(h)).toEqual(before);
    return r.errors[0].message as string;
  }

  it("a missing child period for a child plan: BAD_USER_INPUT naming it (Q3 missing, Q4 present)", async () => {
    const t = await year(2032, [1, 2, 4], ["Jan", "Feb", "Mar"]);
    const msg = await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: R, p: t.year }), "BAD_USER_INPUT", "FY2032", "Q3 FY2030", "C3 Q3", "2032-07-01");
    expect(msg).toMatch(/QUARTER/);
  });

  it("a missing period for an objective, found after the root copy was written: BAD_USER_INPUT naming it, everything rolled back", async () => {
    const t = await year(2033, [1, 2, 3], ["Jan", "Feb", "Mar"]);
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: R, p: t.year }), "BAD_USER_INPUT", "FY2033", "Q4 FY2030", "O4 meetings", "2033-10-01");
  });

  it("a missing month two levels down: BAD_USER_INPUT naming it, nothing created", async () => {
    const t = await year(2034, [1, 2, 3, 4], ["Jan", "Mar"]);
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: R, p: t.year }), "BAD_USER_INPUT", "Q1 FY2034", "Feb FY2030", "2034-02-01");
  });

  it("a target period of another type: BAD_USER_INPUT, nothing created", async () => {
    const t = await year(2035, [1, 2, 3, 4], []);
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: R, p: t.q[1] }), "BAD_USER_INPUT", "periodId", "YEAR");
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: C1, p: t.year }), "BAD_USER_INPUT", "periodId");
  });

  it("who may copy: not REVIEWER or ANALYST; an ACCOUNT_MANAGER cannot name another owner; unknown ids are NOT_FOUND", async () => {
    const t = await year(2036, [1, 2, 3, 4], ["Jan", "Feb", "Mar"]);
    await expectNothingCreated(() => h.gql(w.reviewer.token, M.copy, { id: R, p: t.year }), "FORBIDDEN");
    await expectNothingCreated(() => h.gql(w.analyst.token, M.copy, { id: R, p: t.year }), "FORBIDDEN");
    await expectNothingCreated(() => h.gql(w.owner.token, M.copy, { id: R, p: t.year, o: gid("User", w.otherAm.user.id) }), "FORBIDDEN");
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: R, p: t.year, o: gid("User", w.reviewer.user.id) }), "BAD_USER_INPUT");
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: "99999", p: t.year }), "NOT_FOUND");
    await expectNothingCreated(() => h.gql(w.admin.token, M.copy, { id: R, p: "99999" }), "NOT_FOUND");
    // and the same target then works
    expect((await h.gql(w.admin.token, M.copy, { id: R, p: t.year })).errors).toBeUndefined();
  });
});
