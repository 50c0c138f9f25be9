import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createHarness, expectCode, type Harness, type TestUser } from "./helpers/harness";
import { auditActions, createPeriod, lockPlan, M, mkAccount, mkActivity, mkContact, mkObjective, mkOpp, mkPeriods, mkPlan, onTheWire, type PeriodSet, setStatus, twoAccounts } from "./helpers/factories";
import { expectRejected } from "./helpers/db-state";

let h: Harness;
// twoAccounts (helpers/factories.ts): am1 owns account A (contact cA), am2 account B (contact cB)
let am1: TestUser, am2: TestUser, rev: TestUser, analyst: TestUser;
let per: PeriodSet, accA: string, accB: string, cA: string, cB: string;
let P: string; // A, FY2026, top level
let PC: string; // A, Q1, child of P
let PG: string; // A, Jan, child of PC
let P2: string; // A, FY2026, sibling of P
let PB: string; // B, FY2026

const OBJ = `query($id: ID!) { objective(id: $id) {
  id name description isGlobal unit targetQuantity targetRevenue
  period { id } plan { id } account { id } contact { id } parent { id } children { id }
  progress { actualQuantity actualRevenue percentComplete } } }`;

const getObjective = async (id: string) => (await h.ok(h.admin.token, OBJ, { id })).objective;

beforeAll(async () => {
  h = onTheWire(await createHarness());
  ({ am1, am2, rev, analyst, per, accA, accB, cA, cB } = await twoAccounts(h));
  P = await mkPlan(h, am1.token, { name: "P", accountId: accA, periodId: per.fy26 });
  PC = await mkPlan(h, am1.token, { name: "PC", accountId: accA, periodId: per.q1, parentId: P });
  PG = await mkPlan(h, am1.token, { name: "PG", accountId: accA, periodId: per.jan, parentId: PC });
  P2 = await mkPlan(h, am1.token, { name: "P2", accountId: accA, periodId: per.fy26 });
  PB = await mkPlan(h, am2.token, { name: "PB", accountId: accB, periodId: per.fy26 });
});
afterAll(async () => h?.close());

describe("where an objective sits", () => {
  it("under a plan: the account is the plan's account (set even when not given), recorded in the plan's audit trail", async () => {
    const o = (await h.ok(am1.token, M.objective, { input: { name: "Under P", periodId: per.fy26, planId: P } })).createObjective;
    expect(o).toMatchObject({ plan: { id: P }, account: { id: accA }, isGlobal: false, period: { id: per.fy26 } });
    const again = await getObjective(o.id);
    expect(again.account).toEqual({ id: accA });
    const audit = await auditActions(h, P);
    expect(audit[0].action).toBe("OBJECTIVE_CREATED");
    expect(audit[0].changes).toContainEqual({ field: "objectiveId", oldValue: null, newValue: o.id });

    // giving the plan's own account explicitly is fine too
    const o2 = (await h.ok(am1.token, M.objective, { input: { name: "Under P, explicit", periodId: per.q2, planId: P, accountId: accA } })).createObjective;
    expect(o2.account).toEqual({ id: accA });
  });

  it("an account different from the plan's is BAD_USER_INPUT and creates nothing", async () => {
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: P, accountId: accB } }, "BAD_USER_INPUT", /accountId/);
  });

  it("the period must lie within the plan's period", async () => {
    // FY2027 is outside FY2026
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy27, planId: P } }, "BAD_USER_INPUT", /periodId/);
    // FY2026 is wider than the Q1 child plan
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: PC } }, "BAD_USER_INPUT", /periodId/);
    // Q2 does not lie within Q1
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.q2, planId: PC } }, "BAD_USER_INPUT", /periodId/);
    // a period straddling the plan's end
    const straddle = (await createPeriod(h, { name: "Mar-Apr 2026", type: "MONTH", startDate: "2026-03-15", endDate: "2026-04-15" })).id;
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: straddle, planId: PC } }, "BAD_USER_INPUT", /periodId/);
    // the same period and a nested one are fine
    await mkObjective(h, am1.token, { name: "Q1 obj", periodId: per.q1, planId: PC });
    await mkObjective(h, am1.token, { name: "Feb obj", periodId: per.feb, planId: PC });
  });

  it("under an account without a plan; its contact must belong to that account", async () => {
    const o = (await h.ok(am1.token, M.objective, { input: { name: "Acct obj", periodId: per.fy26, accountId: accA, contactId: cA } })).createObjective;
    expect(o).toMatchObject({ plan: null, account: { id: accA }, contact: { id: cA }, isGlobal: false });
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, accountId: accA, contactId: cB } }, "BAD_USER_INPUT", /contactId/);
  });

  it("under a plan, the contact must belong to the plan's account", async () => {
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: P, contactId: cB } }, "BAD_USER_INPUT", /contactId/);
    const o = (await h.ok(am1.token, M.objective, { input: { name: "With contact", periodId: per.fy26, planId: P, contactId: cA } })).createObjective;
    expect(o.contact).toEqual({ id: cA });
  });

  it("unknown plan, account, period, contact or parent is NOT_FOUND and creates nothing", async () => {
    for (const extra of [{ planId: "999999" }, { accountId: "999999" }, { contactId: "999999", accountId: accA }, { parentId: "999999", accountId: accA }, { planId: "abc" }]) {
      await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, ...extra } }, "NOT_FOUND");
    }
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: "999999", accountId: accA } }, "NOT_FOUND");
  });

  it("targetQuantity without a unit is BAD_USER_INPUT", async () => {
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, accountId: accA, targetQuantity: 5 } }, "BAD_USER_INPUT", /unit/);
  });

  it("an ANALYST cannot create objectives anywhere", async () => {
    await expectRejected(h, analyst.token, M.objective, { input: { name: "x", periodId: per.fy26, accountId: accA } }, "FORBIDDEN");
    await expectRejected(h, analyst.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: P } }, "FORBIDDEN");
  });
});

describe("global objectives (no plan, no account)", () => {
  let g: string;
  it("only an ADMIN creates them; they are isGlobal", async () => {
    for (const u of [am1, rev, analyst]) {
      await expectRejected(h, u.token, M.objective, { input: { name: "Global x", periodId: per.fy26 } }, "FORBIDDEN");
    }
    const o = (await h.ok(h.admin.token, M.objective, { input: { name: "Global 1", periodId: per.fy26, unit: "UNITS", targetQuantity: 10 } })).createObjective;
    expect(o).toMatchObject({ isGlobal: true, plan: null, account: null });
    g = o.id;
  });

  it("a global objective cannot have a contact (it has no account)", async () => {
    await expectRejected(h, h.admin.token, M.objective, { input: { name: "Global c", periodId: per.fy26, contactId: cA } }, "BAD_USER_INPUT", /contactId/);
  });

  it("only an ADMIN edits or deletes them", async () => {
    for (const u of [am1, rev]) {
      await expectRejected(h, u.token, M.updateObjective, { id: g, input: { name: "hacked" } }, "FORBIDDEN");
      await expectRejected(h, u.token, M.deleteObjective, { id: g }, "FORBIDDEN");
    }
    await expectRejected(h, analyst.token, M.updateObjective, { id: g, input: { name: "hacked" } }, "FORBIDDEN");
    const upd = (await h.ok(h.admin.token, M.updateObjective, { id: g, input: { name: "Global 1 renamed", actualQuantity: 4 } })).updateObjective;
    expect(upd.name).toBe("Global 1 renamed");
    expect(upd.progress).toEqual({ actualQuantity: 4, actualRevenue: "0.00", percentComplete: 40 });
    const tmp = await mkObjective(h, h.admin.token, { name: "Global tmp", periodId: per.q1 });
    expect((await h.ok(h.admin.token, M.deleteObjective, { id: tmp })).deleteObjective).toBe(tmp);
    expect((await h.ok(h.admin.token, OBJ, { id: tmp })).objective).toBeNull();
  });
});

describe("parent objectives", () => {
  let parentP: string; // under P, FY2026
  let parentQ1: string; // under PC, Q1
  let parentAcct: string; // account A, no plan, FY2026
  let parentGlobal: string;
  beforeAll(async () => {
    parentP = await mkObjective(h, am1.token, { name: "Parent P", periodId: per.fy26, planId: P });
    parentQ1 = await mkObjective(h, am1.token, { name: "Parent PC", periodId: per.q1, planId: PC });
    parentAcct = await mkObjective(h, am1.token, { name: "Parent acct", periodId: per.fy26, accountId: accA });
    parentGlobal = await mkObjective(h, h.admin.token, { name: "Parent global", periodId: per.fy26 });
  });

  it("a child's period lies within its parent's", async () => {
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy27, accountId: accA, parentId: parentAcct } }, "BAD_USER_INPUT", /periodId/);
    // parent is Q1, child FY2026 is wider
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: P, parentId: parentQ1 } }, "BAD_USER_INPUT");
    const c = (await h.ok(am1.token, M.objective, { input: { name: "Child Jan", periodId: per.jan, planId: PC, parentId: parentQ1 } })).createObjective;
    expect(c.parent).toEqual({ id: parentQ1 });
    // the plan's period (FY2026) allows April, the parent's (Q1) does not
    const q1OnP = await mkObjective(h, am1.token, { name: "Q1 parent on P", periodId: per.q1, planId: P });
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.apr, planId: P, parentId: q1OnP } }, "BAD_USER_INPUT", /parent objective's period/);
    await mkObjective(h, am1.token, { name: "Feb child", periodId: per.feb, planId: P, parentId: q1OnP });
  });

  it("a child of a plan's objective is under that plan or one of its descendants", async () => {
    const same = await mkObjective(h, am1.token, { name: "Child same plan", periodId: per.q2, planId: P, parentId: parentP });
    const child = await mkObjective(h, am1.token, { name: "Child in PC", periodId: per.q1, planId: PC, parentId: parentP });
    const grand = await mkObjective(h, am1.token, { name: "Child in PG", periodId: per.jan, planId: PG, parentId: parentP });
    const parent = await getObjective(parentP);
    expect(parent.children.map((c: any) => c.id)).toEqual([same, child, grand]);
    // a sibling plan, another account's plan, no plan at all, and an ancestor plan are all refused
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.q1, planId: P2, parentId: parentP } }, "BAD_USER_INPUT", /parent/);
    await expectRejected(h, am2.token, M.objective, { input: { name: "x", periodId: per.q1, planId: PB, parentId: parentP } }, "BAD_USER_INPUT");
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.q1, accountId: accA, parentId: parentP } }, "BAD_USER_INPUT", /planId/);
    await expectRejected(h, am1.token, M.objective, { input: { name: "x", periodId: per.jan, planId: P, parentId: parentQ1 } }, "BAD_USER_INPUT", /parent/);
  });

  it("a child of an account objective stays in that account; a global parent takes any child", async () => {
    await mkObjective(h, am1.token, { name: "Acct child", periodId: per.q1, accountId: accA, parentId: parentAcct });
    await mkObjective(h, am1.token, { name: "Plan child of acct", periodId: per.q1, planId: PC, parentId: parentAcct });
    await expectRejected(h, am2.token, M.objective, { input: { name: "x", periodId: per.q1, accountId: accB, parentId: parentAcct } }, "BAD_USER_INPUT", /parent/);
    await expectRejected(h, h.admin.token, M.objective, { input: { name: "x", periodId: per.q1, parentId: parentAcct } }, "BAD_USER_INPUT", /parent/);
    await mkObjective(h, am2.token, { name: "B child of global", periodId: per.q1, accountId: accB, parentId: parentGlobal });
    await mkObjective(h, am1.token, { name: "PG child of global", periodId: per.jan, planId: PG, parentId: parentGlobal });
    await mkObjective(h, h.admin.token, { name: "Global child of global", periodId: per.q3, parentId: parentGlobal });
    await expectRejected(h, h.admin.token, M.objective, { input: { name: "x", periodId: per.q1y27, parentId: parentGlobal } }, "BAD_USER_INPUT", /periodId/);
  });
});

describe("objectives under a plan follow the plan's edit permissions and lock", () => {
  it("DRAFT: the owner and an ADMIN write; another account manager, a REVIEWER and an ANALYST cannot", async () => {
    const ob = await mkObjective(h, am1.token, { name: "Draft obj", periodId: per.fy26, planId: P2 });
    await mkObjective(h, h.admin.token, { name: "Admin draft obj", periodId: per.fy26, planId: P2 });
    for (const u of [am2, rev, analyst]) {
      await expectRejected(h, u.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: P2 } }, "FORBIDDEN");
      await expectRejected(h, u.token, M.updateObjective, { id: ob, input: { name: "x" } }, "FORBIDDEN");
      await expectRejected(h, u.token, M.deleteObjective, { id: ob }, "FORBIDDEN");
    }
    await h.ok(h.admin.token, M.updateObjective, { id: ob, input: { description: "by admin" } });
    const upd = (await h.ok(am1.token, M.updateObjective, { id: ob, input: { name: "Draft obj 2", targetRevenue: "10.00" } })).updateObjective;
    expect(upd).toMatchObject({ name: "Draft obj 2", description: "by admin", targetRevenue: "10.00" });
    const audit = await auditActions(h, P2);
    expect(audit[0].action).toBe("OBJECTIVE_UPDATED");
    expect(audit[0].changes).toEqual(
      expect.arrayContaining([
        { field: "objectiveId", oldValue: null, newValue: ob },
        { field: "name", oldValue: "Draft obj", newValue: "Draft obj 2" },
        { field: "targetRevenue", oldValue: null, newValue: "10.00" },
      ]),
    );
    expect((await h.ok(am1.token, M.deleteObjective, { id: ob })).deleteObjective).toBe(ob);
    expect((await auditActions(h, P2))[0].action).toBe("OBJECTIVE_DELETED");
    expect((await h.ok(am1.token, OBJ, { id: ob })).objective).toBeNull();
  });

  it("SUBMITTED: a REVIEWER may write too; another account manager still cannot", async () => {
    const plan = await mkPlan(h, am1.token, { name: "Submitted", accountId: accA, periodId: per.fy26 });
    const ob = await mkObjective(h, am1.token, { name: "Sub obj", periodId: per.fy26, planId: plan });
    await setStatus(h, am1.token, plan, "SUBMITTED");
    const byRev = await mkObjective(h, rev.token, { name: "Reviewer obj", periodId: per.q1, planId: plan });
    await h.ok(rev.token, M.updateObjective, { id: ob, input: { name: "Reviewed" } });
    await h.ok(am1.token, M.updateObjective, { id: ob, input: { description: "owner" } });
    await expectRejected(h, am2.token, M.objective, { input: { name: "x", periodId: per.fy26, planId: plan } }, "FORBIDDEN");
    await expectRejected(h, am2.token, M.updateObjective, { id: ob, input: { name: "x" } }, "FORBIDDEN");
    await expectRejected(h, am2.token, M.deleteObjective, { id: ob }, "FORBIDDEN");
    await expectRejected(h, analyst.token, M.updateObjective, { id: ob, input: { name: "x" } }, "FORBIDDEN");
    expect((await h.ok(rev.token, M.deleteObjective, { id: byRev })).deleteObjective).toBe(byRev);
  });

  for (const status of ["FINAL_APPROVED", "EXPIRED"] as const) {
    it(`${status}: objectives cannot be created, edited or deleted, not even by an ADMIN (PLAN_LOCKED)`, async () => {
      const period = status === "EXPIRED" ? per.fy19 : per.fy26; // expiry needs the period to have ended
      const plan = await mkPlan(h, am1.token, { name: `Locked ${status}`, accountId: accA, periodId: period });
      const ob = await mkObjective(h, am1.token, { name: "Before lock", periodId: period, planId: plan, unit: "UNITS", targetQuantity: 3 });
      await lockPlan(h, am1.token, plan, status);
      for (const u of [am1, h.admin]) {
        await expectRejected(h, u.token, M.objective, { input: { name: "x", periodId: period, planId: plan } }, "PLAN_LOCKED");
        await expectRejected(h, u.token, M.updateObjective, { id: ob, input: { name: "x" } }, "PLAN_LOCKED");
        await expectRejected(h, u.token, M.updateObjective, { id: ob, input: { actualQuantity: 2 } }, "PLAN_LOCKED");
        await expectRejected(h, u.token, M.deleteObjective, { id: ob }, "PLAN_LOCKED");
      }
      expect((await getObjective(ob)).name).toBe("Before lock");
    });
  }
});

describe("deleting a parent objective", () => {
  it("is PLAN_LOCKED when a child objective (which would go with it) sits under a locked plan", async () => {
    const top = await mkPlan(h, am1.token, { name: "Cascade top", accountId: accA, periodId: per.fy26 });
    const child = await mkPlan(h, am1.token, { name: "Cascade child", accountId: accA, periodId: per.q1, parentId: top });
    const parent = await mkObjective(h, am1.token, { name: "Cascade parent", periodId: per.fy26, planId: top });
    const locked = await mkObjective(h, am1.token, { name: "Locked child", periodId: per.q1, planId: child, parentId: parent });
    await lockPlan(h, am1.token, child, "FINAL_APPROVED");
    await expectRejected(h, am1.token, M.deleteObjective, { id: parent }, "PLAN_LOCKED");
    expect((await getObjective(locked)).parent).toEqual({ id: parent });
  });

  it("takes its children along when none of them is locked", async () => {
    const top = await mkPlan(h, am1.token, { name: "Cascade top 2", accountId: accA, periodId: per.fy26 });
    const child = await mkPlan(h, am1.token, { name: "Cascade child 2", accountId: accA, periodId: per.q1, parentId: top });
    const parent = await mkObjective(h, am1.token, { name: "Cascade parent 2", periodId: per.fy26, planId: top });
    const kid = await mkObjective(h, am1.token, { name: "Kid", periodId: per.q1, planId: child, parentId: parent });
    const grandkid = await mkObjective(h, am1.token, { name: "Grandkid", periodId: per.jan, planId: child, parentId: kid });
    expect((await h.ok(am1.token, M.deleteObjective, { id: parent })).deleteObjective).toBe(parent);
    for (const id of [parent, kid, grandkid]) expect((await h.ok(am1.token, OBJ, { id })).objective).toBeNull();
  });
});

describe("updates", () => {
  it("actualQuantity is entered by hand for UNITS objectives only", async () => {
    const units = await mkObjective(h, am1.token, { name: "Units", periodId: per.fy26, accountId: accA, unit: "UNITS", targetQuantity: 8 });
    const calls = await mkObjective(h, am1.token, { name: "Calls", periodId: per.fy26, accountId: accA, unit: "CALLS", targetQuantity: 8 });
    const none = await mkObjective(h, am1.token, { name: "No unit", periodId: per.fy26, accountId: accA, targetRevenue: "5.00" });
    const u = (await h.ok(am1.token, M.updateObjective, { id: units, input: { actualQuantity: 2 } })).updateObjective;
    expect(u.progress).toEqual({ actualQuantity: 2, actualRevenue: "0.00", percentComplete: 25 });
    await expectRejected(h, am1.token, M.updateObjective, { id: calls, input: { actualQuantity: 2 } }, "BAD_USER_INPUT", /actualQuantity/);
    await expectRejected(h, am1.token, M.updateObjective, { id: none, input: { actualQuantity: 2 } }, "BAD_USER_INPUT", /actualQuantity/);
    // switching the unit to UNITS in the same update allows it
    const sw = (await h.ok(am1.token, M.updateObjective, { id: none, input: { unit: "UNITS", targetQuantity: 4, actualQuantity: 1 } })).updateObjective;
    expect(sw.progress).toEqual({ actualQuantity: 1, actualRevenue: "0.00", percentComplete: 25 });
    // removing the unit while a quantity target remains is refused
    await expectRejected(h, am1.token, M.updateObjective, { id: calls, input: { unit: null } }, "BAD_USER_INPUT", /unit/);
    await expectRejected(h, am1.token, M.updateObjective, { id: calls, input: { name: null } }, "BAD_USER_INPUT", /name/);
    await expectRejected(h, am1.token, M.updateObjective, { id: "999999", input: { name: "x" } }, "NOT_FOUND");
  });
});

describe("progress", () => {
  const complete = (id: string) => h.ok(am1.token, M.complete, { id });

  it("CALLS and MEETINGS count COMPLETED activities of that type linked to the objective", async () => {
    const calls = await mkObjective(h, am1.token, { name: "Calls 4", periodId: per.fy26, planId: P, unit: "CALLS", targetQuantity: 4 });
    const meetings = await mkObjective(h, am1.token, { name: "Meetings 3", periodId: per.fy26, planId: P, unit: "MEETINGS", targetQuantity: 3 });
    const other = await mkObjective(h, am1.token, { name: "Other calls", periodId: per.fy26, planId: P, unit: "CALLS", targetQuantity: 1 });
    const act = (type: string, objectiveId: string) => mkActivity(h, am1.token, { subject: `${type} for ${objectiveId}`, type, accountId: accA, objectiveId });
    await complete(await act("CALL", calls));
    await complete(await act("CALL", calls));
    await act("CALL", calls); // planned: not counted
    const cancelled = await act("CALL", calls);
    await h.ok(am1.token, M.updateActivity, { id: cancelled, input: { status: "CANCELLED" } });
    await complete(await act("MEETING", calls)); // wrong type for CALLS
    await complete(await act("EMAIL", calls));
    await complete(await act("CALL", other)); // other objective
    await complete(await act("MEETING", meetings));
    await complete(await mkActivity(h, am1.token, { subject: "unlinked call", type: "CALL", accountId: accA }));

    expect((await getObjective(calls)).progress).toEqual({ actualQuantity: 2, actualRevenue: "0.00", percentComplete: 50 });
    expect((await getObjective(meetings)).progress).toEqual({ actualQuantity: 1, actualRevenue: "0.00", percentComplete: 33.33 });
    expect((await getObjective(other)).progress).toEqual({ actualQuantity: 1, actualRevenue: "0.00", percentComplete: 100 });
  });

  it("actualRevenue sums WON opportunities; percentComplete uses the quantity target, else the revenue target, else null", async () => {
    const rev1000 = await mkObjective(h, am1.token, { name: "Revenue", periodId: per.fy26, accountId: accA, targetRevenue: "1000.00" });
    const both = await mkObjective(h, am1.token, { name: "Both", periodId: per.fy26, accountId: accA, targetRevenue: "100.00", unit: "UNITS", targetQuantity: 10 });
    const noTarget = await mkObjective(h, am1.token, { name: "No target", periodId: per.fy26, accountId: accA });
    const opp = (objectiveId: string, revenue: string, status: string) =>
      mkOpp(h, am1.token, { name: `${status} ${revenue}`, accountId: accA, revenue, status, objectiveId });
    for (const ob of [rev1000, both, noTarget]) {
      await opp(ob, "200.10", "WON");
      await opp(ob, "49.90", "WON");
      await opp(ob, "500.00", "OPEN");
      await opp(ob, "300.00", "LOST");
    }
    // an opportunity that later becomes WON counts; one moved away stops counting
    const later = await opp(rev1000, "0.40", "OPEN");
    await h.ok(am1.token, M.updateOpportunity, { id: later, input: { status: "WON" } });
    const moved = await opp(rev1000, "7.00", "WON");
    await h.ok(am1.token, M.updateOpportunity, { id: moved, input: { objectiveId: null } });

    expect((await getObjective(rev1000)).progress).toEqual({ actualQuantity: 0, actualRevenue: "250.40", percentComplete: 25.04 });
    await h.ok(am1.token, M.updateObjective, { id: both, input: { actualQuantity: 5 } });
    expect((await getObjective(both)).progress).toEqual({ actualQuantity: 5, actualRevenue: "250.00", percentComplete: 50 });
    expect((await getObjective(noTarget)).progress).toEqual({ actualQuantity: 0, actualRevenue: "250.00", percentComplete: null });
    // a zero quantity target falls back to the revenue target
    await h.ok(am1.token, M.updateObjective, { id: both, input: { targetQuantity: 0 } });
    expect((await getObjective(both)).progress.percentComplete).toBe(250);
  });
});

describe("applicableObjectives and globalObjectives", () => {
  let h2: Harness;
  let a: string;
  let b: string;
  const made: Record<string, string> = {};
  beforeAll(async () => {
    // a separate database so that the lists are exactly what this block created
    h2 = onTheWire(await createHarness());
    const am = await h2.user(Role.ACCOUNT_MANAGER);
    const p = await mkPeriods(h2);
    const touching = (await createPeriod(h2, { name: "Mar 31 - Apr 15", type: "MONTH", startDate: "2026-03-31", endDate: "2026-04-15" })).id;
    a = await mkAccount(h2, am.token, "A");
    b = await mkAccount(h2, am.token, "B");
    const plan = await mkPlan(h2, am.token, { name: "A plan", accountId: a, periodId: p.fy26 });
    const mk = async (key: string, token: string, input: Record<string, unknown>) => {
      made[key] = await mkObjective(h2, token, { name: key, ...input });
    };
    await mk("a-fy26", am.token, { periodId: p.fy26, accountId: a });
    await mk("g-q3", h2.admin.token, { periodId: p.q3 });
    await mk("a-plan-q1", am.token, { periodId: p.q1, planId: plan });
    await mk("a-q2", am.token, { periodId: p.q2, accountId: a });
    await mk("g-fy26", h2.admin.token, { periodId: p.fy26 });
    await mk("a-fy27", am.token, { periodId: p.fy27, accountId: a });
    await mk("b-q1", am.token, { periodId: p.q1, accountId: b });
    await mk("g-fy27", h2.admin.token, { periodId: p.fy27 });
    await mk("a-touch", am.token, { periodId: touching, accountId: a });
    await mk("g-jan", h2.admin.token, { periodId: p.jan });
    Object.assign(made, { q1: p.q1, q2: p.q2, fy26: p.fy26, fy27: p.fy27, apr: p.apr });
  });
  afterAll(async () => h2?.close());

  const Q = `query($a: ID!, $p: ID) { account(id: $a) { objectives { name } applicableObjectives(periodId: $p) { name isGlobal } }
    globalObjectives(periodId: $p) { name isGlobal } }`;
  const names = (xs: Array<{ name: string }>) => xs.map((x) => x.name);

  it("without a period: the account's objectives (incl. its plans') then the global ones", async () => {
    const d = await h2.ok(h2.admin.token, Q, { a });
    expect(names(d.account.objectives)).toEqual(["a-fy26", "a-plan-q1", "a-q2", "a-fy27", "a-touch"]);
    expect(names(d.account.applicableObjectives)).toEqual(["a-fy26", "a-plan-q1", "a-q2", "a-fy27", "a-touch", "g-q3", "g-fy26", "g-fy27", "g-jan"]);
    expect(d.account.applicableObjectives.map((o: any) => o.isGlobal)).toEqual([false, false, false, false, false, true, true, true, true]);
    expect(names(d.globalObjectives)).toEqual(["g-q3", "g-fy26", "g-fy27", "g-jan"]);
    const db = await h2.ok(h2.admin.token, Q, { a: b });
    expect(names(db.account.applicableObjectives)).toEqual(["b-q1", "g-q3", "g-fy26", "g-fy27", "g-jan"]);
  });

  it("with a period: only objectives whose period overlaps it (dates inclusive)", async () => {
    const q1 = await h2.ok(h2.admin.token, Q, { a, p: made.q1 });
    expect(names(q1.account.applicableObjectives)).toEqual(["a-fy26", "a-plan-q1", "a-touch", "g-fy26", "g-jan"]);
    expect(names(q1.globalObjectives)).toEqual(["g-fy26", "g-jan"]);
    const apr = await h2.ok(h2.admin.token, Q, { a, p: made.apr });
    expect(names(apr.account.applicableObjectives)).toEqual(["a-fy26", "a-q2", "a-touch", "g-fy26"]);
    const fy27 = await h2.ok(h2.admin.token, Q, { a, p: made.fy27 });
    expect(names(fy27.account.applicableObjectives)).toEqual(["a-fy27", "g-fy27"]);
    expect(names(fy27.globalObjectives)).toEqual(["g-fy27"]);
    // Account.objectives ignores the period; an unknown period matches nothing
    expect(names(fy27.account.objectives)).toHaveLength(5);
    const none = await h2.ok(h2.admin.token, Q, { a, p: "999999" });
    expect(none.account.applicableObjectives).toEqual([]);
    expect(none.globalObjectives).toEqual([]);
  });
});

describe("rejections are reported with the contract's codes", () => {
  it("an unauthenticated call is refused", async () => {
    expectCode(await h.gql(null, M.objective, { input: { name: "x", periodId: per.fy26 } }), "UNAUTHENTICATED");
  });
});
