/**
 * Input validation: every rejected input is BAD_USER_INPUT, the message names
 * the field (and the rule), and nothing in the database changes. Money is
 * exact: the Decimal scalar takes a string or a number and answers with a
 * two-decimal string.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createAccount, createActivity, createObjective, createOpportunity, createPlan, createYear, type Ref } from "./helpers/factories";
import { expectBadInput, expectRejected } from "./helpers/db-state";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";

let h: Harness;
let am: TestUser;
let acc: Ref;
let otherAcc: Ref;
let fy: { year: Ref; quarters: Ref[] };
let plan: Ref;
let objective: Ref;
let opportunity: Ref;
let activity: { id: string };

beforeAll(async () => {
  h = await createHarness();
  am = await h.user(Role.ACCOUNT_MANAGER, "Validating AM");
  fy = await createYear(h, 2095);
  acc = await createAccount(h, am.token, { name: "Valid Co" });
  otherAcc = await createAccount(h, am.token, { name: "Other Valid Co" });
  plan = await createPlan(h, am.token, { accountId: acc.id, periodId: fy.year.id, name: "Valid plan" });
  objective = await createObjective(h, am.token, { periodId: fy.year.id, planId: plan.id, name: "Valid objective" });
  opportunity = await createOpportunity(h, am.token, { accountId: acc.id, name: "Valid deal" });
  activity = await createActivity(h, am.token, { accountId: acc.id, subject: "Valid call" });
});
afterAll(async () => h?.close());

const LONG = "x".repeat(201);
const MAX = "y".repeat(200);

describe("names are 1-200 characters (and not blank)", () => {
  // [mutation, variables builder, field named in the message]
  const cases: Array<[string, string, (name: string) => Record<string, unknown>, string]> = [
    ["createAccount", `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id name } }`, (n) => ({ input: { name: n } }), "name"],
    ["updateAccount", `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id name } }`, (n) => ({ id: acc.id, input: { name: n } }), "name"],
    ["createContact.firstName", `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, (n) => ({ input: { accountId: acc.id, firstName: n, lastName: "Ok" } }), "firstName"],
    ["createContact.lastName", `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`, (n) => ({ input: { accountId: acc.id, firstName: "Ok", lastName: n } }), "lastName"],
    ["createUser", `mutation($input: CreateUserInput!) { createUser(input: $input) { token } }`, (n) => ({ input: { name: n, email: `u${n.length}.${Math.random()}@test.example`, role: "ANALYST" } }), "name"],
    ["createPeriod", `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id } }`, (n) => ({ input: { name: n, type: "YEAR", startDate: "2090-01-01", endDate: "2090-12-31" } }), "name"],
    ["createBusinessPlan", `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id } }`, (n) => ({ input: { name: n, accountId: acc.id, periodId: fy.year.id } }), "name"],
    ["updateBusinessPlan", `mutation($id: ID!, $input: UpdateBusinessPlanInput!) { updateBusinessPlan(id: $id, input: $input) { id } }`, (n) => ({ id: plan.id, input: { name: n } }), "name"],
    ["createObjective", `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id } }`, (n) => ({ input: { name: n, periodId: fy.year.id, planId: plan.id } }), "name"],
    ["updateObjective", `mutation($id: ID!, $input: UpdateObjectiveInput!) { updateObjective(id: $id, input: $input) { id } }`, (n) => ({ id: objective.id, input: { name: n } }), "name"],
    ["createOpportunity", `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }`, (n) => ({ input: { name: n, accountId: acc.id, revenue: "1" } }), "name"],
    ["updateOpportunity", `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) { id } }`, (n) => ({ id: opportunity.id, input: { name: n } }), "name"],
    ["createActivity", `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }`, (n) => ({ input: { subject: n, type: "CALL", accountId: acc.id } }), "subject"],
    ["updateActivity", `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id } }`, (n) => ({ id: activity.id, input: { subject: n } }), "subject"],
    ["createFollowUpActivity", `mutation($id: ID!, $input: FollowUpActivityInput!) { createFollowUpActivity(activityId: $id, input: $input) { id } }`, (n) => ({ id: activity.id, input: { subject: n, type: "CALL" } }), "subject"],
    ["createFollowUpOpportunity", `mutation($id: ID!, $input: FollowUpOpportunityInput!) { createFollowUpOpportunity(activityId: $id, input: $input) { id } }`, (n) => ({ id: activity.id, input: { name: n, revenue: "1" } }), "name"],
  ];

  const tokenFor = (label: string) => (label === "createUser" || label === "createPeriod" ? h.admin.token : am.token);

  for (const [label, query, vars, field] of cases) {
    it(`${label}: empty, blank and 201 characters are refused; 200 characters are fine`, async () => {
      const empty = await expectBadInput(h, tokenFor(label), query, vars(""), field);
      expect(empty.message).toMatch(new RegExp(`${field}.*(longer than or equal to 1|blank)`));
      const blank = await expectBadInput(h, tokenFor(label), query, vars("   "), field);
      expect(blank.message).toMatch(/blank/);
      const long = await expectBadInput(h, tokenFor(label), query, vars(LONG), field);
      expect(long.message).toMatch(new RegExp(`${field}.*shorter than or equal to 200`));
      const r = await h.gql(tokenFor(label), query, vars(MAX));
      expect(r.errors).toBeUndefined();
    });
  }

  it("several broken fields are all reported, each with its rule", async () => {
    const err = await expectBadInput(h, am.token, `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }`, { input: { name: "", industry: LONG } }, "name");
    expect(err.message).toContain("industry");
    expect(err.extensions?.rules).toEqual(expect.arrayContaining([expect.stringMatching(/^name: /), expect.stringMatching(/^industry: .*200/)]));
  });

  it("other text limits: industry, job title, descriptions and notes, comments", async () => {
    await expectBadInput(h, am.token, `mutation($i: String) { createAccount(input: { name: "Ok", industry: $i }) { id } }`, { i: LONG }, "industry");
    await expectBadInput(h, am.token, `mutation($a: ID!, $j: String) { createContact(input: { accountId: $a, firstName: "A", lastName: "B", jobTitle: $j }) { id } }`, { a: acc.id, j: LONG }, "jobTitle");
    await expectBadInput(h, am.token, `mutation($id: ID!, $d: String) { updateBusinessPlan(id: $id, input: { description: $d }) { id } }`, { id: plan.id, d: "d".repeat(10_001) }, "description");
    await expectBadInput(h, am.token, `mutation($id: ID!, $t: String) { updateBusinessPlan(id: $id, input: { territory: $t }) { id } }`, { id: plan.id, t: LONG }, "territory");
    await expectBadInput(h, am.token, `mutation($a: ID!, $n: String) { createActivity(input: { subject: "S", type: CALL, accountId: $a, notes: $n }) { id } }`, { a: acc.id, n: "n".repeat(10_001) }, "notes");
    await expectBadInput(h, am.token, `mutation($id: ID!, $c: String) { changeBusinessPlanStatus(id: $id, status: SUBMITTED, comment: $c) { id } }`, { id: plan.id, c: "c".repeat(2_001) }, "comment");
  });
});

describe("emails", () => {
  const USER = `mutation($e: String!) { createUser(input: { name: "Mail", email: $e, role: ANALYST }) { user { email } } }`;
  const CONTACT = `mutation($a: ID!, $e: String) { createContact(input: { accountId: $a, firstName: "Mail", lastName: "Box", email: $e }) { email } }`;
  const BAD = ["not-an-email", "a@b", "@example.com", "someone@", "two@@example.com", "spaces in@example.com", ""];

  it("invalid emails are BAD_USER_INPUT naming email, for users and contacts; nothing is created", async () => {
    for (const e of BAD) {
      const err = await expectBadInput(h, h.admin.token, USER, { e }, "email");
      expect(err.message).toMatch(/email must be an email/);
      await expectBadInput(h, am.token, CONTACT, { a: acc.id, e }, "email");
    }
    await expectBadInput(h, h.admin.token, USER, { e: `${"a".repeat(320)}@example.com` }, "email");
  });

  it("valid emails are accepted (and stored lower-case)", async () => {
    const d = await h.ok(h.admin.token, USER, { e: "First.Last+tag@Example.co.uk" });
    expect(d.createUser.user.email).toBe("first.last+tag@example.co.uk");
    const c = await h.ok(am.token, CONTACT, { a: acc.id, e: "Someone@Example.com" });
    expect(c.createContact.email).toBe("someone@example.com");
  });
});

describe("periods", () => {
  const PERIOD = `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id startDate endDate } }`;

  it("a period must end after it starts (endDate named); nothing is created", async () => {
    const err = await expectBadInput(h, h.admin.token, PERIOD, { input: { name: "Backwards", type: "YEAR", startDate: "2091-12-31", endDate: "2091-01-01" } }, "endDate");
    expect(err.message).toMatch(/after startDate/);
    await expectBadInput(h, h.admin.token, PERIOD, { input: { name: "One day", type: "MONTH", startDate: "2091-01-01", endDate: "2091-01-01" } }, "endDate");
  });

  it("a child period must lie inside its parent (parentId named); the exact bounds are fine", async () => {
    const base = { type: "QUARTER", parentId: fy.year.id };
    const err = await expectBadInput(h, h.admin.token, PERIOD, { input: { ...base, name: "Starts early", startDate: "2094-12-01", endDate: "2095-02-28" } }, "parentId");
    expect(err.message).toMatch(/within its parent/);
    await expectBadInput(h, h.admin.token, PERIOD, { input: { ...base, name: "Ends late", startDate: "2095-11-01", endDate: "2096-01-31" } }, "parentId");
    await expectBadInput(h, h.admin.token, PERIOD, { input: { ...base, name: "Elsewhere", startDate: "2080-01-01", endDate: "2080-03-31" } }, "parentId");
    const ok = await h.ok(h.admin.token, PERIOD, { input: { ...base, name: "Whole year", startDate: "2095-01-01", endDate: "2095-12-31" } });
    expect(ok.createPeriod).toMatchObject({ startDate: "2095-01-01", endDate: "2095-12-31" });
  });

  it("an impossible date is BAD_USER_INPUT naming the variable; nothing is created", async () => {
    const err = await expectRejected(h, h.admin.token, `mutation($s: Date!) { createPeriod(input: { name: "Feb 30", type: MONTH, startDate: $s, endDate: "2091-03-31" }) { id } }`, { s: "2091-02-30" }, "BAD_USER_INPUT");
    expect(err.message).toContain("$s");
  });

  it("a child plan's period must lie inside its parent plan's period; a child plan of another account is refused", async () => {
    const other = await createYear(h, 2094);
    const CREATE = `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id } }`;
    await expectBadInput(h, am.token, CREATE, { input: { name: "Outside", accountId: acc.id, periodId: other.quarters[0].id, parentId: plan.id } }, "periodId");
    await expectBadInput(h, am.token, CREATE, { input: { name: "Foreign", accountId: otherAcc.id, periodId: fy.quarters[0].id, parentId: plan.id } }, "parentId");
  });
});

describe("probability is 0-100", () => {
  it("101 and -1 are BAD_USER_INPUT naming probability, wherever a probability is taken; 0 and 100 are fine", async () => {
    for (const p of [101, -1, 1000]) {
      const err = await expectBadInput(h, am.token, `mutation($a: ID!, $p: Int) { createOpportunity(input: { name: "P", accountId: $a, revenue: "1", probability: $p }) { id } }`, { a: acc.id, p }, "probability");
      expect(err.message).toMatch(p > 100 ? /probability must not be greater than 100/ : /probability must not be less than 0/);
      await expectBadInput(h, am.token, `mutation($id: ID!, $p: Int) { updateOpportunity(id: $id, input: { probability: $p }) { id } }`, { id: opportunity.id, p }, "probability");
      await expectBadInput(h, am.token, `mutation($id: ID!, $p: Int) { createFollowUpOpportunity(activityId: $id, input: { name: "F", revenue: "1", probability: $p }) { id } }`, { id: activity.id, p }, "probability");
    }
    for (const p of [0, 100]) {
      const d = await h.ok(am.token, `mutation($id: ID!, $p: Int) { updateOpportunity(id: $id, input: { probability: $p }) { probability } }`, { id: opportunity.id, p });
      expect(d.updateOpportunity.probability).toBe(p);
    }
  });
});

describe("objective targets", () => {
  const CREATE = `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id } }`;
  it("a negative target quantity and a quantity without a unit are BAD_USER_INPUT", async () => {
    await expectBadInput(h, am.token, CREATE, { input: { name: "Neg", periodId: fy.year.id, planId: plan.id, unit: "CALLS", targetQuantity: -1 } }, "targetQuantity");
    await expectBadInput(h, am.token, CREATE, { input: { name: "No unit", periodId: fy.year.id, planId: plan.id, targetQuantity: 5 } }, "unit");
    await expectBadInput(h, am.token, `mutation($id: ID!) { updateObjective(id: $id, input: { actualQuantity: 2 }) { id } }`, { id: objective.id }, "actualQuantity");
  });
});

describe("enums and dates given as variables", () => {
  it("an unknown enum value is BAD_USER_INPUT and creates nothing", async () => {
    await expectRejected(h, h.admin.token, `mutation($r: Role!) { createUser(input: { name: "Enum", email: "enum@test.example", role: $r }) { token } }`, { r: "SUPERUSER" }, "BAD_USER_INPUT");
    await expectRejected(h, am.token, `mutation($a: ID!, $t: ActivityType!) { createActivity(input: { subject: "S", type: $t, accountId: $a }) { id } }`, { a: acc.id, t: "FAX" }, "BAD_USER_INPUT");
  });
});

describe("money (Decimal)", () => {
  const CREATE_VAR = `mutation($a: ID!, $r: Decimal!) { createOpportunity(input: { name: "Money", accountId: $a, revenue: $r }) { id revenue } }`;
  const createLiteral = (literal: string) => `mutation { createOpportunity(input: { name: "Money", accountId: "${acc.id}", revenue: ${literal} }) { id revenue } }`;

  it('accepts "1250.5" and 1250.5 (as variables and as literals) and answers "1250.50"', async () => {
    for (const r of ["1250.5", 1250.5]) {
      expect((await h.ok(am.token, CREATE_VAR, { a: acc.id, r })).createOpportunity.revenue).toBe("1250.50");
    }
    for (const lit of [`"1250.5"`, "1250.5"]) expect((await h.ok(am.token, createLiteral(lit))).createOpportunity.revenue).toBe("1250.50");
  });

  it("is exact: whole numbers, cents, zero, and amounts a float cannot hold", async () => {
    const cases: Array<[string | number, string]> = [
      ["1250", "1250.00"],
      [7, "7.00"],
      ["0", "0.00"],
      [0, "0.00"],
      ["0.1", "0.10"],
      ["0.07", "0.07"],
      [" 12.30 ", "12.30"],
      ["9999999999999.99", "9999999999999.99"],
      ["90000000000000.00", "90000000000000.00"],
      ["0000042.50", "42.50"],
    ];
    for (const [r, expected] of cases) {
      const d = await h.ok(am.token, CREATE_VAR, { a: acc.id, r });
      expect(d.createOpportunity.revenue).toBe(expected);
      const back = await h.ok(am.token, `query($id: ID!) { opportunity(id: $id) { revenue } }`, { id: d.createOpportunity.id });
      expect(back.opportunity.revenue).toBe(expected);
    }
  });

  it('"1.234", "-5", "abc", non-numbers and too-large amounts (as variables) are BAD_USER_INPUT naming the field; nothing is created', async () => {
    const bad: Array<[unknown, RegExp]> = [
      ["1.234", /at most 2 decimal places/],
      [1.234, /at most 2 decimal places/],
      ["-5", /negative/],
      [-5, /negative/],
      ["-0.01", /negative/],
      ["abc", /decimal number/],
      ["", /decimal number/],
      ["1e3", /decimal number/],
      ["1,000.00", /decimal number/],
      ["12.", /decimal number/],
      [".5", /decimal number/],
      ["0x10", /decimal number/],
      ["NaN", /decimal number/],
      [1e21, /decimal/],
      [0.1 + 0.2, /at most 2 decimal places/],
      [Infinity, /finite/],
      [true, /string or a number/],
      ["90000000000000.01", /at most 90000000000000.00/],
    ];
    for (const [r, rule] of bad) {
      const err = await expectRejected(h, am.token, CREATE_VAR, { a: acc.id, r }, "BAD_USER_INPUT");
      expect(err.message).toMatch(rule);
      expect(err.message).toContain("$r");
    }
    const nested = await expectRejected(h, am.token, `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }`, { input: { name: "N", accountId: acc.id, revenue: "1.234" } }, "BAD_USER_INPUT");
    expect(nested.message).toContain("revenue");
  });

  it('"1.234", -5, "abc", 1e400 and true written as literals in the query are BAD_USER_INPUT; nothing is created', async () => {
    const bad: Array<[string, RegExp]> = [
      [`"1.234"`, /at most 2 decimal places/],
      ["1.234", /at most 2 decimal places/],
      [`"-5"`, /negative/],
      ["-5", /negative/],
      [`"abc"`, /decimal number/],
      ["1e400", /decimal number/],
      ["1E2", /decimal number/],
      ["true", /string or a number/],
      [`"90000000000000.01"`, /at most/],
    ];
    for (const [lit, rule] of bad) {
      const err = await expectRejected(h, am.token, createLiteral(lit), undefined, "BAD_USER_INPUT");
      expect(err.message).toMatch(rule);
    }
  });

  it("every Decimal input applies the same rules: plan targets, objective targets, opportunity updates, follow-ups", async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      [`mutation($r: Decimal) { createBusinessPlan(input: { name: "M", accountId: "${acc.id}", periodId: "${fy.year.id}", revenueTarget: $r }) { id } }`, {}],
      [`mutation($r: Decimal) { updateBusinessPlan(id: "${plan.id}", input: { revenueTarget: $r }) { id } }`, {}],
      [`mutation($r: Decimal) { createObjective(input: { name: "M", periodId: "${fy.year.id}", planId: "${plan.id}", targetRevenue: $r }) { id } }`, {}],
      [`mutation($r: Decimal) { updateObjective(id: "${objective.id}", input: { targetRevenue: $r }) { id } }`, {}],
      [`mutation($r: Decimal) { updateOpportunity(id: "${opportunity.id}", input: { revenue: $r }) { id } }`, {}],
      [`mutation($r: Decimal!) { createFollowUpOpportunity(activityId: "${activity.id}", input: { name: "M", revenue: $r }) { id } }`, {}],
    ];
    for (const [query] of cases) {
      for (const r of ["1.234", "-5", "abc"]) await expectRejected(h, am.token, query, { r }, "BAD_USER_INPUT");
      expect((await h.gql(am.token, query, { r: 1250.5 })).errors).toBeUndefined();
    }
    const d = await h.ok(am.token, `query($p: ID!, $o: ID!, $op: ID!) { businessPlan(id: $p) { revenueTarget } objective(id: $o) { targetRevenue } opportunity(id: $op) { revenue } }`, {
      p: plan.id,
      o: objective.id,
      op: opportunity.id,
    });
    expect(d).toEqual({ businessPlan: { revenueTarget: "1250.50" }, objective: { targetRevenue: "1250.50" }, opportunity: { revenue: "1250.50" } });
  });
});
