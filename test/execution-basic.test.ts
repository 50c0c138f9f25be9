/**
 * Objectives, opportunities and activities through the API: every query and
 * mutation once with the full shape, the links between them, and ids that
 * cannot exist (null for queries, NOT_FOUND for mutations, nothing changed).
 * The deep objective / rollup rules have their own tests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createAccount, createActivity, createContact, createObjective, createOpportunity, createPlan, createYear, IMPOSSIBLE_IDS, type Ref } from "./helpers/factories";
import { expectBadInput, expectRejected } from "./helpers/db-state";
import { createHarness, expectCode, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

const OBJECTIVE_FIELDS = `id name description isGlobal targetRevenue targetQuantity unit
  period { id } plan { id } account { id } contact { id } parent { id } children { id }
  progress { actualQuantity actualRevenue percentComplete } opportunities { id } activities { id }`;
const OPPORTUNITY_FIELDS = `id name revenue probability status closeDate
  account { id } owner { id } objective { id } plans { id } sourceActivity { id } activities { id }`;
/** A new OPEN opportunity of `am` on acc as OPPORTUNITY_FIELDS reads it, without activities, with `fields`. */
const newOpportunity = (fields: Record<string, unknown>) => ({
  id: expect.any(String),
  status: "OPEN",
  account: { id: acc.id },
  owner: { id: gid("User", am.user.id) },
  sourceActivity: null,
  activities: [],
  ...fields,
});
const ACTIVITY_FIELDS = `id subject type status dueAt completedAt notes
  account { id } contact { id } plan { id } objective { id } opportunity { id } owner { id } followUpOf { id } followUps { id }`;

let h: Harness;
let am: TestUser;
let am2: TestUser;
let acc: Ref;
let otherAcc: Ref;
let fy: { year: Ref; quarters: Ref[] };
let plan: Ref;
let contact: { id: string };

beforeAll(async () => {
  h = await createHarness();
  am = await h.user(Role.ACCOUNT_MANAGER, "Exec AM");
  am2 = await h.user(Role.ACCOUNT_MANAGER, "Other AM");
  fy = await createYear(h, 2097);
  acc = await createAccount(h, am.token, { name: "Execution Co" });
  otherAcc = await createAccount(h, am.token, { name: "Elsewhere Co" });
  plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Execution plan" });
  contact = await createContact(h, am.token, { accountId: acc.id, lastName: "Buyer" });
});
afterAll(async () => h?.close());

describe("objectives", () => {
  const GET = `query($id: ID!) { objective(id: $id) { ${OBJECTIVE_FIELDS} } }`;
  const UPDATE = `mutation($id: ID!, $input: UpdateObjectiveInput!) { updateObjective(id: $id, input: $input) { id name description targetRevenue targetQuantity unit } }`;

  it("createObjective on a plan: inherits the plan's account; every field reads back", async () => {
    const d = await h.ok(
      am.token,
      `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { ${OBJECTIVE_FIELDS} } }`,
      {
        input: {
          name: " Win the retrofit ",
          periodId: fy.quarters[1].id,
          planId: plan.id,
          contactId: contact.id,
          description: "Phase 1 and 2",
          targetRevenue: "1200000",
          targetQuantity: 3,
          unit: "MEETINGS",
        },
      },
    );
    const ob = d.createObjective;
    expect(ob).toEqual({
      id: expect.any(String),
      name: "Win the retrofit",
      description: "Phase 1 and 2",
      isGlobal: false,
      targetRevenue: "1200000.00",
      targetQuantity: 3,
      unit: "MEETINGS",
      period: { id: fy.quarters[1].id },
      plan: { id: plan.id },
      account: { id: acc.id },
      contact: { id: contact.id },
      parent: null,
      children: [],
      progress: { actualQuantity: 0, actualRevenue: "0.00", percentComplete: 0 },
      opportunities: [],
      activities: [],
    });
    expect((await h.ok(am2.token, GET, { id: ob.id })).objective).toEqual(ob);
    const p = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { objectives { id } auditTrail(first: 1) { action } } }`, { id: plan.id });
    expect(p.businessPlan).toEqual({ objectives: [{ id: ob.id }], auditTrail: [{ action: "OBJECTIVE_CREATED" }] });
  });

  it("account objectives and (ADMIN) global objectives; globalObjectives(periodId) lists the global ones overlapping a period", async () => {
    const accountOb = await h.ok(am.token, `mutation($p: ID!, $a: ID!) { createObjective(input: { name: "Account-wide", periodId: $p, accountId: $a }) { isGlobal plan { id } account { id } } }`, {
      p: fy.year.id,
      a: acc.id,
    });
    expect(accountOb.createObjective).toEqual({ isGlobal: false, plan: null, account: { id: acc.id } });

    const g1 = await h.ok(h.admin.token, `mutation($p: ID!) { createObjective(input: { name: "Global Q1", periodId: $p }) { id isGlobal plan { id } account { id } } }`, { p: fy.quarters[0].id });
    expect(g1.createObjective).toMatchObject({ isGlobal: true, plan: null, account: null });
    const g4 = await createObjective(h, h.admin.token, { periodId: fy.quarters[3].id, name: "Global Q4" });

    const all = await h.ok(am.token, `{ globalObjectives { id isGlobal } }`);
    expect(all.globalObjectives).toEqual([
      { id: g1.createObjective.id, isGlobal: true },
      { id: g4.id, isGlobal: true },
    ]);
    const q1 = await h.ok(am.token, `query($p: ID) { globalObjectives(periodId: $p) { id } }`, { p: fy.quarters[0].id });
    expect(q1.globalObjectives).toEqual([{ id: g1.createObjective.id }]);
    const year = await h.ok(am.token, `query($p: ID) { globalObjectives(periodId: $p) { id } }`, { p: fy.year.id });
    expect(year.globalObjectives).toHaveLength(2);
    expect(await h.ok(am.token, `{ globalObjectives(periodId: "abc") { id } }`)).toEqual({ globalObjectives: [] });

    // only an ADMIN may create global objectives
    await expectRejected(h, am.token, `mutation($p: ID!) { createObjective(input: { name: "Not mine to make", periodId: $p }) { id } }`, { p: fy.year.id }, "FORBIDDEN");
  });

  it("child objectives show under their parent", async () => {
    const parent = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id, name: "Parent objective" });
    const child = await h.ok(am.token, `mutation($p: ID!, $pl: ID!, $par: ID!) { createObjective(input: { name: "Child", periodId: $p, planId: $pl, parentId: $par }) { id parent { id name } } }`, {
      p: fy.quarters[0].id,
      pl: plan.id,
      par: parent.id,
    });
    expect(child.createObjective.parent).toEqual({ id: parent.id, name: "Parent objective" });
    expect((await h.ok(am.token, `query($id: ID!) { objective(id: $id) { children { id } } }`, { id: parent.id })).objective.children).toEqual([{ id: child.createObjective.id }]);
  });

  it("progress counts COMPLETED activities of the unit's type and WON revenue", async () => {
    const calls = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id, unit: "CALLS", targetQuantity: 4 });
    for (const [type, done] of [
      ["CALL", true],
      ["CALL", true],
      ["CALL", false],
      ["MEETING", true],
    ] as const) {
      const a = await createActivity(h, am.token, { accountId: acc.id, type, objectiveId: calls.id });
      if (done) await h.ok(am.token, `mutation($id: ID!) { completeActivity(id: $id) { id } }`, { id: a.id });
    }
    const money = await createObjective(h, am.token, { periodId: fy.year.id, accountId: acc.id, targetRevenue: "1000.00" });
    await createOpportunity(h, am.token, { accountId: acc.id, objectiveId: money.id, revenue: "250.00", status: "WON" });
    await createOpportunity(h, am.token, { accountId: acc.id, objectiveId: money.id, revenue: "500.00", status: "OPEN" });
    const units = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id, unit: "UNITS", targetQuantity: 6 });
    await h.ok(am.token, `mutation($id: ID!) { updateObjective(id: $id, input: { actualQuantity: 3 }) { id } }`, { id: units.id });

    const d = await h.ok(
      am.token,
      `query($a: ID!, $b: ID!, $c: ID!) {
        a: objective(id: $a) { progress { actualQuantity actualRevenue percentComplete } activities { type } }
        b: objective(id: $b) { progress { actualQuantity actualRevenue percentComplete } opportunities { status } }
        c: objective(id: $c) { progress { actualQuantity percentComplete } } }`,
      { a: calls.id, b: money.id, c: units.id },
    );
    expect(d.a.progress).toEqual({ actualQuantity: 2, actualRevenue: "0.00", percentComplete: 50 });
    expect(d.a.activities).toHaveLength(4);
    expect(d.b.progress).toEqual({ actualQuantity: 0, actualRevenue: "250.00", percentComplete: 25 });
    expect(d.b.opportunities).toEqual([{ status: "WON" }, { status: "OPEN" }]);
    expect(d.c.progress).toEqual({ actualQuantity: 3, percentComplete: 50 });
  });

  it("updateObjective changes the given fields and is audited on the plan", async () => {
    const ob = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id, name: "Editable" });
    const d = await h.ok(am.token, UPDATE, { id: ob.id, input: { name: "Edited", description: "More", targetRevenue: 99.9, targetQuantity: 7, unit: "UNITS" } });
    expect(d.updateObjective).toEqual({ id: ob.id, name: "Edited", description: "More", targetRevenue: "99.90", targetQuantity: 7, unit: "UNITS" });
    const p = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 1) { action changes { field newValue } } } }`, { id: plan.id });
    expect(p.businessPlan.auditTrail[0].action).toBe("OBJECTIVE_UPDATED");
    expect(p.businessPlan.auditTrail[0].changes).toContainEqual({ field: "name", newValue: "Edited" });
  });

  it("deleteObjective returns the id; the objective is gone", async () => {
    const ob = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id });
    expect(await h.ok(am.token, `mutation($id: ID!) { deleteObjective(id: $id) }`, { id: ob.id })).toEqual({ deleteObjective: ob.id });
    expect(await h.gql(am.token, GET, { id: ob.id })).toEqual({ data: { objective: null } });
  });

  it("ids that cannot exist: objective(id) is null; every objective mutation is NOT_FOUND and changes nothing", async () => {
    const ob = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id });
    const CREATE = `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id } }`;
    for (const bad of IMPOSSIBLE_IDS) {
      expect(await h.gql(am.token, GET, { id: bad })).toEqual({ data: { objective: null } });
      await expectRejected(h, am.token, UPDATE, { id: bad, input: { name: "X" } }, "NOT_FOUND");
      await expectRejected(h, am.token, `mutation($id: ID!) { deleteObjective(id: $id) }`, { id: bad }, "NOT_FOUND");
      const base = { name: "X", periodId: fy.year.id, planId: plan.id };
      await expectRejected(h, am.token, CREATE, { input: { ...base, periodId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, CREATE, { input: { ...base, planId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, CREATE, { input: { ...base, planId: undefined, accountId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, CREATE, { input: { ...base, contactId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, CREATE, { input: { ...base, parentId: bad } }, "NOT_FOUND");
    }
    expect((await h.ok(am.token, GET, { id: ob.id })).objective.id).toBe(ob.id);
  });

  it("an objective outside its plan's period, or with another account's contact, is BAD_USER_INPUT", async () => {
    const other = await createYear(h, 2096);
    const stranger = await createContact(h, am.token, { accountId: otherAcc.id });
    const CREATE = `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id } }`;
    await expectBadInput(h, am.token, CREATE, { input: { name: "Out of period", periodId: other.year.id, planId: plan.id } }, "periodId");
    await expectBadInput(h, am.token, CREATE, { input: { name: "Wrong contact", periodId: fy.year.id, planId: plan.id, contactId: stranger.id } }, "contactId");
  });
});

describe("opportunities", () => {
  const GET = `query($id: ID!) { opportunity(id: $id) { ${OPPORTUNITY_FIELDS} } }`;
  const UPDATE = `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) { ${OPPORTUNITY_FIELDS} } }`;
  const LINK = `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id plans { id } } }`;
  const UNLINK = `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id plans { id } } }`;

  it("createOpportunity with every field; opportunity(id) reads it back", async () => {
    const ob = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id });
    const d = await h.ok(am.token, `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { ${OPPORTUNITY_FIELDS} } }`, {
      input: { name: " Line 3 retrofit ", accountId: acc.id, revenue: "750000", probability: 60, status: "OPEN", closeDate: "2097-05-15", objectiveId: ob.id, planIds: [plan.id, plan.id] },
    });
    const opp = d.createOpportunity;
    expect(opp).toEqual(newOpportunity({ name: "Line 3 retrofit", revenue: "750000.00", probability: 60, closeDate: "2097-05-15", objective: { id: ob.id }, plans: [{ id: plan.id }] }));
    expect((await h.ok(am2.token, GET, { id: opp.id })).opportunity).toEqual(opp);
  });

  it("defaults: OPEN with probability 10; WON defaults to 100", async () => {
    const d = await h.ok(am.token, `mutation($a: ID!) {
        open: createOpportunity(input: { name: "Default", accountId: $a, revenue: 1 }) { status probability closeDate objective { id } plans { id } }
        won: createOpportunity(input: { name: "Won", accountId: $a, revenue: "2", status: WON }) { status probability } }`, { a: acc.id });
    expect(d).toEqual({ open: { status: "OPEN", probability: 10, closeDate: null, objective: null, plans: [] }, won: { status: "WON", probability: 100 } });
  });

  it("updateOpportunity changes the given fields; objectiveId null unlinks the objective", async () => {
    const ob = await createObjective(h, am.token, { periodId: fy.year.id, accountId: acc.id });
    const o = await createOpportunity(h, am.token, { accountId: acc.id, objectiveId: ob.id, revenue: "10.00" });
    let d = await h.ok(am.token, UPDATE, { id: o.id, input: { name: "Renamed", revenue: 12.5, probability: 80, closeDate: "2097-12-01" } });
    expect(d.updateOpportunity).toMatchObject({ name: "Renamed", revenue: "12.50", probability: 80, status: "OPEN", closeDate: "2097-12-01", objective: { id: ob.id } });
    d = await h.ok(am.token, UPDATE, { id: o.id, input: { status: "WON", objectiveId: null } });
    expect(d.updateOpportunity).toMatchObject({ status: "WON", probability: 100, objective: null, revenue: "12.50" });
  });

  it("link / unlink to plans of the same account, idempotent, audited on the plan", async () => {
    const o = await createOpportunity(h, am.token, { accountId: acc.id });
    const second = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.quarters[0].id, parentId: plan.id });
    expect((await h.ok(am.token, LINK, { o: o.id, p: second.id })).linkOpportunityToPlan.plans).toEqual([{ id: second.id }]);
    expect((await h.ok(am.token, LINK, { o: o.id, p: plan.id })).linkOpportunityToPlan.plans).toEqual([{ id: plan.id }, { id: second.id }]);
    expect((await h.ok(am.token, LINK, { o: o.id, p: plan.id })).linkOpportunityToPlan.plans).toHaveLength(2);
    expect((await h.ok(am.token, UNLINK, { o: o.id, p: plan.id })).unlinkOpportunityFromPlan.plans).toEqual([{ id: second.id }]);
    // unlinking what is not linked is NOT_FOUND (issue 12), and records nothing
    expectCode(await h.gql(am.token, UNLINK, { o: o.id, p: plan.id }), "NOT_FOUND");
    const p = await h.ok(am.token, `query($id: ID!) { businessPlan(id: $id) { opportunities { id } auditTrail(first: 2) { action } } }`, { id: plan.id });
    expect(p.businessPlan.opportunities.map((x: { id: string }) => x.id)).not.toContain(o.id);
    expect(p.businessPlan.auditTrail.map((e: { action: string }) => e.action)).toEqual(["OPPORTUNITY_UNLINKED", "OPPORTUNITY_LINKED"]);
  });

  it("a plan of another account is BAD_USER_INPUT; an EXPIRED plan is PLAN_LOCKED; someone else's opportunity is FORBIDDEN", async () => {
    const o = await createOpportunity(h, am.token, { accountId: acc.id });
    const foreign = await createPlan(h, am.token, { accountId: otherAcc.id, periodId: fy.year.id });
    await expectBadInput(h, am.token, LINK, { o: o.id, p: foreign.id }, "planId");
    await expectBadInput(h, am.token, `mutation($a: ID!, $p: ID!) { createOpportunity(input: { name: "X", accountId: $a, revenue: "1", planIds: [$p] }) { id } }`, { a: acc.id, p: foreign.id }, "planIds");

    const past = await createYear(h, 2002);
    const expired = await createPlan(h, am.token, { accountId: acc.id, periodId: past.year.id });
    await h.ok(am.token, `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: EXPIRED) { status } }`, { id: expired.id });
    await expectRejected(h, am.token, LINK, { o: o.id, p: expired.id }, "PLAN_LOCKED");

    await expectRejected(h, am2.token, UPDATE, { id: o.id, input: { probability: 1 } }, "FORBIDDEN");
    await expectRejected(h, am2.token, LINK, { o: o.id, p: plan.id }, "FORBIDDEN");
  });

  it("ids that cannot exist: opportunity(id) is null; every opportunity mutation is NOT_FOUND and changes nothing", async () => {
    const o = await createOpportunity(h, am.token, { accountId: acc.id, planIds: [plan.id] });
    const CREATE = `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }`;
    for (const bad of IMPOSSIBLE_IDS) {
      expect(await h.gql(am.token, GET, { id: bad })).toEqual({ data: { opportunity: null } });
      await expectRejected(h, am.token, UPDATE, { id: bad, input: { probability: 5 } }, "NOT_FOUND");
      await expectRejected(h, am.token, UPDATE, { id: o.id, input: { objectiveId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, LINK, { o: bad, p: plan.id }, "NOT_FOUND");
      await expectRejected(h, am.token, LINK, { o: o.id, p: bad }, "NOT_FOUND");
      await expectRejected(h, am.token, UNLINK, { o: bad, p: plan.id }, "NOT_FOUND");
      await expectRejected(h, am.token, UNLINK, { o: o.id, p: bad }, "NOT_FOUND");
      const base = { name: "X", accountId: acc.id, revenue: "1.00" };
      await expectRejected(h, am.token, CREATE, { input: { ...base, accountId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, CREATE, { input: { ...base, objectiveId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, CREATE, { input: { ...base, planIds: [plan.id, bad] } }, "NOT_FOUND");
    }
  });
});

describe("activities", () => {
  const GET = `query($id: ID!) { activity(id: $id) { ${ACTIVITY_FIELDS} } }`;
  const UPDATE = `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { ${ACTIVITY_FIELDS} } }`;
  const COMPLETE = `mutation($id: ID!, $n: String) { completeActivity(id: $id, notes: $n) { id status completedAt notes } }`;
  const FOLLOW_ACT = `mutation($id: ID!, $input: FollowUpActivityInput!) { createFollowUpActivity(activityId: $id, input: $input) { ${ACTIVITY_FIELDS} } }`;
  const FOLLOW_OPP = `mutation($id: ID!, $input: FollowUpOpportunityInput!) { createFollowUpOpportunity(activityId: $id, input: $input) { ${OPPORTUNITY_FIELDS} } }`;
  let ob: Ref;
  let opp: Ref;

  beforeAll(async () => {
    ob = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id, name: "Activity objective" });
    opp = await createOpportunity(h, am.token, { accountId: acc.id, name: "Activity deal" });
  });

  /** A new PLANNED activity of `am` linked to acc, contact, plan, ob and opp, with `fields`. */
  const linkedActivity = (fields: Record<string, unknown>) => ({
    id: expect.any(String),
    status: "PLANNED",
    completedAt: null,
    account: { id: acc.id },
    contact: { id: contact.id },
    plan: { id: plan.id },
    objective: { id: ob.id },
    opportunity: { id: opp.id },
    owner: { id: gid("User", am.user.id) },
    followUps: [],
    ...fields,
  });

  it("createActivity with every link; activity(id) reads it back", async () => {
    const d = await h.ok(am.token, `mutation($input: CreateActivityInput!) { createActivity(input: $input) { ${ACTIVITY_FIELDS} } }`, {
      input: { subject: " Intro call ", type: "CALL", accountId: acc.id, dueAt: "2097-01-20T09:00:00Z", notes: "Bring slides", contactId: contact.id, planId: plan.id, objectiveId: ob.id, opportunityId: opp.id },
    });
    const a = wire(d.createActivity);
    expect(a).toEqual(linkedActivity({ subject: "Intro call", type: "CALL", dueAt: "2097-01-20T09:00:00.000Z", notes: "Bring slides", followUpOf: null }));
    expect(wire((await h.ok(am2.token, GET, { id: a.id })).activity)).toEqual(a);
    const o = await h.ok(am.token, `query($id: ID!) { opportunity(id: $id) { activities { id } } }`, { id: opp.id });
    expect(o.opportunity.activities).toEqual([{ id: a.id }]);
  });

  it("updateActivity changes the given fields and links; null unlinks", async () => {
    const a = await createActivity(h, am.token, { accountId: acc.id, contactId: contact.id, planId: plan.id });
    const d = await h.ok(am.token, UPDATE, { id: a.id, input: { subject: "Rescheduled", dueAt: "2097-02-01T08:00:00Z", notes: "moved", contactId: null, objectiveId: ob.id, opportunityId: opp.id } });
    expect(wire(d.updateActivity)).toMatchObject({
      subject: "Rescheduled",
      dueAt: "2097-02-01T08:00:00.000Z",
      notes: "moved",
      contact: null,
      plan: { id: plan.id },
      objective: { id: ob.id },
      opportunity: { id: opp.id },
      status: "PLANNED",
    });
    const c = await h.ok(am.token, UPDATE, { id: a.id, input: { status: "CANCELLED", planId: null } });
    expect(c.updateActivity).toMatchObject({ status: "CANCELLED", plan: null, completedAt: null });
    // a CANCELLED activity cannot be completed
    await expectBadInput(h, am.token, COMPLETE, { id: a.id }, "id");
  });

  it("completeActivity sets COMPLETED, the time and the notes; completing twice is BAD_USER_INPUT", async () => {
    const a = await createActivity(h, am.token, { accountId: acc.id, notes: "before" });
    const d = wire(await h.ok(am.token, COMPLETE, { id: a.id, n: "Went well" }));
    expect(d.completeActivity).toEqual({ id: a.id, status: "COMPLETED", completedAt: ISO, notes: "Went well" });
    await expectBadInput(h, am.token, COMPLETE, { id: a.id }, "id");
    await expectRejected(h, am2.token, COMPLETE, { id: a.id }, "FORBIDDEN");
  });

  it("createFollowUpActivity inherits account, contact, plan, objective and opportunity", async () => {
    const src = await createActivity(h, am.token, { accountId: acc.id, contactId: contact.id, planId: plan.id, objectiveId: ob.id, opportunityId: opp.id });
    const d = wire(await h.ok(am.token, FOLLOW_ACT, { id: src.id, input: { subject: "Send proposal", type: "EMAIL", dueAt: "2097-01-27T17:00:00Z", notes: "PDF" } }));
    expect(d.createFollowUpActivity).toEqual(linkedActivity({ subject: "Send proposal", type: "EMAIL", dueAt: "2097-01-27T17:00:00.000Z", notes: "PDF", followUpOf: { id: src.id } }));
    const s = await h.ok(am.token, `query($id: ID!) { activity(id: $id) { followUps { id followUpOf { id } } } }`, { id: src.id });
    expect(s.activity.followUps).toEqual([{ id: d.createFollowUpActivity.id, followUpOf: { id: src.id } }]);
  });

  it("createFollowUpOpportunity inherits account and objective and is linked to the activity's plan", async () => {
    const src = await createActivity(h, am.token, { accountId: acc.id, planId: plan.id, objectiveId: ob.id });
    const d = await h.ok(am.token, FOLLOW_OPP, { id: src.id, input: { name: "Line 3 study", revenue: "85000", probability: 40, closeDate: "2097-04-30" } });
    expect(d.createFollowUpOpportunity).toEqual(
      newOpportunity({ name: "Line 3 study", revenue: "85000.00", probability: 40, closeDate: "2097-04-30", objective: { id: ob.id }, plans: [{ id: plan.id }], sourceActivity: { id: src.id } }),
    );
    // an activity without plan or objective gives an unlinked opportunity
    const bare = await createActivity(h, am.token, { accountId: acc.id });
    const b = await h.ok(am.token, `mutation($id: ID!) { createFollowUpOpportunity(activityId: $id, input: { name: "Bare", revenue: 5 }) { objective { id } plans { id } probability sourceActivity { id } } }`, { id: bare.id });
    expect(b.createFollowUpOpportunity).toEqual({ objective: null, plans: [], probability: 10, sourceActivity: { id: bare.id } });
  });

  it("links to records of another account are BAD_USER_INPUT; someone else's activity is FORBIDDEN", async () => {
    const stranger = await createContact(h, am.token, { accountId: otherAcc.id });
    const CREATE = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`;
    await expectBadInput(h, am.token, CREATE, { input: { subject: "X", type: "CALL", accountId: acc.id, contactId: stranger.id } }, "contactId");
    const a = await createActivity(h, am.token, { accountId: acc.id });
    await expectRejected(h, am2.token, UPDATE, { id: a.id, input: { subject: "Mine now" } }, "FORBIDDEN");
  });

  it("ids that cannot exist: activity(id) is null; every activity mutation is NOT_FOUND and changes nothing", async () => {
    const a = await createActivity(h, am.token, { accountId: acc.id });
    const CREATE = `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`;
    for (const bad of IMPOSSIBLE_IDS) {
      expect(await h.gql(am.token, GET, { id: bad })).toEqual({ data: { activity: null } });
      await expectRejected(h, am.token, UPDATE, { id: bad, input: { subject: "X" } }, "NOT_FOUND");
      for (const link of ["contactId", "planId", "objectiveId", "opportunityId"]) {
        await expectRejected(h, am.token, UPDATE, { id: a.id, input: { [link]: bad } }, "NOT_FOUND");
        await expectRejected(h, am.token, CREATE, { input: { subject: "X", type: "CALL", accountId: acc.id, [link]: bad } }, "NOT_FOUND");
      }
      await expectRejected(h, am.token, CREATE, { input: { subject: "X", type: "CALL", accountId: bad } }, "NOT_FOUND");
      await expectRejected(h, am.token, COMPLETE, { id: bad }, "NOT_FOUND");
      await expectRejected(h, am.token, FOLLOW_ACT, { id: bad, input: { subject: "X", type: "CALL" } }, "NOT_FOUND");
      await expectRejected(h, am.token, FOLLOW_OPP, { id: bad, input: { name: "X", revenue: "1" } }, "NOT_FOUND");
    }
  });
});
