/**
 * Business plans through the API, at the level of "every plan query and
 * mutation works and returns the right shape and values": create, read,
 * update (versions, audit), status changes, delete, expire, copy, contacts,
 * and the error codes CONFLICT, PLAN_LOCKED, INVALID_STATUS_TRANSITION,
 * FORBIDDEN and NOT_FOUND (the deep lifecycle rules have their own tests).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createAccount, createActivity, createContact, createObjective, createOpportunity, createPlan, createYear, IMPOSSIBLE_IDS, type Ref } from "./helpers/factories";
import { dbState, expectBadInput, expectRejected } from "./helpers/db-state";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

const PLAN_FIELDS = `
  id name type status description businessUnit territory revenueTarget version createdAt updatedAt
  account { id } owner { id } period { id } parent { id } children { id } copiedFrom { id }
  objectives { id name } opportunities { id } activities { id } contacts { id }
  statusHistory { from to changedBy { id } changedAt comment }
  auditTrail { action changedBy { id } changedAt changes { field oldValue newValue } }
  rollup { revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue attainment }
`;
const GET = `query($id: ID!) { businessPlan(id: $id) { ${PLAN_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateBusinessPlanInput!, $v: Int) { updateBusinessPlan(id: $id, input: $input, expectedVersion: $v) { id name version description revenueTarget } }`;
const STATUS = `mutation($id: ID!, $s: PlanStatus!, $c: String, $v: Int) { changeBusinessPlanStatus(id: $id, status: $s, comment: $c, expectedVersion: $v) { id status version statusHistory { from to comment changedBy { id } } } }`;
const DELETE = `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`;

/** JSON round trip: what a client receives on the wire (DateTime as ISO strings). */
const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

let h: Harness;
let am: TestUser;
let am2: TestUser;
let reviewer: TestUser;
let acc: Ref;
let otherAcc: Ref;
let fy: { year: Ref; quarters: Ref[] };
let fyNext: { year: Ref; quarters: Ref[] };

beforeAll(async () => {
  h = await createHarness();
  am = await h.user(Role.ACCOUNT_MANAGER, "Plan Owner");
  am2 = await h.user(Role.ACCOUNT_MANAGER, "Other Manager");
  reviewer = await h.user(Role.REVIEWER, "Rita Reviewer");
  fy = await createYear(h, 2098);
  fyNext = await createYear(h, 2099);
  acc = await createAccount(h, am.token, { name: "Planned Co" });
  otherAcc = await createAccount(h, am.token, { name: "Unrelated Co" });
});
afterAll(async () => h?.close());

describe("createBusinessPlan / businessPlan", () => {
  it("creates a DRAFT plan at version 1 owned by the caller, and every field reads back", async () => {
    const d = await h.ok(
      am.token,
      `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: {
          name: "  Planned FY2098  ", accountId: $a, periodId: $p, type: REGIONAL, description: "Grow", businessUnit: "BU", territory: "EMEA", revenueTarget: "1250000.5"
        }) { ${PLAN_FIELDS} } }`,
      { a: acc.id, p: fy.year.id },
    );
    const plan = wire(d.createBusinessPlan);
    expect(plan).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      name: "Planned FY2098",
      type: "REGIONAL",
      status: "DRAFT",
      description: "Grow",
      businessUnit: "BU",
      territory: "EMEA",
      revenueTarget: "1250000.50",
      version: 1,
      createdAt: ISO,
      updatedAt: ISO,
      account: { id: acc.id },
      owner: { id: gid("User", am.user.id) },
      period: { id: fy.year.id },
      parent: null,
      children: [],
      copiedFrom: null,
      objectives: [],
      opportunities: [],
      activities: [],
      contacts: [],
      statusHistory: [],
      auditTrail: [{ action: "CREATED", changedBy: { id: gid("User", am.user.id) }, changedAt: ISO, changes: expect.any(Array) }],
      rollup: { revenueTarget: "1250000.50", childrenRevenueTarget: "0.00", pipelineRevenue: "0.00", wonRevenue: "0.00", attainment: 0 },
    });
    expect(plan.auditTrail[0].changes).toEqual(
      expect.arrayContaining([
        { field: "name", oldValue: null, newValue: "Planned FY2098" },
        { field: "status", oldValue: null, newValue: "DRAFT" },
        { field: "revenueTarget", oldValue: null, newValue: "1250000.50" },
      ]),
    );
    expect(wire((await h.ok(reviewer.token, GET, { id: plan.id })).businessPlan)).toEqual(plan);
  });

  it("defaults: type ACCOUNT, no target (attainment null); a child plan shows under its parent", async () => {
    const parent = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Parent", revenueTarget: "300.00" });
    const d = await h.ok(
      am.token,
      `mutation($a: ID!, $p: ID!, $parent: ID!) { createBusinessPlan(input: { name: "Q1 child", accountId: $a, periodId: $p, parentId: $parent }) {
          type revenueTarget parent { id name } rollup { revenueTarget attainment } } }`,
      { a: acc.id, p: fy.quarters[0].id, parent: parent.id },
    );
    expect(d.createBusinessPlan).toEqual({ type: "ACCOUNT", revenueTarget: null, parent: { id: parent.id, name: "Parent" }, rollup: { revenueTarget: null, attainment: null } });
    const p = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { children { name period { id } } } }`, { id: parent.id });
    expect(p.businessPlan.children).toEqual([{ name: "Q1 child", period: { id: fy.quarters[0].id } }]);
  });

  it("an ADMIN may create a plan for an account manager", async () => {
    const d = await h.ok(
      h.admin.token,
      `mutation($a: ID!, $p: ID!, $o: ID!) { createBusinessPlan(input: { name: "Assigned", accountId: $a, periodId: $p, ownerId: $o }) { owner { id } } }`,
      { a: acc.id, p: fy.year.id, o: gid("User", am2.user.id) },
    );
    expect(d.createBusinessPlan.owner.id).toBe(gid("User", am2.user.id));
  });

  it("references that cannot exist are NOT_FOUND and create nothing", async () => {
    const CREATE = `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id } }`;
    const parent = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    for (const bad of IMPOSSIBLE_IDS) {
      const base = { name: "Nope", accountId: acc.id, periodId: fy.year.id };
      expect((await expectRejected(h, am.token, CREATE, { input: { ...base, accountId: bad } }, "NOT_FOUND")).message).toMatch(/Account/);
      expect((await expectRejected(h, am.token, CREATE, { input: { ...base, periodId: bad } }, "NOT_FOUND")).message).toMatch(/Period/);
      expect((await expectRejected(h, am.token, CREATE, { input: { ...base, parentId: bad } }, "NOT_FOUND")).message).toMatch(/BusinessPlan/);
      expect((await expectRejected(h, h.admin.token, CREATE, { input: { ...base, ownerId: bad } }, "NOT_FOUND")).message).toMatch(/User/);
    }
    expect(parent.id).toBeTruthy();
  });

  it("businessPlan(id) is null for ids that cannot exist", async () => {
    for (const id of IMPOSSIBLE_IDS) expect(await h.gql(am.token, GET, { id })).toEqual({ data: { businessPlan: null } });
  });

  it("a REVIEWER may not create plans", async () => {
    await expectRejected(h, reviewer.token, `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "R", accountId: $a, periodId: $p }) { id } }`, { a: acc.id, p: fy.year.id }, "FORBIDDEN");
  });
});

describe("updateBusinessPlan", () => {
  it("changes the given fields, bumps the version and records an UPDATED audit entry (newest first)", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Before", revenueTarget: "100.00" });
    const d = await h.ok(am.token, UPDATE, { id: plan.id, input: { name: "After", description: "Now described", revenueTarget: 200.5 }, v: 1 });
    expect(d.updateBusinessPlan).toEqual({ id: plan.id, name: "After", version: 2, description: "Now described", revenueTarget: "200.50" });

    const r = wire((await h.ok(am.token, GET, { id: plan.id })).businessPlan);
    expect(r.auditTrail.map((e: { action: string }) => e.action)).toEqual(["UPDATED", "CREATED"]);
    expect(r.auditTrail[0].changes).toEqual([
      { field: "name", oldValue: "Before", newValue: "After" },
      { field: "description", oldValue: null, newValue: "Now described" },
      { field: "revenueTarget", oldValue: "100.00", newValue: "200.50" },
    ]);
    expect(r.updatedAt >= r.createdAt).toBe(true);
    const one = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 1) { action } } }`, { id: plan.id });
    expect(one.businessPlan.auditTrail).toEqual([{ action: "UPDATED" }]);
  });

  it("a stale expectedVersion is CONFLICT and changes nothing", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Versioned" });
    await h.ok(am.token, UPDATE, { id: plan.id, input: { territory: "APAC" } });
    const err = await expectRejected(h, am.token, UPDATE, { id: plan.id, input: { name: "Lost update" }, v: 1 }, "CONFLICT");
    expect(err.message).toMatch(/version/);
    const r = await h.ok(am.token, GET, { id: plan.id });
    expect(r.businessPlan).toMatchObject({ name: "Versioned", version: 2, territory: "APAC" });
  });

  it("another account manager may not edit someone's DRAFT plan (FORBIDDEN, unchanged)", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    await expectRejected(h, am2.token, UPDATE, { id: plan.id, input: { name: "Hijack" } }, "FORBIDDEN");
  });

  it("an id that cannot exist is NOT_FOUND", async () => {
    for (const id of IMPOSSIBLE_IDS) await expectRejected(h, am.token, UPDATE, { id, input: { name: "X" } }, "NOT_FOUND");
  });
});

describe("changeBusinessPlanStatus", () => {
  it("DRAFT -> SUBMITTED -> FINAL_APPROVED, recorded oldest first in statusHistory", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Workflow" });
    let d = await h.ok(am.token, STATUS, { id: plan.id, s: "SUBMITTED", c: "Please review", v: 1 });
    expect(d.changeBusinessPlanStatus).toEqual({
      id: plan.id,
      status: "SUBMITTED",
      version: 2,
      statusHistory: [{ from: "DRAFT", to: "SUBMITTED", comment: "Please review", changedBy: { id: gid("User", am.user.id) } }],
    });
    d = await h.ok(am.token, STATUS, { id: plan.id, s: "FINAL_APPROVED" });
    expect(d.changeBusinessPlanStatus.status).toBe("FINAL_APPROVED");
    expect(d.changeBusinessPlanStatus.version).toBe(3);
    expect(d.changeBusinessPlanStatus.statusHistory.map((s: { from: string; to: string }) => `${s.from}>${s.to}`)).toEqual(["DRAFT>SUBMITTED", "SUBMITTED>FINAL_APPROVED"]);
    const r = wire((await h.ok(am.token, GET, { id: plan.id })).businessPlan);
    expect(r.statusHistory[1]).toEqual({ from: "SUBMITTED", to: "FINAL_APPROVED", changedBy: { id: gid("User", am.user.id) }, changedAt: ISO, comment: null });
    expect(r.auditTrail[0]).toMatchObject({ action: "STATUS_CHANGED", changes: [{ field: "status", oldValue: "SUBMITTED", newValue: "FINAL_APPROVED" }] });
  });

  it("a FINAL_APPROVED plan is PLAN_LOCKED for edits, deletion and new objectives", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Locked" });
    await h.ok(am.token, STATUS, { id: plan.id, s: "SUBMITTED" });
    await h.ok(am.token, STATUS, { id: plan.id, s: "FINAL_APPROVED" });
    await expectRejected(h, am.token, UPDATE, { id: plan.id, input: { name: "Too late" } }, "PLAN_LOCKED");
    await expectRejected(h, am.token, DELETE, { id: plan.id }, "PLAN_LOCKED");
    await expectRejected(h, am.token, `mutation($p: ID!, $pl: ID!) { createObjective(input: { name: "Late", periodId: $p, planId: $pl }) { id } }`, { p: fy.year.id, pl: plan.id }, "PLAN_LOCKED");
  });

  it("a transition the workflow does not allow is INVALID_STATUS_TRANSITION and changes nothing", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    const err = await expectRejected(h, am.token, STATUS, { id: plan.id, s: "FINAL_APPROVED" }, "INVALID_STATUS_TRANSITION");
    expect(err.message).toMatch(/DRAFT/);
    // expiring a DRAFT plan whose period has not ended
    await expectRejected(h, am.token, STATUS, { id: plan.id, s: "EXPIRED" }, "INVALID_STATUS_TRANSITION");
    expect((await h.ok(am.token, GET, { id: plan.id })).businessPlan).toMatchObject({ status: "DRAFT", version: 1, statusHistory: [] });
  });

  it("a stale expectedVersion is CONFLICT", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    await h.ok(am.token, UPDATE, { id: plan.id, input: { description: "v2" } });
    await expectRejected(h, am.token, STATUS, { id: plan.id, s: "SUBMITTED", v: 1 }, "CONFLICT");
  });

  it("an id that cannot exist is NOT_FOUND", async () => {
    for (const id of IMPOSSIBLE_IDS) await expectRejected(h, am.token, STATUS, { id, s: "SUBMITTED" }, "NOT_FOUND");
  });
});

describe("deleteBusinessPlan", () => {
  it("deletes the owner's DRAFT plan and returns its id", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    expect(await h.ok(am.token, DELETE, { id: plan.id })).toEqual({ deleteBusinessPlan: plan.id });
    expect(await h.gql(am.token, GET, { id: plan.id })).toEqual({ data: { businessPlan: null } });
    // deleting again: it is gone
    await expectRejected(h, am.token, DELETE, { id: plan.id }, "NOT_FOUND");
  });

  it("refuses other owners (FORBIDDEN), plans with children (BAD_USER_INPUT) and ids that cannot exist (NOT_FOUND)", async () => {
    const parent = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    await createPlan(h, am.token, { accountId: acc.id, periodId: fy.quarters[1].id, parentId: parent.id });
    await expectRejected(h, am2.token, DELETE, { id: parent.id }, "FORBIDDEN");
    await expectBadInput(h, am.token, DELETE, { id: parent.id }, "id");
    for (const id of IMPOSSIBLE_IDS) await expectRejected(h, am.token, DELETE, { id }, "NOT_FOUND");
  });
});

describe("expireBusinessPlans", () => {
  it("expires (ADMIN) every plan whose period ended before the date, returns them, and leaves the others", async () => {
    const past = await createYear(h, 2001);
    const approved = await createPlan(h, am.token, { accountId: acc.id, periodId: past.year.id, name: "Past approved" });
    await h.ok(am.token, STATUS, { id: approved.id, s: "SUBMITTED" });
    await h.ok(am.token, STATUS, { id: approved.id, s: "FINAL_APPROVED" });
    const draft = await createPlan(h, am.token, { accountId: acc.id, periodId: past.quarters[3].id, name: "Past draft" });
    const current = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Current" });

    const EXPIRE = `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id name status } }`;
    // the period ends ON 2001-12-31, which is not before that date
    expect(await h.ok(h.admin.token, EXPIRE, { d: "2001-12-31" })).toEqual({ expireBusinessPlans: [] });

    await expectRejected(h, am.token, EXPIRE, { d: "2002-01-01" }, "FORBIDDEN");

    const d = await h.ok(h.admin.token, EXPIRE, { d: "2002-01-01" });
    expect(d.expireBusinessPlans).toEqual([
      { id: approved.id, name: "Past approved", status: "EXPIRED" },
      { id: draft.id, name: "Past draft", status: "EXPIRED" },
    ]);
    expect((await h.ok(am.token, GET, { id: current.id })).businessPlan.status).toBe("DRAFT");
    const hist = await h.ok(am.token, GET, { id: approved.id });
    expect(hist.businessPlan.statusHistory.at(-1)).toMatchObject({ from: "FINAL_APPROVED", to: "EXPIRED", changedBy: { id: gid("User", h.admin.user.id) } });
    // EXPIRED is final and locked
    await expectRejected(h, am.token, STATUS, { id: approved.id, s: "DRAFT" }, "INVALID_STATUS_TRANSITION");
    await expectRejected(h, am.token, UPDATE, { id: draft.id, input: { name: "Revive" } }, "PLAN_LOCKED");
    // running it again finds nothing more to expire
    expect(await h.ok(h.admin.token, EXPIRE, { d: "2002-01-01" })).toEqual({ expireBusinessPlans: [] });
  });
});

describe("copyBusinessPlan", () => {
  it("deep-copies a plan into a period of the same type: children to matching child periods, objectives along, DRAFT, no links", async () => {
    const src = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Roll me", revenueTarget: "1000.00" });
    const child = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.quarters[1].id, parentId: src.id, name: "Roll me Q2" });
    await createObjective(h, am.token, { periodId: fy.quarters[1].id, planId: child.id, name: "Q2 objective", unit: "CALLS", targetQuantity: 12 });
    const opp = await createOpportunity(h, am.token, { accountId: acc.id, planIds: [src.id] });
    await h.ok(am.token, STATUS, { id: src.id, s: "SUBMITTED" });

    const d = await h.ok(
      am.token,
      `mutation($id: ID!, $p: ID!) { copyBusinessPlan(id: $id, periodId: $p) {
          id name status version revenueTarget period { id } owner { id } copiedFrom { id } opportunities { id } activities { id }
          children { name status period { id } copiedFrom { id } objectives { name targetQuantity unit period { id } } }
        } }`,
      { id: src.id, p: fyNext.year.id },
    );
    const copy = d.copyBusinessPlan;
    expect(copy).toEqual({
      id: expect.any(String),
      name: "Roll me",
      status: "DRAFT",
      version: 1,
      revenueTarget: "1000.00",
      period: { id: fyNext.year.id },
      owner: { id: gid("User", am.user.id) },
      copiedFrom: { id: src.id },
      opportunities: [],
      activities: [],
      children: [
        {
          name: "Roll me Q2",
          status: "DRAFT",
          period: { id: fyNext.quarters[1].id },
          copiedFrom: { id: child.id },
          objectives: [{ name: "Q2 objective", targetQuantity: 12, unit: "CALLS", period: { id: fyNext.quarters[1].id } }],
        },
      ],
    });
    expect(copy.id).not.toBe(src.id);
    // the source is untouched
    const s = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { status opportunities { id } } }`, { id: src.id });
    expect(s.businessPlan).toEqual({ status: "SUBMITTED", opportunities: [{ id: opp.id }] });
  });

  it("an ADMIN may give the copy another owner", async () => {
    const src = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.quarters[2].id, name: "Quarterly" });
    const d = await h.ok(h.admin.token, `mutation($id: ID!, $p: ID!, $o: ID!) { copyBusinessPlan(id: $id, periodId: $p, ownerId: $o) { owner { id } period { id } } }`, {
      id: src.id,
      p: fyNext.quarters[2].id,
      o: gid("User", am2.user.id),
    });
    expect(d.copyBusinessPlan).toEqual({ owner: { id: gid("User", am2.user.id) }, period: { id: fyNext.quarters[2].id } });
  });

  it("a period of another type is BAD_USER_INPUT; ids that cannot exist are NOT_FOUND; nothing is created", async () => {
    const COPY = `mutation($id: ID!, $p: ID!) { copyBusinessPlan(id: $id, periodId: $p) { id } }`;
    const src = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    await expectBadInput(h, am.token, COPY, { id: src.id, p: fyNext.quarters[0].id }, "periodId");
    for (const bad of IMPOSSIBLE_IDS) {
      await expectRejected(h, am.token, COPY, { id: bad, p: fyNext.year.id }, "NOT_FOUND");
      await expectRejected(h, am.token, COPY, { id: src.id, p: bad }, "NOT_FOUND");
    }
  });
});

describe("addPlanContact", () => {
  const ADD = `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id contacts { id lastName } } }`;

  it("adds the account's contacts to the plan (ordered by name), once", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    const zed = await createContact(h, am.token, { accountId: acc.id, lastName: "Zed" });
    const abe = await createContact(h, am.token, { accountId: acc.id, lastName: "Abe" });
    await h.ok(am.token, ADD, { p: plan.id, c: zed.id });
    const d = await h.ok(am.token, ADD, { p: plan.id, c: abe.id });
    expect(d.addPlanContact).toEqual({ id: plan.id, contacts: [{ id: abe.id, lastName: "Abe" }, { id: zed.id, lastName: "Zed" }] });
    // adding again changes nothing
    const before = await dbState(h);
    expect((await h.ok(am.token, ADD, { p: plan.id, c: abe.id })).addPlanContact.contacts).toHaveLength(2);
    expect(await dbState(h)).toEqual(before);
    const r = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail { action } } }`, { id: plan.id });
    expect(r.businessPlan.auditTrail.map((e: { action: string }) => e.action)).toEqual(["CONTACT_ADDED", "CONTACT_ADDED", "CREATED"]);
  });

  it("a contact of another account is BAD_USER_INPUT; ids that cannot exist are NOT_FOUND", async () => {
    const plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id });
    const stranger = await createContact(h, am.token, { accountId: otherAcc.id });
    const own = await createContact(h, am.token, { accountId: acc.id });
    await expectBadInput(h, am.token, ADD, { p: plan.id, c: stranger.id }, "contactId");
    for (const bad of IMPOSSIBLE_IDS) {
      await expectRejected(h, am.token, ADD, { p: bad, c: own.id }, "NOT_FOUND");
      await expectRejected(h, am.token, ADD, { p: plan.id, c: bad }, "NOT_FOUND");
    }
  });
});

describe("businessPlans connection and plan lists", () => {
  it("filters by account, owner, period, status and top level, with a matching totalCount", async () => {
    const a = await createAccount(h, am.token, { name: "Filter Co" });
    const top = await createPlan(h, am.token, { accountId: a.id, periodId: fy.year.id });
    const kid = await createPlan(h, am.token, { accountId: a.id, periodId: fy.quarters[0].id, parentId: top.id });
    const marco = await createPlan(h, am2.token, { accountId: a.id, periodId: fy.year.id });
    await h.ok(am2.token, STATUS, { id: marco.id, s: "SUBMITTED" });
    const Q = `query($f: BusinessPlanFilter) { businessPlans(filter: $f) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const run = async (f: Record<string, unknown>) => {
      const c = (await h.ok(am.token, Q, { f })).businessPlans;
      expect(c.totalCount).toBe(c.edges.length);
      return c.edges.map((e: { node: { id: string } }) => e.node.id);
    };
    expect(await run({ accountId: a.id })).toEqual([top.id, kid.id, marco.id]);
    expect(await run({ accountId: a.id, topLevelOnly: true })).toEqual([top.id, marco.id]);
    expect(await run({ accountId: a.id, ownerId: gid("User", am2.user.id) })).toEqual([marco.id]);
    expect(await run({ accountId: a.id, periodId: fy.quarters[0].id })).toEqual([kid.id]);
    expect(await run({ accountId: a.id, status: ["SUBMITTED"] })).toEqual([marco.id]);
    expect(await run({ accountId: a.id, status: ["DRAFT", "SUBMITTED"], topLevelOnly: true })).toEqual([top.id, marco.id]);
    expect(await run({ accountId: "abc" })).toEqual([]);
    const c = (await h.ok(am.token, Q, { f: { accountId: a.id } })).businessPlans;
    expect(c.pageInfo).toEqual({ hasNextPage: false, endCursor: c.edges[2].cursor });
  });

  it("a plan lists its objectives, linked opportunities, activities; the rollup sums them over the tree", async () => {
    const a = await createAccount(h, am.token, { name: "Rollup Co" });
    const top = await createPlan(h, am.token, { accountId: a.id, periodId: fy.year.id, revenueTarget: "1000.00" });
    const kid = await createPlan(h, am.token, { accountId: a.id, periodId: fy.quarters[0].id, parentId: top.id, revenueTarget: "400.00" });
    const ob = await createObjective(h, am.token, { periodId: fy.quarters[0].id, planId: kid.id, name: "Kid objective" });
    const won = await createOpportunity(h, am.token, { accountId: a.id, revenue: "250.00", status: "WON", planIds: [kid.id] });
    const open = await createOpportunity(h, am.token, { accountId: a.id, revenue: "100.00", status: "OPEN", planIds: [top.id, kid.id] });
    await createOpportunity(h, am.token, { accountId: a.id, revenue: "50.00", status: "WON", objectiveId: ob.id });
    await createOpportunity(h, am.token, { accountId: a.id, revenue: "70.00", status: "LOST", planIds: [top.id] });
    const act = await createActivity(h, am.token, { accountId: a.id, planId: top.id });
    const d = await h.ok(
      am.token,
      `query($id: ID!) { businessPlan(id: $id) { objectives { id } opportunities { id } activities { id }
          rollup { revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue attainment }
          children { id objectives { id } opportunities { id } rollup { wonRevenue pipelineRevenue childrenRevenueTarget attainment } } } }`,
      { id: top.id },
    );
    expect(d.businessPlan.objectives).toEqual([]);
    expect(d.businessPlan.opportunities.map((o: { id: string }) => o.id)).toEqual([open.id, expect.any(String)]);
    expect(d.businessPlan.activities).toEqual([{ id: act.id }]);
    expect(d.businessPlan.rollup).toEqual({ revenueTarget: "1000.00", childrenRevenueTarget: "400.00", pipelineRevenue: "100.00", wonRevenue: "300.00", attainment: 0.3 });
    expect(d.businessPlan.children).toEqual([
      {
        id: kid.id,
        objectives: [{ id: ob.id }],
        opportunities: [{ id: won.id }, { id: open.id }],
        rollup: { wonRevenue: "300.00", pipelineRevenue: "100.00", childrenRevenueTarget: "0.00", attainment: 0.75 },
      },
    ]);
  });
});
