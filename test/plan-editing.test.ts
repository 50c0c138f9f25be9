/**
 * Every editing rule of a business plan through the real API: who creates,
 * who edits fields in which status, locks (PLAN_LOCKED) for fields, objectives
 * and deletion, execution links on FINAL_APPROVED vs EXPIRED plans, child
 * plans, deletion, hierarchy (incl. the own-ancestor check) and the bulk
 * expireBusinessPlans. After every rejection nothing may have changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { type Harness, type TestUser, useHarness } from "./helpers/harness";
import { createPeriod, createPlan, createYear, driveTo, M, planIn, Q, type Status, STATUSES, timeOf, useWorld, type World, yearIds } from "./helpers/factories";
import { countRows, expectRejected, failPlanUpdate, rowCounts, snapshot } from "./helpers/db-state";
import { gid } from "./helpers/ids";

const h = useHarness();
const w = useWorld(h);

type Kind = "owner AM" | "other AM" | "REVIEWER" | "ADMIN" | "ANALYST";
const KINDS: Kind[] = ["owner AM", "other AM", "REVIEWER", "ADMIN", "ANALYST"];
const userOf = (k: Kind): TestUser =>
  ({ "owner AM": w.owner, "other AM": w.otherAm, REVIEWER: w.reviewer, ADMIN: w.admin, ANALYST: w.analyst })[k];

/**
 * Field edits (and objectives, which follow the plan's edit rules), from the issue:
 * owner while DRAFT or SUBMITTED; REVIEWER while SUBMITTED; ADMIN while DRAFT or
 * SUBMITTED; anyone else FORBIDDEN. FINAL_APPROVED / EXPIRED: PLAN_LOCKED.
 * ANALYST is read-only: FORBIDDEN everywhere.
 */
function editOutcome(status: Status, k: Kind): "OK" | "FORBIDDEN" | "PLAN_LOCKED" {
  if (k === "ANALYST") return "FORBIDDEN";
  if (status === "FINAL_APPROVED" || status === "EXPIRED") return "PLAN_LOCKED";
  if (k === "owner AM" || k === "ADMIN") return "OK";
  if (k === "REVIEWER" && status === "SUBMITTED") return "OK";
  return "FORBIDDEN";
}

const cells = STATUSES.flatMap((s) => KINDS.map((k) => [s, k] as [Status, Kind]));

// ---------------------------------------------------------------- creation

describe("creating a plan", () => {
  const create = (u: TestUser, extra: Record<string, unknown> = {}) =>
    h.gql(u.token, M.createPlan, { input: { name: "New plan", accountId: w.accountId, periodId: w.future.year, ...extra } });

  it("an ACCOUNT_MANAGER creates a DRAFT plan at version 1 that they own; CREATED is audited, no status history", async () => {
    const r = await create(w.owner, { revenueTarget: "1000.50" });
    expect(r.errors).toBeUndefined();
    const p = r.data.createBusinessPlan;
    expect(p).toMatchObject({ status: "DRAFT", version: 1, owner: { id: gid("User", w.owner.user.id) }, revenueTarget: "1000.50" });
    const full = (await h.ok(w.admin.token, Q.plan, { id: p.id })).businessPlan;
    expect(full.statusHistory).toEqual([]);
    expect(full.auditTrail).toHaveLength(1);
    expect(full.auditTrail[0]).toMatchObject({ action: "CREATED", changedBy: { id: gid("User", w.owner.user.id) } });
  });

  it("an ADMIN creates a plan owned by themself, or by the ACCOUNT_MANAGER / ADMIN they name", async () => {
    const a = (await create(w.admin)).data.createBusinessPlan;
    expect(a.owner.id).toBe(gid("User", w.admin.user.id));
    const b = (await create(w.admin, { ownerId: gid("User", w.owner.user.id) })).data.createBusinessPlan;
    expect(b.owner.id).toBe(gid("User", w.owner.user.id));
    const admin2 = await h.user(Role.ADMIN, "Second admin");
    const c = (await create(w.admin, { ownerId: gid("User", admin2.user.id) })).data.createBusinessPlan;
    expect(c.owner.id).toBe(gid("User", admin2.user.id));
    const audit = (await h.ok(w.admin.token, Q.plan, { id: b.id })).businessPlan.auditTrail[0];
    expect(audit.changedBy.id).toBe(gid("User", w.admin.user.id)); // who did it, not who owns it
    expect(audit.changes).toContainEqual({ field: "ownerId", oldValue: null, newValue: gid("User", w.owner.user.id) });
  });

  it("an ACCOUNT_MANAGER may name themself as owner", async () => {
    const r = await create(w.owner, { ownerId: gid("User", w.owner.user.id) });
    expect(r.data.createBusinessPlan.owner.id).toBe(gid("User", w.owner.user.id));
  });

  const rejections: Array<[string, () => TestUser, () => Record<string, unknown>, string]> = [
    ["REVIEWER", () => w.reviewer, () => ({}), "FORBIDDEN"],
    ["ANALYST", () => w.analyst, () => ({}), "FORBIDDEN"],
    ["REVIEWER naming an AM owner", () => w.reviewer, () => ({ ownerId: gid("User", w.owner.user.id) }), "FORBIDDEN"],
    ["ANALYST naming themself", () => w.analyst, () => ({ ownerId: gid("User", w.analyst.user.id) }), "FORBIDDEN"],
    ["ACCOUNT_MANAGER naming another AM", () => w.owner, () => ({ ownerId: gid("User", w.otherAm.user.id) }), "FORBIDDEN"],
    ["ACCOUNT_MANAGER naming an ADMIN", () => w.owner, () => ({ ownerId: gid("User", w.admin.user.id) }), "FORBIDDEN"],
    ["ADMIN naming a REVIEWER owner", () => w.admin, () => ({ ownerId: gid("User", w.reviewer.user.id) }), "BAD_USER_INPUT"],
    ["ADMIN naming an ANALYST owner", () => w.admin, () => ({ ownerId: gid("User", w.analyst.user.id) }), "BAD_USER_INPUT"],
    ["ADMIN naming an unknown owner", () => w.admin, () => ({ ownerId: "99999" }), "NOT_FOUND"],
    ["an unknown account", () => w.owner, () => ({ accountId: "99999" }), "NOT_FOUND"],
    ["an unknown period", () => w.owner, () => ({ periodId: "99999" }), "NOT_FOUND"],
    ["an unknown parent", () => w.owner, () => ({ parentId: "99999" }), "NOT_FOUND"],
  ];
  it.each(rejections)("refuses %s (and creates nothing)", async (_label, who, extra, code) => {
    const before = await rowCounts(h);
    const r = await create(who(), extra());
    await expectRejected(h, r, code, []);
    expect(await rowCounts(h)).toEqual(before);
  });
});

// ---------------------------------------------------------------- field edits

describe("editing a plan's fields: every status x actor", () => {
  it.each(cells)("%s plan edited by %s", async (status, kind) => {
    const id = await planIn(h, w, status);
    const u = userOf(kind);
    const before = await snapshot(h, id);
    const input = { name: `edited by ${kind}`, description: "new description", territory: "North", revenueTarget: "250000.00" };
    const r = await h.gql(u.token, M.updatePlan, { id, input });
    const want = editOutcome(status, kind);
    if (want !== "OK") return expectRejected(h, r, want, [[id, before]]);
    expect(r.errors).toBeUndefined();
    expect(r.data.updateBusinessPlan).toMatchObject({ ...input, status, version: Number(before.row.version) + 1 });
    const after = await snapshot(h, id);
    expect(after.audit).toBe(before.audit + 1);
    expect(after.history).toBe(before.history);
    expect(after.row).toMatchObject({ name: input.name, description: input.description, territory: input.territory, status });
    const last = (await h.ok(w.admin.token, Q.plan, { id })).businessPlan.auditTrail[0];
    expect(last.action).toBe("UPDATED");
    expect(last.changedBy.id).toBe(gid("User", u.user.id));
    expect(last.changes.map((c: any) => c.field).sort()).toEqual(["description", "name", "revenueTarget", "territory"]);
  });

  it("a no-op edit changes nothing (no version bump, no audit row)", async () => {
    const id = await createPlan(h, w, { name: "Same" });
    const before = await snapshot(h, id);
    const d = await h.ok(w.owner.token, M.updatePlan, { id, input: { name: "Same" } });
    expect(d.updateBusinessPlan.version).toBe(1);
    expect(await snapshot(h, id)).toEqual(before);
  });

  it("name cannot be set to null or empty (BAD_USER_INPUT), nothing changes", async () => {
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id, input: { name: null } }), "BAD_USER_INPUT", [[id, before]]);
    await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id, input: { name: "" } }), "BAD_USER_INPUT", [[id, before]]);
  });

  it("an unknown plan is NOT_FOUND", async () => {
    const before = await rowCounts(h);
    await expectRejected(h, await h.gql(w.admin.token, M.updatePlan, { id: "99999", input: { name: "x" } }), "NOT_FOUND", []);
    expect(await rowCounts(h)).toEqual(before);
  });
});

// ---------------------------------------------------------------- objectives

describe("objectives follow the plan's edit rules and lock with it", () => {
  type Op = "create" | "update" | "delete";
  const objCells = cells.flatMap(([s, k]) => (["create", "update", "delete"] as Op[]).map((op) => [s, k, op] as [Status, Kind, Op]));

  it.each(objCells)("%s plan, %s: %s objective", async (status, kind, op) => {
    const y = status === "EXPIRED" ? w.past : w.future; // expiry needs the period to have ended
    const id = await createPlan(h, w, { periodId: y.year });
    const ob = (
      await h.ok(w.owner.token, M.createObjective, {
        input: { name: "Existing", planId: id, periodId: y.q[0], targetRevenue: "100.00" },
      })
    ).createObjective;
    await driveTo(h, id, status);
    const u = userOf(kind);
    const before = await snapshot(h, id);
    const obRowsBefore = await h.deps.db.query(`SELECT * FROM objective ORDER BY id`);
    const r =
      op === "create"
        ? await h.gql(u.token, M.createObjective, { input: { name: "New", planId: id, periodId: y.q[1], targetQuantity: 3, unit: "CALLS" } })
        : op === "update"
          ? await h.gql(u.token, M.updateObjective, { id: ob.id, input: { name: "Changed", targetRevenue: "200.00" } })
          : await h.gql(u.token, M.deleteObjective, { id: ob.id });
    const want = editOutcome(status, kind);
    if (want !== "OK") {
      await expectRejected(h, r, want, [[id, before]]);
      expect(await h.deps.db.query(`SELECT * FROM objective ORDER BY id`)).toEqual(obRowsBefore);
      return;
    }
    expect(r.errors).toBeUndefined();
    const after = await snapshot(h, id);
    expect(after.objectives).toBe(before.objectives + (op === "create" ? 1 : op === "delete" ? -1 : 0));
    expect(after.audit).toBe(before.audit + 1);
    expect(Number(after.row.version)).toBe(Number(before.row.version) + 1); // objectives are part of the plan (issue 12)
    const action = { create: "OBJECTIVE_CREATED", update: "OBJECTIVE_UPDATED", delete: "OBJECTIVE_DELETED" }[op];
    const last = (await h.ok(w.admin.token, Q.plan, { id })).businessPlan.auditTrail[0];
    expect(last).toMatchObject({ action, changedBy: { id: gid("User", u.user.id) } });
  });
});

describe("a locked plan's objectives cannot be removed from elsewhere", () => {
  it.each(["FINAL_APPROVED", "EXPIRED"] as Status[])(
    "deleting a parent objective on an editable plan whose child objective sits on a %s child plan is PLAN_LOCKED",
    async (status) => {
      const y = status === "EXPIRED" ? w.past : w.future;
      const parent = await createPlan(h, w, { periodId: y.year });
      const child = await createPlan(h, w, { parentId: parent, periodId: y.q[0] });
      const o1 = (await h.ok(w.owner.token, M.createObjective, { input: { name: "O1", planId: parent, periodId: y.year } })).createObjective.id;
      await h.ok(w.owner.token, M.createObjective, { input: { name: "O3", planId: child, periodId: y.q[0], parentId: o1 } });
      await driveTo(h, child, status);
      const before: Array<[string, Awaited<ReturnType<typeof snapshot>>]> = [
        [parent, await snapshot(h, parent)],
        [child, await snapshot(h, child)],
      ];
      const rows = await h.deps.db.query(`SELECT * FROM objective ORDER BY id`);
      await expectRejected(h, await h.gql(w.owner.token, M.deleteObjective, { id: o1 }), "PLAN_LOCKED", before);
      expect(await h.deps.db.query(`SELECT * FROM objective ORDER BY id`)).toEqual(rows);
    },
  );

  it("on editable plans the parent objective and its children are deleted together", async () => {
    const parent = await createPlan(h, w);
    const child = await createPlan(h, w, { parentId: parent, periodId: w.future.q[0] });
    const o1 = (await h.ok(w.owner.token, M.createObjective, { input: { name: "O1", planId: parent, periodId: w.future.year } })).createObjective.id;
    await h.ok(w.owner.token, M.createObjective, { input: { name: "O3", planId: child, periodId: w.future.q[0], parentId: o1 } });
    await driveTo(h, child, "SUBMITTED");
    expect((await h.gql(w.owner.token, M.deleteObjective, { id: o1 })).errors).toBeUndefined();
    expect(await countRows(h, "objective", child)).toBe(0);
  });
});

// ---------------------------------------------------------------- deletion

describe("deleting a plan", () => {
  function deleteOutcome(status: Status, k: Kind): string {
    if (k === "ANALYST") return "FORBIDDEN";
    if (status === "FINAL_APPROVED" || status === "EXPIRED") return "PLAN_LOCKED";
    if (k !== "owner AM" && k !== "ADMIN") return "FORBIDDEN";
    if (status !== "DRAFT") return "BAD_USER_INPUT"; // only DRAFT plans can be deleted
    return "OK";
  }

  it.each(cells)("%s plan deleted by %s", async (status, kind) => {
    const id = await planIn(h, w, status);
    const before = await snapshot(h, id);
    const counts = await rowCounts(h);
    const r = await h.gql(userOf(kind).token, M.deletePlan, { id });
    const want = deleteOutcome(status, kind);
    if (want !== "OK") {
      await expectRejected(h, r, want, [[id, before]]);
      expect(await rowCounts(h)).toEqual(counts);
      return;
    }
    expect(r.data.deleteBusinessPlan).toBe(id);
    expect((await h.ok(w.admin.token, Q.plan, { id })).businessPlan).toBeNull();
    expect(await countRows(h, "business_plan")).toBe(counts.business_plan - 1);
  });

  it("a plan with children cannot be deleted (BAD_USER_INPUT) until its children are gone", async () => {
    const parent = await createPlan(h, w);
    const child = await createPlan(h, w, { parentId: parent, periodId: w.future.q[0] });
    const before = await snapshot(h, parent);
    const childBefore = await snapshot(h, child);
    await expectRejected(h, await h.gql(w.owner.token, M.deletePlan, { id: parent }), "BAD_USER_INPUT", [
      [parent, before],
      [child, childBefore],
    ]);
    await expectRejected(h, await h.gql(w.admin.token, M.deletePlan, { id: parent }), "BAD_USER_INPUT", [
      [parent, before],
      [child, childBefore],
    ]);
    await h.ok(w.owner.token, M.deletePlan, { id: child });
    await h.ok(w.owner.token, M.deletePlan, { id: parent });
    expect((await h.ok(w.admin.token, Q.plan, { id: parent })).businessPlan).toBeNull();
  });

  it("deleting a DRAFT plan with objectives, links, contacts, history and a copy removes what belongs to it and keeps the rest", async () => {
    const id = await createPlan(h, w, { periodId: w.past.year });
    await h.ok(w.owner.token, M.createObjective, { input: { name: "O", planId: id, periodId: w.past.q[0] } });
    const opp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "Deal", accountId: w.accountId, revenue: "10.00", planIds: [id] } }))
      .createOpportunity;
    const act = (await h.ok(w.owner.token, M.createActivity, { input: { subject: "Call", type: "CALL", accountId: w.accountId, planId: id } }))
      .createActivity;
    await h.ok(w.owner.token, M.addContact, { p: id, c: w.contactId });
    await h.ok(w.owner.token, M.changeStatus, { id, s: "SUBMITTED" });
    await h.ok(w.reviewer.token, M.changeStatus, { id, s: "DRAFT", c: "rework" });
    const copy = (await h.ok(w.owner.token, M.copy, { id, p: w.future.year })).copyBusinessPlan.id;
    const r = await h.gql(w.owner.token, M.deletePlan, { id });
    expect(r.errors).toBeUndefined();
    for (const t of ["objective", "plan_opportunity", "plan_contact", "plan_status_change", "plan_audit_entry"]) {
      expect(await countRows(h, t, id)).toBe(0);
    }
    const o = await h.ok(w.admin.token, `query($id: ID!) { opportunity(id: $id) { id plans { id } } }`, { id: opp.id });
    expect(o.opportunity).toEqual({ id: opp.id, plans: [] });
    const a = await h.ok(w.admin.token, `query($id: ID!) { activity(id: $id) { id plan { id } } }`, { id: act.id });
    expect(a.activity).toEqual({ id: act.id, plan: null });
    const c = (await h.ok(w.admin.token, Q.plan, { id: copy })).businessPlan;
    expect(c.copiedFrom).toBeNull();
  });
});

// ---------------------------------------------------------------- execution links

describe("linking opportunities and activities", () => {
  const linkOk: Status[] = ["DRAFT", "SUBMITTED", "FINAL_APPROVED"];

  it.each(linkOk)("an opportunity and an activity can be linked to a %s plan", async (status) => {
    const id = await planIn(h, w, status);
    const before = await snapshot(h, id);
    const opp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "Deal", accountId: w.accountId, revenue: "5.00" } }))
      .createOpportunity;
    const linked = await h.ok(w.owner.token, M.linkOpp, { o: opp.id, p: id });
    expect(linked.linkOpportunityToPlan.plans).toEqual([{ id }]);
    const act = await h.ok(w.owner.token, M.createActivity, { input: { subject: "Visit", type: "MEETING", accountId: w.accountId, planId: id } });
    expect(act.createActivity.plan).toEqual({ id });
    const created = await h.ok(w.owner.token, M.createOpportunity, {
      input: { name: "Deal 2", accountId: w.accountId, revenue: "6.00", planIds: [id] },
    });
    expect(created.createOpportunity.plans).toEqual([{ id }]);
    const after = await snapshot(h, id);
    expect(after.row.status).toBe(status);
    expect(after.oppLinks).toBe(before.oppLinks + 2);
    const p = (await h.ok(w.admin.token, Q.plan, { id })).businessPlan;
    expect(p.opportunities.map((o: any) => o.id).sort()).toEqual([opp.id, created.createOpportunity.id].sort());
    expect(p.activities).toEqual([{ id: act.createActivity.id }]);
  });

  it("an opportunity can be unlinked from a FINAL_APPROVED plan", async () => {
    const id = await createPlan(h, w);
    const opp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "D", accountId: w.accountId, revenue: "1.00", planIds: [id] } }))
      .createOpportunity;
    await driveTo(h, id, "FINAL_APPROVED");
    const d = await h.ok(w.owner.token, M.unlinkOpp, { o: opp.id, p: id });
    expect(d.unlinkOpportunityFromPlan.plans).toEqual([]);
  });

  it("nothing can be linked to, or unlinked from, an EXPIRED plan: PLAN_LOCKED and nothing changes", async () => {
    const id = await createPlan(h, w, { periodId: w.past.year });
    const linkedOpp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "L", accountId: w.accountId, revenue: "1.00", planIds: [id] } }))
      .createOpportunity;
    const freeOpp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "F", accountId: w.accountId, revenue: "1.00" } }))
      .createOpportunity;
    const act = (await h.ok(w.owner.token, M.createActivity, { input: { subject: "A", type: "CALL", accountId: w.accountId } })).createActivity;
    const onPlan = (await h.ok(w.owner.token, M.createActivity, { input: { subject: "On plan", type: "CALL", accountId: w.accountId, planId: id } }))
      .createActivity;
    await driveTo(h, id, "EXPIRED");
    const before = await snapshot(h, id);
    const counts = await rowCounts(h);
    const activityRows = await h.deps.db.query(`SELECT * FROM activity ORDER BY id`);
    const attempts = [
      await h.gql(w.owner.token, M.linkOpp, { o: freeOpp.id, p: id }),
      await h.gql(w.admin.token, M.linkOpp, { o: freeOpp.id, p: id }),
      await h.gql(w.owner.token, M.unlinkOpp, { o: linkedOpp.id, p: id }),
      await h.gql(w.owner.token, M.createOpportunity, { input: { name: "N", accountId: w.accountId, revenue: "1.00", planIds: [id] } }),
      await h.gql(w.owner.token, M.createActivity, { input: { subject: "B", type: "CALL", accountId: w.accountId, planId: id } }),
      await h.gql(w.owner.token, M.updateActivity, { id: act.id, input: { planId: id } }),
      // follow-ups inherit the plan: they would link something new to it
      await h.gql(w.owner.token, `mutation($a: ID!) { createFollowUpActivity(activityId: $a, input: { subject: "f", type: CALL }) { id } }`, { a: onPlan.id }),
      await h.gql(w.owner.token, `mutation($a: ID!) { createFollowUpOpportunity(activityId: $a, input: { name: "f", revenue: "1.00" }) { id } }`, {
        a: onPlan.id,
      }),
    ];
    for (const r of attempts) await expectRejected(h, r, "PLAN_LOCKED", [[id, before]]);
    expect(await rowCounts(h)).toEqual(counts);
    expect(await h.deps.db.query(`SELECT * FROM activity ORDER BY id`)).toEqual(activityRows);
  });
});

describe("linking through a plan's objective counts as linking to the plan", () => {
  async function planWithObjective(status: Status) {
    const id = await createPlan(h, w, { periodId: w.past.year }); // the period has ended: the plan can expire
    const ob = (await h.ok(w.owner.token, M.createObjective, { input: { name: "Target", planId: id, periodId: w.past.q[0], targetRevenue: "9.00" } }))
      .createObjective.id as string;
    await driveTo(h, id, status);
    return { id, ob };
  }
  const UPDATE_OPP = `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) { id objective { id } } }`;

  it("an opportunity or activity may be tied to an objective of a FINAL_APPROVED plan", async () => {
    const { id, ob } = await planWithObjective("FINAL_APPROVED");
    const before = await snapshot(h, id);
    expect((await h.gql(w.owner.token, M.createOpportunity, { input: { name: "o", accountId: w.accountId, revenue: "1.00", objectiveId: ob } })).errors).toBeUndefined();
    expect((await h.gql(w.owner.token, M.createActivity, { input: { subject: "a", type: "CALL", accountId: w.accountId, objectiveId: ob } })).errors).toBeUndefined();
    expect((await snapshot(h, id)).row).toEqual(before.row);
  });

  it("not to an objective of an EXPIRED plan: PLAN_LOCKED, nothing created or changed", async () => {
    const { id, ob } = await planWithObjective("FINAL_APPROVED");
    const tied = (await h.ok(w.owner.token, M.createActivity, { input: { subject: "tied", type: "CALL", accountId: w.accountId, objectiveId: ob } }))
      .createActivity;
    await h.ok(w.owner.token, M.changeStatus, { id, s: "EXPIRED" });
    const opp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "free", accountId: w.accountId, revenue: "1.00" } })).createOpportunity;
    const act = (await h.ok(w.owner.token, M.createActivity, { input: { subject: "free", type: "CALL", accountId: w.accountId } })).createActivity;
    const before = await snapshot(h, id);
    const counts = await rowCounts(h);
    const opps = await h.deps.db.query(`SELECT * FROM opportunity ORDER BY id`);
    const acts = await h.deps.db.query(`SELECT * FROM activity ORDER BY id`);
    const attempts = [
      await h.gql(w.owner.token, M.createOpportunity, { input: { name: "o", accountId: w.accountId, revenue: "1.00", objectiveId: ob } }),
      await h.gql(w.owner.token, UPDATE_OPP, { id: opp.id, input: { objectiveId: ob } }),
      await h.gql(w.owner.token, M.createActivity, { input: { subject: "a", type: "CALL", accountId: w.accountId, objectiveId: ob } }),
      await h.gql(w.owner.token, M.updateActivity, { id: act.id, input: { objectiveId: ob } }),
      // follow-ups inherit the objective
      await h.gql(w.owner.token, `mutation($a: ID!) { createFollowUpActivity(activityId: $a, input: { subject: "f", type: CALL }) { id } }`, { a: tied.id }),
      await h.gql(w.owner.token, `mutation($a: ID!) { createFollowUpOpportunity(activityId: $a, input: { name: "f", revenue: "1.00" }) { id } }`, { a: tied.id }),
    ];
    for (const r of attempts) await expectRejected(h, r, "PLAN_LOCKED", [[id, before]]);
    expect(await rowCounts(h)).toEqual(counts);
    expect(await h.deps.db.query(`SELECT * FROM opportunity ORDER BY id`)).toEqual(opps);
    expect(await h.deps.db.query(`SELECT * FROM activity ORDER BY id`)).toEqual(acts);
  });
});

// ---------------------------------------------------------------- child plans and hierarchy

describe("child plans and hierarchy", () => {
  // issue 12: adding a child is an edit of the parent -- its version goes up and its audit trail says CHILD_ADDED
  it.each(["DRAFT", "SUBMITTED"] as Status[])("a child plan can be added under a %s parent: an edit of the parent", async (status) => {
    const parent = await planIn(h, w, status);
    const before = await snapshot(h, parent);
    const child = await createPlan(h, w, { parentId: parent, periodId: w.future.q[2] });
    const p = (await h.ok(w.admin.token, Q.plan, { id: child })).businessPlan;
    expect(p).toMatchObject({ status: "DRAFT", version: 1, parent: { id: parent } });
    const after = await snapshot(h, parent);
    expect(Number(after.row.version)).toBe(Number(before.row.version) + 1);
    expect(after.audit).toBe(before.audit + 1);
    const last = (await h.ok(w.admin.token, Q.plan, { id: parent })).businessPlan.auditTrail[0];
    expect(last).toMatchObject({ action: "CHILD_ADDED", changedBy: { id: gid("User", w.owner.user.id) }, changes: [{ field: "childId", oldValue: null, newValue: child }] });
  });

  it.each(["FINAL_APPROVED", "EXPIRED"] as Status[])("no child plan under a %s parent (PLAN_LOCKED), nothing created", async (status) => {
    const parent = await planIn(h, w, status);
    const before = await snapshot(h, parent);
    const counts = await rowCounts(h);
    const r = await h.gql(w.owner.token, M.createPlan, {
      input: { name: "c", accountId: w.accountId, periodId: status === "EXPIRED" ? w.past.q[0] : w.future.q[0], parentId: parent },
    });
    await expectRejected(h, r, "PLAN_LOCKED", [[parent, before]]);
    expect(await rowCounts(h)).toEqual(counts);
  });

  it("a child belongs to its parent's account and lies within its parent's period, else BAD_USER_INPUT", async () => {
    const parent = await createPlan(h, w, { periodId: w.future.q[0] });
    const before = await snapshot(h, parent);
    const counts = await rowCounts(h);
    const mk = (extra: Record<string, unknown>) =>
      h.gql(w.admin.token, M.createPlan, { input: { name: "c", accountId: w.accountId, periodId: w.future.q[0], parentId: parent, ...extra } });
    await expectRejected(h, await mk({ accountId: w.otherAccountId }), "BAD_USER_INPUT", [[parent, before]]);
    await expectRejected(h, await mk({ periodId: w.future.year }), "BAD_USER_INPUT", [[parent, before]]); // wider than the parent's
    await expectRejected(h, await mk({ periodId: w.future.q[1] }), "BAD_USER_INPUT", [[parent, before]]); // beside it
    await expectRejected(h, await mk({ periodId: w.past.q[0] }), "BAD_USER_INPUT", [[parent, before]]);
    expect(await rowCounts(h)).toEqual(counts);
    // the same period as the parent is within it
    expect((await mk({})).errors).toBeUndefined();
  });

  describe("updateBusinessPlan(parentId)", () => {
    let a: string, b: string, c: string, d: string;
    beforeAll(async () => {
      // a > b > c (chain), d top-level
      a = await createPlan(h, w, { name: "A" });
      b = await createPlan(h, w, { name: "B", parentId: a });
      c = await createPlan(h, w, { name: "C", parentId: b, periodId: w.future.q[0] });
      d = await createPlan(h, w, { name: "D", periodId: w.future.q[0] });
    });
    const snaps = async () => Promise.all([a, b, c, d].map(async (id) => [id, await snapshot(h, id)] as [string, Awaited<ReturnType<typeof snapshot>>]));

    it("no plan can become its own parent or its own ancestor (BAD_USER_INPUT), nothing changes", async () => {
      const before = await snaps();
      for (const [plan, parent] of [
        [a, a],
        [a, b],
        [a, c],
        [b, c],
        [c, c],
      ]) {
        await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: plan, input: { parentId: parent } }), "BAD_USER_INPUT", before);
        await expectRejected(h, await h.gql(w.admin.token, M.updatePlan, { id: plan, input: { parentId: parent } }), "BAD_USER_INPUT", before);
      }
    });

    it("moving under another account's plan, or a parent whose period does not contain the plan's: BAD_USER_INPUT", async () => {
      const foreign = await createPlan(h, w, { accountId: w.otherAccountId, name: "Foreign" });
      const before = [...(await snaps()), [foreign, await snapshot(h, foreign)] as [string, Awaited<ReturnType<typeof snapshot>>]];
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: d, input: { parentId: foreign } }), "BAD_USER_INPUT", before);
      // a (FY) under d (Q1): a's period does not lie within d's
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: a, input: { parentId: d } }), "BAD_USER_INPUT", before);
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: d, input: { parentId: "99999" } }), "NOT_FOUND", before);
    });

    it("moving under an EXPIRED plan is PLAN_LOCKED; moving a locked plan is PLAN_LOCKED", async () => {
      const expired = await planIn(h, w, "EXPIRED");
      const approved = await planIn(h, w, "FINAL_APPROVED", { periodId: w.future.q[0] });
      const before = [
        ...(await snaps()),
        [expired, await snapshot(h, expired)] as [string, Awaited<ReturnType<typeof snapshot>>],
        [approved, await snapshot(h, approved)] as [string, Awaited<ReturnType<typeof snapshot>>],
      ];
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: d, input: { parentId: expired } }), "PLAN_LOCKED", before);
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: approved, input: { parentId: a } }), "PLAN_LOCKED", before);
    });

    it("a valid move re-parents the plan, bumps its version and audits parentId; null makes it top-level again", async () => {
      const before = await snapshot(h, d);
      const r = await h.ok(w.owner.token, M.updatePlan, { id: d, input: { parentId: b }, v: Number(before.row.version) });
      expect(r.updateBusinessPlan).toMatchObject({ parent: { id: b }, version: Number(before.row.version) + 1 });
      let p = (await h.ok(w.admin.token, Q.plan, { id: d })).businessPlan;
      expect(p.auditTrail[0]).toMatchObject({ action: "UPDATED", changes: [{ field: "parentId", oldValue: null, newValue: b }] });
      const bKids = (await h.ok(w.admin.token, Q.plan, { id: b })).businessPlan.children.map((x: any) => x.id);
      expect(bKids.sort()).toEqual([c, d].sort());
      // now d is a descendant of a and b: they cannot go under d
      const snap = await snaps();
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id: b, input: { parentId: d } }), "BAD_USER_INPUT", snap);
      const r2 = await h.ok(w.owner.token, M.updatePlan, { id: d, input: { parentId: null } });
      expect(r2.updateBusinessPlan.parent).toBeNull();
      p = (await h.ok(w.admin.token, Q.plan, { id: d })).businessPlan;
      expect(p.auditTrail[0].changes).toEqual([{ field: "parentId", oldValue: b, newValue: null }]);
      expect(p.version).toBe(Number(before.row.version) + 2);
    });
  });
});

// ---------------------------------------------------------------- expireBusinessPlans

describe("expireBusinessPlans", () => {
  let y2010: { year: string; q: string[] };
  let draft: string, submitted: string, approved: string, expired: string, child: string, future: string, futureApproved: string;
  const all = () => [draft, submitted, approved, expired, child, future, futureApproved];
  const snaps = async () => Promise.all(all().map(async (id) => [id, await snapshot(h, id)] as [string, Awaited<ReturnType<typeof snapshot>>]));

  beforeAll(async () => {
    y2010 = yearIds(await createYear(h, 2010, { quarters: [1, 2, 3, 4] }));
    draft = await planIn(h, w, "DRAFT", { periodId: y2010.year });
    submitted = await planIn(h, w, "SUBMITTED", { periodId: y2010.year });
    approved = await planIn(h, w, "FINAL_APPROVED", { periodId: y2010.year });
    expired = await planIn(h, w, "EXPIRED", { periodId: y2010.year });
    child = await planIn(h, w, "DRAFT", { periodId: y2010.q[3], parentId: draft }); // Q4 ends on the year's last day
    future = await planIn(h, w, "DRAFT", { periodId: w.future.year });
    futureApproved = await planIn(h, w, "FINAL_APPROVED", { periodId: w.future.year });
  });

  it.each(["owner AM", "other AM", "REVIEWER", "ANALYST"] as Kind[])("is ADMIN only: %s gets FORBIDDEN and nothing changes", async (k) => {
    const before = await snaps();
    await expectRejected(h, await h.gql(userOf(k).token, M.expire, { d: "2011-01-01" }), "FORBIDDEN", before);
  });

  it("takes periods that ended strictly before the date: the period's last day itself is not before it", async () => {
    const before = await snaps();
    // other tests' plans live in 2020 and 2099 periods; nothing of ours ends before 2010-12-31
    const d = await h.ok(w.admin.token, M.expire, { d: "2010-12-31" });
    expect(d.expireBusinessPlans).toEqual([]);
    expect(await snaps()).toEqual(before);
  });

  it("is one transaction: if one plan fails, no plan is expired and no history is written", async () => {
    const before = await snaps();
    const undo = await failPlanUpdate(h, child, "EXPIRED"); // the last of the four, by id
    try {
      const r = await h.gql(w.admin.token, M.expire, { d: "2011-01-01" });
      await expectRejected(h, r, "INTERNAL_SERVER_ERROR", before);
    } finally {
      await undo();
    }
  });

  it("expires every plan of any status not yet EXPIRED whose period ended before the date, with history for each", async () => {
    const before = new Map(await snaps());
    const t0 = Date.now();
    const d = await h.ok(w.admin.token, M.expire, { d: "2011-01-01" });
    const ids = d.expireBusinessPlans.map((p: any) => p.id);
    expect(ids).toEqual([draft, submitted, approved, child]);
    for (const p of d.expireBusinessPlans) expect(p).toMatchObject({ status: "EXPIRED", version: Number(before.get(p.id)!.row.version) + 1 });
    for (const [id, from] of [
      [draft, "DRAFT"],
      [submitted, "SUBMITTED"],
      [approved, "FINAL_APPROVED"],
      [child, "DRAFT"],
    ]) {
      const after = await snapshot(h, id);
      expect(after.history).toBe(before.get(id)!.history + 1);
      expect(after.audit).toBe(before.get(id)!.audit + 1);
      const p = (await h.ok(w.admin.token, Q.plan, { id })).businessPlan;
      const last = p.statusHistory.at(-1);
      expect(last).toMatchObject({ from, to: "EXPIRED", changedBy: { id: gid("User", w.admin.user.id) } });
      expect(last.comment).toContain("2011-01-01");
      expect(timeOf(last.changedAt)).toBeGreaterThanOrEqual(t0 - 1000);
    }
    for (const id of [expired, future, futureApproved]) expect(await snapshot(h, id)).toEqual(before.get(id));
    // again: nothing left to expire
    expect((await h.ok(w.admin.token, M.expire, { d: "2011-01-01" })).expireBusinessPlans).toEqual([]);
  });

  it("never expires a plan whose period has not ended yet, whatever the date (EXPIRED is final)", async () => {
    const endsToday = (await createPeriod(h, { name: "ends 2030-06-15 (bulk)", type: "MONTH", startDate: "2030-06-05", endDate: "2030-06-15" })).id;
    const approvedToday = await planIn(h, w, "FINAL_APPROVED", { periodId: endsToday });
    const draftToday = await planIn(h, w, "DRAFT", { periodId: endsToday });
    const watched = [future, futureApproved, approvedToday, draftToday];
    try {
      h.clock.pin("2030-06-15T23:59:59.999Z"); // the services' today is the period's last day
      const before = await Promise.all(watched.map(async (id) => [id, await snapshot(h, id)] as [string, Awaited<ReturnType<typeof snapshot>>]));
      const d = await h.ok(w.admin.token, M.expire, { d: "2200-01-01" });
      const ids: string[] = d.expireBusinessPlans.map((p: any) => p.id);
      for (const id of watched) expect(ids).not.toContain(id);
      for (const [id, snap] of before) expect(await snapshot(h, id)).toEqual(snap);
      // the next day, the period has ended: its two plans expire, the 2099 ones still do not
      h.clock.pin("2030-06-16T00:00:00.000Z");
      const next = await h.ok(w.admin.token, M.expire, { d: "2200-01-01" });
      expect(next.expireBusinessPlans.map((p: any) => p.id).sort()).toEqual([approvedToday, draftToday].sort());
    } finally {
      h.clock.release();
    }
  });
});
