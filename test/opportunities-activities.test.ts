import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createHarness, expectCode, type Harness, type TestUser } from "./helpers/harness";
import { auditActions, ids, lockPlan, M, mkAccount, mkActivity, mkContact, mkObjective, mkOpp, mkPeriods, mkPlan, onTheWire, type PeriodSet, twoAccounts } from "./helpers/factories";
import { expectRejected } from "./helpers/db-state";
import { gid } from "./helpers/ids";

let h: Harness;
// twoAccounts (helpers/factories.ts): am1 owns account A (contact cA), am2 account B (contact cB)
let am1: TestUser, am2: TestUser, rev: TestUser, analyst: TestUser;
let per: PeriodSet, accA: string, accB: string, cA: string, cB: string;
let PA: string; // A, FY2026 (DRAFT)
let PA2: string; // A, Q1, child of PA
let PAF: string; // A, FINAL_APPROVED
let PAE: string; // A, EXPIRED
let PB: string; // B
let obA: string; // under PA
let obAacct: string; // account A, no plan
let obG: string; // global
let obB: string; // account B
let oppB: string; // account B

const OPP = `query($id: ID!) { opportunity(id: $id) { id name revenue status probability closeDate account { id } owner { id } objective { id } plans { id } sourceActivity { id } } }`;
const ACT = `query($id: ID!) { activity(id: $id) { id subject type status dueAt completedAt notes account { id } contact { id } plan { id } objective { id } opportunity { id } owner { id } followUpOf { id } followUps { id subject } } }`;
const getOpp = async (id: string) => (await h.ok(h.admin.token, OPP, { id })).opportunity;
const getAct = async (id: string) => (await h.ok(h.admin.token, ACT, { id })).activity;
/** An activity linked to everything of account A (contact cA, plan PA, objective obA) and opportunity `opp`: its input ids, and the links the API reads back. */
const linkIdsInA = (opp: string) => ({ accountId: accA, contactId: cA, planId: PA, objectiveId: obA, opportunityId: opp });
const linkedInA = (opp: string) => ({ account: { id: accA }, contact: { id: cA }, plan: { id: PA }, objective: { id: obA }, opportunity: { id: opp } });
const linkAudits = async (planId: string, oppId: string, action: string) =>
  (await auditActions(h, planId)).filter((e) => e.action === action && e.changes.some((c) => c.field === "opportunityId" && (c.newValue === oppId || c.oldValue === oppId)));

beforeAll(async () => {
  h = onTheWire(await createHarness());
  ({ am1, am2, rev, analyst, per, accA, accB, cA, cB } = await twoAccounts(h));
  PA = await mkPlan(h, am1.token, { name: "PA", accountId: accA, periodId: per.fy26 });
  PA2 = await mkPlan(h, am1.token, { name: "PA2", accountId: accA, periodId: per.q1, parentId: PA });
  PAF = await mkPlan(h, am1.token, { name: "PAF", accountId: accA, periodId: per.fy26 });
  PAE = await mkPlan(h, am1.token, { name: "PAE", accountId: accA, periodId: per.fy19 }); // ended: it can expire
  PB = await mkPlan(h, am2.token, { name: "PB", accountId: accB, periodId: per.fy26 });
  obA = await mkObjective(h, am1.token, { name: "obA", periodId: per.fy26, planId: PA });
  obAacct = await mkObjective(h, am1.token, { name: "obAacct", periodId: per.fy26, accountId: accA });
  obG = await mkObjective(h, h.admin.token, { name: "obG", periodId: per.fy26 });
  obB = await mkObjective(h, am2.token, { name: "obB", periodId: per.fy26, accountId: accB });
  oppB = await mkOpp(h, am2.token, { name: "oppB", accountId: accB, revenue: "1.00" });
  await lockPlan(h, am1.token, PAF, "FINAL_APPROVED");
  await lockPlan(h, am1.token, PAE, "EXPIRED");
});
afterAll(async () => h?.close());

describe("opportunities: account, plans and objective", () => {
  it("belongs to one account, links to several of its plans and one objective; each link is audited on the plan", async () => {
    const o = (
      await h.ok(am1.token, M.opportunity, { input: { name: "Big deal", accountId: accA, revenue: "1250000.50", objectiveId: obA, planIds: [PA2, PA, PA2], closeDate: "2026-06-30" } })
    ).createOpportunity;
    expect(o).toMatchObject({ name: "Big deal", revenue: "1250000.50", status: "OPEN", probability: 10, account: { id: accA }, owner: { id: gid("User", am1.user.id) }, objective: { id: obA }, sourceActivity: null });
    expect(ids(o.plans).sort()).toEqual([PA, PA2].sort());
    expect(await linkAudits(PA, o.id, "OPPORTUNITY_LINKED")).toHaveLength(1);
    expect(await linkAudits(PA2, o.id, "OPPORTUNITY_LINKED")).toHaveLength(1);
    expect((await getOpp(o.id)).closeDate).toBe("2026-06-30");
  });

  it("may use the account's objective without a plan, a global objective, and a FINAL_APPROVED plan", async () => {
    const a = await mkOpp(h, am1.token, { name: "acct obj", accountId: accA, revenue: "1", objectiveId: obAacct });
    const g = await mkOpp(h, am1.token, { name: "global obj", accountId: accA, revenue: "2", objectiveId: obG, planIds: [PAF] });
    expect((await getOpp(a)).objective).toEqual({ id: obAacct });
    expect(await getOpp(g)).toMatchObject({ objective: { id: obG }, plans: [{ id: PAF }], revenue: "2.00" });
  });

  it("another account's plan or objective is BAD_USER_INPUT; an EXPIRED plan is PLAN_LOCKED; nothing is created", async () => {
    const base = { name: "bad", accountId: accA, revenue: "5.00" };
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, objectiveId: obB } }, "BAD_USER_INPUT", /objectiveId/);
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, planIds: [PA, PB] } }, "BAD_USER_INPUT", /planIds/);
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, planIds: [PA, PAE] } }, "PLAN_LOCKED");
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, accountId: "999999" } }, "NOT_FOUND");
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, planIds: ["999999"] } }, "NOT_FOUND");
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, revenue: "1.005" } }, "BAD_USER_INPUT");
    await expectRejected(h, am1.token, M.opportunity, { input: { ...base, revenue: "-1.00" } }, "BAD_USER_INPUT");
    await expectRejected(h, analyst.token, M.opportunity, { input: base }, "FORBIDDEN");
  });

  it("link is idempotent, unlinking what is not linked is NOT_FOUND; each recorded once in the plan's audit trail", async () => {
    const o = await mkOpp(h, am1.token, { name: "Linkable", accountId: accA, revenue: "10.00" });
    expect((await h.ok(am1.token, M.link, { o, p: PA })).linkOpportunityToPlan.plans).toEqual([{ id: PA }]);
    const afterFirst = await auditActions(h, PA);
    expect(afterFirst[0]).toEqual({ action: "OPPORTUNITY_LINKED", changes: [{ field: "opportunityId", oldValue: null, newValue: o }] });
    // the second link changes nothing at all, not even the audit trail
    expect((await h.ok(am1.token, M.link, { o, p: PA })).linkOpportunityToPlan.plans).toEqual([{ id: PA }]);
    expect(await auditActions(h, PA)).toEqual(afterFirst);
    expect(await linkAudits(PA, o, "OPPORTUNITY_LINKED")).toHaveLength(1);
    // linking to a FINAL_APPROVED plan is allowed (execution continues after approval)
    await h.ok(am1.token, M.link, { o, p: PAF });
    expect(ids((await getOpp(o)).plans).sort()).toEqual([PA, PAF].sort());

    expect((await h.ok(am1.token, M.unlink, { o, p: PA })).unlinkOpportunityFromPlan.plans).toEqual([{ id: PAF }]);
    const afterUnlink = await auditActions(h, PA);
    // unlinking again: it is not linked any more, NOT_FOUND (issue 12), nothing recorded
    expectCode(await h.gql(am1.token, M.unlink, { o, p: PA }), "NOT_FOUND");
    expect(await auditActions(h, PA)).toEqual(afterUnlink);
    const unl = await linkAudits(PA, o, "OPPORTUNITY_UNLINKED");
    expect(unl).toHaveLength(1);
    expect(unl[0].changes).toEqual([{ field: "opportunityId", oldValue: o, newValue: null }]);
    // unlinking from a plan it was never linked to is NOT_FOUND and records nothing
    const before = (await auditActions(h, PA2)).length;
    expectCode(await h.gql(am1.token, M.unlink, { o, p: PA2 }), "NOT_FOUND");
    expect(await auditActions(h, PA2)).toHaveLength(before);
  });

  it("links to another account's plan are BAD_USER_INPUT, to an EXPIRED plan PLAN_LOCKED", async () => {
    const o = await mkOpp(h, am1.token, { name: "Link rules", accountId: accA, revenue: "10.00" });
    await expectRejected(h, am1.token, M.link, { o, p: PB }, "BAD_USER_INPUT", /another account/);
    await expectRejected(h, am1.token, M.link, { o, p: PAE }, "PLAN_LOCKED");
    await expectRejected(h, am1.token, M.link, { o, p: "999999" }, "NOT_FOUND");
    await expectRejected(h, am1.token, M.link, { o: "999999", p: PA }, "NOT_FOUND");
  });

  it("once a plan is EXPIRED its links are final: unlinking is PLAN_LOCKED", async () => {
    const plan = await mkPlan(h, am1.token, { name: "Will expire", accountId: accA, periodId: per.fy19 });
    const o = await mkOpp(h, am1.token, { name: "On expiring plan", accountId: accA, revenue: "3.00", planIds: [plan] });
    await lockPlan(h, am1.token, plan, "EXPIRED");
    await expectRejected(h, am1.token, M.unlink, { o, p: plan }, "PLAN_LOCKED");
    expect((await getOpp(o)).plans).toEqual([{ id: plan }]);
  });

  it("only the owner or an ADMIN changes an opportunity (update, link, unlink)", async () => {
    const o = await mkOpp(h, am1.token, { name: "Owned by am1", accountId: accA, revenue: "10.00" });
    for (const u of [am2, rev, analyst]) {
      await expectRejected(h, u.token, M.updateOpportunity, { id: o, input: { name: "x" } }, "FORBIDDEN");
      await expectRejected(h, u.token, M.link, { o, p: PA }, "FORBIDDEN");
      await expectRejected(h, u.token, M.unlink, { o, p: PA }, "FORBIDDEN");
    }
    const upd = (await h.ok(h.admin.token, M.updateOpportunity, { id: o, input: { name: "Renamed by admin", revenue: "0.10" } })).updateOpportunity;
    expect(upd).toMatchObject({ name: "Renamed by admin", revenue: "0.10" });
    await h.ok(h.admin.token, M.link, { o, p: PA2 });
    const won = (await h.ok(am1.token, M.updateOpportunity, { id: o, input: { status: "WON" } })).updateOpportunity;
    expect(won).toMatchObject({ status: "WON", probability: 100 });
  });

  it("update: the objective must be of the account or global; null unlinks it; null name/revenue are refused", async () => {
    const o = await mkOpp(h, am1.token, { name: "Objective moves", accountId: accA, revenue: "10.00", objectiveId: obA });
    await expectRejected(h, am1.token, M.updateOpportunity, { id: o, input: { objectiveId: obB } }, "BAD_USER_INPUT", /objectiveId/);
    await expectRejected(h, am1.token, M.updateOpportunity, { id: o, input: { name: "x", objectiveId: obB } }, "BAD_USER_INPUT");
    await expectRejected(h, am1.token, M.updateOpportunity, { id: o, input: { revenue: null } }, "BAD_USER_INPUT", /revenue/);
    await expectRejected(h, am1.token, M.updateOpportunity, { id: o, input: { name: null } }, "BAD_USER_INPUT", /name/);
    await expectRejected(h, am1.token, M.updateOpportunity, { id: o, input: { objectiveId: "999999" } }, "NOT_FOUND");
    expect((await h.ok(am1.token, M.updateOpportunity, { id: o, input: { objectiveId: obG } })).updateOpportunity.objective).toEqual({ id: obG });
    expect((await h.ok(am1.token, M.updateOpportunity, { id: o, input: { objectiveId: null } })).updateOpportunity.objective).toBeNull();
  });
});

describe("activities: consistency of contact, plan, objective and opportunity", () => {
  let oppA: string;
  beforeAll(async () => {
    oppA = await mkOpp(h, am1.token, { name: "oppA", accountId: accA, revenue: "1.00" });
  });

  it("links everything of its own account (or a global objective)", async () => {
    const a = (
      await h.ok(am1.token, M.activity, {
        input: { subject: " Kick-off ", type: "MEETING", dueAt: "2026-03-01T09:30:00.000Z", notes: "n", ...linkIdsInA(oppA) },
      })
    ).createActivity;
    expect(a).toMatchObject({ subject: "Kick-off", type: "MEETING", status: "PLANNED", dueAt: "2026-03-01T09:30:00.000Z", completedAt: null, ...linkedInA(oppA), owner: { id: gid("User", am1.user.id) }, followUpOf: null });
    const g = await mkActivity(h, am1.token, { subject: "global", type: "TASK", accountId: accA, objectiveId: obG, planId: PAF });
    expect(await getAct(g)).toMatchObject({ objective: { id: obG }, plan: { id: PAF } });
  });

  it("another account's contact, plan, objective or opportunity is BAD_USER_INPUT; an EXPIRED plan PLAN_LOCKED; nothing is created", async () => {
    const base = { subject: "bad", type: "CALL", accountId: accA };
    await expectRejected(h, am1.token, M.activity, { input: { ...base, contactId: cB } }, "BAD_USER_INPUT", /contactId/);
    await expectRejected(h, am1.token, M.activity, { input: { ...base, planId: PB } }, "BAD_USER_INPUT", /planId/);
    await expectRejected(h, am1.token, M.activity, { input: { ...base, objectiveId: obB } }, "BAD_USER_INPUT", /objectiveId/);
    await expectRejected(h, am1.token, M.activity, { input: { ...base, opportunityId: oppB } }, "BAD_USER_INPUT", /opportunityId/);
    await expectRejected(h, am1.token, M.activity, { input: { ...base, planId: PAE } }, "PLAN_LOCKED");
    await expectRejected(h, am1.token, M.activity, { input: { ...base, contactId: "999999" } }, "NOT_FOUND");
    await expectRejected(h, am1.token, M.activity, { input: { ...base, accountId: "999999" } }, "NOT_FOUND");
    await expectRejected(h, analyst.token, M.activity, { input: base }, "FORBIDDEN");
  });

  it("the same rules on update; null clears a link", async () => {
    const a = await mkActivity(h, am1.token, { subject: "to update", type: "CALL", ...linkIdsInA(oppA) });
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { contactId: cB } }, "BAD_USER_INPUT", /contactId/);
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { planId: PB } }, "BAD_USER_INPUT", /planId/);
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { objectiveId: obB } }, "BAD_USER_INPUT", /objectiveId/);
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { opportunityId: oppB } }, "BAD_USER_INPUT", /opportunityId/);
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { subject: "renamed", planId: PAE } }, "PLAN_LOCKED");
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { subject: null } }, "BAD_USER_INPUT", /subject/);
    const upd = (await h.ok(am1.token, M.updateActivity, { id: a, input: { contactId: null, planId: null, objectiveId: obG, opportunityId: null, dueAt: "2026-07-01T12:00:00Z" } })).updateActivity;
    expect(upd).toMatchObject({ contact: null, plan: null, objective: { id: obG }, opportunity: null, dueAt: "2026-07-01T12:00:00.000Z", subject: "to update" });
  });

  it("only the owner or an ADMIN changes an activity", async () => {
    const a = await mkActivity(h, am1.token, { subject: "owned", type: "CALL", accountId: accA });
    for (const u of [am2, rev, analyst]) {
      await expectRejected(h, u.token, M.updateActivity, { id: a, input: { subject: "x" } }, "FORBIDDEN");
      await expectRejected(h, u.token, M.complete, { id: a }, "FORBIDDEN");
    }
    expect((await h.ok(h.admin.token, M.updateActivity, { id: a, input: { notes: "admin" } })).updateActivity.notes).toBe("admin");
    expect((await h.ok(h.admin.token, M.complete, { id: a })).completeActivity.status).toBe("COMPLETED");
  });
});

describe("completing and cancelling activities", () => {
  it("completeActivity sets COMPLETED and completedAt (and notes); completing twice is BAD_USER_INPUT", async () => {
    const a = await mkActivity(h, am1.token, { subject: "call", type: "CALL", accountId: accA, notes: "before" });
    const t0 = Date.now();
    const c = (await h.ok(am1.token, M.complete, { id: a, notes: "went well" })).completeActivity;
    const t1 = Date.now();
    expect(c.status).toBe("COMPLETED");
    expect(c.notes).toBe("went well");
    const at = Date.parse(c.completedAt);
    expect(at).toBeGreaterThanOrEqual(t0 - 1000);
    expect(at).toBeLessThanOrEqual(t1 + 1000);
    expect((await getAct(a)).completedAt).toBe(c.completedAt);
    await expectRejected(h, am1.token, M.complete, { id: a }, "BAD_USER_INPUT", /already COMPLETED/);
    // a COMPLETED activity cannot change status through updateActivity either
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { status: "PLANNED" } }, "BAD_USER_INPUT", /status/);
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { status: "CANCELLED" } }, "BAD_USER_INPUT", /status/);
    await expectRejected(h, am1.token, M.complete, { id: "999999" }, "NOT_FOUND");
  });

  it("updateActivity can cancel; a CANCELLED activity cannot be completed by either mutation", async () => {
    const a = await mkActivity(h, am1.token, { subject: "to cancel", type: "MEETING", accountId: accA });
    const c = (await h.ok(am1.token, M.updateActivity, { id: a, input: { status: "CANCELLED" } })).updateActivity;
    expect(c).toMatchObject({ status: "CANCELLED", completedAt: null });
    await expectRejected(h, am1.token, M.complete, { id: a }, "BAD_USER_INPUT", /CANCELLED/);
    await expectRejected(h, am1.token, M.updateActivity, { id: a, input: { status: "COMPLETED" } }, "BAD_USER_INPUT", /status/);
    expect((await getAct(a)).status).toBe("CANCELLED");
  });

  it("updateActivity to COMPLETED from PLANNED sets completedAt like completeActivity", async () => {
    const a = await mkActivity(h, am1.token, { subject: "done via update", type: "CALL", accountId: accA });
    const c = (await h.ok(am1.token, M.updateActivity, { id: a, input: { status: "COMPLETED" } })).updateActivity;
    expect(c.status).toBe("COMPLETED");
    expect(c.completedAt).not.toBeNull();
  });
});

describe("follow-ups", () => {
  let oppA: string;
  let src: string;
  beforeAll(async () => {
    oppA = await mkOpp(h, am1.token, { name: "follow-up opp source", accountId: accA, revenue: "1.00" });
    src = await mkActivity(h, am1.token, { subject: "source", type: "MEETING", ...linkIdsInA(oppA) });
  });

  it("createFollowUpActivity inherits account, contact, plan, objective and opportunity; followUps lists them in order", async () => {
    const f1 = (await h.ok(rev.token, M.followUpActivity, { id: src, input: { subject: "later", type: "CALL", dueAt: "2026-09-01T08:00:00Z" } })).createFollowUpActivity;
    expect(f1).toMatchObject({ subject: "later", type: "CALL", status: "PLANNED", ...linkedInA(oppA), owner: { id: gid("User", rev.user.id) }, followUpOf: { id: src } });
    const f2 = (await h.ok(am1.token, M.followUpActivity, { id: src, input: { subject: "undated", type: "EMAIL" } })).createFollowUpActivity;
    const f3 = (await h.ok(am1.token, M.followUpActivity, { id: src, input: { subject: "sooner", type: "TASK", dueAt: "2026-08-01T08:00:00Z" } })).createFollowUpActivity;
    expect((await getAct(src)).followUps).toEqual([
      { id: f3.id, subject: "sooner" },
      { id: f1.id, subject: "later" },
      { id: f2.id, subject: "undated" },
    ]);
    // a follow-up of a follow-up
    const ff = (await h.ok(am1.token, M.followUpActivity, { id: f1.id, input: { subject: "chained", type: "CALL" } })).createFollowUpActivity;
    expect(ff).toMatchObject({ followUpOf: { id: f1.id }, plan: { id: PA }, opportunity: { id: oppA } });
  });

  it("createFollowUpOpportunity inherits account and objective, is linked to the activity's plan and records sourceActivity", async () => {
    const o = (await h.ok(am1.token, M.followUpOpportunity, { id: src, input: { name: "upsell", revenue: "99.99", probability: 40, closeDate: "2026-10-01" } })).createFollowUpOpportunity;
    expect(o).toMatchObject({ name: "upsell", revenue: "99.99", status: "OPEN", account: { id: accA }, owner: { id: gid("User", am1.user.id) }, objective: { id: obA }, plans: [{ id: PA }], sourceActivity: { id: src } });
    expect(await linkAudits(PA, o.id, "OPPORTUNITY_LINKED")).toHaveLength(1);
    expect((await getOpp(o.id)).probability).toBe(40);
    // without a plan or objective on the activity there is nothing to inherit
    const bare = await mkActivity(h, am1.token, { subject: "bare", type: "CALL", accountId: accA });
    const o2 = (await h.ok(am1.token, M.followUpOpportunity, { id: bare, input: { name: "bare opp", revenue: "1" } })).createFollowUpOpportunity;
    expect(o2).toMatchObject({ account: { id: accA }, objective: null, plans: [], sourceActivity: { id: bare } });
  });

  it("a follow-up to an activity whose plan is EXPIRED is PLAN_LOCKED; nothing is created", async () => {
    const plan = await mkPlan(h, am1.token, { name: "Expiring", accountId: accA, periodId: per.fy19 });
    const a = await mkActivity(h, am1.token, { subject: "on expiring plan", type: "CALL", accountId: accA, planId: plan });
    await lockPlan(h, am1.token, plan, "EXPIRED");
    await expectRejected(h, am1.token, M.followUpActivity, { id: a, input: { subject: "x", type: "CALL" } }, "PLAN_LOCKED");
    await expectRejected(h, am1.token, M.followUpOpportunity, { id: a, input: { name: "x", revenue: "1.00" } }, "PLAN_LOCKED");
    expect((await getAct(a)).followUps).toEqual([]);
  });

  it("unknown activity is NOT_FOUND; an ANALYST cannot create follow-ups", async () => {
    await expectRejected(h, am1.token, M.followUpActivity, { id: "999999", input: { subject: "x", type: "CALL" } }, "NOT_FOUND");
    await expectRejected(h, am1.token, M.followUpOpportunity, { id: "999999", input: { name: "x", revenue: "1.00" } }, "NOT_FOUND");
    await expectRejected(h, analyst.token, M.followUpActivity, { id: src, input: { subject: "x", type: "CALL" } }, "FORBIDDEN");
    await expectRejected(h, analyst.token, M.followUpOpportunity, { id: src, input: { name: "x", revenue: "1.00" } }, "FORBIDDEN");
  });
});

describe("account lists: filters and documented order", () => {
  let accC: string;
  const act: Record<string, string> = {};
  const opp: Record<string, string> = {};
  beforeAll(async () => {
    accC = await mkAccount(h, am1.token, "Account C");
    const plan = await mkPlan(h, am1.token, { name: "C plan", accountId: accC, periodId: per.fy26 });
    const ob = await mkObjective(h, am1.token, { name: "C obj", periodId: per.fy26, planId: plan });
    const mk = async (key: string, dueAt: string | null) => {
      act[key] = await mkActivity(h, am1.token, { subject: key, type: "CALL", accountId: accC, dueAt, objectiveId: ob, planId: plan });
    };
    await mk("a1 May3", "2026-05-03T10:00:00Z");
    await mk("a2 undated", null);
    await mk("a3 May1", "2026-05-01T09:00:00Z");
    await mk("a4 May3 again", "2026-05-03T10:00:00Z");
    await mk("a5 undated", null);
    await mk("a6 Apr30", "2026-04-30T23:59:59Z");
    await mk("a7 May1 +02:00", "2026-05-01T11:00:00+02:00"); // the same instant as a3
    await h.ok(am1.token, M.complete, { id: act["a3 May1"] });
    await h.ok(am1.token, M.updateActivity, { id: act["a5 undated"], input: { status: "CANCELLED" } });
    for (const [k, status] of [["o1", "OPEN"], ["o2", "WON"], ["o3", "LOST"], ["o4", "OPEN"], ["o5", "WON"]] as const) {
      opp[k] = await mkOpp(h, am1.token, { name: k, accountId: accC, revenue: "1.00", status, objectiveId: ob });
    }
  });

  const Q = `query($id: ID!, $as: [ActivityStatus!], $os: [OpportunityStatus!]) { account(id: $id) {
    activities(status: $as) { subject dueAt status } opportunities(status: $os) { name status } } }`;
  const subjects = (xs: Array<{ subject: string }>) => xs.map((x) => x.subject);

  it("activities: by dueAt, undated last, then creation; filtered by status", async () => {
    const all = (await h.ok(am1.token, Q, { id: accC })).account;
    expect(subjects(all.activities)).toEqual(["a6 Apr30", "a3 May1", "a7 May1 +02:00", "a1 May3", "a4 May3 again", "a2 undated", "a5 undated"]);
    expect(all.activities[2].dueAt).toBe("2026-05-01T09:00:00.000Z");
    const planned = (await h.ok(am1.token, Q, { id: accC, as: ["PLANNED"] })).account;
    expect(subjects(planned.activities)).toEqual(["a6 Apr30", "a7 May1 +02:00", "a1 May3", "a4 May3 again", "a2 undated"]);
    const closed = (await h.ok(am1.token, Q, { id: accC, as: ["COMPLETED", "CANCELLED"] })).account;
    expect(closed.activities.map((a: any) => [a.subject, a.status])).toEqual([
      ["a3 May1", "COMPLETED"],
      ["a5 undated", "CANCELLED"],
    ]);
    // the same order under an objective and a plan
    const nested = await h.ok(am1.token, `query($id: ID!) { account(id: $id) { businessPlans { activities { subject } objectives { activities { subject } } } } }`, { id: accC });
    expect(subjects(nested.account.businessPlans[0].activities)).toEqual(subjects(all.activities));
    expect(subjects(nested.account.businessPlans[0].objectives[0].activities)).toEqual(subjects(all.activities));
  });

  it("opportunities: in creation order, filtered by status", async () => {
    const all = (await h.ok(am1.token, Q, { id: accC })).account;
    expect(all.opportunities.map((o: any) => o.name)).toEqual(["o1", "o2", "o3", "o4", "o5"]);
    const open = (await h.ok(am1.token, Q, { id: accC, os: ["OPEN"] })).account;
    expect(open.opportunities.map((o: any) => o.name)).toEqual(["o1", "o4"]);
    const closed = (await h.ok(am1.token, Q, { id: accC, os: ["WON", "LOST"] })).account;
    expect(closed.opportunities.map((o: any) => o.name)).toEqual(["o2", "o3", "o5"]);
  });

  it("an unauthenticated caller sees nothing", async () => {
    expectCode(await h.gql(null, Q, { id: accC }), "UNAUTHENTICATED");
  });
});
