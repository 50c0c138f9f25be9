/**
 * Shared fixtures for the business-plan tests (workflow, editing, concurrency,
 * audit, copy, property). Everything goes through real GraphQL operations on
 * the real database of the harness; the only raw SQL is for counting rows and
 * for installing fault-injection triggers (real database triggers, no mocks).
 */
import { expect } from "vitest";
import { Role } from "../../src/common/enums";
import { expectCode, type GqlResult, type Harness, type TestUser } from "./harness";
import { gid, keyOf } from "./ids";

export type Status = "DRAFT" | "SUBMITTED" | "FINAL_APPROVED" | "EXPIRED";
export const STATUSES: readonly Status[] = ["DRAFT", "SUBMITTED", "FINAL_APPROVED", "EXPIRED"];

export const PLAN_FIELDS = `id name status version description businessUnit territory revenueTarget updatedAt
  owner { id } period { id } parent { id } copiedFrom { id }`;

export const M = {
  createPlan: `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { ${PLAN_FIELDS} } }`,
  updatePlan: `mutation($id: ID!, $input: UpdateBusinessPlanInput!, $v: Int) { updateBusinessPlan(id: $id, input: $input, expectedVersion: $v) { ${PLAN_FIELDS} } }`,
  changeStatus: `mutation($id: ID!, $s: PlanStatus!, $c: String, $v: Int) { changeBusinessPlanStatus(id: $id, status: $s, comment: $c, expectedVersion: $v) { ${PLAN_FIELDS} } }`,
  deletePlan: `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`,
  expire: `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id status version } }`,
  copy: `mutation($id: ID!, $p: ID!, $o: ID) { copyBusinessPlan(id: $id, periodId: $p, ownerId: $o) { id } }`,
  addContact: `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`,
  createObjective: `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id name targetRevenue targetQuantity unit period { id } } }`,
  updateObjective: `mutation($id: ID!, $input: UpdateObjectiveInput!) { updateObjective(id: $id, input: $input) { id name targetRevenue } }`,
  deleteObjective: `mutation($id: ID!) { deleteObjective(id: $id) }`,
  createOpportunity: `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id plans { id } } }`,
  linkOpp: `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  unlinkOpp: `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id plans { id } } }`,
  createActivity: `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id plan { id } } }`,
  updateActivity: `mutation($id: ID!, $input: UpdateActivityInput!) { updateActivity(id: $id, input: $input) { id plan { id } } }`,
  createPeriod: `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id name } }`,
  createAccount: `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }`,
  createContact: `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`,
};

export const Q = {
  plan: `query($id: ID!) { businessPlan(id: $id) {
    ${PLAN_FIELDS}
    statusHistory { from to comment changedAt changedBy { id } }
    auditTrail(first: 500) { action changedAt changedBy { id } changes { field oldValue newValue } }
    objectives { id } opportunities { id } activities { id } children { id }
  } }`,
};

export interface World {
  admin: TestUser;
  owner: TestUser; // ACCOUNT_MANAGER who owns the plans made with `plan()`
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

let periodSeq = 0;

export async function createPeriod(
  h: Harness,
  name: string,
  type: "YEAR" | "QUARTER" | "MONTH",
  startDate: string,
  endDate: string,
  parentId?: string,
): Promise<string> {
  const d = await h.ok(h.admin.token, M.createPeriod, { input: { name, type, startDate, endDate, parentId } });
  return d.createPeriod.id as string;
}

const QUARTER_BOUNDS = [
  ["01-01", "03-31"],
  ["04-01", "06-30"],
  ["07-01", "09-30"],
  ["10-01", "12-31"],
] as const;

/** A YEAR period with the given quarters (1-based numbers, created in the given order). */
export async function createYear(h: Harness, y: number, quarters: number[] = [1, 2, 3, 4], label = `FY${y}`) {
  const year = await createPeriod(h, label, "YEAR", `${y}-01-01`, `${y}-12-31`);
  const q: string[] = [];
  for (const n of quarters) {
    const [s, e] = QUARTER_BOUNDS[n - 1];
    q[n - 1] = await createPeriod(h, `Q${n} ${label}`, "QUARTER", `${y}-${s}`, `${y}-${e}`, year);
  }
  return { year, q };
}

export async function createWorld(h: Harness): Promise<World> {
  const admin = h.admin;
  const owner = await h.user(Role.ACCOUNT_MANAGER, "Owner AM");
  const otherAm = await h.user(Role.ACCOUNT_MANAGER, "Other AM");
  const reviewer = await h.user(Role.REVIEWER, "Reviewer");
  const analyst = await h.user(Role.ANALYST, "Analyst");
  const seq = ++periodSeq;
  const past = await createYear(h, 2020, [1, 2, 3, 4], `FY2020-${seq}`);
  const future = await createYear(h, 2099, [1, 2, 3, 4], `FY2099-${seq}`);
  const acc = await h.ok(admin.token, M.createAccount, { input: { name: "Acme", ownerId: gid("User", owner.user.id) } });
  const other = await h.ok(admin.token, M.createAccount, { input: { name: "Other Co" } });
  const contact = await h.ok(admin.token, M.createContact, { input: { accountId: acc.createAccount.id, firstName: "Cara", lastName: "Contact" } });
  return {
    admin,
    owner,
    otherAm,
    reviewer,
    analyst,
    accountId: acc.createAccount.id,
    otherAccountId: other.createAccount.id,
    contactId: contact.createContact.id,
    past,
    future,
  };
}

export interface PlanOpts {
  by?: TestUser;
  periodId?: string;
  parentId?: string;
  accountId?: string;
  name?: string;
  ownerId?: string;
  revenueTarget?: string;
}

let planSeq = 0;

/** Creates a DRAFT plan (by the world's owner AM unless `by` is given); returns its id. */
export async function createPlan(h: Harness, w: World, o: PlanOpts = {}): Promise<string> {
  const by = o.by ?? w.owner;
  const d = await h.ok(by.token, M.createPlan, {
    input: {
      name: o.name ?? `Plan ${++planSeq}`,
      accountId: o.accountId ?? w.accountId,
      periodId: o.periodId ?? w.future.year,
      parentId: o.parentId,
      ownerId: o.ownerId,
      revenueTarget: o.revenueTarget,
    },
  });
  return d.createBusinessPlan.id as string;
}

/** Path (through ADMIN transitions, which the table allows from any non-final status) to a status. */
const PATH: Record<Status, Status[]> = {
  DRAFT: [],
  SUBMITTED: ["SUBMITTED"],
  FINAL_APPROVED: ["SUBMITTED", "FINAL_APPROVED"],
  EXPIRED: ["SUBMITTED", "FINAL_APPROVED", "EXPIRED"],
};

/** Moves a DRAFT plan to `status` through the workflow, as ADMIN. */
export async function driveTo(h: Harness, planId: string, status: Status): Promise<void> {
  for (const s of PATH[status]) await h.ok(h.admin.token, M.changeStatus, { id: planId, s });
}

/** A plan in `status`; an EXPIRED one lives in the past year unless told otherwise (expiry needs the period to have ended). */
export async function planIn(h: Harness, w: World, status: Status, o: PlanOpts = {}): Promise<string> {
  const id = await createPlan(h, w, status === "EXPIRED" && o.periodId === undefined ? { ...o, periodId: w.past.year } : o);
  await driveTo(h, id, status);
  return id;
}

/** Number of rows in a table, optionally filtered by plan_id. */
export async function countRows(h: Harness, table: string, planId?: string): Promise<number> {
  const db = h.deps.db;
  const rows = planId === undefined
    ? await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table}`)
    : await db.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE plan_id = ${db.param(1)}`, [keyOf(planId)]);
  return Number(rows[0].n);
}

export const ALL_TABLES = [
  "business_plan",
  "objective",
  "plan_status_change",
  "plan_audit_entry",
  "plan_contact",
  "plan_opportunity",
  "activity",
  "opportunity",
  "plan_member",
  "note",
] as const;

export async function countAll(h: Harness): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ALL_TABLES) out[t] = await countRows(h, t);
  return out;
}

export interface PlanSnapshot {
  row: Record<string, unknown>;
  history: number;
  audit: number;
  objectives: number;
  oppLinks: number;
  contacts: number;
}

/** Everything about one plan straight from the database (row as stored, plus child-row counts). */
export async function snapshot(h: Harness, planId: string): Promise<PlanSnapshot> {
  const db = h.deps.db;
  const rows = await db.query(`SELECT * FROM business_plan WHERE id = ${db.param(1)}`, [keyOf(planId)]);
  const row = rows[0] ?? null;
  if (row) for (const k of Object.keys(row)) if (row[k] instanceof Date) row[k] = (row[k] as Date).toISOString();
  return {
    row: row as Record<string, unknown>,
    history: await countRows(h, "plan_status_change", planId),
    audit: await countRows(h, "plan_audit_entry", planId),
    objectives: await countRows(h, "objective", planId),
    oppLinks: await countRows(h, "plan_opportunity", planId),
    contacts: await countRows(h, "plan_contact", planId),
  };
}

/** Asserts the operation failed with `code` and that the plan(s) did not change at all. */
export async function expectRejected(h: Harness, result: GqlResult, code: string, before: Array<[string, PlanSnapshot]>) {
  expectCode(result, code);
  expect(result.data ?? null).toBeNull();
  for (const [id, snap] of before) expect(await snapshot(h, id)).toEqual(snap);
}

/** The code of the operation's one error, null when it succeeded; several errors fail the test (an outcome has one code). */
export const codeOf = (r: GqlResult): string | null => {
  const errs = r.errors ?? [];
  if (errs.length === 0) return null;
  if (errs.length !== 1) throw new Error(`expected at most one error, got ${errs.length}: ${JSON.stringify(errs)}`);
  return errs[0].extensions?.code ?? "UNKNOWN";
};

/**
 * Installs a real database trigger that aborts any INSERT into `table` whose
 * `column` equals `value` (fault injection for "same transaction" proofs).
 * Returns a function that removes it.
 */
export async function failInsertsWhere(h: Harness, table: string, column: string, value: string): Promise<() => Promise<void>> {
  const db = h.deps.db;
  const name = `fail_${table}_${Math.random().toString(36).slice(2, 8)}`;
  if (db.dialect === "sqlite") {
    await db.query(
      `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN NEW."${column}" = '${value}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    );
    return async () => void (await db.query(`DROP TRIGGER ${name}`));
  }
  await db.query(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
       IF NEW."${column}"::text = '${value}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`,
  );
  await db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db.query(`DROP TRIGGER ${name} ON ${table}`);
    await db.query(`DROP FUNCTION ${name}()`);
  };
}

/** Same as failInsertsWhere, for UPDATEs of business_plan that set `status` to `status` on plan `planId`. */
export async function failPlanUpdate(h: Harness, planId: string, status: Status): Promise<() => Promise<void>> {
  const db = h.deps.db;
  const name = `fail_upd_${Math.random().toString(36).slice(2, 8)}`;
  if (db.dialect === "sqlite") {
    await db.query(
      `CREATE TRIGGER ${name} BEFORE UPDATE ON business_plan WHEN NEW.id = ${keyOf(planId)} AND NEW.status = '${status}'
       BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    );
    return async () => void (await db.query(`DROP TRIGGER ${name}`));
  }
  await db.query(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
       IF NEW.id = ${keyOf(planId)} AND NEW.status = '${status}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`,
  );
  await db.query(`CREATE TRIGGER ${name} BEFORE UPDATE ON business_plan FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db.query(`DROP TRIGGER ${name} ON business_plan`);
    await db.query(`DROP FUNCTION ${name}()`);
  };
}

/**
 * Milliseconds of a DateTime value from `gql`: the harness runs operations in
 * process, so DateTime fields arrive as Date objects (Date.parse would drop the
 * milliseconds), or as ISO strings.
 */
export const timeOf = (v: unknown): number => new Date(v as string | Date).getTime();
