/**
 * Shared pieces of the security tests (hostile inputs, fuzzing, limits, error
 * masking): a raw HTTP client, the account view query, and the leak check every response
 * body goes through.
 */
import "reflect-metadata";
import { expect } from "vitest";

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
}

export interface RawRequest {
  method?: string;
  /** Appended to the URL (e.g. "?query=..."). */
  search?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Bearer token; null: no Authorization header. */
  token?: string | null;
}

export async function send(url: string, r: RawRequest): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  const res = await fetch(url + (r.search ?? ""), { method: r.method ?? "POST", headers, body: r.body as string | Uint8Array | undefined });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POST a GraphQL operation as JSON. */
export function postGql(url: string, token: string | null, query: string, variables?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return send(url, { token, headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables, ...extra }) });
}

/** The account view from the issue, verbatim. */
export const ACCOUNT_VIEW_BODY = `name contacts { firstName lastName jobTitle } businessPlans(periodId: $period, topLevelOnly: true) { name status owner { name } revenueTarget rollup { wonRevenue pipelineRevenue attainment } children { name businessUnit territory status rollup { wonRevenue } objectives { name unit targetQuantity progress { actualQuantity percentComplete } opportunities { name revenue status } activities { subject type status dueAt } } } } applicableObjectives(periodId: $period) { name isGlobal progress { percentComplete } } activities(status: [PLANNED]) { subject dueAt followUpOf { subject } }`;
export const ACCOUNT_VIEW = `query AccountView($id: ID!, $period: ID) { account(id: $id) { ${ACCOUNT_VIEW_BODY} } }`;
/** Its wider form over a page of accounts; `first` as a literal. */
export const accountViewWide = (first: number) =>
  `query AccountViewWide($period: ID) { accounts(first: ${first}) { edges { node { ${ACCOUNT_VIEW_BODY} } } } }`;
/** Its wider form with `first` as a variable. */
export const ACCOUNT_VIEW_WIDE_VAR = `query AccountViewWide($period: ID, $first: Int) { accounts(first: $first) { edges { node { ${ACCOUNT_VIEW_BODY} } } } }`;

/** `children { children { ... } }` n levels deep under a plan. */
export const nestedChildren = (levels: number) =>
  `query Deep($id: ID!) { businessPlan(id: $id) { ${"children { ".repeat(levels)}id${" }".repeat(levels)} } }`;

/**
 * Internals that must never reach a client: SQL, driver and ORM names, file
 * paths, stack frames, table names and snake_case column names of this schema.
 * ("at " alone is not a marker: graphql-js says `invalid value "X" at "s[0]"`,
 * the domain says "at most 500"; stack frames are matched by their shape.)
 */
export const LEAK_MARKERS: Array<string | RegExp> = [
  "SELECT",
  "INSERT INTO",
  "UPDATE \"",
  "DELETE FROM",
  /sqlite/i,
  "SQLITE_",
  /postgres/i,
  "QueryFailedError",
  "EntityNotFound",
  "TypeORM",
  "/work/",
  "/tmp/",
  "node_modules",
  /\n\s+at /,
  /\bat [\w$.<>[\] ]+ \([^)]*:\d+:\d+\)/,
  /\bat (?:\/|node:|file:)/,
  /\.(?:js|ts):\d+/,
  "stacktrace",
  "syntax error at or near",
  "violates",
  "duplicate key",
  "no such table",
  "no such column",
  "app_user",
  "api_token",
  "idempotency_key",
  "business_plan",
  "plan_status_change",
  "plan_audit_entry",
  "plan_opportunity",
  "plan_contact",
  "plan_member",
  "author_id",
  "changes_json",
  "webhook_delivery",
  "event_filter",
  "order_key",
  "token_hash",
  "revenue_cents",
  "_cents",
  "account_id",
  "owner_id",
  "period_id",
  "plan_id",
];

/** Removes the client's own input from strings of a parsed body (an echo of what was sent is not a leak). */
function scrub(value: unknown, echoes: string[]): unknown {
  if (typeof value === "string") {
    let s = value;
    for (const e of echoes) {
      for (const variant of [e, JSON.stringify(e), JSON.stringify(e).slice(1, -1), e.slice(0, 64), e.slice(0, 40), e.trim()]) {
        if (variant.length >= 3) s = s.split(variant).join("<echo>");
      }
    }
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, echoes));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, echoes)]));
  return value;
}

/** The markers found in a response body (after removing echoes of `echoes`). */
export function leaksIn(res: Pick<RawResponse, "text" | "json">, echoes: string[] = []): string[] {
  const body = res.json === undefined ? res.text : JSON.stringify(scrub(res.json, echoes));
  return LEAK_MARKERS.filter((m) => (typeof m === "string" ? body.includes(m) : m.test(body))).map(String);
}

export function expectNoLeak(res: Pick<RawResponse, "text" | "json">, echoes: string[] = [], label = "") {
  expect(leaksIn(res, echoes), `${label} leaked internals in: ${res.text.slice(0, 500)}`).toEqual([]);
}

/** Error codes of a GraphQL response body (none for a success). */
export const codesOf = (json: any): string[] => (Array.isArray(json?.errors) ? json.errors.map((e: any) => e?.extensions?.code) : []);

/** Contract codes plus the standard request-level codes Apollo uses for 4xx answers. */
export const CLIENT_ERROR_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "CONFLICT",
  "PLAN_LOCKED",
  "INVALID_STATUS_TRANSITION",
  "QUERY_TOO_LARGE",
  "RATE_LIMITED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);
