/**
 * Factories and assertions for the part-1 tests (contract, auth, CRUD,
 * validation, pagination, batching, HTTP). Records are created through real
 * GraphQL mutations run as a real user; "nothing changed" is checked against
 * every row of every table.
 */
import { expect } from "vitest";
import type { RunningApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { startLiveApp } from "./live-server";
import { expectCode, type GqlResult, type Harness } from "./harness";

/** Ids that cannot exist: not numbers, not positive, beyond INTEGER, or simply absent. */
export const IMPOSSIBLE_IDS = ["abc", "-1", "0", "1.5", "", "999999999", "2147483648", "99999999999999999999"] as const;

// ---------- "a rejected mutation changes nothing" ----------

const TABLES = [
  "app_user",
  "api_token",
  "account",
  "contact",
  "period",
  "business_plan",
  "plan_contact",
  "plan_status_change",
  "plan_audit_entry",
  "objective",
  "activity",
  "opportunity",
  "plan_opportunity",
  "idempotency_key",
] as const;

const ORDER_BY: Partial<Record<(typeof TABLES)[number], string>> = {
  plan_contact: "plan_id, contact_id",
  plan_opportunity: "plan_id, opportunity_id",
};

const plain = (r: unknown) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));

/** Every row of every table, all columns (versions, timestamps, tokens included). */
export async function dbState(h: Pick<Harness, "deps">): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) out[t] = (await h.deps.db.query(`SELECT * FROM ${t} ORDER BY ${ORDER_BY[t] ?? "id"}`)).map(plain);
  return out;
}

/** Row counts per table. */
export async function rowCounts(h: Pick<Harness, "deps">): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await h.deps.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  return out;
}

/**
 * Runs an operation that must fail with `code` and asserts that the database
 * is exactly as it was before (every row of every table). Returns the error.
 */
export async function expectRejected(
  h: Harness,
  token: string | null,
  query: string,
  variables: Record<string, unknown> | undefined,
  code: string,
) {
  const before = await dbState(h);
  const res = await h.gql(token, query, variables);
  const err = expectCode(res, code);
  expect(res.data?.[Object.keys(res.data ?? {})[0]] ?? null).toBeNull();
  expect(await dbState(h)).toEqual(before);
  return err;
}

/** Like expectRejected for BAD_USER_INPUT, and the message must name the field. */
export async function expectBadInput(
  h: Harness,
  token: string | null,
  query: string,
  variables: Record<string, unknown> | undefined,
  field: string,
) {
  const err = await expectRejected(h, token, query, variables, "BAD_USER_INPUT");
  expect(err.message).toContain(field);
  return err;
}

/** The data of a successful operation (throws with the errors otherwise). */
export function data<T = any>(r: GqlResult<T>): T {
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

// ---------- factories (real mutations) ----------

export interface Ref {
  id: string;
  name: string;
}

let seq = 0;
const uniq = (p: string) => `${p} ${++seq}`;

export async function createPeriod(
  h: Harness,
  input: { name?: string; type: "YEAR" | "QUARTER" | "MONTH"; startDate: string; endDate: string; parentId?: string },
): Promise<Ref> {
  const d = await h.ok(
    h.admin.token,
    `mutation($input: CreatePeriodInput!) { createPeriod(input: $input) { id name } }`,
    { input: { name: uniq(input.type), ...input } },
  );
  return d.createPeriod;
}

/** A YEAR with its four QUARTER children. */
export async function createYear(h: Harness, year: number): Promise<{ year: Ref; quarters: Ref[] }> {
  const y = await createPeriod(h, { name: `FY${year} ${++seq}`, type: "YEAR", startDate: `${year}-01-01`, endDate: `${year}-12-31` });
  const bounds = [
    ["01-01", "03-31"],
    ["04-01", "06-30"],
    ["07-01", "09-30"],
    ["10-01", "12-31"],
  ];
  const quarters: Ref[] = [];
  for (let i = 0; i < 4; i++) {
    quarters.push(
      await createPeriod(h, {
        name: `Q${i + 1} FY${year} ${seq}`,
        type: "QUARTER",
        startDate: `${year}-${bounds[i][0]}`,
        endDate: `${year}-${bounds[i][1]}`,
        parentId: y.id,
      }),
    );
  }
  return { year: y, quarters };
}

export async function createAccount(h: Harness, token: string, input: { name?: string; industry?: string | null; ownerId?: string } = {}): Promise<Ref> {
  const d = await h.ok(token, `mutation($input: CreateAccountInput!) { createAccount(input: $input) { id name } }`, {
    input: { name: uniq("Account"), ...input },
  });
  return d.createAccount;
}

export async function createContact(
  h: Harness,
  token: string,
  input: { accountId: string; firstName?: string; lastName?: string; email?: string; jobTitle?: string },
): Promise<{ id: string; lastName: string }> {
  const d = await h.ok(token, `mutation($input: CreateContactInput!) { createContact(input: $input) { id lastName } }`, {
    input: { firstName: "Pat", lastName: uniq("Contact"), ...input },
  });
  return d.createContact;
}

export async function createPlan(
  h: Harness,
  token: string,
  input: { accountId: string; periodId: string; name?: string; parentId?: string; ownerId?: string; revenueTarget?: string; type?: string },
): Promise<Ref & { version: number }> {
  const d = await h.ok(token, `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id name version } }`, {
    input: { name: uniq("Plan"), ...input },
  });
  return d.createBusinessPlan;
}

export async function createObjective(
  h: Harness,
  token: string,
  input: { periodId: string; planId?: string; accountId?: string; name?: string; [k: string]: unknown },
): Promise<Ref> {
  const d = await h.ok(token, `mutation($input: CreateObjectiveInput!) { createObjective(input: $input) { id name } }`, {
    input: { name: uniq("Objective"), ...input },
  });
  return d.createObjective;
}

export async function createOpportunity(
  h: Harness,
  token: string,
  input: { accountId: string; revenue?: string; name?: string; [k: string]: unknown },
): Promise<Ref> {
  const d = await h.ok(token, `mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id name } }`, {
    input: { name: uniq("Opportunity"), revenue: "1000.00", ...input },
  });
  return d.createOpportunity;
}

export async function createActivity(
  h: Harness,
  token: string,
  input: { accountId: string; subject?: string; type?: string; [k: string]: unknown },
): Promise<{ id: string; subject: string }> {
  const d = await h.ok(token, `mutation($input: CreateActivityInput!) { createActivity(input: $input) { id subject } }`, {
    input: { subject: uniq("Activity"), type: "CALL", ...input },
  });
  return d.createActivity;
}

// ---------- real HTTP ----------

export interface HttpApp {
  app: RunningApp;
  /** http://127.0.0.1:PORT */
  base: string;
  /** .../graphql */
  url: string;
  close(): Promise<void>;
}

/** Starts the real HTTP server (startApp) on port 0 with a fresh database, without demo data unless env says SEED_DEMO. */
export async function startHttpApp(env: Record<string, string> = {}): Promise<HttpApp> {
  const seed = loadConfig({ NODE_ENV: "test", SEED_DEMO: "false", ...env }).seedDemo;
  const live = await startLiveApp({ env, seed, logLevel: "silent" });
  return { app: live.app, url: live.app.url, base: live.origin, close: live.close };
}

export interface HttpGqlResult<T = any> extends GqlResult<T> {
  status: number;
  headers: Headers;
}

/** POSTs a GraphQL operation as JSON; `token` null sends no Authorization header. */
export async function postGql<T = any>(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<HttpGqlResult<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResult<T>;
  return { ...body, status: res.status, headers: res.headers };
}
