/**
 * The status workflow, cell by cell: every (from status x target status x actor
 * x period ended?) combination through the real changeBusinessPlanStatus
 * mutation, and the pure checkTransition function over its full cross product.
 * The expected outcomes come from a table written here from the issue text,
 * independently of src/modules/plans/plan-workflow.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanStatus, Role } from "../src/common/enums";
import { checkTransition } from "../src/modules/plans/plan-workflow";
import { type Harness, type TestUser, useHarness } from "./helpers/harness";
import { createPeriod, createPlan, driveTo, M, Q, type Status, STATUSES, timeOf, useWorld, type World } from "./helpers/factories";
import { expectRejected, failInsertsWhere, snapshot } from "./helpers/db-state";
import { gid } from "./helpers/ids";

// ---------- the table from the issue, written independently ----------

type Who = "owner" | "REVIEWER" | "ADMIN";
type Outcome = "OK" | "FORBIDDEN" | "INVALID_STATUS_TRANSITION";

const TABLE: ReadonlyArray<{ from: Status; to: Status; who: Who[]; needsEnded?: true }> = [
  { from: "DRAFT", to: "SUBMITTED", who: ["owner", "ADMIN"] },
  { from: "SUBMITTED", to: "DRAFT", who: ["owner", "REVIEWER", "ADMIN"] },
  { from: "SUBMITTED", to: "FINAL_APPROVED", who: ["owner", "ADMIN"] },
  // issue 12: "at the end of the planning period" -- every transition to EXPIRED needs the period to have ended
  { from: "FINAL_APPROVED", to: "EXPIRED", who: ["owner", "ADMIN"], needsEnded: true },
  { from: "DRAFT", to: "EXPIRED", who: ["owner", "ADMIN"], needsEnded: true },
  { from: "SUBMITTED", to: "EXPIRED", who: ["owner", "ADMIN"], needsEnded: true },
  // EXPIRED: final, no rows
];

/**
 * The expected verdict of the pure function. A change without a row from the
 * current status is INVALID_STATUS_TRANSITION; a row but the wrong person is
 * FORBIDDEN (ANALYST is never the right person: read-only, even as owner); the
 * right person but any -> EXPIRED before the period ended is
 * INVALID_STATUS_TRANSITION.
 */
function modelVerdict(from: Status, to: Status, role: Role, isOwner: boolean, ended: boolean): Outcome {
  const row = TABLE.find((r) => r.from === from && r.to === to);
  if (!row) return "INVALID_STATUS_TRANSITION";
  const allowed =
    role !== Role.ANALYST &&
    ((isOwner && row.who.includes("owner")) || (role === Role.REVIEWER && row.who.includes("REVIEWER")) || (role === Role.ADMIN && row.who.includes("ADMIN")));
  if (!allowed) return "FORBIDDEN";
  if (row.needsEnded && !ended) return "INVALID_STATUS_TRANSITION";
  return "OK";
}

/** Through the API an ANALYST is refused before the table is consulted: every write is FORBIDDEN. */
function modelApi(from: Status, to: Status, role: Role, isOwner: boolean, ended: boolean): Outcome {
  if (role === Role.ANALYST) return "FORBIDDEN";
  return modelVerdict(from, to, role, isOwner, ended);
}

// The model itself, spelled out for a few cells so that a mistake in it cannot hide.
describe("the test's own model of the table", () => {
  it("matches hand-written cells", () => {
    expect(modelApi("DRAFT", "SUBMITTED", Role.ACCOUNT_MANAGER, true, false)).toBe("OK");
    expect(modelApi("DRAFT", "SUBMITTED", Role.ACCOUNT_MANAGER, false, false)).toBe("FORBIDDEN");
    expect(modelApi("DRAFT", "SUBMITTED", Role.REVIEWER, false, false)).toBe("FORBIDDEN");
    expect(modelApi("SUBMITTED", "DRAFT", Role.REVIEWER, false, false)).toBe("OK");
    expect(modelApi("SUBMITTED", "FINAL_APPROVED", Role.REVIEWER, false, true)).toBe("FORBIDDEN");
    expect(modelApi("DRAFT", "FINAL_APPROVED", Role.ADMIN, false, true)).toBe("INVALID_STATUS_TRANSITION");
    expect(modelApi("DRAFT", "EXPIRED", Role.ADMIN, false, false)).toBe("INVALID_STATUS_TRANSITION");
    expect(modelApi("DRAFT", "EXPIRED", Role.ADMIN, false, true)).toBe("OK");
    expect(modelApi("FINAL_APPROVED", "EXPIRED", Role.ACCOUNT_MANAGER, true, false)).toBe("INVALID_STATUS_TRANSITION");
    expect(modelApi("FINAL_APPROVED", "EXPIRED", Role.ACCOUNT_MANAGER, true, true)).toBe("OK");
    expect(modelApi("FINAL_APPROVED", "SUBMITTED", Role.ADMIN, false, true)).toBe("INVALID_STATUS_TRANSITION");
    expect(modelApi("EXPIRED", "DRAFT", Role.ADMIN, true, true)).toBe("INVALID_STATUS_TRANSITION");
    expect(modelApi("EXPIRED", "EXPIRED", Role.ADMIN, true, true)).toBe("INVALID_STATUS_TRANSITION");
    expect(modelApi("SUBMITTED", "DRAFT", Role.ANALYST, true, true)).toBe("FORBIDDEN");
    expect(modelVerdict("EXPIRED", "DRAFT", Role.ANALYST, false, true)).toBe("INVALID_STATUS_TRANSITION");
  });
});

// ---------- the pure function over the full cross product ----------

describe("checkTransition (pure) over every from x to x role x owner x periodEnded", () => {
  const cells: Array<[Status, Status, Role, boolean, boolean]> = [];
  for (const from of STATUSES)
    for (const to of STATUSES)
      for (const role of Object.values(Role))
        for (const isOwner of [true, false])
          for (const ended of [true, false]) cells.push([from, to, role, isOwner, ended]);

  it("covers 4 x 4 x 4 x 2 x 2 = 256 cells", () => expect(cells.length).toBe(256));

  it.each(cells)("%s -> %s by %s (owner %s, period ended %s)", (from, to, role, isOwner, ended) => {
    const v = checkTransition(from as PlanStatus, to as PlanStatus, { role, isOwner }, ended);
    const want = modelVerdict(from, to, role, isOwner, ended);
    if (want === "OK") expect(v).toEqual({ ok: true });
    else {
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.code).toBe(want);
        expect(v.reason.length).toBeGreaterThan(0);
      }
    }
  });

  it("is pure: same inputs, same answer, no dependency on call order", () => {
    const a = checkTransition(PlanStatus.DRAFT, PlanStatus.EXPIRED, { role: Role.ADMIN, isOwner: false }, true);
    checkTransition(PlanStatus.DRAFT, PlanStatus.EXPIRED, { role: Role.ADMIN, isOwner: false }, false);
    expect(checkTransition(PlanStatus.DRAFT, PlanStatus.EXPIRED, { role: Role.ADMIN, isOwner: false }, true)).toEqual(a);
  });
});

// ---------- every cell through the API ----------

const h = useHarness();
const w = useWorld(h);

/**
 * Who acts in a cell: the World user, the role it holds and whether it owns the plan. The plan is made
 * by its owner: the actor when it owns the plan, else the owner AM.
 */
const ACTOR_TABLE = {
  "owner AM": ["owner", Role.ACCOUNT_MANAGER, true],
  "other AM": ["otherAm", Role.ACCOUNT_MANAGER, false],
  REVIEWER: ["reviewer", Role.REVIEWER, false],
  "ADMIN (not owner)": ["admin", Role.ADMIN, false],
  ANALYST: ["analyst", Role.ANALYST, false],
  "ADMIN (owner)": ["admin", Role.ADMIN, true],
} as const satisfies Record<string, readonly ["owner" | "otherAm" | "reviewer" | "admin" | "analyst", Role, boolean]>;
type ActorKind = keyof typeof ACTOR_TABLE;
const ACTORS = Object.keys(ACTOR_TABLE) as ActorKind[];

function actorOf(kind: ActorKind): { user: TestUser; role: Role; isOwner: boolean; planBy: TestUser } {
  const [who, role, isOwner] = ACTOR_TABLE[kind];
  const user = w[who];
  return { user, role, isOwner, planBy: isOwner ? user : w.owner };
}

const apiCells: Array<[Status, Status, ActorKind, boolean]> = [];
for (const from of STATUSES)
  for (const to of STATUSES) for (const actor of ACTORS) for (const ended of [true, false]) apiCells.push([from, to, actor, ended]);

describe("changeBusinessPlanStatus: every (from x to x actor x period ended) cell", () => {
  it("has 4 x 4 x 6 x 2 = 192 cells, and the table accepts some in every row but EXPIRED", () => {
    expect(apiCells.length).toBe(192);
    const accepted = apiCells.filter(([f, t, a, e]) => {
      const x = actorOf(a);
      return modelApi(f, t, x.role, x.isOwner, e) === "OK";
    });
    // DRAFT->SUBMITTED 3 actors x 2; SUBMITTED->DRAFT 4 x 2; SUBMITTED->FA 3 x 2;
    // FA->EXPIRED, DRAFT->EXPIRED, SUBMITTED->EXPIRED: 3 each (ended only)
    expect(accepted.length).toBe(6 + 8 + 6 + 3 + 3 + 3);
  });

  it.each(apiCells)("%s -> %s by %s (period ended: %s)", async (from, to, kind, ended) => {
    const actor = actorOf(kind);
    // an EXPIRED plan's period has ended (expiry needs it); nothing leaves EXPIRED either way
    const planId = await createPlan(h, w, { by: actor.planBy, periodId: ended || from === "EXPIRED" ? w.past.year : w.future.year });
    await driveTo(h, planId, from);
    const before = await snapshot(h, planId);
    expect(before.row.status).toBe(from);
    const want = modelApi(from, to, actor.role, actor.isOwner, ended);
    const comment = `cell ${from}->${to} by ${kind}`;
    const t0 = Date.now();
    const r = await h.gql(actor.user.token, M.changeStatus, { id: planId, s: to, c: comment });
    if (want !== "OK") {
      await expectRejected(h, r, want, [[planId, before]]);
      return;
    }
    expect(r.errors).toBeUndefined();
    expect(r.data.changeBusinessPlanStatus.status).toBe(to);
    expect(r.data.changeBusinessPlanStatus.version).toBe(Number(before.row.version) + 1);
    const after = await snapshot(h, planId);
    expect(after.row.status).toBe(to);
    expect(Number(after.row.version)).toBe(Number(before.row.version) + 1);
    expect(after.history).toBe(before.history + 1);
    expect(after.audit).toBe(before.audit + 1);
    const p = (await h.ok(h.admin.token, Q.plan, { id: planId })).businessPlan;
    const last = p.statusHistory.at(-1);
    expect(last).toMatchObject({ from, to, comment, changedBy: { id: gid("User", actor.user.user.id) } });
    expect(timeOf(last.changedAt)).toBeGreaterThanOrEqual(t0 - 1000);
    expect(timeOf(last.changedAt)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(p.auditTrail[0]).toMatchObject({
      action: "STATUS_CHANGED",
      changedBy: { id: gid("User", actor.user.user.id) },
      changes: expect.arrayContaining([{ field: "status", oldValue: from, newValue: to }]),
    });
  });
});

describe("workflow details", () => {
  it("statusHistory lists every change oldest first with who, when and comment (send back with a comment)", async () => {
    const id = await createPlan(h, w, { periodId: w.past.year });
    const steps: Array<[TestUser, Status, string | null]> = [
      [w.owner, "SUBMITTED", null],
      [w.reviewer, "DRAFT", "please add the Q3 numbers"],
      [w.owner, "SUBMITTED", "numbers added"],
      [w.admin, "DRAFT", null],
      [w.admin, "SUBMITTED", null],
      [w.owner, "FINAL_APPROVED", "approved"],
      [w.admin, "EXPIRED", null],
    ];
    let prev: Status = "DRAFT";
    const expected: unknown[] = [];
    for (const [u, s, c] of steps) {
      await h.ok(u.token, M.changeStatus, { id, s, c });
      expected.push({ from: prev, to: s, comment: c, changedBy: { id: gid("User", u.user.id) } });
      prev = s;
    }
    const p = (await h.ok(w.analyst.token, Q.plan, { id })).businessPlan;
    expect(p.statusHistory.map(({ changedAt: _, ...rest }: any) => rest)).toEqual(expected);
    const times = p.statusHistory.map((x: any) => timeOf(x.changedAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(p.version).toBe(1 + steps.length);
    expect(p.status).toBe("EXPIRED");
  });

  it("EXPIRED is final: no change out of it for anyone, not even the owner or an ADMIN", async () => {
    const id = await createPlan(h, w, { periodId: w.past.year });
    await driveTo(h, id, "EXPIRED");
    const before = await snapshot(h, id);
    for (const s of STATUSES) {
      for (const u of [w.owner, w.admin, w.reviewer]) {
        await expectRejected(h, await h.gql(u.token, M.changeStatus, { id, s }), "INVALID_STATUS_TRANSITION", [[id, before]]);
      }
    }
  });

  it("'period ended' means its end date is before today (the services' clock): ending today is not ended, ending yesterday is", async () => {
    const today = (await createPeriod(h, { name: "ends 2030-06-15", type: "MONTH", startDate: "2030-05-26", endDate: "2030-06-15" })).id;
    const yesterday = (await createPeriod(h, { name: "ended 2030-06-14", type: "MONTH", startDate: "2030-05-25", endDate: "2030-06-14" })).id;
    const a = await createPlan(h, w, { periodId: today });
    const b = await createPlan(h, w, { periodId: yesterday });
    try {
      // the last millisecond of 2030-06-15: the period ending that day has not ended yet
      h.clock.pin("2030-06-15T23:59:59.999Z");
      const before = await snapshot(h, a);
      await expectRejected(h, await h.gql(w.owner.token, M.changeStatus, { id: a, s: "EXPIRED" }), "INVALID_STATUS_TRANSITION", [[a, before]]);
      const d = await h.ok(w.owner.token, M.changeStatus, { id: b, s: "EXPIRED" });
      expect(d.changeBusinessPlanStatus).toMatchObject({ status: "EXPIRED", version: 2 });
      // one millisecond later it has
      h.clock.pin("2030-06-16T00:00:00.000Z");
      const e = await h.ok(w.owner.token, M.changeStatus, { id: a, s: "EXPIRED" });
      expect(e.changeBusinessPlanStatus).toMatchObject({ status: "EXPIRED", version: 2 });
    } finally {
      h.clock.release();
    }
  });

  it("expectedVersion: a stale value is CONFLICT and changes nothing; the current one is accepted", async () => {
    const id = await createPlan(h, w);
    await h.ok(w.owner.token, M.updatePlan, { id, input: { name: "renamed" } }); // version 2
    const before = await snapshot(h, id);
    expect(Number(before.row.version)).toBe(2);
    await expectRejected(h, await h.gql(w.owner.token, M.changeStatus, { id, s: "SUBMITTED", v: 1 }), "CONFLICT", [[id, before]]);
    await expectRejected(h, await h.gql(w.owner.token, M.changeStatus, { id, s: "SUBMITTED", v: 3 }), "CONFLICT", [[id, before]]);
    const d = await h.ok(w.owner.token, M.changeStatus, { id, s: "SUBMITTED", v: 2 });
    expect(d.changeBusinessPlanStatus).toMatchObject({ status: "SUBMITTED", version: 3 });
  });

  it("an unknown plan is NOT_FOUND, an unauthenticated caller UNAUTHENTICATED; nothing is written", async () => {
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    const r = await h.gql(w.admin.token, M.changeStatus, { id: "987654", s: "SUBMITTED" });
    await expectRejected(h, r, "NOT_FOUND", [[id, before]]);
    await expectRejected(h, await h.gql(null, M.changeStatus, { id, s: "SUBMITTED" }), "UNAUTHENTICATED", [[id, before]]);
  });

  it("a rejected change leaves no history row and no audit row behind (even when the transaction fails late)", async () => {
    // The status-change row is written after the version bump; a failure there must undo the bump.
    const id = await createPlan(h, w);
    const before = await snapshot(h, id);
    const undo = await failInsertsWhere(h, "plan_status_change", "to", "SUBMITTED");
    try {
      const r = await h.gql(w.owner.token, M.changeStatus, { id, s: "SUBMITTED" });
      await expectRejected(h, r, "INTERNAL_SERVER_ERROR", [[id, before]]);
    } finally {
      await undo();
    }
    const d = await h.ok(w.owner.token, M.changeStatus, { id, s: "SUBMITTED" });
    expect(d.changeBusinessPlanStatus.version).toBe(2);
  });
});
