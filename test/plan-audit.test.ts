/**
 * The audit trail: every write to a plan records who, when, what and each
 * changed field's old and new value, in the same transaction as the write
 * (proved with a database trigger that makes the audit insert fail: the write
 * must roll back with it). auditTrail is newest first, bounded by `first`, and
 * read-only: the schema has no way to change it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCode, type Harness, useHarness } from "./helpers/harness";
import { createPlan, driveTo, M, timeOf, useWorld, type World } from "./helpers/factories";
import { countRows, expectRejected, failInsertsWhere, rowCounts, snapshot } from "./helpers/db-state";
import { gid } from "./helpers/ids";

const h = useHarness();
const w = useWorld(h);

const TRAIL = `query($id: ID!, $n: Int) { businessPlan(id: $id) { auditTrail(first: $n) { action changedAt changedBy { id } changes { field oldValue newValue } } } }`;
const trail = async (id: string, n: number | null = 500, token = w.analyst.token) =>
  (await h.ok(token, TRAIL, { id, n })).businessPlan.auditTrail as Array<{
    action: string;
    changedAt: string;
    changedBy: { id: string };
    changes: Array<{ field: string; oldValue: string | null; newValue: string | null }>;
  }>;

/** Runs a write and returns the one new audit entry it produced (asserting there is exactly one, by the actor, timed inside the call). */
async function oneNewEntry(planId: string, actorId: number, write: () => Promise<unknown>) {
  const before = await trail(planId);
  const t0 = Date.now();
  await write();
  const t1 = Date.now();
  const after = await trail(planId);
  expect(after.length).toBe(before.length + 1);
  expect(after.slice(1)).toEqual(before); // older entries untouched
  const e = after[0];
  expect(e.changedBy.id).toBe(gid("User", actorId));
  // DateTime has millisecond precision on both databases
  expect(timeOf(e.changedAt)).toBeGreaterThanOrEqual(t0 - 5);
  expect(timeOf(e.changedAt)).toBeLessThanOrEqual(t1 + 5);
  return e;
}

describe("what is recorded", () => {
  it("create: CREATED with every set field as null -> value", async () => {
    const t0 = Date.now();
    const d = await h.ok(w.owner.token, M.createPlan, {
      input: { name: "Audited", accountId: w.accountId, periodId: w.future.year, revenueTarget: "1000.00", territory: "South", type: "REGIONAL" },
    });
    const id = d.createBusinessPlan.id;
    const [e, ...rest] = await trail(id);
    expect(rest).toEqual([]);
    expect(e.action).toBe("CREATED");
    expect(e.changedBy.id).toBe(gid("User", w.owner.user.id));
    expect(timeOf(e.changedAt)).toBeGreaterThanOrEqual(t0 - 5);
    const byField = Object.fromEntries(e.changes.map((c) => [c.field, c]));
    expect(byField).toMatchObject({
      name: { oldValue: null, newValue: "Audited" },
      type: { oldValue: null, newValue: "REGIONAL" },
      status: { oldValue: null, newValue: "DRAFT" },
      accountId: { oldValue: null, newValue: w.accountId },
      ownerId: { oldValue: null, newValue: gid("User", w.owner.user.id) },
      periodId: { oldValue: null, newValue: w.future.year },
      territory: { oldValue: null, newValue: "South" },
      revenueTarget: { oldValue: null, newValue: "1000.00" },
    });
    for (const c of e.changes) expect(c.oldValue).toBeNull();
    expect(byField.parentId).toBeUndefined(); // unset fields are not listed
    expect(byField.description).toBeUndefined();
  });

  it("update: UPDATED lists exactly the changed fields with old and new values; who is the editor", async () => {
    const id = await createPlan(h, w, { name: "Before", revenueTarget: "1000.00" });
    let e = await oneNewEntry(id, w.owner.user.id, () =>
      h.ok(w.owner.token, M.updatePlan, { id, input: { name: "After", revenueTarget: "2000.50", description: "first", territory: null } }),
    );
    expect(e.action).toBe("UPDATED");
    expect(e.changes).toEqual([
      { field: "name", oldValue: "Before", newValue: "After" },
      { field: "description", oldValue: null, newValue: "first" },
      { field: "revenueTarget", oldValue: "1000.00", newValue: "2000.50" },
    ]);
    e = await oneNewEntry(id, w.admin.user.id, () => h.ok(w.admin.token, M.updatePlan, { id, input: { description: null, revenueTarget: null } }));
    expect(e.changes).toEqual([
      { field: "description", oldValue: "first", newValue: null },
      { field: "revenueTarget", oldValue: "2000.50", newValue: null },
    ]);
    await driveTo(h, id, "SUBMITTED");
    e = await oneNewEntry(id, w.reviewer.user.id, () => h.ok(w.reviewer.token, M.updatePlan, { id, input: { businessUnit: "Automation" } }));
    expect(e.changes).toEqual([{ field: "businessUnit", oldValue: null, newValue: "Automation" }]);
  });

  it("status: STATUS_CHANGED with status old/new and the comment", async () => {
    const id = await createPlan(h, w);
    let e = await oneNewEntry(id, w.owner.user.id, () => h.ok(w.owner.token, M.changeStatus, { id, s: "SUBMITTED" }));
    expect(e).toMatchObject({ action: "STATUS_CHANGED", changes: [{ field: "status", oldValue: "DRAFT", newValue: "SUBMITTED" }] });
    e = await oneNewEntry(id, w.reviewer.user.id, () => h.ok(w.reviewer.token, M.changeStatus, { id, s: "DRAFT", c: "needs work" }));
    expect(e.changes).toEqual([
      { field: "status", oldValue: "SUBMITTED", newValue: "DRAFT" },
      { field: "comment", oldValue: null, newValue: "needs work" },
    ]);
  });

  it("opportunity link / unlink: OPPORTUNITY_LINKED / OPPORTUNITY_UNLINKED; repeating a no-op records nothing", async () => {
    const id = await createPlan(h, w);
    const opp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "Deal", accountId: w.accountId, revenue: "7.00" } })).createOpportunity;
    let e = await oneNewEntry(id, w.owner.user.id, () => h.ok(w.owner.token, M.linkOpp, { o: opp.id, p: id }));
    expect(e).toMatchObject({ action: "OPPORTUNITY_LINKED", changes: [{ field: "opportunityId", oldValue: null, newValue: opp.id }] });
    const n = (await trail(id)).length;
    await h.ok(w.owner.token, M.linkOpp, { o: opp.id, p: id });
    expect((await trail(id)).length).toBe(n);
    e = await oneNewEntry(id, w.admin.user.id, () => h.ok(w.admin.token, M.unlinkOpp, { o: opp.id, p: id }));
    expect(e).toMatchObject({ action: "OPPORTUNITY_UNLINKED", changes: [{ field: "opportunityId", oldValue: opp.id, newValue: null }] });
    expectCode(await h.gql(w.admin.token, M.unlinkOpp, { o: opp.id, p: id }), "NOT_FOUND"); // not linked any more (issue 12)
    expect((await trail(id)).length).toBe(n + 1);
    // linking at creation is audited too, on every plan named
    const other = await createPlan(h, w);
    let created: any;
    e = await oneNewEntry(other, w.otherAm.user.id, async () => {
      created = await h.ok(w.otherAm.token, M.createOpportunity, { input: { name: "D2", accountId: w.accountId, revenue: "1.00", planIds: [other, id] } });
    });
    expect(e).toMatchObject({ action: "OPPORTUNITY_LINKED", changes: [{ field: "opportunityId", oldValue: null, newValue: created.createOpportunity.id }] });
    expect((await trail(id))[0]).toMatchObject({ action: "OPPORTUNITY_LINKED", changedBy: { id: gid("User", w.otherAm.user.id) } });
  });

  it("contact added: CONTACT_ADDED once", async () => {
    const id = await createPlan(h, w);
    const e = await oneNewEntry(id, w.owner.user.id, () => h.ok(w.owner.token, M.addContact, { p: id, c: w.contactId }));
    expect(e).toMatchObject({ action: "CONTACT_ADDED", changes: [{ field: "contactId", oldValue: null, newValue: w.contactId }] });
    const n = (await trail(id)).length;
    await h.ok(w.owner.token, M.addContact, { p: id, c: w.contactId });
    expect((await trail(id)).length).toBe(n);
  });

  it("objectives: OBJECTIVE_CREATED / OBJECTIVE_UPDATED / OBJECTIVE_DELETED with the objective and its field values", async () => {
    const id = await createPlan(h, w);
    let ob: any;
    let e = await oneNewEntry(id, w.owner.user.id, async () => {
      ob = (
        await h.ok(w.owner.token, M.createObjective, {
          input: { name: "Grow", planId: id, periodId: w.future.q[0], targetRevenue: "500.00", targetQuantity: 3, unit: "MEETINGS" },
        })
      ).createObjective;
    });
    expect(e.action).toBe("OBJECTIVE_CREATED");
    expect(e.changes).toEqual(
      expect.arrayContaining([
        { field: "objectiveId", oldValue: null, newValue: ob.id },
        { field: "name", oldValue: null, newValue: "Grow" },
        { field: "periodId", oldValue: null, newValue: w.future.q[0] },
        { field: "targetRevenue", oldValue: null, newValue: "500.00" },
        { field: "targetQuantity", oldValue: null, newValue: "3" },
        { field: "unit", oldValue: null, newValue: "MEETINGS" },
      ]),
    );
    e = await oneNewEntry(id, w.admin.user.id, () => h.ok(w.admin.token, M.updateObjective, { id: ob.id, input: { name: "Grow more", targetRevenue: "750.00" } }));
    expect(e).toMatchObject({ action: "OBJECTIVE_UPDATED" });
    expect(e.changes).toEqual([
      { field: "objectiveId", oldValue: null, newValue: ob.id },
      { field: "name", oldValue: "Grow", newValue: "Grow more" },
      { field: "targetRevenue", oldValue: "500.00", newValue: "750.00" },
    ]);
    e = await oneNewEntry(id, w.owner.user.id, () => h.ok(w.owner.token, M.deleteObjective, { id: ob.id }));
    expect(e).toMatchObject({
      action: "OBJECTIVE_DELETED",
      changes: [
        { field: "objectiveId", oldValue: ob.id, newValue: null },
        { field: "name", oldValue: "Grow more", newValue: null },
      ],
    });
  });

  it("a rejected write records nothing", async () => {
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    await expectRejected(h, await h.gql(w.otherAm.token, M.updatePlan, { id, input: { name: "x" } }), "FORBIDDEN", [[id, before]]);
    await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id, input: { name: "x" }, v: 7 }), "CONFLICT", [[id, before]]);
    await expectRejected(h, await h.gql(w.analyst.token, M.addContact, { p: id, c: w.contactId }), "FORBIDDEN", [[id, before]]);
    await expectRejected(h, await h.gql(w.owner.token, M.changeStatus, { id, s: "FINAL_APPROVED" }), "INVALID_STATUS_TRANSITION", [[id, before]]);
  });
});

describe("recorded in the same transaction: if the audit row cannot be written, the write is undone", () => {
  async function withFailingAudit(action: string, run: () => Promise<void>) {
    const undo = await failInsertsWhere(h, "plan_audit_entry", "action", action);
    try {
      await run();
    } finally {
      await undo();
    }
  }

  it("CREATED: no plan is created", async () => {
    const counts = await rowCounts(h);
    await withFailingAudit("CREATED", async () => {
      const r = await h.gql(w.owner.token, M.createPlan, { input: { name: "ghost", accountId: w.accountId, periodId: w.future.year } });
      await expectRejected(h, r, "INTERNAL_SERVER_ERROR", []);
    });
    expect(await rowCounts(h)).toEqual(counts);
  });

  it("UPDATED: fields and version unchanged", async () => {
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    await withFailingAudit("UPDATED", async () => {
      await expectRejected(h, await h.gql(w.owner.token, M.updatePlan, { id, input: { name: "ghost" } }), "INTERNAL_SERVER_ERROR", [[id, before]]);
    });
    expect((await h.ok(w.owner.token, M.updatePlan, { id, input: { name: "real" } })).updateBusinessPlan.version).toBe(2);
  });

  it("STATUS_CHANGED: status, version and history unchanged", async () => {
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    await withFailingAudit("STATUS_CHANGED", async () => {
      await expectRejected(h, await h.gql(w.owner.token, M.changeStatus, { id, s: "SUBMITTED" }), "INTERNAL_SERVER_ERROR", [[id, before]]);
    });
  });

  it("OPPORTUNITY_LINKED / OPPORTUNITY_UNLINKED: the link is not made / not removed; an opportunity created with planIds is not created", async () => {
    const id = await createPlan(h, w);
    const opp = (await h.ok(w.owner.token, M.createOpportunity, { input: { name: "D", accountId: w.accountId, revenue: "1.00" } })).createOpportunity;
    let before = await snapshot(h, id);
    let counts = await rowCounts(h);
    await withFailingAudit("OPPORTUNITY_LINKED", async () => {
      await expectRejected(h, await h.gql(w.owner.token, M.linkOpp, { o: opp.id, p: id }), "INTERNAL_SERVER_ERROR", [[id, before]]);
      const r = await h.gql(w.owner.token, M.createOpportunity, { input: { name: "D2", accountId: w.accountId, revenue: "1.00", planIds: [id] } });
      await expectRejected(h, r, "INTERNAL_SERVER_ERROR", [[id, before]]);
    });
    expect(await rowCounts(h)).toEqual(counts);
    await h.ok(w.owner.token, M.linkOpp, { o: opp.id, p: id });
    before = await snapshot(h, id);
    counts = await rowCounts(h);
    await withFailingAudit("OPPORTUNITY_UNLINKED", async () => {
      await expectRejected(h, await h.gql(w.owner.token, M.unlinkOpp, { o: opp.id, p: id }), "INTERNAL_SERVER_ERROR", [[id, before]]);
    });
    expect(await rowCounts(h)).toEqual(counts);
  });

  it("CONTACT_ADDED: the contact is not added", async () => {
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    await withFailingAudit("CONTACT_ADDED", async () => {
      await expectRejected(h, await h.gql(w.owner.token, M.addContact, { p: id, c: w.contactId }), "INTERNAL_SERVER_ERROR", [[id, before]]);
    });
  });

  it("OBJECTIVE_CREATED / UPDATED / DELETED: the objective is not created / changed / deleted", async () => {
    const id = await createPlan(h, w);
    const ob = (await h.ok(w.owner.token, M.createObjective, { input: { name: "Keep", planId: id, periodId: w.future.q[0], targetRevenue: "1.00" } }))
      .createObjective;
    const before = await snapshot(h, id);
    const rows = await h.deps.db.query(`SELECT * FROM objective ORDER BY id`);
    for (const [action, run] of [
      ["OBJECTIVE_CREATED", () => h.gql(w.owner.token, M.createObjective, { input: { name: "ghost", planId: id, periodId: w.future.q[0] } })],
      ["OBJECTIVE_UPDATED", () => h.gql(w.owner.token, M.updateObjective, { id: ob.id, input: { name: "ghost" } })],
      ["OBJECTIVE_DELETED", () => h.gql(w.owner.token, M.deleteObjective, { id: ob.id })],
    ] as const) {
      await withFailingAudit(action, async () => {
        await expectRejected(h, await run(), "INTERNAL_SERVER_ERROR", [[id, before]]);
      });
      expect(await h.deps.db.query(`SELECT * FROM objective ORDER BY id`)).toEqual(rows);
    }
  });
});

describe("reading the trail", () => {
  let id: string;
  beforeAll(async () => {
    id = await createPlan(h, w, { name: "n0" });
    for (let i = 1; i <= 59; i++) await h.ok(w.owner.token, M.updatePlan, { id, input: { name: `n${i}` } });
  });

  it("is newest first: ids and times descending, CREATED last", async () => {
    const all = await trail(id, 500);
    expect(all).toHaveLength(60);
    expect(all.at(-1)!.action).toBe("CREATED");
    expect(all.slice(0, -1).every((e) => e.action === "UPDATED")).toBe(true);
    expect(all.slice(0, -1).map((e) => e.changes[0].newValue)).toEqual(Array.from({ length: 59 }, (_, i) => `n${59 - i}`));
    const times = all.map((e) => timeOf(e.changedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(await countRows(h, "plan_audit_entry", id)).toBe(60);
  });

  it("is bounded: first: n gives the n newest; the default is 50; 0 gives none; outside 0..500 is BAD_USER_INPUT", async () => {
    const all = await trail(id, 500);
    expect(await trail(id, 3)).toEqual(all.slice(0, 3));
    expect(await trail(id, null)).toEqual(all.slice(0, 50));
    expect(await trail(id, 0)).toEqual([]);
    for (const n of [-1, 501]) {
      const r = await h.gql(w.admin.token, TRAIL, { id, n });
      const err = r.errors?.[0];
      expect(err?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(err?.message).toContain("first");
    }
  });

  it("is bounded per plan when many plans are read at once", async () => {
    const other = await createPlan(h, w, { name: "m0" });
    await h.ok(w.owner.token, M.updatePlan, { id: other, input: { name: "m1" } });
    await h.ok(w.owner.token, M.updatePlan, { id: other, input: { name: "m2" } });
    const d = await h.ok(
      w.reviewer.token,
      `query($a: ID!, $b: ID!) { a: businessPlan(id: $a) { auditTrail(first: 2) { changes { newValue } } } b: businessPlan(id: $b) { auditTrail(first: 2) { changes { newValue } } } }`,
      { a: id, b: other },
    );
    expect(d.a.auditTrail.map((e: any) => e.changes[0].newValue)).toEqual(["n59", "n58"]);
    expect(d.b.auditTrail.map((e: any) => e.changes[0].newValue)).toEqual(["m2", "m1"]);
  });

  it("is readable by every role, including ANALYST", async () => {
    for (const u of [w.analyst, w.reviewer, w.otherAm, w.owner, w.admin]) expect(await trail(id, 1, u.token)).toHaveLength(1);
  });
});

describe("read-only for everyone", () => {
  it("the schema has no mutation that writes, returns or takes audit entries", async () => {
    const d = await h.ok(
      w.admin.token,
      `{ __schema { mutationType { fields { name type { name ofType { name ofType { name ofType { name } } } } args { name } } }
         types { name kind inputFields { name } } } }`,
    );
    const names = (t: any): string[] => (t ? [t.name, ...names(t.ofType)].filter(Boolean) : []);
    const mutations = d.__schema.mutationType.fields;
    expect(mutations.length).toBeGreaterThan(10);
    for (const m of mutations) {
      expect(m.name).not.toMatch(/audit/i);
      expect(names(m.type)).not.toContain("PlanAuditEntry");
      expect(names(m.type)).not.toContain("FieldChange");
    }
    for (const t of d.__schema.types.filter((t: any) => t.kind === "INPUT_OBJECT")) {
      expect(t.name).not.toMatch(/audit|FieldChange/i);
      for (const f of t.inputFields) expect(f.name).not.toMatch(/audit|changedAt|changedBy/i);
    }
  });

  it("existing entries never change: later writes only prepend, deleting an objective keeps its history", async () => {
    const id = await createPlan(h, w);
    const ob = (await h.ok(w.owner.token, M.createObjective, { input: { name: "tmp", planId: id, periodId: w.future.q[0] } })).createObjective;
    const before = await trail(id);
    await h.ok(w.owner.token, M.deleteObjective, { id: ob.id });
    await h.ok(w.owner.token, M.changeStatus, { id, s: "SUBMITTED" });
    await h.ok(w.reviewer.token, M.changeStatus, { id, s: "DRAFT" });
    const after = await trail(id);
    expect(after.slice(after.length - before.length)).toEqual(before);
    expect(after.map((e) => e.action)).toEqual(["STATUS_CHANGED", "STATUS_CHANGED", "OBJECTIVE_DELETED", "OBJECTIVE_CREATED", "CREATED"]);
  });
});
