/**
 * Objective.dueDate (stored; defaults to the end of the objective's period),
 * Objective.owner (stored; defaults to the plan's owner, or to the creator without
 * a plan) and Objective.status (computed from progress and due date, judged on
 * "today" by the services' clock, pinned here): defaults, explicit values, every
 * rejection with its code and nothing changed, the audit trail, copies, and the
 * status rule as a property over generated progress, due dates and days.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ObjectiveStatus, objectiveStatus } from "../src/modules/objectives/objective-status";
import { expectRejected } from "./helpers/db-state";
import { createPlan, M, useWorld } from "./helpers/factories";
import { useHarness } from "./helpers/harness";
import { gid } from "./helpers/ids";

const h = useHarness();
const w = useWorld(h);

const FIELDS = `id dueDate owner { id } status period { id } progress { percentComplete }`;
const CREATE = `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateObjectiveInput!) { updateObjective(id: $id, input: $input) { ${FIELDS} } }`;
const READ = `query($id: ID!) { objective(id: $id) { ${FIELDS} } }`;
const userId = (u: { user: { id: number } }) => gid("User", u.user.id);

async function create(token: string, input: Record<string, unknown>) {
  return (await h.ok(token, CREATE, { input: { name: "Objective", ...input } })).createObjective;
}
const read = async (id: string) => (await h.ok(h.admin.token, READ, { id })).objective;

describe("defaults", () => {
  it("dueDate is the last day of the objective's period; owner the plan's owner (not the creator)", async () => {
    const plan = await createPlan(h, w, { ownerId: userId(w.owner), by: w.admin });
    const ob = await create(w.admin.token, { planId: plan, periodId: w.future.q[0] });
    expect(ob).toMatchObject({ dueDate: "2099-03-31", owner: { id: userId(w.owner) } });
    expect(await read(ob.id)).toMatchObject({ dueDate: "2099-03-31", owner: { id: userId(w.owner) } });
  });

  it("without a plan the creator owns it: a global objective (ADMIN) and an account objective", async () => {
    const global = await create(w.admin.token, { periodId: w.future.year });
    expect(global).toMatchObject({ dueDate: "2099-12-31", owner: { id: userId(w.admin) } });
    const account = await create(w.owner.token, { periodId: w.future.q[1], accountId: w.accountId });
    expect(account).toMatchObject({ dueDate: "2099-06-30", owner: { id: userId(w.owner) } });
  });

  it("a copied plan's objectives are due at the end of their new period and owned by the copy's owner", async () => {
    const plan = await createPlan(h, w, { periodId: w.future.year });
    await create(w.owner.token, { planId: plan, periodId: w.future.year, dueDate: "2099-05-01", ownerId: userId(w.reviewer) });
    const target = (await h.ok(h.admin.token, M.createPeriod, { input: { name: "FY2098 copy target", type: "YEAR", startDate: "2098-01-01", endDate: "2098-12-31" } })).createPeriod.id;
    const copy = (await h.ok(w.otherAm.token, M.copy, { id: plan, p: target })).copyBusinessPlan.id;
    const d = await h.ok(h.admin.token, `query($id: ID!) { businessPlan(id: $id) { objectives { dueDate owner { id } } } }`, { id: copy });
    expect(d.businessPlan.objectives).toEqual([{ dueDate: "2098-12-31", owner: { id: userId(w.otherAm) } }]);
  });
});

describe("explicit values and changes", () => {
  it("dueDate anywhere in the period (both ends) and any existing user as owner; both recorded in the plan's audit trail", async () => {
    const plan = await createPlan(h, w);
    const first = await create(w.owner.token, { planId: plan, periodId: w.future.q[0], dueDate: "2099-01-01", ownerId: userId(w.analyst) });
    expect(first).toMatchObject({ dueDate: "2099-01-01", owner: { id: userId(w.analyst) } });
    const up = (await h.ok(w.owner.token, UPDATE, { id: first.id, input: { dueDate: "2099-03-31", ownerId: userId(w.reviewer) } })).updateObjective;
    expect(up).toMatchObject({ dueDate: "2099-03-31", owner: { id: userId(w.reviewer) } });
    const trail = (await h.ok(w.owner.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 1) { action changes { field oldValue newValue } } } }`, { id: plan }))
      .businessPlan.auditTrail[0];
    expect(trail.action).toBe("OBJECTIVE_UPDATED");
    expect(trail.changes).toEqual(
      expect.arrayContaining([
        { field: "dueDate", oldValue: "2099-01-01", newValue: "2099-03-31" },
        { field: "ownerId", oldValue: userId(w.analyst), newValue: userId(w.reviewer) },
      ]),
    );
    const cleared = (await h.ok(w.owner.token, UPDATE, { id: first.id, input: { ownerId: null } })).updateObjective;
    expect(cleared.owner).toBeNull();
  });
});

describe("rejections change nothing", () => {
  it("createObjective: dueDate outside the period is BAD_USER_INPUT; an ownerId that is no user is NOT_FOUND", async () => {
    const plan = await createPlan(h, w);
    const input = { name: "Refused", planId: plan, periodId: w.future.q[1] };
    for (const dueDate of ["2099-03-31", "2099-07-01", "2100-01-01"]) {
      const err = await expectRejected(h, w.owner.token, CREATE, { input: { ...input, dueDate } }, "BAD_USER_INPUT");
      expect(err!.message).toMatch(/dueDate/);
    }
    for (const ownerId of [gid("User", 999_999), gid("BusinessPlan", 1), "not-an-id"]) {
      await expectRejected(h, w.owner.token, CREATE, { input: { ...input, ownerId } }, "NOT_FOUND");
    }
    // not a date at all: the Date scalar refuses it before the service runs
    await expectRejected(h, w.owner.token, CREATE, { input: { ...input, dueDate: "2099-02-30" } }, "BAD_USER_INPUT");
  });

  it("updateObjective: dueDate null or outside the period is BAD_USER_INPUT; an unknown owner NOT_FOUND", async () => {
    const plan = await createPlan(h, w);
    const ob = await create(w.owner.token, { planId: plan, periodId: w.future.q[2] });
    for (const dueDate of [null, "2099-06-30", "2099-10-01"]) {
      const err = await expectRejected(h, w.owner.token, UPDATE, { id: ob.id, input: { dueDate } }, "BAD_USER_INPUT");
      expect(err!.message).toMatch(/dueDate/);
    }
    await expectRejected(h, w.owner.token, UPDATE, { id: ob.id, input: { ownerId: gid("User", 999_999) } }, "NOT_FOUND");
    // someone who may not edit the plan cannot change either field
    await expectRejected(h, w.otherAm.token, UPDATE, { id: ob.id, input: { ownerId: userId(w.otherAm) } }, "FORBIDDEN");
    expect(await read(ob.id)).toMatchObject({ dueDate: "2099-09-30", owner: { id: userId(w.owner) } });
  });
});

describe("status", () => {
  it("NOT_STARTED, IN_PROGRESS, ACHIEVED on and before the due date; MISSED the day after below 100%; ACHIEVED stays", async () => {
    const plan = await createPlan(h, w);
    const at = async (quantity: number | null, target: number | null) => {
      const ob = await create(w.owner.token, { planId: plan, periodId: w.future.q[0], unit: "UNITS", targetQuantity: target });
      if (quantity !== null) await h.ok(w.owner.token, UPDATE, { id: ob.id, input: { actualQuantity: quantity } });
      return ob.id as string;
    };
    const cases = [
      { id: await at(0, 10), onDue: "NOT_STARTED", after: "MISSED" },
      { id: await at(1, 10), onDue: "IN_PROGRESS", after: "MISSED" },
      { id: await at(9, 10), onDue: "IN_PROGRESS", after: "MISSED" },
      { id: await at(10, 10), onDue: "ACHIEVED", after: "ACHIEVED" },
      { id: await at(15, 10), onDue: "ACHIEVED", after: "ACHIEVED" },
      { id: await at(3, null), onDue: "NOT_STARTED", after: "MISSED" }, // no target: 0% for the status
    ];
    try {
      for (const [day, key] of [["2099-01-01T00:00:00Z", "onDue"], ["2099-03-31T23:59:59.999Z", "onDue"], ["2099-04-01T00:00:00Z", "after"], ["2105-01-01T12:00:00Z", "after"]] as const) {
        h.clock.pin(day);
        const got = await Promise.all(cases.map(async (c) => (await read(c.id)).status));
        expect(got, day).toEqual(cases.map((c) => c[key]));
      }
    } finally {
      h.clock.release();
    }
  });

  it("follows the contract's rule for any progress, due date and day (property)", () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => new Date(Date.UTC(2090, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: null }), day, day, (pct, due, today) => {
        const s = objectiveStatus(pct, due, today);
        const p = pct ?? 0;
        expect(s === ObjectiveStatus.ACHIEVED).toBe(p >= 100);
        expect(s === ObjectiveStatus.MISSED).toBe(p < 100 && today > due);
        expect(s === ObjectiveStatus.IN_PROGRESS).toBe(p > 0 && p < 100 && today <= due);
        expect(s === ObjectiveStatus.NOT_STARTED).toBe(p === 0 && today <= due);
      }),
    );
  });
});
