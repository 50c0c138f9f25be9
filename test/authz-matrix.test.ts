/**
 * Authorization matrix: every mutation x every role x own / someone else's
 * record, table-driven. Each cell gets a fresh caller and fresh records (so no
 * cell depends on another), runs the mutation through the real server
 * (harness: token -> context -> resolvers -> services), and checks the
 * expected outcome: OK, or the contract error code. A rejected cell must leave
 * every row of every table as it was; an accepted one must have changed
 * something.
 *
 * Columns (caller · whose record):
 *   ADMIN·own     an ADMIN on a record it owns
 *   ADMIN·other   an ADMIN on an ACCOUNT_MANAGER's record
 *   AM·own        the ACCOUNT_MANAGER who owns the record
 *   AM·other      another ACCOUNT_MANAGER (not the owner)
 *   REV·own       a REVIEWER on a record it owns (where a reviewer can own one: accounts, activities, opportunities)
 *   REV·other     a REVIEWER on an ACCOUNT_MANAGER's record
 *   ANA·other     an ANALYST on an ACCOUNT_MANAGER's record (an analyst cannot own anything it could write)
 * For creations, "own/other" is whose account/plan the new record goes into (or whose id is given as ownerId).
 * "-" marks a cell that cannot exist (a REVIEWER never owns a plan or a plan's objective).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { buildAppSchema } from "../src/schema";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

const COLUMNS = ["ADMIN·own", "ADMIN·other", "AM·own", "AM·other", "REV·own", "REV·other", "ANA·other"] as const;
type Column = (typeof COLUMNS)[number];
type Outcome = "OK" | "FORBIDDEN" | "PLAN_LOCKED" | "-";

const CALLER: Record<Column, Role> = {
  "ADMIN·own": Role.ADMIN,
  "ADMIN·other": Role.ADMIN,
  "AM·own": Role.ACCOUNT_MANAGER,
  "AM·other": Role.ACCOUNT_MANAGER,
  "REV·own": Role.REVIEWER,
  "REV·other": Role.REVIEWER,
  "ANA·other": Role.ANALYST,
};
const OWN = (c: Column) => c.endsWith("·own");

let h: Harness;
let year: string; // a future YEAR: plans in it cannot expire
let year2: string; // copy target
let pastYear: string; // ended: plans in it can expire
beforeAll(async () => {
  h = await createHarness();
  const period = async (name: string, start: string, end: string) =>
    (await h.ok(h.admin.token, `mutation($i: CreatePeriodInput!) { createPeriod(input: $i) { id } }`, { i: { name, type: "YEAR", startDate: start, endDate: end } })).createPeriod.id as string;
  year = await period("FY2035", "2035-01-01", "2035-12-31");
  year2 = await period("FY2036", "2036-01-01", "2036-12-31");
  pastYear = await period("FY2019", "2019-01-01", "2019-12-31");
});
afterAll(async () => h?.close());

// ---------- fixtures: fresh records owned by `owner`, made by an ADMIN or by the owner itself ----------

const A = () => h.admin.token;
async function account(owner: TestUser): Promise<string> {
  return (await h.ok(A(), `mutation($o: ID) { createAccount(input: { name: "acct", ownerId: $o }) { id } }`, { o: gid("User", owner.user.id) })).createAccount.id;
}
async function contact(accountId: string): Promise<string> {
  return (await h.ok(A(), `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "C", lastName: "T" }) { id } }`, { a: accountId })).createContact.id;
}
type PlanStatus = "DRAFT" | "SUBMITTED" | "FINAL_APPROVED";
/** A plan owned by `owner` (an ADMIN or ACCOUNT_MANAGER) on an account of its own, brought to `status` by an ADMIN. */
async function plan(owner: TestUser, status: PlanStatus = "DRAFT", periodId = year): Promise<{ id: string; accountId: string }> {
  const accountId = await account(owner);
  const id = (await h.ok(A(), `mutation($a: ID!, $p: ID!, $o: ID) { createBusinessPlan(input: { name: "plan", accountId: $a, periodId: $p, ownerId: $o }) { id } }`, { a: accountId, p: periodId, o: gid("User", owner.user.id) })).createBusinessPlan.id;
  const path: PlanStatus[] = status === "DRAFT" ? [] : status === "SUBMITTED" ? ["SUBMITTED"] : ["SUBMITTED", "FINAL_APPROVED"];
  for (const s of path) await h.ok(A(), `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id, s });
  return { id, accountId };
}
async function objective(input: Record<string, unknown>): Promise<string> {
  return (await h.ok(A(), `mutation($i: CreateObjectiveInput!) { createObjective(input: $i) { id } }`, { i: { name: "ob", periodId: year, ...input } })).createObjective.id;
}
/** An opportunity created (so owned) by `owner`, on an account of `owner`'s. */
async function opportunity(owner: TestUser, planIds: string[] = []): Promise<{ id: string; accountId: string }> {
  const accountId = await account(owner);
  const id = (await h.ok(owner.token, `mutation($a: ID!, $p: [ID!]) { createOpportunity(input: { name: "opp", accountId: $a, revenue: "10.00", planIds: $p }) { id } }`, { a: accountId, p: planIds })).createOpportunity.id;
  return { id, accountId };
}
/** An activity created (so owned) by `owner`, on an account of `owner`'s. */
async function activity(owner: TestUser): Promise<string> {
  const accountId = await account(owner);
  return (await h.ok(owner.token, `mutation($a: ID!) { createActivity(input: { subject: "act", type: CALL, accountId: $a }) { id } }`, { a: accountId })).createActivity.id;
}

// ---------- the matrix ----------

interface Cell {
  caller: TestUser;
  owner: TestUser;
}
interface Row {
  name: string;
  /** Creates what the mutation acts on, owned by `owner`; returns the operation. */
  prepare(c: Cell): Promise<{ query: string; variables: Record<string, unknown> }>;
  expect: Record<Column, Outcome>;
}

const row = (name: string, outcomes: string, prepare: Row["prepare"]): Row => {
  const list = outcomes.trim().split(/\s+/) as Outcome[];
  if (list.length !== COLUMNS.length) throw new Error(`${name}: ${list.length} outcomes for ${COLUMNS.length} columns`);
  return { name, prepare, expect: Object.fromEntries(COLUMNS.map((c, i) => [c, list[i]])) as Record<Column, Outcome> };
};
//                                                   ADMIN·own ADMIN·other AM·own AM·other REV·own REV·other ANA·other
const ROWS: Row[] = [
  row("createUser", "                                OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async () => ({
    query: `mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }`,
    variables: { i: { name: "New", email: `new.${Math.random()}@example.com`, role: "ANALYST" } },
  })),
  row("createAccount (ownerId: own / someone else)", "OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($o: ID) { createAccount(input: { name: "n", ownerId: $o }) { id } }`,
    variables: { o: gid("User", owner.user.id) },
  })),
  row("updateAccount", "                             OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateAccount(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: await account(owner) },
  })),
  row("createContact", "                             OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "F", lastName: "L" }) { id } }`,
    variables: { a: await account(owner) },
  })),
  row("createPeriod", "                              OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async () => ({
    query: `mutation { createPeriod(input: { name: "P", type: YEAR, startDate: "2040-01-01", endDate: "2040-12-31" }) { id } }`,
    variables: {},
  })),
  row("createBusinessPlan (ownerId: own / someone else)", "OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($a: ID!, $p: ID!, $o: ID) { createBusinessPlan(input: { name: "p", accountId: $a, periodId: $p, ownerId: $o }) { id } }`,
    variables: { a: await account(owner), p: year, o: gid("User", owner.user.id) },
  })),
  row("createBusinessPlanTree (ownerId: own / someone else)", "OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const a = await account(owner);
    return {
      query: `mutation($i: CreateBusinessPlanTreeInput!) { createBusinessPlanTree(input: $i) { id } }`,
      variables: { i: { name: "p", accountId: a, periodId: year, ownerId: gid("User", owner.user.id), children: [{ name: "c", accountId: a, periodId: year, ownerId: gid("User", owner.user.id) }] } },
    };
  }),
  row("updateBusinessPlan (DRAFT)", "                OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await plan(owner)).id },
  })),
  row("updateBusinessPlan (SUBMITTED)", "            OK OK OK FORBIDDEN - OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await plan(owner, "SUBMITTED")).id },
  })),
  row("updateBusinessPlan (FINAL_APPROVED)", "       PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED - PLAN_LOCKED FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await plan(owner, "FINAL_APPROVED")).id },
  })),
  row("deleteBusinessPlan (DRAFT)", "                OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`,
    variables: { id: (await plan(owner)).id },
  })),
  row("changeBusinessPlanStatus DRAFT->SUBMITTED", " OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED, comment: "go") { id } }`,
    variables: { id: (await plan(owner)).id },
  })),
  row("changeBusinessPlanStatus SUBMITTED->DRAFT", " OK OK OK FORBIDDEN - OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: DRAFT, comment: "back") { id } }`,
    variables: { id: (await plan(owner, "SUBMITTED")).id },
  })),
  row("changeBusinessPlanStatus SUBMITTED->FINAL_APPROVED", "OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: FINAL_APPROVED) { id } }`,
    variables: { id: (await plan(owner, "SUBMITTED")).id },
  })),
  row("changeBusinessPlanStatus FINAL_APPROVED->EXPIRED", "OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: EXPIRED) { id } }`,
    variables: { id: (await plan(owner, "FINAL_APPROVED", pastYear)).id }, // expiry needs the period to have ended
  })),
  row("expireBusinessPlans (a plan whose period ended)", "OK OK FORBIDDEN FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => {
    await plan(owner, "DRAFT", pastYear);
    return { query: `mutation { expireBusinessPlans(periodEndedBefore: "2020-01-01") { id } }`, variables: {} };
  }),
  row("copyBusinessPlan", "                          OK OK OK OK - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!, $p: ID!) { copyBusinessPlan(id: $id, periodId: $p) { id } }`,
    variables: { id: (await plan(owner)).id, p: year2 },
  })),
  row("addPlanContact (DRAFT)", "                    OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    return { query: `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, variables: { p: p.id, c: await contact(p.accountId) } };
  }),
  row("createObjective (in a DRAFT plan)", "         OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($p: ID!, $y: ID!) { createObjective(input: { name: "o", periodId: $y, planId: $p }) { id } }`,
    variables: { p: (await plan(owner)).id, y: year },
  })),
  row("createObjective (on an account, no plan)", "  OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($a: ID!, $y: ID!) { createObjective(input: { name: "o", periodId: $y, accountId: $a }) { id } }`,
    variables: { a: await account(owner), y: year },
  })),
  row("createObjective (global)", "                   OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async () => ({
    query: `mutation($y: ID!) { createObjective(input: { name: "g", periodId: $y }) { id } }`,
    variables: { y: year },
  })),
  row("updateObjective (in a DRAFT plan)", "         OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateObjective(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: await objective({ planId: (await plan(owner)).id }) },
  })),
  row("updateObjective (in a FINAL_APPROVED plan)", " PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED - PLAN_LOCKED FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    const id = await objective({ planId: p.id });
    for (const s of ["SUBMITTED", "FINAL_APPROVED"]) await h.ok(A(), `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id: p.id, s });
    return { query: `mutation($id: ID!) { updateObjective(id: $id, input: { name: "renamed" }) { id } }`, variables: { id } };
  }),
  row("updateObjective (on an account)", "           OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateObjective(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: await objective({ accountId: await account(owner) }) },
  })),
  row("deleteObjective (in a DRAFT plan)", "         OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { deleteObjective(id: $id) }`,
    variables: { id: await objective({ planId: (await plan(owner)).id }) },
  })),
  row("createOpportunity (linked to the owner's plan)", "OK OK OK OK - OK FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    return { query: `mutation($a: ID!, $p: ID!) { createOpportunity(input: { name: "o", accountId: $a, revenue: "1.00", planIds: [$p] }) { id } }`, variables: { a: p.accountId, p: p.id } };
  }),
  row("updateOpportunity", "                         OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateOpportunity(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await opportunity(owner)).id },
  })),
  row("linkOpportunityToPlan", "                     OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const o = await opportunity(owner);
    const planOnThatAccount = (await h.ok(A(), `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "p", accountId: $a, periodId: $p }) { id } }`, { a: o.accountId, p: year })).createBusinessPlan.id;
    return { query: `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`, variables: { o: o.id, p: planOnThatAccount } };
  }),
  row("unlinkOpportunityFromPlan", "                 OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const o = await opportunity(owner);
    const p = (await h.ok(A(), `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "p", accountId: $a, periodId: $p }) { id } }`, { a: o.accountId, p: year })).createBusinessPlan.id;
    await h.ok(A(), `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`, { o: o.id, p });
    return { query: `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id } }`, variables: { o: o.id, p } };
  }),
  row("createActivity", "                            OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($a: ID!) { createActivity(input: { subject: "s", type: MEETING, accountId: $a }) { id } }`,
    variables: { a: await account(owner) },
  })),
  row("updateActivity", "                            OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { updateActivity(id: $id, input: { subject: "renamed" }) { id } }`,
    variables: { id: await activity(owner) },
  })),
  row("completeActivity", "                          OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { completeActivity(id: $id, notes: "done") { id } }`,
    variables: { id: await activity(owner) },
  })),
  row("createFollowUpActivity", "                    OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { createFollowUpActivity(activityId: $id, input: { subject: "next", type: TASK }) { id } }`,
    variables: { id: await activity(owner) },
  })),
  row("createFollowUpOpportunity", "                 OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { createFollowUpOpportunity(activityId: $id, input: { name: "deal", revenue: "5.00" }) { id } }`,
    variables: { id: await activity(owner) },
  })),
  // ---- collaboration (issue 15): plan teams, notes, deletes
  row("addPlanMember (DRAFT)", "                     OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($p: ID!, $u: ID!) { addPlanMember(planId: $p, userId: $u, role: CONTRIBUTOR) { id } }`,
    variables: { p: (await plan(owner)).id, u: gid("User", (await h.user(Role.REVIEWER)).user.id) },
  })),
  row("addPlanMember (FINAL_APPROVED)", "            PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED - PLAN_LOCKED FORBIDDEN", async ({ owner }) => ({
    query: `mutation($p: ID!, $u: ID!) { addPlanMember(planId: $p, userId: $u, role: REVIEWER) { id } }`,
    variables: { p: (await plan(owner, "FINAL_APPROVED")).id, u: gid("User", (await h.user(Role.REVIEWER)).user.id) },
  })),
  row("removePlanMember (DRAFT)", "                  OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    const u = gid("User", (await h.user(Role.ACCOUNT_MANAGER)).user.id);
    await h.ok(A(), `mutation($p: ID!, $u: ID!) { addPlanMember(planId: $p, userId: $u, role: CONTRIBUTOR) { id } }`, { p: p.id, u });
    return { query: `mutation($p: ID!, $u: ID!) { removePlanMember(planId: $p, userId: $u) { id } }`, variables: { p: p.id, u } };
  }),
  row("addPlanNote (DRAFT)", "                       OK OK OK FORBIDDEN - OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($p: ID!) { addPlanNote(planId: $p, body: "remark") { id } }`,
    variables: { p: (await plan(owner)).id },
  })),
  row("addPlanNote (FINAL_APPROVED: notes stay open)", "OK OK OK FORBIDDEN - OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($p: ID!) { addPlanNote(planId: $p, body: "remark") { id } }`,
    variables: { p: (await plan(owner, "FINAL_APPROVED")).id },
  })),
  row("addObjectiveNote (in a DRAFT plan)", "        OK OK OK FORBIDDEN - OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($o: ID!) { addObjectiveNote(objectiveId: $o, body: "remark") { id } }`,
    variables: { o: await objective({ planId: (await plan(owner)).id }) },
  })),
  row("addObjectiveNote (on an account)", "          OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($o: ID!) { addObjectiveNote(objectiveId: $o, body: "remark") { id } }`,
    variables: { o: await objective({ accountId: await account(owner) }) },
  })),
  row("removePlanContact (DRAFT)", "                 OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    const c = await contact(p.accountId);
    await h.ok(A(), `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c });
    return { query: `mutation($p: ID!, $c: ID!) { removePlanContact(planId: $p, contactId: $c) { id } }`, variables: { p: p.id, c } };
  }),
  row("removePlanContact (FINAL_APPROVED)", "        PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED - PLAN_LOCKED FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    const c = await contact(p.accountId);
    await h.ok(A(), `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c });
    for (const s of ["SUBMITTED", "FINAL_APPROVED"]) await h.ok(A(), `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id: p.id, s });
    return { query: `mutation($p: ID!, $c: ID!) { removePlanContact(planId: $p, contactId: $c) { id } }`, variables: { p: p.id, c } };
  }),
  row("deleteOpportunity", "                         OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { deleteOpportunity(id: $id) }`,
    variables: { id: (await opportunity(owner)).id },
  })),
  row("deleteOpportunity (linked to a FINAL_APPROVED plan)", "PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED FORBIDDEN PLAN_LOCKED FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const o = await opportunity(owner);
    const p = (await h.ok(A(), `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "p", accountId: $a, periodId: $p }) { id } }`, { a: o.accountId, p: year })).createBusinessPlan.id;
    await h.ok(A(), `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`, { o: o.id, p });
    for (const s of ["SUBMITTED", "FINAL_APPROVED"]) await h.ok(A(), `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id: p, s });
    return { query: `mutation($id: ID!) { deleteOpportunity(id: $id) }`, variables: { id: o.id } };
  }),
  row("deleteActivity", "                            OK OK OK FORBIDDEN OK FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { deleteActivity(id: $id) }`,
    variables: { id: await activity(owner) },
  })),
  row("deleteContact (on no plan)", "                OK OK OK OK OK OK FORBIDDEN", async ({ owner }) => ({
    query: `mutation($id: ID!) { deleteContact(id: $id) }`,
    variables: { id: await contact(await account(owner)) },
  })),
  row("deleteContact (on a DRAFT plan)", "           OK OK OK FORBIDDEN - FORBIDDEN FORBIDDEN", async ({ owner }) => {
    const p = await plan(owner);
    const c = await contact(p.accountId);
    await h.ok(A(), `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c });
    return { query: `mutation($id: ID!) { deleteContact(id: $id) }`, variables: { id: c } };
  }),
  row("revokeToken (own token / someone else's)", "  OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ owner }) => ({
    query: `mutation($t: String!) { revokeToken(token: $t) }`,
    variables: { t: owner.token },
  })),
  // webhooks: ADMIN only (an address literal: the public-address check needs no DNS)
  row("createWebhook", "                             OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async () => ({
    query: `mutation { createWebhook(input: { url: "https://203.0.113.10/hooks", events: [] }) { webhook { id } } }`,
    variables: {},
  })),
  row("deleteWebhook", "                             OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async () => ({
    query: `mutation($id: ID!) { deleteWebhook(id: $id) }`,
    variables: { id: (await h.ok(A(), `mutation { createWebhook(input: { url: "https://203.0.113.10/hooks", events: [] }) { webhook { id } } }`)).createWebhook.webhook.id },
  })),
];

// ---------- snapshots ----------

async function snapshot(): Promise<string> {
  const out: Record<string, string[]> = {};
  for (const m of h.deps.db.dataSource.entityMetadatas) {
    const rows = await h.deps.db.query(`SELECT * FROM ${m.tableName}`);
    out[m.tableName] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).sort();
  }
  return JSON.stringify(out);
}

/** One cell of a matrix: `caller` runs `op`; OK must change something, a refusal must be exactly `outcome` and change nothing. */
async function expectCell(cell: string, caller: TestUser, op: { query: string; variables?: Record<string, unknown> }, outcome: string): Promise<void> {
  const before = await snapshot();
  const res = await h.gql(caller.token, op.query, op.variables);
  const after = await snapshot();
  if (outcome === "OK") {
    expect(res.errors, `${cell}: ${JSON.stringify(res.errors)}`).toBeUndefined();
    expect(after, `${cell}: accepted but nothing changed`).not.toBe(before);
  } else {
    const codes = (res.errors ?? []).map((e) => e.extensions?.code);
    expect(codes, `${cell}: ${JSON.stringify(res.errors ?? res.data)}`).toEqual([outcome]);
    expect(after, `${cell}: rejected but something changed`).toBe(before);
  }
}

describe("authorization matrix: every mutation x role x own/other record", () => {
  it("covers every mutation of the schema, every role, own and other", () => {
    const mutations = Object.keys(buildAppSchema().getMutationType()!.getFields());
    const covered = new Set(ROWS.map((r) => r.name.split(" ")[0]));
    expect(mutations.filter((m) => !covered.has(m))).toEqual([]);
    const cells = ROWS.flatMap((r) => COLUMNS.filter((c) => r.expect[c] !== "-"));
    console.log(`authorization matrix: ${ROWS.length} rows (${mutations.length} mutations) x ${COLUMNS.length} columns = ${cells.length} cells run`);
    for (const role of [Role.ADMIN, Role.ACCOUNT_MANAGER, Role.REVIEWER, Role.ANALYST]) expect(COLUMNS.some((c) => CALLER[c] === role)).toBe(true);
  });

  for (const r of ROWS) {
    describe(r.name, () => {
      for (const col of COLUMNS) {
        const outcome = r.expect[col];
        if (outcome === "-") continue;
        it(`${col}: ${outcome}`, async () => {
          const caller = await h.user(CALLER[col]);
          const owner = OWN(col) ? caller : await h.user(Role.ACCOUNT_MANAGER);
          await expectCell(`${r.name} ${col}`, caller, await r.prepare({ caller, owner }), outcome);
        });
      }
    });
  }
});

// ---------- team roles: the caller is on the owner's plan's team ----------
//
// Columns (caller's role · role on the plan's team); the record is always someone else's (the owner is
// never a member, so "own" is the matrix above). An ANALYST cannot join a team (addPlanMember refuses it).

const TEAM_COLUMNS = ["ADMIN·CONTRIB", "ADMIN·T-REV", "AM·CONTRIB", "AM·T-REV", "REV·CONTRIB", "REV·T-REV"] as const;
type TeamColumn = (typeof TEAM_COLUMNS)[number];
const TEAM_CALLER: Record<TeamColumn, Role> = {
  "ADMIN·CONTRIB": Role.ADMIN,
  "ADMIN·T-REV": Role.ADMIN,
  "AM·CONTRIB": Role.ACCOUNT_MANAGER,
  "AM·T-REV": Role.ACCOUNT_MANAGER,
  "REV·CONTRIB": Role.REVIEWER,
  "REV·T-REV": Role.REVIEWER,
};
const TEAM_ROLE = (c: TeamColumn) => (c.endsWith("CONTRIB") ? "CONTRIBUTOR" : "REVIEWER");

interface TeamCell {
  caller: TestUser;
  owner: TestUser;
  /** A plan owned by `owner` with the caller on its team (joined while DRAFT), then brought to `status` by an ADMIN. */
  teamPlan(status?: PlanStatus | "EXPIRED", periodId?: string): Promise<{ id: string; accountId: string }>;
}
interface TeamRow {
  name: string;
  prepare(c: TeamCell): Promise<{ query: string; variables: Record<string, unknown> }>;
  expect: Record<TeamColumn, Outcome>;
}
const teamRow = (name: string, outcomes: string, prepare: TeamRow["prepare"]): TeamRow => {
  const list = outcomes.trim().split(/\s+/) as Outcome[];
  if (list.length !== TEAM_COLUMNS.length) throw new Error(`${name}: ${list.length} outcomes for ${TEAM_COLUMNS.length} team columns`);
  return { name, prepare, expect: Object.fromEntries(TEAM_COLUMNS.map((c, i) => [c, list[i]])) as Record<TeamColumn, Outcome> };
};
const setStatusA = async (id: string, ...path: string[]) => {
  for (const s of path) await h.ok(A(), `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id, s });
};
const addContactA = (p: string, c: string) => h.ok(A(), `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p, c });

/** Mutations where a team role cannot change the answer: they touch no plan, or their rights follow the record's owner (opportunities, activities). */
const TEAM_IRRELEVANT: Record<string, string> = {
  createUser: "no plan",
  createAccount: "no plan",
  updateAccount: "no plan",
  createContact: "no plan",
  createPeriod: "no plan",
  revokeToken: "no plan",
  updateOpportunity: "the opportunity's owner",
  linkOpportunityToPlan: "the opportunity's owner",
  unlinkOpportunityFromPlan: "the opportunity's owner",
  createActivity: "the activity's owner",
  updateActivity: "the activity's owner",
  completeActivity: "the activity's owner",
  createFollowUpActivity: "the activity's owner",
  createFollowUpOpportunity: "the activity's owner",
  createBusinessPlanTree: "creates a new top-level tree: no existing plan, so no team yet",
  createWebhook: "no plan (ADMIN only)",
  deleteWebhook: "no plan (ADMIN only)",
};

//                                                          ADMIN·C ADMIN·R AM·C AM·R REV·C REV·R
const TEAM_ROWS: TeamRow[] = [
  teamRow("updateBusinessPlan (DRAFT)", "                  OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await teamPlan()).id },
  })),
  teamRow("updateBusinessPlan (SUBMITTED)", "              OK OK OK OK OK OK", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await teamPlan("SUBMITTED")).id },
  })),
  teamRow("updateBusinessPlan (FINAL_APPROVED)", "         PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED PLAN_LOCKED", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: (await teamPlan("FINAL_APPROVED")).id },
  })),
  teamRow("deleteBusinessPlan (DRAFT)", "                  OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`,
    variables: { id: (await teamPlan()).id },
  })),
  teamRow("changeBusinessPlanStatus DRAFT->SUBMITTED", "   OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED) { id } }`,
    variables: { id: (await teamPlan()).id },
  })),
  teamRow("changeBusinessPlanStatus SUBMITTED->DRAFT", "   OK OK FORBIDDEN OK OK OK", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: DRAFT) { id } }`,
    variables: { id: (await teamPlan("SUBMITTED")).id },
  })),
  teamRow("changeBusinessPlanStatus SUBMITTED->FINAL_APPROVED", "OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: FINAL_APPROVED) { id } }`,
    variables: { id: (await teamPlan("SUBMITTED")).id },
  })),
  teamRow("changeBusinessPlanStatus FINAL_APPROVED->EXPIRED", "OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: EXPIRED) { id } }`,
    variables: { id: (await teamPlan("FINAL_APPROVED", pastYear)).id },
  })),
  teamRow("expireBusinessPlans (a team plan whose period ended)", "OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => {
    await teamPlan("DRAFT", pastYear);
    return { query: `mutation { expireBusinessPlans(periodEndedBefore: "2020-01-01") { id } }`, variables: {} };
  }),
  teamRow("createBusinessPlan (a child of the team's plan)", "OK OK OK FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => {
    const p = await teamPlan();
    return { query: `mutation($a: ID!, $p: ID!, $par: ID!) { createBusinessPlan(input: { name: "child", accountId: $a, periodId: $p, parentId: $par }) { id } }`, variables: { a: p.accountId, p: year, par: p.id } };
  }),
  teamRow("copyBusinessPlan", "                            OK OK OK OK FORBIDDEN FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!, $p: ID!) { copyBusinessPlan(id: $id, periodId: $p) { id } }`,
    variables: { id: (await teamPlan()).id, p: year2 },
  })),
  teamRow("addPlanContact (DRAFT)", "                      OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => {
    const p = await teamPlan();
    return { query: `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, variables: { p: p.id, c: await contact(p.accountId) } };
  }),
  teamRow("removePlanContact (DRAFT)", "                   OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => {
    const p = await teamPlan();
    const c = await contact(p.accountId);
    await addContactA(p.id, c);
    return { query: `mutation($p: ID!, $c: ID!) { removePlanContact(planId: $p, contactId: $c) { id } }`, variables: { p: p.id, c } };
  }),
  teamRow("createObjective (in a DRAFT plan)", "           OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($p: ID!, $y: ID!) { createObjective(input: { name: "o", periodId: $y, planId: $p }) { id } }`,
    variables: { p: (await teamPlan()).id, y: year },
  })),
  teamRow("createObjective (in a SUBMITTED plan)", "       OK OK OK OK OK OK", async ({ teamPlan }) => ({
    query: `mutation($p: ID!, $y: ID!) { createObjective(input: { name: "o", periodId: $y, planId: $p }) { id } }`,
    variables: { p: (await teamPlan("SUBMITTED")).id, y: year },
  })),
  teamRow("updateObjective (in a DRAFT plan)", "           OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { updateObjective(id: $id, input: { name: "renamed" }) { id } }`,
    variables: { id: await objective({ planId: (await teamPlan()).id }) },
  })),
  teamRow("deleteObjective (in a DRAFT plan)", "           OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($id: ID!) { deleteObjective(id: $id) }`,
    variables: { id: await objective({ planId: (await teamPlan()).id }) },
  })),
  teamRow("addPlanMember (someone else)", "                OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => ({
    query: `mutation($p: ID!, $u: ID!) { addPlanMember(planId: $p, userId: $u, role: CONTRIBUTOR) { id } }`,
    variables: { p: (await teamPlan()).id, u: gid("User", (await h.user(Role.ACCOUNT_MANAGER)).user.id) },
  })),
  teamRow("removePlanMember (another member)", "           OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ teamPlan }) => {
    const p = await teamPlan();
    const u = gid("User", (await h.user(Role.REVIEWER)).user.id);
    await h.ok(A(), `mutation($p: ID!, $u: ID!) { addPlanMember(planId: $p, userId: $u, role: REVIEWER) { id } }`, { p: p.id, u });
    return { query: `mutation($p: ID!, $u: ID!) { removePlanMember(planId: $p, userId: $u) { id } }`, variables: { p: p.id, u } };
  }),
  teamRow("addPlanNote (FINAL_APPROVED)", "                OK OK OK OK OK OK", async ({ teamPlan }) => ({
    query: `mutation($p: ID!) { addPlanNote(planId: $p, body: "remark") { id } }`,
    variables: { p: (await teamPlan("FINAL_APPROVED")).id },
  })),
  teamRow("addObjectiveNote (in a DRAFT plan)", "          OK OK OK OK OK OK", async ({ teamPlan }) => ({
    query: `mutation($o: ID!) { addObjectiveNote(objectiveId: $o, body: "remark") { id } }`,
    variables: { o: await objective({ planId: (await teamPlan()).id }) },
  })),
  teamRow("deleteContact (on the team's DRAFT plan)", "    OK OK OK FORBIDDEN OK FORBIDDEN", async ({ teamPlan }) => {
    const p = await teamPlan();
    const c = await contact(p.accountId);
    await addContactA(p.id, c);
    return { query: `mutation($id: ID!) { deleteContact(id: $id) }`, variables: { id: c } };
  }),
  teamRow("createOpportunity (linked to the team's plan)", "OK OK OK OK OK OK", async ({ teamPlan }) => {
    const p = await teamPlan();
    return { query: `mutation($a: ID!, $p: ID!) { createOpportunity(input: { name: "o", accountId: $a, revenue: "1.00", planIds: [$p] }) { id } }`, variables: { a: p.accountId, p: p.id } };
  }),
  teamRow("deleteOpportunity (the owner's, on the team's plan)", "OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ owner, teamPlan }) => {
    const p = await teamPlan();
    const id = (await h.ok(owner.token, `mutation($a: ID!, $p: ID!) { createOpportunity(input: { name: "o", accountId: $a, revenue: "1.00", planIds: [$p] }) { id } }`, { a: p.accountId, p: p.id })).createOpportunity.id;
    return { query: `mutation($id: ID!) { deleteOpportunity(id: $id) }`, variables: { id } };
  }),
  teamRow("deleteActivity (the owner's, on the team's plan)", "OK OK FORBIDDEN FORBIDDEN FORBIDDEN FORBIDDEN", async ({ owner, teamPlan }) => {
    const p = await teamPlan();
    const id = (await h.ok(owner.token, `mutation($a: ID!, $p: ID!) { createActivity(input: { subject: "s", type: CALL, accountId: $a, planId: $p }) { id } }`, { a: p.accountId, p: p.id })).createActivity.id;
    return { query: `mutation($id: ID!) { deleteActivity(id: $id) }`, variables: { id } };
  }),
];

describe("authorization matrix with team roles: every plan mutation x role x team role (someone else's plan)", () => {
  it("covers every mutation: a team row, or a reason why a team role cannot matter", () => {
    const mutations = Object.keys(buildAppSchema().getMutationType()!.getFields());
    const covered = new Set(TEAM_ROWS.map((r) => r.name.split(" ")[0]));
    expect(mutations.filter((m) => !covered.has(m) && !TEAM_IRRELEVANT[m])).toEqual([]);
    expect(Object.keys(TEAM_IRRELEVANT).filter((m) => covered.has(m) || !mutations.includes(m))).toEqual([]);
    console.log(`team matrix: ${TEAM_ROWS.length} rows x ${TEAM_COLUMNS.length} columns = ${TEAM_ROWS.length * TEAM_COLUMNS.length} cells run`);
  });

  for (const r of TEAM_ROWS) {
    describe(r.name, () => {
      for (const col of TEAM_COLUMNS) {
        const outcome = r.expect[col];
        if (outcome === "-") continue;
        it(`${col}: ${outcome}`, async () => {
          const caller = await h.user(TEAM_CALLER[col]);
          const owner = await h.user(Role.ACCOUNT_MANAGER);
          const teamPlan: TeamCell["teamPlan"] = async (status = "DRAFT", periodId = year) => {
            const p = await plan(owner, "DRAFT", periodId);
            await h.ok(A(), `mutation($p: ID!, $u: ID!, $r: PlanMemberRole!) { addPlanMember(planId: $p, userId: $u, role: $r) { id } }`, { p: p.id, u: gid("User", caller.user.id), r: TEAM_ROLE(col) });
            const path = ["SUBMITTED", "FINAL_APPROVED", "EXPIRED"];
            await setStatusA(p.id, ...path.slice(0, path.indexOf(status) + 1));
            return p;
          };
          await expectCell(`${r.name} ${col}`, caller, await r.prepare({ caller, owner, teamPlan }), outcome);
        });
      }
    });
  }
});
