/**
 * Issue 12, one named regression test per reported path: a plan tree is the
 * unit the rules protect. Approval locks the tree's structure, only a plan's
 * editors shape it (every structural change bumps the parent's version and is
 * in its audit trail), cascades never cross owners, copies belong to the
 * copier, expiry happens at period end and freezes the figures and the links,
 * objective progress rolls up (per account for global objectives), and no
 * amount or sum ends in INTERNAL_SERVER_ERROR. Real GraphQL operations on the
 * real database; every rejection is checked to have changed nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCode, expectStatementsAtMost, type Harness, useHarness } from "./helpers/harness";
import { gid, keyOf } from "./helpers/ids";
import { createPlan, createYear, driveTo, M, planIn, Q, timeOf, useWorld, type World, yearIds } from "./helpers/factories";
import { expectRejected, type PlanSnapshot, rowCounts, snapshot } from "./helpers/db-state";

const h = useHarness();
const w = useWorld(h);

const FIGURES = `query($id: ID!) { businessPlan(id: $id) {
  id version status children { id }
  rollup { revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue asOf }
  auditTrail(first: 500) { action changedBy { id } changes { field oldValue newValue } }
  statusHistory { to changedAt }
} }`;
const figures = async (id: string) => (await h.ok(h.admin.token, FIGURES, { id })).businessPlan;
const snaps = async (...ids: string[]) => Promise.all(ids.map(async (id) => [id, await snapshot(h, id)] as [string, PlanSnapshot]));
const UPDATE_OPP = `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) { id revenue objective { id } } }`;
const PROGRESS = `query($id: ID!, $acc: ID) { objective(id: $id) {
  all: progress { actualQuantity actualRevenue percentComplete }
  narrowed: progress(accountId: $acc) { actualQuantity actualRevenue percentComplete }
} }`;
const COMPLETE = `mutation($id: ID!) { completeActivity(id: $id) { id status } }`;

async function opp(by: { token: string }, input: Record<string, unknown>): Promise<string> {
  return (await h.ok(by.token, M.createOpportunity, { input: { name: "Deal", accountId: w.accountId, revenue: "100.00", ...input } })).createOpportunity.id;
}
async function activity(by: { token: string }, input: Record<string, unknown>): Promise<string> {
  return (await h.ok(by.token, M.createActivity, { input: { subject: "Visit", type: "MEETING", accountId: w.accountId, ...input } })).createActivity.id;
}
async function objective(by: { token: string }, input: Record<string, unknown>): Promise<string> {
  return (await h.ok(by.token, M.createObjective, { input: { name: "Objective", periodId: w.future.year, ...input } })).createObjective.id;
}

// ---------------------------------------------------------------- approval locks the tree

describe("structure is part of the plan: approval locks the tree", () => {
  it("another account manager can neither add a child under someone else's FINAL_APPROVED plan nor move their own plan under it (PLAN_LOCKED): figures, version and audit unchanged", async () => {
    const approved = await planIn(h, w, "FINAL_APPROVED", { revenueTarget: "1000.00" });
    await opp(w.owner, { planIds: [approved] });
    const theirs = await createPlan(h, w, { by: w.otherAm, periodId: w.future.q[0], revenueTarget: "500.00" });
    await opp(w.otherAm, { planIds: [theirs], revenue: "70.00" });
    const before = await snaps(approved, theirs);
    const figuresBefore = await figures(approved);
    const counts = await rowCounts(h);
    const add = await h.gql(w.otherAm.token, M.createPlan, {
      input: { name: "hang on", accountId: w.accountId, periodId: w.future.q[0], parentId: approved, revenueTarget: "500.00" },
    });
    await expectRejected(h, add, "PLAN_LOCKED", before);
    expect(await rowCounts(h)).toEqual(counts);
    await expectRejected(h, await h.gql(w.otherAm.token, M.updatePlan, { id: theirs, input: { parentId: approved } }), "PLAN_LOCKED", before);
    // not even an ADMIN adds to an approved tree (the approved plan's owner may not move someone else's plan at all)
    await expectRejected(h, await h.gql(w.admin.token, M.updatePlan, { id: theirs, input: { parentId: approved } }), "PLAN_LOCKED", before);
    await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: theirs, input: { parentId: approved } }), "FORBIDDEN", before);
    const ownerAdds = await h.gql(w.owner.token, M.createPlan, { input: { name: "mine", accountId: w.accountId, periodId: w.future.q[0], parentId: approved } });
    await expectRejected(h, ownerAdds, "PLAN_LOCKED", before);
    const after = await figures(approved);
    expect({ ...after.rollup, asOf: null }).toEqual({ ...figuresBefore.rollup, asOf: null });
    expect(after.children).toEqual([]);
  });

  it("owners own their structure: a child under someone else's DRAFT plan is FORBIDDEN, under my own it is an audited, versioned edit of the parent", async () => {
    const mine = await createPlan(h, w);
    const theirs = await createPlan(h, w, { by: w.otherAm, periodId: w.future.q[0] });
    const before = await snaps(mine, theirs);
    const r = await h.gql(w.otherAm.token, M.createPlan, { input: { name: "x", accountId: w.accountId, periodId: w.future.q[0], parentId: mine } });
    await expectRejected(h, r, "FORBIDDEN", before);
    await expectRejected(h, await h.gql(w.otherAm.token, M.updatePlan, { id: theirs, input: { parentId: mine } }), "FORBIDDEN", before);
    // expectedVersion of the moved plan is honoured
    await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: theirs, input: { parentId: mine }, v: 7 }), "CONFLICT", before);
    // the ADMIN may, and both plans record it
    const moved = await h.ok(w.admin.token, M.updatePlan, { id: theirs, input: { parentId: mine }, v: 1 });
    expect(moved.updateBusinessPlan).toMatchObject({ parent: { id: mine }, version: 2 });
    const parent = await figures(mine);
    expect(parent.version).toBe(2);
    expect(parent.auditTrail[0]).toMatchObject({ action: "CHILD_ADDED", changedBy: { id: gid("User", w.admin.user.id) }, changes: [{ field: "childId", oldValue: null, newValue: theirs }] });
  });

  it("another manager cannot hang a child plan under my DRAFT plan, so I can still delete my own plan", async () => {
    const mine = await createPlan(h, w);
    const before = await snaps(mine);
    const counts = await rowCounts(h);
    const r = await h.gql(w.otherAm.token, M.createPlan, { input: { name: "squatter", accountId: w.accountId, periodId: w.future.q[1], parentId: mine } });
    await expectRejected(h, r, "FORBIDDEN", before);
    expect(await rowCounts(h)).toEqual(counts);
    expect((await h.ok(w.owner.token, M.deletePlan, { id: mine })).deleteBusinessPlan).toBe(mine);
  });

  it("moving a DRAFT child out of an approved plan, or deleting it, is PLAN_LOCKED for the owner, a REVIEWER and an ADMIN", async () => {
    const parent = await createPlan(h, w, { revenueTarget: "900.00" });
    const draftChild = await createPlan(h, w, { parentId: parent, periodId: w.future.q[0], revenueTarget: "300.00" });
    const submittedChild = await createPlan(h, w, { parentId: parent, periodId: w.future.q[1], revenueTarget: "200.00" });
    await driveTo(h, submittedChild, "SUBMITTED");
    await driveTo(h, parent, "FINAL_APPROVED");
    const before = await snaps(parent, draftChild, submittedChild);
    const rollup = (await figures(parent)).rollup;
    expect(rollup.childrenRevenueTarget).toBe("500.00");
    for (const u of [w.owner, w.admin]) {
      await expectRejected(h, await h.gql(u.token, M.updatePlan, { id: draftChild, input: { parentId: null } }), "PLAN_LOCKED", before);
      await expectRejected(h, await h.gql(u.token, M.deletePlan, { id: draftChild }), "PLAN_LOCKED", before);
    }
    // a REVIEWER edits SUBMITTED plans, but not the approved tree they hang in
    await expectRejected(h, await h.gql(w.reviewer.token, M.updatePlan, { id: submittedChild, input: { parentId: null } }), "PLAN_LOCKED", before);
    expect((await figures(parent)).rollup.childrenRevenueTarget).toBe("500.00");
    // a child keeps its own workflow: it can still be edited and submitted
    await h.ok(w.owner.token, M.updatePlan, { id: draftChild, input: { name: "child renamed" } });
    await h.ok(w.owner.token, M.changeStatus, { id: draftChild, s: "SUBMITTED" });
    expect((await snapshot(h, parent)).row).toEqual(before[0][1].row);
  });

  it("on an editable parent, moving a child out or deleting it bumps the parent's version and writes CHILD_REMOVED", async () => {
    const parent = await createPlan(h, w);
    const a = await createPlan(h, w, { parentId: parent, periodId: w.future.q[0] });
    const b = await createPlan(h, w, { parentId: parent, periodId: w.future.q[1] });
    const v0 = (await figures(parent)).version;
    await h.ok(w.owner.token, M.updatePlan, { id: a, input: { parentId: null } });
    await h.ok(w.owner.token, M.deletePlan, { id: b });
    const p = await figures(parent);
    expect(p.version).toBe(v0 + 2);
    expect(p.children).toEqual([]);
    expect(p.auditTrail.slice(0, 2).map((e: any) => [e.action, e.changes[0]])).toEqual([
      ["CHILD_REMOVED", { field: "childId", oldValue: b, newValue: null }],
      ["CHILD_REMOVED", { field: "childId", oldValue: a, newValue: null }],
    ]);
  });

  it("approving a grandparent while a child plan is added below it: either the child came first or it is PLAN_LOCKED (never added to an approved tree)", async () => {
    const pairs: Array<{ top: string; mid: string }> = [];
    for (let i = 0; i < 20; i++) {
      const top = await createPlan(h, w);
      const mid = await createPlan(h, w, { parentId: top, periodId: w.future.q[0] });
      await driveTo(h, top, "SUBMITTED");
      pairs.push({ top, mid });
    }
    const results = await Promise.all(
      pairs.flatMap(({ top, mid }) => [
        h.gql(w.owner.token, M.createPlan, { input: { name: "racer", accountId: w.accountId, periodId: w.future.q[0], parentId: mid } }),
        h.gql(w.owner.token, M.changeStatus, { id: top, s: "FINAL_APPROVED" }),
      ]),
    );
    const db = h.deps.db;
    const entryId = async (planId: string, action: string) =>
      Number(
        (await db.query<{ id: number }>(`SELECT MAX(id) AS id FROM plan_audit_entry WHERE plan_id = ${db.param(1)} AND action = ${db.param(2)}`, [keyOf(planId), action]))[0]
          .id ?? 0,
      );
    for (const [i, { top, mid }] of pairs.entries()) {
      const [add, approve] = [results[2 * i], results[2 * i + 1]];
      expect(approve.errors).toBeUndefined(); // the approval itself never waits for permission from below
      if (add.errors) {
        expectCode(add, "PLAN_LOCKED");
        continue;
      }
      // the child was added (and recorded on its parent) before the approval was recorded
      expect(await entryId(mid, "CHILD_ADDED")).toBeLessThan(await entryId(top, "STATUS_CHANGED"));
    }
  });

  it("a grandparent's approval locks the whole tree: no child plan or objective under its descendants", async () => {
    const top = await createPlan(h, w);
    const mid = await createPlan(h, w, { parentId: top, periodId: w.future.q[0] });
    await driveTo(h, top, "FINAL_APPROVED");
    const before = await snaps(top, mid);
    const child = await h.gql(w.owner.token, M.createPlan, { input: { name: "x", accountId: w.accountId, periodId: w.future.q[0], parentId: mid } });
    await expectRejected(h, child, "PLAN_LOCKED", before);
    const ob = await h.gql(w.owner.token, M.createObjective, { input: { name: "x", planId: mid, periodId: w.future.q[0] } });
    await expectRejected(h, ob, "PLAN_LOCKED", before);
  });
});

// ---------------------------------------------------------------- cascades and copies

describe("cascades never cross owners; copies belong to the copier", () => {
  it("deleting an account objective that would delete child objectives in other owners' plans is FORBIDDEN and names them; an ADMIN's delete is audited on every plan", async () => {
    const accountObjective = await objective(w.owner, { accountId: w.accountId, name: "Account goal" });
    const theirPlan = await createPlan(h, w, { by: w.otherAm });
    const theirs = await objective(w.otherAm, { planId: theirPlan, parentId: accountObjective, name: "Their part" });
    const before = await snaps(theirPlan);
    const rows = await h.deps.db.query(`SELECT * FROM objective ORDER BY id`);
    const r = await h.gql(w.owner.token, M.deleteObjective, { id: accountObjective });
    await expectRejected(h, r, "FORBIDDEN", before);
    expect(r.errors![0].message).toContain(`Objective ${theirs}`);
    expect(await h.deps.db.query(`SELECT * FROM objective ORDER BY id`)).toEqual(rows);
    // the ADMIN may; the plan that lost an objective says so, and its version goes up
    expect((await h.ok(w.admin.token, M.deleteObjective, { id: accountObjective })).deleteObjective).toBe(accountObjective);
    const p = await figures(theirPlan);
    expect(p.version).toBe(Number(before[0][1].row.version) + 1);
    expect(p.auditTrail[0]).toMatchObject({ action: "OBJECTIVE_DELETED", changedBy: { id: gid("User", w.admin.user.id) } });
    expect(p.auditTrail[0].changes).toEqual(
      expect.arrayContaining([
        { field: "objectiveId", oldValue: theirs, newValue: null },
        { field: "deletedWith", oldValue: null, newValue: accountObjective },
      ]),
    );
  });

  it("a child objective under someone else's plan objective needs the right to edit that plan, and is recorded there", async () => {
    const theirPlan = await createPlan(h, w, { by: w.otherAm });
    const theirObjective = await objective(w.otherAm, { planId: theirPlan });
    const myChild = await createPlan(h, w, { by: w.admin, ownerId: gid("User", w.owner.user.id), parentId: theirPlan, periodId: w.future.q[0] });
    const before = await snaps(theirPlan, myChild);
    const r = await h.gql(w.owner.token, M.createObjective, { input: { name: "mine", planId: myChild, periodId: w.future.q[0], parentId: theirObjective } });
    await expectRejected(h, r, "FORBIDDEN", before);
    const ok = await h.ok(w.otherAm.token, M.createObjective, { input: { name: "theirs", planId: theirPlan, periodId: w.future.q[0], parentId: theirObjective } });
    expect(ok.createObjective.id).toBeTruthy();
  });

  it("removing an objective that hangs under another plan's objective (deleteObjective, or deleting its plan) is an edit of that plan: FORBIDDEN without the right, else OBJECTIVE_CHILD_REMOVED there", async () => {
    const top = await createPlan(h, w); // owner AM's
    const goal = await objective(w.owner, { planId: top, name: "Top goal" });
    const mid = await createPlan(h, w, { by: w.admin, ownerId: gid("User", w.otherAm.user.id), parentId: top, periodId: w.future.q[0] });
    const leaf = await createPlan(h, w, { by: w.admin, ownerId: gid("User", w.otherAm.user.id), parentId: mid, periodId: w.future.q[0] });
    const inMid = await objective(w.admin, { planId: mid, parentId: goal, periodId: w.future.q[0], name: "Mid part" });
    await objective(w.admin, { planId: leaf, parentId: goal, periodId: w.future.q[0], name: "Leaf part" });
    const before = await snaps(top, mid, leaf);
    const rows = await h.deps.db.query(`SELECT * FROM objective ORDER BY id`);
    // the other AM owns mid and leaf, not top
    await expectRejected(h, await h.gql(w.otherAm.token, M.deleteObjective, { id: inMid }), "FORBIDDEN", before);
    await expectRejected(h, await h.gql(w.otherAm.token, M.deletePlan, { id: leaf }), "FORBIDDEN", before);
    expect(await h.deps.db.query(`SELECT * FROM objective ORDER BY id`)).toEqual(rows);
    // with the right (ADMIN): recorded on top, once per operation
    await h.ok(w.admin.token, M.deleteObjective, { id: inMid });
    await h.ok(w.admin.token, M.deletePlan, { id: leaf });
    const t = await figures(top);
    expect(t.version).toBe(Number(before[0][1].row.version) + 2);
    expect(t.auditTrail.slice(0, 2).map((e: any) => e.action)).toEqual(["OBJECTIVE_CHILD_REMOVED", "OBJECTIVE_CHILD_REMOVED"]);
    const m = await figures(mid);
    expect(m.auditTrail.slice(0, 2).map((e: any) => e.action)).toEqual(["CHILD_REMOVED", "OBJECTIVE_DELETED"]);
    expect(m.auditTrail[0].changes).toEqual(expect.arrayContaining([{ field: "childId", oldValue: leaf, newValue: null }]));
  });

  it("copyBusinessPlan by a manager: every copy, all the way down, belongs to the copier (and to ownerId for an ADMIN)", async () => {
    const root = await createPlan(h, w);
    const child = await createPlan(h, w, { by: w.admin, ownerId: gid("User", w.otherAm.user.id), parentId: root, periodId: w.future.q[0] });
    await createPlan(h, w, { by: w.otherAm, parentId: child, periodId: w.future.q[0] });
    const target = yearIds(await createYear(h, 2098, { quarters: [1, 2, 3, 4], label: "FY2098-trees" }));
    const TREE = `query($id: ID!) { businessPlan(id: $id) { owner { id } children { owner { id } children { owner { id } } } } }`;
    const owners = (p: any): string[] => [p.owner.id, ...(p.children ?? []).flatMap(owners)];
    const copy = (await h.ok(w.owner.token, M.copy, { id: root, p: target.year })).copyBusinessPlan.id;
    expect(owners((await h.ok(w.admin.token, TREE, { id: copy })).businessPlan)).toEqual(Array(3).fill(gid("User", w.owner.user.id)));
    const named = (await h.ok(w.admin.token, M.copy, { id: root, p: target.year, o: gid("User", w.otherAm.user.id) })).copyBusinessPlan.id;
    expect(owners((await h.ok(w.admin.token, TREE, { id: named })).businessPlan)).toEqual(Array(3).fill(gid("User", w.otherAm.user.id)));
  });

  it("unlinkOpportunityFromPlan with a plan the opportunity is not linked to is NOT_FOUND and records nothing", async () => {
    const plan = await createPlan(h, w);
    const other = await createPlan(h, w);
    const o = await opp(w.owner, { planIds: [other] });
    const before = await snaps(plan, other);
    await expectRejected(h, await h.gql(w.owner.token, M.unlinkOpp, { o, p: plan }), "NOT_FOUND", before);
  });
});

// ---------------------------------------------------------------- expiry

describe("expiry at period end, figures and links frozen", () => {
  it("an owner cannot set a FINAL_APPROVED plan to EXPIRED before its period ends (INVALID_STATUS_TRANSITION); after it ends they can", async () => {
    const running = await planIn(h, w, "FINAL_APPROVED"); // 2099: not ended
    const before = await snaps(running);
    for (const u of [w.owner, w.admin]) {
      await expectRejected(h, await h.gql(u.token, M.changeStatus, { id: running, s: "EXPIRED" }), "INVALID_STATUS_TRANSITION", before);
    }
    const ended = await planIn(h, w, "FINAL_APPROVED", { periodId: w.past.year }); // 2020: ended
    expect((await h.ok(w.owner.token, M.changeStatus, { id: ended, s: "EXPIRED" })).changeBusinessPlanStatus.status).toBe("EXPIRED");
  });

  it("after expiry, updateOpportunity(revenue) does not move the EXPIRED plan's rollup; asOf is the moment of expiry", async () => {
    const plan = await createPlan(h, w, { periodId: w.past.year, revenueTarget: "1000.00" });
    await createPlan(h, w, { parentId: plan, periodId: w.past.q[0], revenueTarget: "400.00" });
    const open = await opp(w.owner, { planIds: [plan], revenue: "250.00" });
    const won = await opp(w.owner, { planIds: [plan], revenue: "125.50", status: "WON" });
    await driveTo(h, plan, "FINAL_APPROVED");
    const live = (await figures(plan)).rollup;
    expect(live).toMatchObject({ childrenRevenueTarget: "400.00", pipelineRevenue: "250.00", wonRevenue: "125.50" });
    await h.ok(w.owner.token, M.changeStatus, { id: plan, s: "EXPIRED" });
    const frozen = await figures(plan);
    expect(frozen.rollup).toMatchObject({ childrenRevenueTarget: "400.00", pipelineRevenue: "250.00", wonRevenue: "125.50" });
    expect(timeOf(frozen.rollup.asOf)).toBe(timeOf(frozen.statusHistory.at(-1).changedAt));
    await h.ok(w.owner.token, UPDATE_OPP, { id: open, input: { revenue: "999999.00" } });
    await h.ok(w.owner.token, UPDATE_OPP, { id: won, input: { revenue: "1.00" } });
    await h.ok(w.owner.token, UPDATE_OPP, { id: open, input: { status: "WON" } });
    expect((await figures(plan)).rollup).toEqual(frozen.rollup);
  });

  it("the ADMIN bulk expiry freezes figures too", async () => {
    const y = yearIds(await createYear(h, 2011, { quarters: [1], label: "FY2011-trees" }));
    const plan = await createPlan(h, w, { periodId: y.year });
    const o = await opp(w.owner, { planIds: [plan], revenue: "10.00" });
    const d = await h.ok(w.admin.token, M.expire, { d: "2012-01-01" });
    expect(d.expireBusinessPlans.map((p: any) => p.id)).toContain(plan);
    await h.ok(w.owner.token, UPDATE_OPP, { id: o, input: { revenue: "20.00" } });
    const f = await figures(plan);
    expect(f.rollup.pipelineRevenue).toBe("10.00");
    expect(timeOf(f.rollup.asOf)).toBe(timeOf(f.statusHistory.at(-1).changedAt));
  });

  it("an EXPIRED plan's links are final: activities and objective ties cannot be detached (PLAN_LOCKED)", async () => {
    const plan = await createPlan(h, w, { periodId: w.past.year });
    const ob = await objective(w.owner, { planId: plan, periodId: w.past.q[0] });
    const onPlan = await activity(w.owner, { planId: plan });
    const onObjective = await activity(w.owner, { objectiveId: ob });
    const oppOnObjective = await opp(w.owner, { objectiveId: ob });
    await driveTo(h, plan, "EXPIRED");
    const before = await snaps(plan);
    const acts = await h.deps.db.query(`SELECT * FROM activity ORDER BY id`);
    const opps = await h.deps.db.query(`SELECT * FROM opportunity ORDER BY id`);
    const other = await createPlan(h, w);
    for (const r of [
      await h.gql(w.owner.token, M.updateActivity, { id: onPlan, input: { planId: null } }),
      await h.gql(w.owner.token, M.updateActivity, { id: onPlan, input: { planId: other } }),
      await h.gql(w.owner.token, M.updateActivity, { id: onObjective, input: { objectiveId: null } }),
      await h.gql(w.admin.token, UPDATE_OPP, { id: oppOnObjective, input: { objectiveId: null } }),
    ]) {
      await expectRejected(h, r, "PLAN_LOCKED", before);
    }
    expect(await h.deps.db.query(`SELECT * FROM activity ORDER BY id`)).toEqual(acts);
    expect(await h.deps.db.query(`SELECT * FROM opportunity ORDER BY id`)).toEqual(opps);
    // editing what does not detach stays possible
    expect((await h.gql(w.owner.token, M.updateActivity, { id: onPlan, input: { subject: "renamed" } })).errors).toBeUndefined();
  });
});

// ---------------------------------------------------------------- objective progress

describe("objective progress rolls up", () => {
  it("a global objective's progress is per account: a meeting at one account is 100% there and 0% in every other account's applicableObjectives", async () => {
    const global = await objective(w.admin, { name: "One meeting per account", unit: "MEETINGS", targetQuantity: 1 });
    const a = await activity(w.owner, { objectiveId: global });
    await h.ok(w.owner.token, COMPLETE, { id: a });
    const VIEW = `query($a: ID!, $b: ID!) {
      a: account(id: $a) { applicableObjectives { id progress { actualQuantity percentComplete } } }
      b: account(id: $b) { applicableObjectives { id progress { actualQuantity percentComplete } } }
    }`;
    const d = await h.ok(w.analyst.token, VIEW, { a: w.accountId, b: w.otherAccountId });
    const pick = (list: any[]) => list.find((o) => o.id === global).progress;
    expect(pick(d.a.applicableObjectives)).toEqual({ actualQuantity: 1, percentComplete: 100 });
    expect(pick(d.b.applicableObjectives)).toEqual({ actualQuantity: 0, percentComplete: 0 });
    // progress(accountId) narrows; without it, all accounts
    const p = (await h.ok(w.analyst.token, PROGRESS, { id: global, acc: w.otherAccountId })).objective;
    expect(p.all.actualQuantity).toBe(1);
    expect(p.narrowed).toMatchObject({ actualQuantity: 0, percentComplete: 0 });
    const q = (await h.ok(w.analyst.token, PROGRESS, { id: global, acc: w.accountId })).objective;
    expect(q.narrowed).toMatchObject({ actualQuantity: 1, percentComplete: 100 });
  });

  it("a parent objective's progress covers its descendants, each activity and opportunity counted once", async () => {
    const parentPlan = await createPlan(h, w);
    const childPlan = await createPlan(h, w, { parentId: parentPlan, periodId: w.future.q[0] });
    const top = await objective(w.owner, { planId: parentPlan, unit: "MEETINGS", targetQuantity: 4 });
    const mid = await objective(w.owner, { planId: parentPlan, parentId: top, unit: "MEETINGS", targetQuantity: 2 });
    const leaf = await objective(w.owner, { planId: childPlan, parentId: mid, periodId: w.future.q[0] });
    for (const [ob, type] of [
      [top, "MEETING"],
      [mid, "MEETING"],
      [leaf, "MEETING"],
      [leaf, "CALL"], // not a meeting: not counted
    ] as const) {
      await h.ok(w.owner.token, COMPLETE, { id: await activity(w.owner, { objectiveId: ob, type }) });
    }
    await activity(w.owner, { objectiveId: leaf }); // planned, not completed
    await opp(w.owner, { objectiveId: mid, status: "WON", revenue: "10.00" });
    await opp(w.owner, { objectiveId: leaf, status: "WON", revenue: "5.25" });
    await opp(w.owner, { objectiveId: leaf, status: "OPEN", revenue: "99.00" });
    const P = `query($a: ID!, $b: ID!, $c: ID!) {
      a: objective(id: $a) { progress { actualQuantity actualRevenue percentComplete } }
      b: objective(id: $b) { progress { actualQuantity actualRevenue percentComplete } }
      c: objective(id: $c) { progress { actualQuantity actualRevenue } }
    }`;
    const d = await h.ok(w.analyst.token, P, { a: top, b: mid, c: leaf });
    expect(d.a.progress).toEqual({ actualQuantity: 3, actualRevenue: "15.25", percentComplete: 75 });
    expect(d.b.progress).toEqual({ actualQuantity: 2, actualRevenue: "15.25", percentComplete: 100 });
    expect(d.c.progress).toEqual({ actualQuantity: 0, actualRevenue: "5.25" }); // no unit: no activities counted
  });
});

describe("figures stay batched", () => {
  it("an accounts page with EXPIRED (frozen) plan trees and per-account global progress costs at most 11 statements for 1 and for 4 accounts", async () => {
    const y = yearIds(await createYear(h, 2012, { quarters: [1], label: "FY2012-view" }));
    const global = await objective(w.admin, { name: "View meeting", periodId: y.year, unit: "MEETINGS", targetQuantity: 2 });
    for (let i = 0; i < 4; i++) {
      // "0000 ..." sorts before every other account of this file
      const acc = (await h.ok(h.admin.token, M.createAccount, { input: { name: `0000 view ${i}` } })).createAccount.id;
      const top = (await h.ok(w.owner.token, M.createPlan, { input: { name: `top ${i}`, accountId: acc, periodId: y.year } })).createBusinessPlan.id;
      const child = (await h.ok(w.owner.token, M.createPlan, { input: { name: `child ${i}`, accountId: acc, periodId: y.q[0], parentId: top } })).createBusinessPlan.id;
      await h.ok(w.owner.token, M.createObjective, { input: { name: `ob ${i}`, planId: child, periodId: y.q[0] } });
      await h.ok(w.owner.token, M.createOpportunity, { input: { name: "d", accountId: acc, revenue: `${i + 1}.00`, status: "WON", planIds: [child] } });
      for (let k = 0; k <= i % 2; k++) {
        const a = (await h.ok(w.owner.token, M.createActivity, { input: { subject: "m", type: "MEETING", accountId: acc, objectiveId: global } })).createActivity.id;
        await h.ok(w.owner.token, COMPLETE, { id: a });
      }
      if (i % 2 === 0) await driveTo(h, child, "EXPIRED"); // some trees frozen, some live
      await h.ok(w.owner.token, M.changeStatus, { id: top, s: "EXPIRED" });
    }
    const VIEW = `query($n: Int, $p: ID) { accounts(first: $n) { edges { node { name
      businessPlans(periodId: $p) { name status rollup { wonRevenue asOf } children { status rollup { wonRevenue } objectives { progress { actualQuantity } } } }
      applicableObjectives(periodId: $p) { name progress { actualQuantity percentComplete } }
    } } } }`;
    const measure = async (n: number) => {
      const before = h.statements();
      const data = await h.ok(w.analyst.token, VIEW, { n, p: y.year });
      return { data, statements: h.statements() - before };
    };
    const one = await measure(1);
    const four = await measure(4);
    expectStatementsAtMost(11, { one: one.statements, four: four.statements });
    four.data.accounts.edges.forEach((e: any, i: number) => {
      expect(e.node.name).toBe(`0000 view ${i}`);
      expect(e.node.businessPlans).toHaveLength(1);
      expect(e.node.businessPlans[0]).toMatchObject({ status: "EXPIRED", rollup: { wonRevenue: `${i + 1}.00` } });
      expect(e.node.businessPlans[0].children[0]).toMatchObject({ status: i % 2 === 0 ? "EXPIRED" : "DRAFT", rollup: { wonRevenue: `${i + 1}.00` } });
      const g = e.node.applicableObjectives.find((o: any) => o.name === "View meeting");
      expect(g.progress).toEqual({ actualQuantity: 1 + (i % 2), percentComplete: 50 * (1 + (i % 2)) });
    });
    console.log(`[plan-trees:${h.dialect}] accounts view with frozen trees and per-account global progress: ${one.statements} statements for 1 and ${four.statements} for 4 accounts`);
  });
});

// ---------------------------------------------------------------- money

describe("money cannot overflow into a 500", () => {
  it("1,030 opportunities of 90,000,000,000,000.00 roll up exactly (plan rollup and objective progress), on both databases", async () => {
    const account = (await h.ok(h.admin.token, M.createAccount, { input: { name: "Whale" } })).createAccount.id;
    const plan = (await h.ok(w.owner.token, M.createPlan, { input: { name: "Whale plan", accountId: account, periodId: w.future.year } })).createBusinessPlan.id;
    const ob = (await h.ok(w.owner.token, M.createObjective, { input: { name: "Whale goal", planId: plan, periodId: w.future.year, targetRevenue: "1.00" } }))
      .createObjective.id;
    const N = 1030;
    const MAX = "90000000000000.00";
    const perOperation = 15; // the aliases limit
    for (let i = 0; i < N; i += perOperation) {
      const n = Math.min(perOperation, N - i);
      const fields = Array.from({ length: n }, (_, k) => `o${k}: createOpportunity(input: $input) { id }`).join("\n");
      await h.ok(w.owner.token, `mutation($input: CreateOpportunityInput!) { ${fields} }`, {
        input: { name: "Whale deal", accountId: account, revenue: MAX, status: "WON", planIds: [plan], objectiveId: ob },
      });
    }
    const expected = (9_000_000_000_000_000n * BigInt(N)).toString();
    const total = `${expected.slice(0, -2)}.${expected.slice(-2)}`; // 92,700,000,000,000,000.00
    const VIEW = `query($id: ID!) { account(id: $id) { businessPlans { rollup { wonRevenue pipelineRevenue attainment }
      objectives { progress { actualRevenue percentComplete } } } } }`;
    const r = await h.gql(w.analyst.token, VIEW, { id: account });
    expect(r.errors).toBeUndefined();
    const p = r.data.account.businessPlans[0];
    expect(p.rollup).toMatchObject({ wonRevenue: total, pipelineRevenue: "0.00" });
    expect(p.objectives[0].progress.actualRevenue).toBe(total);
    expect(p.objectives[0].progress.percentComplete).toBeGreaterThan(1e15);
  });

  it("an amount above the limit is BAD_USER_INPUT (never INTERNAL_SERVER_ERROR) and creates nothing", async () => {
    const counts = await rowCounts(h);
    for (const revenue of ["90000000000000.01", "1000000000000000000", 9.1e13]) {
      expectCode(await h.gql(w.owner.token, M.createOpportunity, { input: { name: "too big", accountId: w.accountId, revenue } }), "BAD_USER_INPUT");
    }
    const plan = await createPlan(h, w);
    const before = await snaps(plan);
    await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: plan, input: { revenueTarget: "90000000000000.01" } }), "BAD_USER_INPUT", before);
    expect((await rowCounts(h)).opportunity).toBe(counts.opportunity);
  });
});

// keep the audit query in use for readers of this file: every plan answers its own trail
it("every structural change above is readable through the plan's audit trail (Q.plan)", async () => {
  const parent = await createPlan(h, w);
  const child = await createPlan(h, w, { parentId: parent, periodId: w.future.q[0] });
  const p = (await h.ok(w.admin.token, Q.plan, { id: parent })).businessPlan;
  expect(p.children).toEqual([{ id: child }]);
  expect(p.auditTrail.map((e: any) => e.action)).toEqual(["CHILD_ADDED", "CREATED"]);
});
