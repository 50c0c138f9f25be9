/**
 * Fixtures and assertions shared by the objectives / opportunities-activities /
 * rollups / account-view tests. Everything is created through real GraphQL
 * mutations; the money helpers are deliberately independent of src/common/money
 * so that expected sums are not computed by the code under test.
 */
import { expect } from "vitest";
import { expectCode, type GqlResult, type Harness } from "./harness";

// ---------- money, computed independently of the application ----------

/** "12.30" -> 1230n (test-side parser: digits, optional 1-2 decimals). */
export function cents(s: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new Error(`bad decimal in test: ${s}`);
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
}

/** 1230n -> "12.30" */
export function dec(c: bigint): string {
  const units = c / 100n;
  const frac = (c % 100n).toString().padStart(2, "0");
  return `${units}.${frac}`;
}

export const sum = (xs: Iterable<bigint>) => {
  let t = 0n;
  for (const x of xs) t += x;
  return t;
};

/**
 * executeOperation hands back resolver values as they are (a DateTime is a JS
 * Date); over HTTP a client sees them JSON-encoded. This makes `ok` and `gql`
 * return what the client would see, so tests compare wire values.
 */
export function onTheWire(h: Harness): Harness {
  const wire = <T>(x: T): T => (x === undefined ? x : JSON.parse(JSON.stringify(x)));
  const { ok, gql } = h;
  h.ok = async (token, query, variables) => wire(await ok(token, query, variables));
  h.gql = async (token, query, variables) => wire(await gql(token, query, variables));
  return h;
}

// ---------- snapshots: "a rejected mutation changes nothing" ----------

const TABLES = [
  "app_user",
  "account",
  "contact",
  "period",
  "business_plan",
  "objective",
  "opportunity",
  "plan_opportunity",
  "activity",
  "plan_audit_entry",
  "plan_status_change",
  "plan_contact",
  "plan_member",
  "note",
] as const;

const ORDER_BY: Record<string, string> = {
  plan_opportunity: "plan_id, opportunity_id",
  plan_contact: "plan_id, contact_id",
  plan_member: "plan_id, user_id",
};

/** Every row of every domain table (all columns, incl. version and updated_at). */
export async function dbSnapshot(h: Harness): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    const rows = await h.deps.db.query(`SELECT * FROM ${t} ORDER BY ${ORDER_BY[t] ?? "id"}`);
    out[t] = rows.map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v))));
  }
  return out;
}

/**
 * Runs an operation that must fail with `code` and asserts that no row of any
 * domain table changed (and that no row was added). Returns the error.
 */
export async function expectRejected(
  h: Harness,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  code: string,
  messagePart?: string | RegExp,
) {
  const before = await dbSnapshot(h);
  const res: GqlResult = await h.gql(token, query, variables);
  const err = expectCode(res, code);
  if (messagePart !== undefined) expect(err.message).toMatch(messagePart);
  const after = await dbSnapshot(h);
  expect(after).toEqual(before);
  return err;
}

// ---------- GraphQL documents ----------

export const M = {
  period: `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id name startDate endDate } }`,
  account: `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id name } }`,
  contact: `mutation($input: CreateContactInput!) { createContact(input: $input) { id firstName lastName account { id } } }`,
  plan: `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id name status version account { id } } }`,
  planStatus: `mutation($id: ID!, $status: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $status) { id status } }`,
  objective: `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) {
    id name isGlobal unit targetQuantity targetRevenue
    period { id } plan { id } account { id } contact { id } parent { id } } }`,
  updateObjective: `mutation($id: ID!, $input: UpdateObjectiveInput!) { updateObjective(id: $id, input: $input) {
    id name description unit targetQuantity targetRevenue progress { actualQuantity actualRevenue percentComplete } } }`,
  deleteObjective: `mutation($id: ID!) { deleteObjective(id: $id) }`,
  opportunity: `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) {
    id name revenue status probability account { id } owner { id } objective { id } plans { id } sourceActivity { id } } }`,
  updateOpportunity: `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) {
    id name revenue status probability objective { id } } }`,
  link: `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  unlink: `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  activity: `mutation($input: CreateActivityInput!) { createActivity(input: $input) {
    id subject type status dueAt completedAt notes account { id } contact { id } plan { id } objective { id } opportunity { id }
    owner { id } followUpOf { id } } }`,
  updateActivity: `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) {
    id subject status dueAt completedAt notes contact { id } plan { id } objective { id } opportunity { id } } }`,
  complete: `mutation($id: ID!, $notes: String) { completeActivity(id: $id, notes: $notes) { id status completedAt notes } }`,
  followUpActivity: `mutation($id: ID!, $input: FollowUpActivityInput!) { createFollowUpActivity(activityId: $id, input: $input) {
    id subject type status dueAt account { id } contact { id } plan { id } objective { id } opportunity { id } owner { id } followUpOf { id } } }`,
  followUpOpportunity: `mutation($id: ID!, $input: FollowUpOpportunityInput!) { createFollowUpOpportunity(activityId: $id, input: $input) {
    id name revenue status account { id } owner { id } objective { id } plans { id } sourceActivity { id } } }`,
} as const;

// ---------- builders (real mutations) ----------

export interface PeriodSet {
  /** A year that ended long ago: plans in it can expire (every transition to EXPIRED needs the period to have ended). */
  fy19: string;
  fy26: string;
  q1: string;
  q2: string;
  q3: string;
  q4: string;
  jan: string;
  feb: string;
  apr: string;
  fy27: string;
  q1y27: string;
}

export async function mkPeriod(h: Harness, name: string, type: string, startDate: string, endDate: string, parentId?: string) {
  const d = await h.ok(h.admin.token, M.period, { input: { name, type, startDate, endDate, parentId } });
  return d.createPeriod.id as string;
}

/** FY2026 with quarters and a few months, FY2027 with Q1. */
export async function mkPeriods(h: Harness): Promise<PeriodSet> {
  const fy26 = await mkPeriod(h, "FY2026", "YEAR", "2026-01-01", "2026-12-31");
  const q1 = await mkPeriod(h, "Q1 FY2026", "QUARTER", "2026-01-01", "2026-03-31", fy26);
  const q2 = await mkPeriod(h, "Q2 FY2026", "QUARTER", "2026-04-01", "2026-06-30", fy26);
  const q3 = await mkPeriod(h, "Q3 FY2026", "QUARTER", "2026-07-01", "2026-09-30", fy26);
  const q4 = await mkPeriod(h, "Q4 FY2026", "QUARTER", "2026-10-01", "2026-12-31", fy26);
  const jan = await mkPeriod(h, "Jan 2026", "MONTH", "2026-01-01", "2026-01-31", q1);
  const feb = await mkPeriod(h, "Feb 2026", "MONTH", "2026-02-01", "2026-02-28", q1);
  const apr = await mkPeriod(h, "Apr 2026", "MONTH", "2026-04-01", "2026-04-30", q2);
  const fy27 = await mkPeriod(h, "FY2027", "YEAR", "2027-01-01", "2027-12-31");
  const q1y27 = await mkPeriod(h, "Q1 FY2027", "QUARTER", "2027-01-01", "2027-03-31", fy27);
  const fy19 = await mkPeriod(h, "FY2019", "YEAR", "2019-01-01", "2019-12-31");
  return { fy19, fy26, q1, q2, q3, q4, jan, feb, apr, fy27, q1y27 };
}

export async function mkAccount(h: Harness, token: string, name: string) {
  return (await h.ok(token, M.account, { input: { name } })).createAccount.id as string;
}

export async function mkContact(h: Harness, token: string, accountId: string, firstName: string, lastName: string, jobTitle?: string) {
  return (await h.ok(token, M.contact, { input: { accountId, firstName, lastName, jobTitle } })).createContact.id as string;
}

export async function mkPlan(h: Harness, token: string, input: Record<string, unknown>) {
  return (await h.ok(token, M.plan, { input })).createBusinessPlan.id as string;
}

export async function setStatus(h: Harness, token: string, id: string, status: string) {
  return (await h.ok(token, M.planStatus, { id, status })).changeBusinessPlanStatus.status as string;
}

/** DRAFT -> SUBMITTED -> FINAL_APPROVED (-> EXPIRED), as the plan's owner (or an ADMIN). */
export async function lockPlan(h: Harness, token: string, id: string, to: "SUBMITTED" | "FINAL_APPROVED" | "EXPIRED") {
  await setStatus(h, token, id, "SUBMITTED");
  if (to === "SUBMITTED") return;
  await setStatus(h, token, id, "FINAL_APPROVED");
  if (to === "FINAL_APPROVED") return;
  await setStatus(h, token, id, "EXPIRED");
}

export async function mkObjective(h: Harness, token: string, input: Record<string, unknown>) {
  return (await h.ok(token, M.objective, { input })).createObjective.id as string;
}

export async function mkOpp(h: Harness, token: string, input: Record<string, unknown>) {
  return (await h.ok(token, M.opportunity, { input })).createOpportunity.id as string;
}

export async function mkActivity(h: Harness, token: string, input: Record<string, unknown>) {
  return (await h.ok(token, M.activity, { input })).createActivity.id as string;
}

export const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

/** Audit actions of a plan, newest first. */
export async function auditActions(h: Harness, planId: string): Promise<Array<{ action: string; changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>> {
  const d = await h.ok(h.admin.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 500) { action changes { field oldValue newValue } } } }`, { id: planId });
  return d.businessPlan.auditTrail;
}
