/**
 * Users (me), accounts, contacts and periods through the API: create, read,
 * update, the Account relation fields and their documented orders, and ids
 * that cannot exist (null for single-record queries, NOT_FOUND for mutations).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createAccount, createActivity, createContact, createObjective, createOpportunity, createPeriod, createPlan, createYear, IMPOSSIBLE_IDS, type Ref } from "./helpers/factories";
import { dbState, expectRejected } from "./helpers/db-state";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

let h: Harness;
let am: TestUser;
let am2: TestUser;
let analyst: TestUser;
beforeAll(async () => {
  h = await createHarness();
  am = await h.user(Role.ACCOUNT_MANAGER, "Giulia AM");
  am2 = await h.user(Role.ACCOUNT_MANAGER, "Marco AM");
  analyst = await h.user(Role.ANALYST, "Alan Analyst");
});
afterAll(async () => h?.close());

describe("me", () => {
  it("returns the signed-in user", async () => {
    for (const u of [h.admin, am, analyst]) {
      const d = await h.ok(u.token, `{ me { id name email role } }`);
      expect(d.me).toEqual({ id: gid("User", u.user.id), name: u.user.name, email: u.user.email, role: u.user.role });
    }
  });
});

describe("accounts", () => {
  const ACCOUNT = `query($id: ID!) { account(id: $id) { id name industry owner { id name } } }`;

  it("createAccount trims the name, defaults the owner to the caller, and account(id) reads it back", async () => {
    const d = await h.ok(am.token, `mutation { createAccount(input: { name: "  Initech  ", industry: "Software" }) { id name industry owner { id name email role } } }`);
    expect(d.createAccount).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      name: "Initech",
      industry: "Software",
      owner: { id: gid("User", am.user.id), name: "Giulia AM", email: am.user.email, role: "ACCOUNT_MANAGER" },
    });
    const r = await h.ok(analyst.token, ACCOUNT, { id: d.createAccount.id });
    expect(r.account).toEqual({ id: d.createAccount.id, name: "Initech", industry: "Software", owner: { id: gid("User", am.user.id), name: "Giulia AM" } });
  });

  it("createAccount with an explicit owner and without industry", async () => {
    const d = await h.ok(am.token, `mutation($o: ID!) { createAccount(input: { name: "Umbrella", ownerId: $o }) { name industry owner { id } } }`, {
      o: gid("User", am2.user.id),
    });
    expect(d.createAccount).toEqual({ name: "Umbrella", industry: null, owner: { id: gid("User", am2.user.id) } });
  });

  it("createAccount with an owner that cannot exist is NOT_FOUND and creates nothing", async () => {
    for (const o of IMPOSSIBLE_IDS) {
      const err = await expectRejected(h, am.token, `mutation($o: ID!) { createAccount(input: { name: "Ghost owner", ownerId: $o }) { id } }`, { o }, "NOT_FOUND");
      expect(err.message).toMatch(/User/);
    }
  });

  it("account(id) is null for ids that cannot exist, without errors", async () => {
    for (const id of IMPOSSIBLE_IDS) {
      const r = await h.gql(am.token, ACCOUNT, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ account: null });
    }
  });

  it("updateAccount changes only the given fields; null clears industry and owner", async () => {
    const a = await createAccount(h, am.token, { name: "Hooli", industry: "Tech" });
    const UPDATE = `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id name industry owner { id } } }`;

    let d = await h.ok(am.token, UPDATE, { id: a.id, input: { name: " Hooli XYZ " } });
    expect(d.updateAccount).toEqual({ id: a.id, name: "Hooli XYZ", industry: "Tech", owner: { id: gid("User", am.user.id) } });

    d = await h.ok(am2.token, UPDATE, { id: a.id, input: { industry: "Media", ownerId: gid("User", am2.user.id) } });
    expect(d.updateAccount).toEqual({ id: a.id, name: "Hooli XYZ", industry: "Media", owner: { id: gid("User", am2.user.id) } });

    d = await h.ok(am.token, UPDATE, { id: a.id, input: { industry: null, ownerId: null } });
    expect(d.updateAccount).toEqual({ id: a.id, name: "Hooli XYZ", industry: null, owner: null });

    const r = await h.ok(am.token, ACCOUNT, { id: a.id });
    expect(r.account).toEqual({ id: a.id, name: "Hooli XYZ", industry: null, owner: null });
  });

  it("updateAccount of an id that cannot exist is NOT_FOUND and changes nothing", async () => {
    for (const id of IMPOSSIBLE_IDS) {
      const err = await expectRejected(h, am.token, `mutation($id: ID!) { updateAccount(id: $id, input: { name: "X" }) { id } }`, { id }, "NOT_FOUND");
      expect(err.message).toBe(`Account ${id} not found`);
    }
  });

  it("updateAccount with an owner that does not exist is NOT_FOUND and changes nothing", async () => {
    const a = await createAccount(h, am.token, { name: "Stable" });
    for (const o of ["999999999", "abc"]) {
      await expectRejected(h, am.token, `mutation($id: ID!, $o: ID!) { updateAccount(id: $id, input: { name: "Changed", ownerId: $o }) { id } }`, { id: a.id, o }, "NOT_FOUND");
    }
    expect((await h.ok(am.token, ACCOUNT, { id: a.id })).account.name).toBe("Stable");
  });
});

describe("contacts", () => {
  let acc: Ref;
  beforeAll(async () => {
    acc = await createAccount(h, am.token, { name: "Contacts Inc" });
  });

  it("createContact stores the fields (email lower-cased) and contact(id) reads them with the account", async () => {
    const d = await h.ok(
      am.token,
      `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: " Hannah ", lastName: " Schmidt ", email: "H.Schmidt@Globex.Example", jobTitle: "CFO" }) {
          id firstName lastName email jobTitle account { id name } } }`,
      { a: acc.id },
    );
    expect(d.createContact).toEqual({
      id: expect.any(String),
      firstName: "Hannah",
      lastName: "Schmidt",
      email: "h.schmidt@globex.example",
      jobTitle: "CFO",
      account: { id: acc.id, name: "Contacts Inc" },
    });
    const r = await h.ok(analyst.token, `query($id: ID!) { contact(id: $id) { id firstName lastName email jobTitle account { name } } }`, { id: d.createContact.id });
    expect(r.contact).toMatchObject({ firstName: "Hannah", email: "h.schmidt@globex.example", account: { name: "Contacts Inc" } });
  });

  it("createContact without the optional fields", async () => {
    const d = await h.ok(am.token, `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "Bo", lastName: "Min" }) { email jobTitle } }`, { a: acc.id });
    expect(d.createContact).toEqual({ email: null, jobTitle: null });
  });

  it("createContact for an account that cannot exist is NOT_FOUND and creates nothing", async () => {
    for (const a of IMPOSSIBLE_IDS) {
      const err = await expectRejected(h, am.token, `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "No", lastName: "Body" }) { id } }`, { a }, "NOT_FOUND");
      expect(err.message).toMatch(/Account/);
    }
  });

  it("contact(id) is null for ids that cannot exist", async () => {
    for (const id of IMPOSSIBLE_IDS) {
      const r = await h.gql(am.token, `query($id: ID!) { contact(id: $id) { id } }`, { id });
      expect(r).toEqual({ data: { contact: null } });
    }
  });

  it("Account.contacts are ordered by last name, first name, then creation", async () => {
    const a = await createAccount(h, am.token, { name: "Ordered contacts" });
    const made: string[] = [];
    for (const [firstName, lastName] of [
      ["Zoe", "Young"],
      ["Bob", "Adams"],
      ["Amy", "Adams"],
      ["Amy", "Adams"],
      ["Carl", "Moss"],
    ]) {
      made.push((await createContact(h, am.token, { accountId: a.id, firstName, lastName })).id);
    }
    const d = await h.ok(am.token, `query($id: ID!) { account(id: $id) { contacts { id firstName lastName } } }`, { id: a.id });
    expect(d.account.contacts.map((c: { id: string }) => c.id)).toEqual([made[2], made[3], made[1], made[4], made[0]]);
  });
});

describe("periods", () => {
  it("createPeriod (ADMIN) with a parent; period(id) shows parent and children in date order", async () => {
    const y = await h.ok(h.admin.token, `mutation { createPeriod(input: { name: " FY2035 ", type: YEAR, startDate: "2035-01-01", endDate: "2035-12-31" }) { id name type startDate endDate parent { id } children { id } } }`);
    expect(y.createPeriod).toEqual({ id: expect.any(String), name: "FY2035", type: "YEAR", startDate: "2035-01-01", endDate: "2035-12-31", parent: null, children: [] });
    const yid = y.createPeriod.id;
    // created out of order on purpose
    const q2 = await createPeriod(h, { name: "Q2 FY2035", type: "QUARTER", startDate: "2035-04-01", endDate: "2035-06-30", parentId: yid });
    const q1 = await createPeriod(h, { name: "Q1 FY2035", type: "QUARTER", startDate: "2035-01-01", endDate: "2035-03-31", parentId: yid });
    const jan = await createPeriod(h, { name: "Jan 2035", type: "MONTH", startDate: "2035-01-01", endDate: "2035-01-31", parentId: q1.id });

    const d = await h.ok(
      analyst.token,
      `query($y: ID!, $m: ID!) {
        year: period(id: $y) { name children { id name parent { id } } }
        month: period(id: $m) { name type parent { name parent { name } } children { id } }
      }`,
      { y: yid, m: jan.id },
    );
    expect(d.year).toEqual({
      name: "FY2035",
      children: [
        { id: q1.id, name: "Q1 FY2035", parent: { id: yid } },
        { id: q2.id, name: "Q2 FY2035", parent: { id: yid } },
      ],
    });
    expect(d.month).toEqual({ name: "Jan 2035", type: "MONTH", parent: { name: "Q1 FY2035", parent: { name: "FY2035" } }, children: [] });
  });

  it("periods(type) lists by start date, longer periods first, filtered by type", async () => {
    const y = await createYear(h, 2036);
    const all = (await h.ok(am.token, `{ periods { id startDate endDate } }`)).periods as Array<{ id: string; startDate: string; endDate: string }>;
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1], all[i]];
      expect(a.startDate < b.startDate || (a.startDate === b.startDate && a.endDate >= b.endDate)).toBe(true);
    }
    const ids = all.map((p) => p.id);
    expect(ids.indexOf(y.year.id)).toBe(ids.indexOf(y.quarters[0].id) - 1);

    const quarters = (await h.ok(am.token, `{ periods(type: QUARTER) { id type } }`)).periods as Array<{ id: string; type: string }>;
    expect(quarters.every((p) => p.type === "QUARTER")).toBe(true);
    expect(quarters.map((p) => p.id)).toEqual(expect.arrayContaining(y.quarters.map((q) => q.id)));
    expect(quarters.map((p) => p.id)).not.toContain(y.year.id);
    const years = (await h.ok(am.token, `{ periods(type: YEAR) { id } }`)).periods;
    expect(years).toContainEqual({ id: y.year.id });
  });

  it("period(id) is null for ids that cannot exist", async () => {
    for (const id of IMPOSSIBLE_IDS) expect(await h.gql(am.token, `query($id: ID!) { period(id: $id) { id } }`, { id })).toEqual({ data: { period: null } });
  });

  it("createPeriod with a parent that cannot exist is NOT_FOUND and creates nothing", async () => {
    for (const p of IMPOSSIBLE_IDS) {
      await expectRejected(
        h,
        h.admin.token,
        `mutation($p: ID!) { createPeriod(input: { name: "Orphan", type: QUARTER, startDate: "2035-01-01", endDate: "2035-03-31", parentId: $p }) { id } }`,
        { p },
        "NOT_FOUND",
      );
    }
  });
});

describe("Account relation fields", () => {
  let acc: Ref;
  let other: Ref;
  let fy: { year: Ref; quarters: Ref[] };
  let fyNext: { year: Ref; quarters: Ref[] };
  const plans: Record<string, string> = {};
  const objs: Record<string, string> = {};
  const opps: Record<string, string> = {};
  const acts: Record<string, string> = {};

  beforeAll(async () => {
    fy = await createYear(h, 2037);
    fyNext = await createYear(h, 2038);
    acc = await createAccount(h, am.token, { name: "Relations Ltd" });
    other = await createAccount(h, am.token, { name: "Someone Else" });
    plans.top = (await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Top" })).id;
    plans.child = (await createPlan(h, am.token, { accountId: acc.id, periodId: fy.quarters[0].id, parentId: plans.top, name: "Child" })).id;
    plans.marco = (await createPlan(h, am2.token, { accountId: acc.id, periodId: fy.year.id, name: "Marco's" })).id;
    plans.next = (await createPlan(h, am.token, { accountId: acc.id, periodId: fyNext.year.id, name: "Next year" })).id;
    await createPlan(h, am.token, { accountId: other.id, periodId: fy.year.id, name: "Other account's" });
    await h.ok(am.token, `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED) { status } }`, { id: plans.top });

    objs.acctYear = (await createObjective(h, am.token, { periodId: fy.year.id, accountId: acc.id, name: "Account objective FY" })).id;
    objs.acctNext = (await createObjective(h, am.token, { periodId: fyNext.year.id, accountId: acc.id, name: "Account objective next" })).id;
    objs.plan = (await createObjective(h, am.token, { periodId: fy.quarters[0].id, planId: plans.child, name: "Plan objective" })).id;
    objs.globalQ1 = (await createObjective(h, h.admin.token, { periodId: fy.quarters[0].id, name: "Global Q1" })).id;
    objs.globalNext = (await createObjective(h, h.admin.token, { periodId: fyNext.quarters[2].id, name: "Global next Q3" })).id;
    await createObjective(h, am.token, { periodId: fy.year.id, accountId: other.id, name: "Other account objective" });

    opps.open = (await createOpportunity(h, am.token, { accountId: acc.id, name: "Open deal", status: "OPEN" })).id;
    opps.won = (await createOpportunity(h, am.token, { accountId: acc.id, name: "Won deal", status: "WON" })).id;
    opps.lost = (await createOpportunity(h, am.token, { accountId: acc.id, name: "Lost deal", status: "LOST" })).id;
    await createOpportunity(h, am.token, { accountId: other.id, name: "Other deal" });

    acts.late = (await createActivity(h, am.token, { accountId: acc.id, subject: "Late", dueAt: "2037-06-01T10:00:00Z" })).id;
    acts.undated = (await createActivity(h, am.token, { accountId: acc.id, subject: "Undated" })).id;
    acts.early = (await createActivity(h, am.token, { accountId: acc.id, subject: "Early", dueAt: "2037-01-15T10:00:00Z" })).id;
    acts.done = (await createActivity(h, am.token, { accountId: acc.id, subject: "Done", dueAt: "2037-03-01T10:00:00Z" })).id;
    await h.ok(am.token, `mutation($id: ID!) { completeActivity(id: $id) { status } }`, { id: acts.done });
    await createActivity(h, am.token, { accountId: other.id, subject: "Other activity" });
  });

  const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

  it("businessPlans: all of the account's plans by creation, with status / period / owner / topLevelOnly filters", async () => {
    const d = await h.ok(
      analyst.token,
      `query($id: ID!, $p: ID!, $o: ID!) { account(id: $id) {
        all: businessPlans { id name status owner { id } account { id } }
        submitted: businessPlans(status: [SUBMITTED]) { id }
        draftOrSubmitted: businessPlans(status: [DRAFT, SUBMITTED]) { id }
        inYear: businessPlans(periodId: $p) { id }
        marcos: businessPlans(ownerId: $o) { id }
        top: businessPlans(topLevelOnly: true) { id }
        combined: businessPlans(topLevelOnly: true, periodId: $p, status: [DRAFT]) { id }
        impossible: businessPlans(periodId: "abc") { id }
      } }`,
      { id: acc.id, p: fy.year.id, o: gid("User", am2.user.id) },
    );
    const a = d.account;
    expect(a.all.map((p: { name: string }) => p.name)).toEqual(["Top", "Child", "Marco's", "Next year"]);
    expect(a.all.every((p: { account: { id: string } }) => p.account.id === acc.id)).toBe(true);
    expect(ids(a.submitted)).toEqual([plans.top]);
    expect(ids(a.draftOrSubmitted)).toEqual([plans.top, plans.child, plans.marco, plans.next]);
    expect(ids(a.inYear)).toEqual([plans.top, plans.marco]);
    expect(ids(a.marcos)).toEqual([plans.marco]);
    expect(ids(a.top)).toEqual([plans.top, plans.marco, plans.next]);
    expect(ids(a.combined)).toEqual([plans.marco]);
    expect(a.impossible).toEqual([]);
  });

  it("objectives are the account's own; applicableObjectives adds the global ones, optionally by overlapping period", async () => {
    const d = await h.ok(
      am.token,
      `query($id: ID!, $q1: ID!, $next: ID!) { account(id: $id) {
        objectives { id isGlobal }
        applicableObjectives { id isGlobal }
        inQ1: applicableObjectives(periodId: $q1) { id }
        inNext: applicableObjectives(periodId: $next) { id }
        impossible: applicableObjectives(periodId: "-1") { id }
      } }`,
      { id: acc.id, q1: fy.quarters[0].id, next: fyNext.year.id },
    );
    const a = d.account;
    // the plan's objective is tied to the account too (it inherits the plan's account)
    expect(ids(a.objectives)).toEqual([objs.acctYear, objs.acctNext, objs.plan]);
    expect(a.objectives.every((o: { isGlobal: boolean }) => !o.isGlobal)).toBe(true);
    expect(ids(a.applicableObjectives)).toEqual([objs.acctYear, objs.acctNext, objs.plan, objs.globalQ1, objs.globalNext]);
    expect(a.applicableObjectives.filter((o: { isGlobal: boolean }) => o.isGlobal).map((o: { id: string }) => o.id)).toEqual([objs.globalQ1, objs.globalNext]);
    expect(ids(a.inQ1)).toEqual([objs.acctYear, objs.plan, objs.globalQ1]);
    expect(ids(a.inNext)).toEqual([objs.acctNext, objs.globalNext]);
    expect(a.impossible).toEqual([]);
  });

  it("opportunities by creation, with a status filter", async () => {
    const d = await h.ok(
      am.token,
      `query($id: ID!) { account(id: $id) {
        all: opportunities { id status }
        open: opportunities(status: [OPEN]) { id }
        closed: opportunities(status: [WON, LOST]) { id }
      } }`,
      { id: acc.id },
    );
    expect(d.account.all).toEqual([
      { id: opps.open, status: "OPEN" },
      { id: opps.won, status: "WON" },
      { id: opps.lost, status: "LOST" },
    ]);
    expect(ids(d.account.open)).toEqual([opps.open]);
    expect(ids(d.account.closed)).toEqual([opps.won, opps.lost]);
  });

  it("activities by due time (undated last), with a status filter", async () => {
    const d = await h.ok(
      am.token,
      `query($id: ID!) { account(id: $id) {
        all: activities { id }
        planned: activities(status: [PLANNED]) { id }
        completed: activities(status: [COMPLETED]) { id status completedAt }
      } }`,
      { id: acc.id },
    );
    expect(ids(d.account.all)).toEqual([acts.early, acts.done, acts.late, acts.undated]);
    expect(ids(d.account.planned)).toEqual([acts.early, acts.late, acts.undated]);
    // executeOperation hands back the scalar's value; on the wire (JSON) it is an ISO-8601 string
    expect(JSON.parse(JSON.stringify(d.account.completed))).toEqual([
      { id: acts.done, status: "COMPLETED", completedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/) },
    ]);
  });

  it("reading changes nothing", async () => {
    const before = await dbState(h);
    await h.ok(am.token, `query($id: ID!) { account(id: $id) { businessPlans { id } objectives { id } applicableObjectives { id } opportunities { id } activities { id } contacts { id } owner { id } } }`, { id: acc.id });
    expect(await dbState(h)).toEqual(before);
  });
});
