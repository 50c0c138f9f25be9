/**
 * The lists of issue 15 in the benchmark: the top-level opportunities / activities connections with
 * their filters and orders, businessPlans(orderBy:, filter.search) and users, sent once each to a
 * DB_LOGGING server so that the runner checks every statement's query plan ("no full scan", as for
 * Q2/Q3); and one CSV export (GET /export/plans.csv) timed with the server's peak RSS.
 *
 * bench/run.ts calls checkListQueries() next to the Q2/Q3 plan check and measureExport() on the
 * main size's server (variant a).
 */
import BetterSqlite3 from "better-sqlite3";
import { toGlobalId as gid } from "../src/common/ids";
import { BENCH_TOKEN } from "./generate";

export interface ListQuery {
  name: string;
  body: string;
}

const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

const OPPS = `query($f: OpportunityFilter, $o: OpportunityOrder, $after: String) {
  opportunities(filter: $f, orderBy: $o, first: 50, after: $after) { totalCount edges { cursor node { id name revenue closeDate account { id name } } } pageInfo { hasNextPage endCursor } } }`;
const OPPS_NO_COUNT = `query($f: OpportunityFilter, $o: OpportunityOrder, $after: String) {
  opportunities(filter: $f, orderBy: $o, first: 50, after: $after) { edges { cursor node { id name revenue } } pageInfo { hasNextPage endCursor } } }`;
const ACTS = `query($f: ActivityFilter, $o: ActivityOrder, $after: String) {
  activities(filter: $f, orderBy: $o, first: 50, after: $after) { totalCount edges { cursor node { id subject dueAt status } } pageInfo { hasNextPage endCursor } } }`;
const ACTS_NO_COUNT = `query($f: ActivityFilter, $o: ActivityOrder, $after: String) {
  activities(filter: $f, orderBy: $o, first: 50, after: $after) { edges { cursor node { id subject dueAt } } pageInfo { hasNextPage endCursor } } }`;
const PLANS = `query($f: BusinessPlanFilter, $o: PlanOrder, $after: String) {
  businessPlans(filter: $f, orderBy: $o, first: 50, after: $after) { totalCount edges { cursor node { id name status } } pageInfo { hasNextPage endCursor } } }`;
const PLANS_NO_COUNT = `query($f: BusinessPlanFilter, $o: PlanOrder, $after: String) {
  businessPlans(filter: $f, orderBy: $o, first: 50, after: $after) { edges { cursor node { id name updatedAt } } pageInfo { hasNextPage endCursor } } }`;
const USERS = `query($r: Role, $s: String) { users(role: $r, search: $s) { id name role } }`;

/**
 * The list requests, with ids taken from the data file: an owner with many activities, a busy
 * account, a plan with activities, the current year. A list's totalCount is a count over the filter,
 * so the unfiltered orders are sent without it (counting a whole table is a full scan by nature).
 */
export function listQueries(file: string, periodId: number): ListQuery[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const owner = db.prepare("SELECT owner_id FROM activity GROUP BY owner_id ORDER BY COUNT(*) DESC LIMIT 1").pluck().get() as number;
    const account = db.prepare("SELECT account_id FROM opportunity GROUP BY account_id ORDER BY COUNT(*) DESC LIMIT 1").pluck().get() as number;
    const plan = db.prepare("SELECT plan_id FROM activity WHERE plan_id IS NOT NULL GROUP BY plan_id ORDER BY COUNT(*) DESC LIMIT 1").pluck().get() as number;
    const week = db.prepare("SELECT MIN(due_at) FROM activity WHERE status = 'PLANNED' AND due_at IS NOT NULL").pluck().get() as string;
    const from = new Date(`${week.slice(0, 10)}T00:00:00Z`);
    const to = new Date(from.getTime() + 7 * 86_400_000);
    const year = db.prepare("SELECT start_date FROM period WHERE id = ?").pluck().get(periodId) as string;
    const y = year.slice(0, 4);
    return [
      { name: "opportunities: open deals closing this quarter", body: body(OPPS, { f: { status: ["OPEN"], closeDateFrom: `${y}-04-01`, closeDateTo: `${y}-06-30` }, o: "CLOSE_DATE_ASC" }) },
      { name: "opportunities: an owner's, largest first", body: body(OPPS, { f: { ownerId: gid("User", owner) }, o: "REVENUE_DESC" }) },
      { name: "opportunities: an account's, by name, searched", body: body(OPPS, { f: { accountId: gid("Account", account), search: "deal 1" }, o: "NAME_ASC" }) },
      { name: "opportunities: a plan's, by close date", body: body(OPPS, { f: { planId: gid("BusinessPlan", plan) }, o: "CLOSE_DATE_ASC" }) },
      { name: "opportunities: all, by name (no count)", body: body(OPPS_NO_COUNT, { o: "NAME_ASC" }) },
      { name: "opportunities: all, largest first (no count)", body: body(OPPS_NO_COUNT, { o: "REVENUE_DESC" }) },
      { name: "opportunities: all, by close date (no count)", body: body(OPPS_NO_COUNT, { o: "CLOSE_DATE_ASC" }) },
      {
        name: "activities: my activities due this week",
        body: body(ACTS, { f: { ownerId: gid("User", owner), status: ["PLANNED"], dueFrom: from.toISOString(), dueTo: to.toISOString() }, o: "DUE_AT_ASC" }),
      },
      { name: "activities: a plan's, latest first", body: body(ACTS, { f: { planId: gid("BusinessPlan", plan) }, o: "DUE_AT_DESC" }) },
      { name: "activities: an account's calls", body: body(ACTS, { f: { accountId: gid("Account", account), type: ["CALL"] }, o: "DUE_AT_ASC" }) },
      { name: "activities: all, latest first (no count)", body: body(ACTS_NO_COUNT, { o: "DUE_AT_DESC" }) },
      { name: "businessPlans: the year's plans by name", body: body(PLANS, { f: { periodId: gid("Period", periodId) }, o: "NAME_ASC" }) },
      { name: "businessPlans: an account's plans searched, latest period first", body: body(PLANS, { f: { accountId: gid("Account", account), search: "plan" }, o: "PERIOD_START_DESC" }) },
      { name: "businessPlans: all, recently changed first (no count)", body: body(PLANS_NO_COUNT, { o: "UPDATED_AT_DESC" }) },
      { name: "businessPlans: all, by name (no count)", body: body(PLANS_NO_COUNT, { o: "NAME_ASC" }) },
      { name: "users: account managers", body: body(USERS, { r: "ACCOUNT_MANAGER" }) },
    ];
  } finally {
    db.close();
  }
}

interface Statement {
  sql: string;
  params: unknown[];
}
interface Checked {
  sql: string;
  fullScans: string[];
  ms: number;
}

/**
 * Sends every list request once (statementsOf: to a DB_LOGGING server) and checks the query plan of
 * each statement but authentication (checkPlans: the runner's "no full scan" check). Logs one line
 * per list with a full scan, and a summary; returns the checks per list for the results file.
 */
export async function checkListQueries<C extends Checked>(
  file: string,
  periodId: number,
  statementsOf: (b: string) => Promise<{ statements: Statement[]; response: { status: number; text: string } }>,
  checkPlans: (statements: Statement[]) => C[],
  log: (s: string) => void,
): Promise<Record<string, C[]>> {
  const out: Record<string, C[]> = {};
  const send = async (name: string, b: string) => {
    const r = await statementsOf(b);
    if (r.response.status !== 200 || /"errors":\[/.test(r.response.text.slice(0, 2000))) throw new Error(`${name}: HTTP ${r.response.status} ${r.response.text.slice(0, 400)}`);
    out[name] = checkPlans(r.statements.filter((x) => !/^SELECT .* FROM "app_user" "u" INNER JOIN "api_token"/.test(x.sql)));
    return JSON.parse(r.response.text) as { data: Record<string, { pageInfo?: { hasNextPage: boolean; endCursor: string | null } }> };
  };
  for (const q of listQueries(file, periodId)) {
    const answer = await send(q.name, q.body);
    // and the second page: the keyset condition on the order's index
    const info = Object.values(answer.data)[0]?.pageInfo;
    if (info?.hasNextPage && info.endCursor) {
      const { query, variables } = JSON.parse(q.body) as { query: string; variables: Record<string, unknown> };
      await send(`${q.name}, page 2`, JSON.stringify({ query, variables: { ...variables, after: info.endCursor } }));
    }
  }
  const scans = Object.entries(out).filter(([, cs]) => cs.some((c) => c.fullScans.length));
  for (const [name, cs] of scans) log(`    FULL SCAN in ${name}: ${cs.filter((c) => c.fullScans.length).map((c) => `${c.fullScans.join("; ")} <- ${c.sql.slice(0, 100)}`).join(" | ")}`);
  const slowest = Math.max(0, ...Object.values(out).flatMap((cs) => cs.map((c) => c.ms)));
  log(`  list query plans: ${Object.keys(out).length} requests (first and second pages), ${Object.values(out).reduce((n, cs) => n + cs.length, 0)} statements, ${scans.length ? `full scans in ${scans.length}` : "no full table scans"}; slowest ${slowest} ms`);
  return out;
}

export interface ExportRun {
  periodId: string;
  plans: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  rssBeforeMb: number;
}

/** One GET /export/plans.csv of the period on a running server: time, size and the server's peak RSS (reset first). */
export async function measureExport(
  server: { url: string; resetPeak(): void; mem(): { hwmKb: number; rssKb: number } },
  periodId: number,
  log: (s: string) => void,
): Promise<ExportRun> {
  const origin = new URL(server.url).origin;
  const period = gid("Period", periodId);
  server.resetPeak();
  const rssBeforeMb = Math.round(server.mem().rssKb / 102.4) / 10;
  const t = performance.now();
  const res = await fetch(`${origin}/export/plans.csv?periodId=${period}`, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
  if (res.status !== 200) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const b of value) if (b === 10) lines++;
  }
  const seconds = Math.round((performance.now() - t) / 10) / 100;
  const m = server.mem();
  const run = { periodId: period, plans: lines - 1, bytes, seconds, peakRssMb: Math.round(m.hwmKb / 102.4) / 10, rssBeforeMb };
  log(`  CSV export of ${run.plans.toLocaleString("en-US")} plans (${(bytes / 1e6).toFixed(1)} MB): ${seconds} s, server peak RSS ${run.peakRssMb} MB (RSS before ${rssBeforeMb} MB)`);
  return run;
}
