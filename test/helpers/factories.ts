/**
 * Test data built through real GraphQL mutations (no SQL fixtures): one factory
 * per type, the operation documents the tests share, a standard "world" for the
 * plan tests (users of every role, an account, past and future years), and the
 * small readers of results (money computed independently of src/common/money,
 * wire values). "Nothing changed" assertions live in db-state.ts.
 */
import { beforeAll } from "vitest";
import { Role } from "../../src/common/enums";
import { type GqlResult, type Harness, lazy, type TestUser } from "./harness";
import { gid } from "./ids";

// ---------- values ----------

/** Ids that cannot exist: not numbers, not positive, beyond INTEGER, or simply absent. */
export const IMPOSSIBLE_IDS = ["abc", "-1", "0", "1.5", "", "999999999", "2147483648", "99999999999999999999"] as const;

/** "12.30" -> 1230n (test-side parser: digits, optional 1-2 decimals). */
export function cents(s: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new Error(`bad decimal in test: ${s}`);
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
}

/** 1230n -> "12.30" */
export const dec = (c: bigint): string => `${c / 100n}.${(c % 100n).toString().padStart(2, "0")}`;

export const sum = (xs: Iterable<bigint>) => {
  let t = 0n;
  for (const x of xs) t += x;
  return t;
};

export const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id);

/** The data of a successful operation (throws with the errors otherwise). */
export function data<T = any>(r: GqlResult<T>): T {
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

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

/** Milliseconds of a DateTime value from `gql` (a Date in process, an ISO string on the wire). */
export const timeOf = (v: unknown): number => new Date(v as string | Date).getTime();

// ---------- documents ----------

export type Status = "DRAFT" | "SUBMITTED" | "FINAL_APPROVED" | "EXPIRED";
export const STATUSES: readonly Status[] = ["DRAFT", "SUBMITTED", "FINAL_APPROVED", "EXPIRED"];

export const PLAN_FIELDS = `id name status version description businessUnit territory revenueTarget updatedAt
  owner { id } period { id } parent { id } copiedFrom { id }`;

export const M = {
  // periods, accounts, contacts
  period: `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id name startDate endDate } }`,
  createPeriod: `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id name } }`,
  account: `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id name } }`,
  createAccount: `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }`,
  contact: `mutation($input: CreateContactInput!) { createContact(input: $input) { id firstName lastName account { id } } }`,
  createContact: `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`,
  // plans
  plan: `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id name status version account { id } } }`,
  createPlan: `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { ${PLAN_FIELDS} } }`,
  updatePlan: `mutation($id: ID!, $input: UpdateBusinessPlanInput!, $v: Int) { updateBusinessPlan(id: $id, input: $input, expectedVersion: $v) { ${PLAN_FIELDS} } }`,
  planStatus: `mutation($id: ID!, $status: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $status) { id status } }`,
  changeStatus: `mutation($id: ID!, $s: PlanStatus!, $c: String, $v: Int) { changeBusinessPlanStatus(id: $id, status: $s, comment: $c, expectedVersion: $v) { ${PLAN_FIELDS} } }`,
  deletePlan: `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`,
  expire: `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id status version } }`,
  copy: `mutation($id: ID!, $p: ID!, $o: ID) { copyBusinessPlan(id: $id, periodId: $p, ownerId: $o) { id } }`,
  addContact: `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`,
  // objectives
  objective: `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) {
    id name isGlobal unit targetQuantity targetRevenue
    period { id } plan { id } account { id } contact { id } parent { id } } }`,
  createObjective: `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id name targetRevenue targetQuantity unit period { id } } }`,
  updateObjective: `mutation($id: ID!, $input: UpdateObjectiveInput!) { updateObjective(id: $id, input: $input) {
    id name description unit targetQuantity targetRevenue progress { actualQuantity actualRevenue percentComplete } } }`,
  deleteObjective: `mutation($id: ID!) { deleteObjective(id: $id) }`,
  // opportunities
  opportunity: `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) {
    id name revenue status probability account { id } owner { id } objective { id } plans { id } sourceActivity { id } } }`,
  createOpportunity: `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id plans { id } } }`,
  updateOpportunity: `mutation($id: ID!, $input: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $input) {
    id name revenue status probability objective { id } } }`,
  link: `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  unlink: `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  linkOpp: `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  unlinkOpp: `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  // activities
  activity: `mutation($input: CreateActivityInput!) { createActivity(input: $input) {
    id subject type status dueAt completedAt notes account { id } contact { id } plan { id } objective { id } opportunity { id }
    owner { id } followUpOf { id } } }`,
  createActivity: `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id plan { id } } }`,
  updateActivity: `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) {
    id subject status dueAt completedAt notes contact { id } plan { id } objective { id } opportunity { id } } }`,
  complete: `mutation($id: ID!, $notes: String) { completeActivity(id: $id, notes: $notes) { id status completedAt notes } }`,
  followUpActivity: `mutation($id: ID!, $input: FollowUpActivityInput!) { createFollowUpActivity(activityId: $id, input: $input) {
    id subject type status dueAt account { id } contact { id } plan { id } objective { id } opportunity { id } owner { id } followUpOf { id } } }`,
  followUpOpportunity: `mutation($id: ID!, $input: FollowUpOpportunityInput!) { createFollowUpOpportunity(activityId: $id, input: $input) {
    id name revenue status account { id } owner { id } objective { id } plans { id } sourceActivity { id } } }`,
} as const;

export const Q = {
  plan: `query($id: ID!) { businessPlan(id: $id) {
    ${PLAN_FIELDS}
    statusHistory { from to comment changedAt changedBy { id } }
    auditTrail(first: 500) { action changedAt changedBy { id } changes { field oldValue newValue } }
    objectives { id } opportunities { id } activities { id } children { id }
  } }`,
};

// ---------- factories (real mutations; every name unique unless given) ----------

export interface Ref {
  id: string;
  name: string;
}

let seq = 0;
const uniq = (p: string) => `${p} ${++seq}`;

export type PeriodInput = { name?: string; type: "YEAR" | "QUARTER" | "MONTH"; startDate: string; endDate: string; parentId?: string };

export async function createPeriod(h: Harness, input: PeriodInput): Promise<Ref> {
  return (await h.ok(h.admin.token, M.createPeriod, { input: { name: uniq(input.type), ...input } })).createPeriod;
}

const QUARTER_BOUNDS = [
  ["01-01", "03-31"],
  ["04-01", "06-30"],
  ["07-01", "09-30"],
  ["10-01", "12-31"],
] as const;

/**
 * A YEAR with QUARTER children (all four unless `quarters` lists which, 1-based,
 * created in that order); `quarters[n - 1]` is quarter n. Names are "FY<y> <n>" and
 * "Q<n> FY<y> <n>" unless `label` names the year ("Q<n> <label>").
 */
export async function createYear(h: Harness, y: number, o: { quarters?: number[]; label?: string } = {}): Promise<{ year: Ref; quarters: Ref[] }> {
  const label = o.label ?? `FY${y} ${++seq}`;
  const year = await createPeriod(h, { name: label, type: "YEAR", startDate: `${y}-01-01`, endDate: `${y}-12-31` });
  const quarters: Ref[] = [];
  for (const n of o.quarters ?? [1, 2, 3, 4]) {
    const [s, e] = QUARTER_BOUNDS[n - 1];
    quarters[n - 1] = await createPeriod(h, { name: `Q${n} ${label}`, type: "QUARTER", startDate: `${y}-${s}`, endDate: `${y}-${e}`, parentId: year.id });
  }
  return { year, quarters };
}

export async function createAccount(h: Harness, token: string, input: { name?: string; industry?: string | null; ownerId?: string } = {}): Promise<Ref> {
  return (await h.ok(token, M.account, { input: { name: uniq("Account"), ...input } })).createAccount;
}

export async function createContact(
  h: Harness,
  token: string,
  input: { accountId: string; firstName?: string; lastName?: string; email?: string; jobTitle?: string },
): Promise<{ id: string; lastName: string }> {
  return (await h.ok(token, M.contact, { input: { firstName: "Pat", lastName: uniq("Contact"), ...input } })).createContact;
}

export type PlanInput = { accountId: string; periodId: string; name?: string; parentId?: string; ownerId?: string; revenueTarget?: string; type?: string };

export interface PlanOpts {
  by?: TestUser;
  periodId?: string;
  parentId?: string;
  accountId?: string;
  name?: string;
  ownerId?: string;
  revenueTarget?: string;
}

/**
 * A DRAFT plan. `createPlan(h, token, input)` creates it as the token's holder and
 * returns `{ id, name, version }`; `createPlan(h, world, opts)` creates it in the
 * world's account and future year as the world's owner AM (unless `by`) and returns its id.
 */
export async function createPlan(h: Harness, token: string, input: PlanInput): Promise<Ref & { version: number }>;
export async function createPlan(h: Harness, w: World, o?: PlanOpts): Promise<string>;
export async function createPlan(h: Harness, by: string | World, o: PlanInput | PlanOpts = {}): Promise<(Ref & { version: number }) | string> {
  if (typeof by === "string") return (await h.ok(by, M.plan, { input: { name: uniq("Plan"), ...o } })).createBusinessPlan;
  const { by: who, name, ...rest } = o as PlanOpts;
  const input = { ...rest, accountId: rest.accountId ?? by.accountId, periodId: rest.periodId ?? by.future.year, ...(name === undefined ? {} : { name }) };
  return (await createPlan(h, (who ?? by.owner).token, input)).id;
}

export async function createObjective(
  h: Harness,
  token: string,
  input: { periodId: string; planId?: string; accountId?: string; name?: string; [k: string]: unknown },
): Promise<Ref> {
  return (await h.ok(token, M.objective, { input: { name: uniq("Objective"), ...input } })).createObjective;
}

export async function createOpportunity(h: Harness, token: string, input: { accountId: string; revenue?: string; name?: string; [k: string]: unknown }): Promise<Ref> {
  return (await h.ok(token, M.opportunity, { input: { name: uniq("Opportunity"), revenue: "1000.00", ...input } })).createOpportunity;
}

export async function createActivity(
  h: Harness,
  token: string,
  input: { accountId: string; subject?: string; type?: string; [k: string]: unknown },
): Promise<{ id: string; subject: string }> {
  return (await h.ok(token, M.activity, { input: { subject: uniq("Activity"), type: "CALL", ...input } })).createActivity;
}

// ---------- id-returning shorthands over exact inputs (no generated defaults) ----------

const idOf = async (h: Harness, token: string, doc: string, input: Record<string, unknown>) => {
  const d = await h.ok(token, doc, { input });
  return (Object.values(d)[0] as { id: string }).id;
};
export const mkAccount = (h: Harness, token: string, name: string) => idOf(h, token, M.account, { name });
export const mkContact = (h: Harness, token: string, accountId: string, firstName: string, lastName: string, jobTitle?: string) =>
  idOf(h, token, M.contact, { accountId, firstName, lastName, jobTitle });
export const mkPlan = (h: Harness, token: string, input: Record<string, unknown>) => idOf(h, token, M.plan, input);
export const mkObjective = (h: Harness, token: string, input: Record<string, unknown>) => idOf(h, token, M.objective, input);
export const mkOpp = (h: Harness, token: string, input: Record<string, unknown>) => idOf(h, token, M.opportunity, input);
export const mkActivity = (h: Harness, token: string, input: Record<string, unknown>) => idOf(h, token, M.activity, input);

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

/** FY2026 with quarters and a few months, FY2027 with Q1, FY2019 (ended). */
export async function mkPeriods(h: Harness): Promise<PeriodSet> {
  const p = async (name: string, type: PeriodInput["type"], startDate: string, endDate: string, parentId?: string) =>
    (await createPeriod(h, { name, type, startDate, endDate, parentId })).id;
  const fy26 = await p("FY2026", "YEAR", "2026-01-01", "2026-12-31");
  const q1 = await p("Q1 FY2026", "QUARTER", "2026-01-01", "2026-03-31", fy26);
  const q2 = await p("Q2 FY2026", "QUARTER", "2026-04-01", "2026-06-30", fy26);
  const q3 = await p("Q3 FY2026", "QUARTER", "2026-07-01", "2026-09-30", fy26);
  const q4 = await p("Q4 FY2026", "QUARTER", "2026-10-01", "2026-12-31", fy26);
  const jan = await p("Jan 2026", "MONTH", "2026-01-01", "2026-01-31", q1);
  const feb = await p("Feb 2026", "MONTH", "2026-02-01", "2026-02-28", q1);
  const apr = await p("Apr 2026", "MONTH", "2026-04-01", "2026-04-30", q2);
  const fy27 = await p("FY2027", "YEAR", "2027-01-01", "2027-12-31");
  const q1y27 = await p("Q1 FY2027", "QUARTER", "2027-01-01", "2027-03-31", fy27);
  const fy19 = await p("FY2019", "YEAR", "2019-01-01", "2019-12-31");
  return { fy19, fy26, q1, q2, q3, q4, jan, feb, apr, fy27, q1y27 };
}

// ---------- plan workflow ----------

/** Path (through ADMIN transitions, which the table allows from any non-final status) to a status. */
const PATH: Record<Status, Status[]> = {
  DRAFT: [],
  SUBMITTED: ["SUBMITTED"],
  FINAL_APPROVED: ["SUBMITTED", "FINAL_APPROVED"],
  EXPIRED: ["SUBMITTED", "FINAL_APPROVED", "EXPIRED"],
};

export async function setStatus(h: Harness, token: string, id: string, status: string) {
  return (await h.ok(token, M.planStatus, { id, status })).changeBusinessPlanStatus.status as string;
}

/** Moves a DRAFT plan to `status` through the workflow, as `token`'s holder (ADMIN unless given). */
export async function driveTo(h: Harness, planId: string, status: Status, token = h.admin.token): Promise<void> {
  for (const s of PATH[status]) await setStatus(h, token, planId, s);
}

/** DRAFT -> SUBMITTED -> FINAL_APPROVED (-> EXPIRED), as the plan's owner (or an ADMIN). */
export const lockPlan = (h: Harness, token: string, id: string, to: "SUBMITTED" | "FINAL_APPROVED" | "EXPIRED") => driveTo(h, id, to, token);

/** Audit actions of a plan, newest first. */
export async function auditActions(h: Harness, planId: string): Promise<Array<{ action: string; changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>> {
  const d = await h.ok(h.admin.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 500) { action changes { field oldValue newValue } } } }`, { id: planId });
  return d.businessPlan.auditTrail;
}

// ---------- the plan tests' world ----------

export interface World {
  admin: TestUser;
  owner: TestUser; // ACCOUNT_MANAGER who owns the plans made with `createPlan(h, w)`
  otherAm: TestUser;
  reviewer: TestUser;
  analyst: TestUser;
  accountId: string;
  otherAccountId: string;
  contactId: string;
  /** A year that ended long ago (2020) with its four quarters. */
  past: { year: string; q: string[] };
  /** A year that has not ended (2099) with its four quarters. */
  future: { year: string; q: string[] };
}

/** A year's ids: `{ year, q }` with `q[n - 1]` the id of quarter n. */
export const yearIds = (y: { year: Ref; quarters: Ref[] }) => ({ year: y.year.id, q: y.quarters.map((r) => r?.id) });

export async function createWorld(h: Harness): Promise<World> {
  const admin = h.admin;
  const owner = await h.user(Role.ACCOUNT_MANAGER, "Owner AM");
  const otherAm = await h.user(Role.ACCOUNT_MANAGER, "Other AM");
  const reviewer = await h.user(Role.REVIEWER, "Reviewer");
  const analyst = await h.user(Role.ANALYST, "Analyst");
  const past = yearIds(await createYear(h, 2020, { label: `FY2020-${++seq}` }));
  const future = yearIds(await createYear(h, 2099, { label: `FY2099-${seq}` }));
  const accountId = (await createAccount(h, admin.token, { name: "Acme", ownerId: gid("User", owner.user.id) })).id;
  const otherAccountId = (await createAccount(h, admin.token, { name: "Other Co" })).id;
  const contactId = (await createContact(h, admin.token, { accountId, firstName: "Cara", lastName: "Contact" })).id;
  return { admin, owner, otherAm, reviewer, analyst, accountId, otherAccountId, contactId, past, future };
}

/** A plan in `status`; an EXPIRED one lives in the past year unless told otherwise (expiry needs the period to have ended). */
export async function planIn(h: Harness, w: World, status: Status, o: PlanOpts = {}): Promise<string> {
  const id = await createPlan(h, w, status === "EXPIRED" && o.periodId === undefined ? { ...o, periodId: w.past.year } : o);
  await driveTo(h, id, status);
  return id;
}

/** The file's world over `h` (see useHarness), created in beforeAll. */
export function useWorld(h: Harness): World {
  let w: World | undefined;
  beforeAll(async () => {
    w = await createWorld(h);
  });
  return lazy(() => w ?? (() => { throw new Error("useWorld: used before beforeAll ran"); })());
}

/** Two account managers with an account each (A with contact Ann Alpha, B with Bob Beta), a reviewer, an analyst and mkPeriods. */
export async function twoAccounts(h: Harness) {
  const am1 = await h.user(Role.ACCOUNT_MANAGER, "AM One");
  const am2 = await h.user(Role.ACCOUNT_MANAGER, "AM Two");
  const rev = await h.user(Role.REVIEWER, "Reviewer");
  const analyst = await h.user(Role.ANALYST, "Analyst");
  const per = await mkPeriods(h);
  const accA = await mkAccount(h, am1.token, "Account A");
  const accB = await mkAccount(h, am2.token, "Account B");
  const cA = await mkContact(h, am1.token, accA, "Ann", "Alpha");
  const cB = await mkContact(h, am2.token, accB, "Bob", "Beta");
  return { am1, am2, rev, analyst, per, accA, accB, cA, cB };
}
