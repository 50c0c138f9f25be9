/**
 * Concurrency fuzz: every mutation of the schema, sent 20 times at once, both
 * identical requests (a retrying client, two browser tabs) and conflicting ones
 * (different values for one record, link against unlink, delete against
 * update or create, racing status transitions). On PostgreSQL the requests go
 * round-robin to two server processes on one database; on SQLite to one
 * process.
 *
 * Asserted for every burst: no INTERNAL_SERVER_ERROR and no error code the
 * mutation's contract does not give for that situation; the end state (records,
 * versions, status history, audit trail) is one that some serial order of the
 * acknowledged requests produces. Nothing assumes how many requests actually
 * overlapped: the checks hold for any interleaving, serial ones included.
 *
 * The list of mutations comes from the built schema: a new mutation without a
 * scenario here fails the first test, naming it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAppSchema } from "../src/schema";
import { MAX_WEBHOOKS } from "../src/modules/webhooks/webhooks.service";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { type GqlResponse, postGql, type ServerProcess, startServerProcess } from "./helpers/server";

const N = 20;
const ADMIN = `cf-admin-${Date.now()}-${Math.random().toString(36).slice(2)}`;

interface Req {
  query: string;
  variables?: Record<string, unknown>;
  token?: string;
  /** Extra HTTP headers (Idempotency-Key). */
  headers?: Record<string, string>;
}
interface Outcome {
  req: Req;
  data?: any;
  code?: string;
  message?: string;
}
interface Burst {
  requests: Req[];
  /** Error codes a serial order of these requests can answer (INTERNAL_SERVER_ERROR never). */
  allowed?: string[];
  check: (outcomes: Outcome[]) => Promise<void>;
}
interface Scenario {
  identical: () => Promise<Burst>;
  conflicting: () => Promise<Burst>;
  /** Further conflicting bursts, by what the mutation races. */
  more?: Record<string, () => Promise<Burst>>;
}

let servers: ServerProcess[] = [];
let cleanup: () => Promise<void> = async () => {};
let urls: string[] = [];
let seq = 0;
const uniq = (s: string) => `${s}-${++seq}-${Math.random().toString(36).slice(2, 7)}`;

async function gql(query: string, variables?: Record<string, unknown>, token = ADMIN): Promise<GqlResponse> {
  return postGql(urls[seq++ % urls.length], token, query, variables);
}
async function ok<T = any>(query: string, variables?: Record<string, unknown>, token = ADMIN): Promise<T> {
  const r = await postGql(urls[0], token, query, variables);
  if (r.errors?.length) throw new Error(`${query}\n${JSON.stringify(variables)}\n-> ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** Sends every request at once, request i to server i % servers; nothing awaited in between. */
async function fire(requests: Req[]): Promise<Outcome[]> {
  const send = async (req: Req, url: string): Promise<GqlResponse> => {
    if (!req.headers) return postGql(url, req.token ?? ADMIN, req.query, req.variables);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${req.token ?? ADMIN}`, ...req.headers },
      body: JSON.stringify({ query: req.query, variables: req.variables }),
    });
    return (await res.json()) as GqlResponse;
  };
  const results = await Promise.all(requests.map((req, i) => send(req, urls[i % urls.length])));
  return results.map((r, i) => {
    const e = r.errors?.[0];
    return e ? { req: requests[i], code: String(e.extensions?.code), message: e.message } : { req: requests[i], data: r.data };
  });
}

const succeeded = (os: Outcome[], q?: string) => os.filter((o) => o.data && (q === undefined || o.req.query === q));
const failed = (os: Outcome[], q?: string) => os.filter((o) => o.code && (q === undefined || o.req.query === q));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const times = (n: number, f: (i: number) => Req): Req[] => Array.from({ length: n }, (_, i) => f(i));
/** Half the burst of each kind, interleaved: a, b, a, b, ... */
const mix = (a: (i: number) => Req, b: (i: number) => Req): Req[] => times(N, (i) => (i % 2 === 0 ? a(i) : b(i)));

// ---------- fixtures (serial, before a burst) ----------

let yearId: string; // a future year (not ended)
let q1Id: string; // its first quarter
let nextYearId: string; // the following year (copy target)
let pastYearId: string; // a year that has ended

async function account(): Promise<string> {
  return (await ok(`mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: uniq("Acct") })).createAccount.id;
}
async function plan(accountId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await ok(`mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, {
    i: { name: uniq("Plan"), accountId, periodId: yearId, ...extra },
  });
  return d.createBusinessPlan.id;
}
async function setStatus(id: string, ...path: string[]) {
  for (const status of path) await ok(`mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id, s: status });
}
async function opportunity(accountId: string, planIds: string[] = []): Promise<string> {
  const d = await ok(`mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }`, {
    i: { name: uniq("Opp"), accountId, revenue: "100.00", planIds },
  });
  return d.createOpportunity.id;
}
async function contact(accountId: string): Promise<string> {
  return (await ok(`mutation($a: ID!, $n: String!) { createContact(input: { accountId: $a, firstName: $n, lastName: "X" }) { id } }`, { a: accountId, n: uniq("C") })).createContact.id;
}
async function activity(accountId: string, planId: string | null = null): Promise<string> {
  const d = await ok(`mutation($i: CreateActivityInput!) { createActivity(input: $i) { id } }`, { i: { subject: uniq("Act"), type: "CALL", accountId, planId } });
  return d.createActivity.id;
}
async function objective(planId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const d = await ok(`mutation($i: CreateObjectiveInput!) { createObjective(input: $i) { id } }`, { i: { name: uniq("Obj"), periodId: yearId, planId, ...extra } });
  return d.createObjective.id;
}

// ---------- reading the end state ----------

async function accountPlans(accountId: string): Promise<Array<{ id: string; name: string }>> {
  const d = await ok(`query($a: ID!) { businessPlans(filter: { accountId: $a }, first: 500) { edges { node { id name } } } }`, { a: accountId });
  return d.businessPlans.edges.map((e: { node: { id: string; name: string } }) => e.node);
}

interface PlanState {
  id: string;
  name: string;
  status: string;
  version: number;
  parent: { id: string } | null;
  copiedFrom: { id: string } | null;
  contacts: Array<{ id: string }>;
  opportunities: Array<{ id: string }>;
  activities: Array<{ id: string }>;
  objectives: Array<{ id: string; parent: { id: string } | null }>;
  statusHistory: Array<{ from: string | null; to: string }>;
  children: Array<{ id: string }>;
  /** oldest first */
  audit: Array<{ action: string; changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>;
}
async function planState(id: string): Promise<PlanState | null> {
  const d = await ok(
    `query($id: ID!) { businessPlan(id: $id) { id name status version parent { id } copiedFrom { id } contacts { id } opportunities { id }
       activities { id } objectives { id parent { id } } statusHistory { from to } children { id }
       auditTrail(first: 500) { action changes { field oldValue newValue } } } }`,
    { id },
  );
  const p = d.businessPlan;
  if (!p) return null;
  return { ...p, audit: [...p.auditTrail].reverse() };
}
async function mustPlan(id: string): Promise<PlanState> {
  const p = await planState(id);
  expect(p, `BusinessPlan ${id}`).not.toBeNull();
  return p!;
}
const count = (p: PlanState, action: string) => p.audit.filter((e) => e.action === action).length;
const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id).sort();

/** The status history is one chain (each change starts where the previous ended), ending at the plan's status. */
function expectStatusChain(p: PlanState) {
  for (let i = 1; i < p.statusHistory.length; i++) expect(p.statusHistory[i].from, `status history ${JSON.stringify(p.statusHistory)}`).toBe(p.statusHistory[i - 1].to);
  expect(p.statusHistory.at(-1)?.to ?? "DRAFT").toBe(p.status);
}

/** Link/unlink audit entries of one record alternate, and the last one says whether it is linked now. */
function expectLinkChain(entries: string[], linked: boolean, on: string, off: string) {
  entries.forEach((e, i) => expect(e, `audit ${entries.join(",")}`).toBe(i % 2 === 0 ? on : off));
  expect(entries.length % 2 === 1, `audit ${entries.join(",")} vs linked=${linked}`).toBe(linked);
}
const linkEntries = (p: PlanState, field: string, id: string, on: string, off: string) =>
  p.audit.filter((e) => (e.action === on || e.action === off) && e.changes.some((c) => c.field === field && (c.newValue === id || c.oldValue === id))).map((e) => e.action);

// ---------- operations ----------

const M = {
  addContact: `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`,
  status: `mutation($id: ID!, $s: PlanStatus!, $v: Int) { changeBusinessPlanStatus(id: $id, status: $s, expectedVersion: $v) { id status version } }`,
  complete: `mutation($id: ID!) { completeActivity(id: $id) { id status } }`,
  copy: `mutation($id: ID!, $per: ID!) { copyBusinessPlan(id: $id, periodId: $per) { id copiedFrom { id } } }`,
  createAccount: `mutation($n: String!) { createAccount(input: { name: $n }) { id name } }`,
  createActivity: `mutation($i: CreateActivityInput!) { createActivity(input: $i) { id plan { id } } }`,
  createPlan: `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id version } }`,
  createTree: `mutation($i: CreateBusinessPlanTreeInput!) { createBusinessPlanTree(input: $i) { id version children { id version } } }`,
  createContact: `mutation($a: ID!, $n: String!) { createContact(input: { accountId: $a, firstName: $n, lastName: "Same" }) { id } }`,
  followUpActivity: `mutation($id: ID!, $s: String!) { createFollowUpActivity(activityId: $id, input: { subject: $s, type: MEETING }) { id plan { id } followUpOf { id } } }`,
  followUpOpportunity: `mutation($id: ID!, $n: String!) { createFollowUpOpportunity(activityId: $id, input: { name: $n, revenue: "5.00" }) { id plans { id } } }`,
  createObjective: `mutation($i: CreateObjectiveInput!) { createObjective(input: $i) { id } }`,
  createOpportunity: `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id plans { id } } }`,
  createPeriod: `mutation($i: CreatePeriodInput!) { createPeriod(input: $i) { id } }`,
  createUser: `mutation($i: CreateUserInput!) { createUser(input: $i) { token user { id email name } } }`,
  deletePlan: `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`,
  deleteObjective: `mutation($id: ID!) { deleteObjective(id: $id) }`,
  expire: `mutation($d: Date!) { expireBusinessPlans(periodEndedBefore: $d) { id status } }`,
  link: `mutation($o: ID!, $p: ID!) { linkOpportunityToPlan(opportunityId: $o, planId: $p) { id } }`,
  unlink: `mutation($o: ID!, $p: ID!) { unlinkOpportunityFromPlan(opportunityId: $o, planId: $p) { id } }`,
  revoke: `mutation($t: String!) { revokeToken(token: $t) }`,
  updateAccount: `mutation($id: ID!, $i: UpdateAccountInput!) { updateAccount(id: $id, input: $i) { id name industry } }`,
  updateActivity: `mutation($id: ID!, $i: UpdateActivityInput!) { updateActivity(id: $id, input: $i) { id status plan { id } } }`,
  updatePlan: `mutation($id: ID!, $i: UpdateBusinessPlanInput!, $v: Int) { updateBusinessPlan(id: $id, input: $i, expectedVersion: $v) { id name version } }`,
  updateObjective: `mutation($id: ID!, $i: UpdateObjectiveInput!) { updateObjective(id: $id, input: $i) { id name unit targetQuantity } }`,
  createWebhook: `mutation($u: String!) { createWebhook(input: { url: $u, events: ["plan.created"] }) { secret webhook { id } } }`,
  deleteWebhook: `mutation($id: ID!) { deleteWebhook(id: $id) }`,
  updateOpportunity: `mutation($id: ID!, $i: UpdateOpportunityInput!) { updateOpportunity(id: $id, input: $i) { id name revenue status probability } }`,
};
/** TEST-NET-3 (RFC 5737): public to the SSRF guard (no DNS needed), never routed: nothing leaves the machine. */
const PUBLIC_HOOK = "https://203.0.113.10/hooks";
async function webhooks(): Promise<Array<{ id: string }>> {
  return (await ok(`{ webhooks { id } }`)).webhooks;
}
async function deleteAllWebhooks() {
  for (const w of await webhooks()) await ok(M.deleteWebhook, { id: w.id });
}
const READ_ACTIVITY = `query($id: ID!) { activity(id: $id) { id status completedAt plan { id } } }`;
const READ_OBJECTIVE = `query($id: ID!) { objective(id: $id) { id name unit targetQuantity parent { id } } }`;
const READ_OPP = `query($id: ID!) { opportunity(id: $id) { id name revenue status probability plans { id } } }`;

// ---------- collaboration (issue 15) ----------

const C = {
  addMember: `mutation($p: ID!, $u: ID!, $r: PlanMemberRole!) { addPlanMember(planId: $p, userId: $u, role: $r) { id } }`,
  removeMember: `mutation($p: ID!, $u: ID!) { removePlanMember(planId: $p, userId: $u) { id } }`,
  planNote: `mutation($p: ID!, $b: String!) { addPlanNote(planId: $p, body: $b) { id } }`,
  objectiveNote: `mutation($o: ID!, $b: String!) { addObjectiveNote(objectiveId: $o, body: $b) { id } }`,
  removeContact: `mutation($p: ID!, $c: ID!) { removePlanContact(planId: $p, contactId: $c) { id } }`,
  deleteOpp: `mutation($id: ID!) { deleteOpportunity(id: $id) }`,
  deleteAct: `mutation($id: ID!) { deleteActivity(id: $id) }`,
  deleteContact: `mutation($id: ID!) { deleteContact(id: $id) }`,
};
async function userId(role: string): Promise<string> {
  return (await ok(M.createUser, { i: { name: uniq("U"), email: `${uniq("u")}@example.com`, role } })).createUser.user.id;
}
interface TeamState {
  status: string;
  version: number;
  team: Array<{ user: { id: string }; role: string }>;
  notes: Array<{ id: string }>;
  /** oldest first */
  audit: Array<{ action: string; changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>;
  actions: string[];
}
async function teamState(id: string): Promise<TeamState> {
  const d = await ok(
    `query($id: ID!) { businessPlan(id: $id) { status version team { user { id } role } notes { id } auditTrail(first: 500) { action changes { field oldValue newValue } } } }`,
    { id },
  );
  const audit = [...d.businessPlan.auditTrail].reverse();
  return { ...d.businessPlan, audit, actions: audit.map((e: { action: string }) => e.action).filter((a: string) => a !== "CREATED") };
}
const roleOf = (e: TeamState["audit"][number], which: "old" | "new") => {
  const c = e.changes.find((x) => x.field === "role")!;
  return which === "old" ? c.oldValue : c.newValue;
};

// ---------- shared shapes of the plan-link scenarios (addPlanContact, linkOpportunityToPlan) ----------

/** How a kind of record is linked to a plan: made in an account, the mutation's variables, where the plan lists it. */
interface PlanLink {
  make: (accountId: string) => Promise<string>;
  query: string;
  vars: (planId: string, thingId: string) => Record<string, unknown>;
  listed: (s: PlanState) => Array<{ id: string }>;
  action: string;
}
/** The same link N times at once: every request succeeds, the plan lists it once, one audit entry. */
const sameLinkN = (l: PlanLink) => async (): Promise<Burst> => {
  const a = await account();
  const p = await plan(a);
  const x = await l.make(a);
  return {
    requests: times(N, () => ({ query: l.query, variables: l.vars(p, x) })),
    async check(os) {
      expect(succeeded(os)).toHaveLength(N);
      const s = await mustPlan(p);
      expect(ids(l.listed(s))).toEqual([x]);
      expect(count(s, l.action)).toBe(1);
    },
  };
};
/** N - 1 links race the plan's deletion: made before it they go with it, after it NOT_FOUND; `after` checks each record. */
const linksVsDelete = (l: PlanLink, after: (p: string, xs: string[], os: Outcome[]) => Promise<void>) => async (): Promise<Burst> => {
  const a = await account();
  const p = await plan(a);
  const xs: string[] = [];
  for (let i = 0; i < N - 1; i++) xs.push(await l.make(a));
  return {
    requests: [{ query: M.deletePlan, variables: { id: p } }, ...xs.map((x) => ({ query: l.query, variables: l.vars(p, x) }))],
    allowed: ["NOT_FOUND"],
    async check(os) {
      expect(succeeded(os, M.deletePlan)).toHaveLength(1);
      expect(await planState(p)).toBeNull();
      await after(p, xs, os);
    },
  };
};
const CONTACT_LINK: PlanLink = { make: contact, query: M.addContact, vars: (p, c) => ({ p, c }), listed: (s) => s.contacts, action: "CONTACT_ADDED" };
const OPP_LINK: PlanLink = { make: (a) => opportunity(a), query: M.link, vars: (p, o) => ({ o, p }), listed: (s) => s.opportunities, action: "OPPORTUNITY_LINKED" };

/**
 * deleteOpportunity / deleteContact of a record linked to plans (`l`): the same delete N times (one
 * succeeds, the plan records it once); deletes of N - 1 records of a plan racing its approval (one after
 * it is PLAN_LOCKED and deletes nothing); one delete racing N - 1 links of the record to other plans (a
 * link after the delete is NOT_FOUND; each plan linked before records the delete).
 */
const deleteOfLinked = (l: PlanLink, del: string, deleted: string, raceName: string, gone: (x: string) => Promise<void> = async () => {}): Scenario => ({
  async identical() {
    const a = await account();
    const p = await plan(a);
    const x = await l.make(a);
    await ok(l.query, l.vars(p, x));
    return {
      requests: times(N, () => ({ query: del, variables: { id: x } })),
      allowed: ["NOT_FOUND"],
      async check(os) {
        expect(succeeded(os)).toHaveLength(1);
        await gone(x);
        const s = await mustPlan(p);
        expect(l.listed(s)).toEqual([]);
        expect(count(s, deleted)).toBe(1);
      },
    };
  },
  async conflicting() {
    const a = await account();
    const p = await plan(a);
    const xs: string[] = [];
    for (let i = 0; i < N - 1; i++) {
      xs.push(await l.make(a));
      await ok(l.query, l.vars(p, xs[i]));
    }
    await setStatus(p, "SUBMITTED");
    return {
      requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...xs.map((id) => ({ query: del, variables: { id } }))],
      allowed: ["PLAN_LOCKED"],
      async check(os) {
        expect(failed(os, M.status)).toEqual([]);
        const gone = new Set(succeeded(os, del).map((o) => String(o.req.variables!.id)));
        const s = await mustPlan(p);
        expect(s.status).toBe("FINAL_APPROVED");
        expect(ids(l.listed(s))).toEqual(xs.filter((x) => !gone.has(x)).sort());
        expect(count(s, deleted)).toBe(gone.size);
      },
    };
  },
  more: {
    async [raceName]() {
      const a = await account();
      const x = await l.make(a);
      const ps: string[] = [];
      for (let i = 0; i < N - 1; i++) ps.push(await plan(a));
      return {
        requests: [{ query: del, variables: { id: x } }, ...ps.map((p) => ({ query: l.query, variables: l.vars(p, x) }))],
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os, del)).toHaveLength(1);
          const linked = new Set(succeeded(os, l.query).map((o) => String(o.req.variables!.p)));
          for (const p of ps) {
            const s = await mustPlan(p);
            expect(l.listed(s)).toEqual([]);
            expect(count(s, l.action)).toBe(linked.has(p) ? 1 : 0);
            expect(count(s, deleted)).toBe(linked.has(p) ? 1 : 0);
          }
        },
      };
    },
  },
});

/**
 * N - 2 follow-ups of an activity race the deletion of its plan p1 and its move to plan p2:
 * each follows the source as it is at that moment, never NOT_FOUND; every request succeeds.
 */
const followUpsVsMove =
  (followUp: (src: string, i: number) => Req, check: (f: { a: string; p2: string; src: string }, os: Outcome[]) => Promise<void>) => async (): Promise<Burst> => {
    const a = await account();
    const [p1, p2] = [await plan(a), await plan(a)];
    const src = await activity(a, p1);
    return {
      requests: [
        { query: M.deletePlan, variables: { id: p1 } },
        { query: M.updateActivity, variables: { id: src, i: { planId: p2 } } },
        ...times(N - 2, (i) => followUp(src, i)),
      ],
      async check(os) {
        expect(succeeded(os)).toHaveLength(N);
        expect(await planState(p1)).toBeNull();
        await check({ a, p2, src }, os);
      },
    };
  };

/** How a kind of record is created on a plan: its mutation, the same input each time or the i-th, where plan and account list it. */
interface PlanChild {
  mutation: "createActivity" | "createOpportunity";
  same: (accountId: string, planId: string) => Record<string, unknown>;
  nth: (accountId: string, planId: string, i: number) => Record<string, unknown>;
  listed: "activities" | "opportunities";
  /** the plan's audit entry for each record created on it */
  action: string;
  /** the record's field naming its plan(s), and what it reads once the plan is deleted */
  planLink: "plan" | "plans";
  noPlan: null | [];
}
/**
 * createActivity / createOpportunity on a plan (`c`): the same create N times (all succeed, the plan lists
 * each and records each once); N - 1 creates racing the plan's deletion (made before it they are kept
 * without the plan, after it NOT_FOUND).
 */
const createOnPlan = (c: PlanChild): Scenario => ({
  async identical() {
    const a = await account();
    const p = await plan(a);
    return {
      requests: times(N, () => ({ query: M[c.mutation], variables: { i: c.same(a, p) } })),
      async check(os) {
        expect(succeeded(os)).toHaveLength(N);
        const s = await mustPlan(p);
        expect(ids(s[c.listed])).toEqual(ids(succeeded(os).map((o) => o.data[c.mutation])));
        expect(count(s, c.action)).toBe(N);
      },
    };
  },
  async conflicting() {
    const a = await account();
    const p = await plan(a);
    const create = M[c.mutation];
    return {
      requests: [{ query: M.deletePlan, variables: { id: p } }, ...times(N - 1, (i) => ({ query: create, variables: { i: c.nth(a, p, i) } }))],
      allowed: ["NOT_FOUND"],
      async check(os) {
        expect(succeeded(os, M.deletePlan)).toHaveLength(1);
        const made = succeeded(os, create).map((o) => o.data[c.mutation].id).sort();
        const d = await ok(`query($a: ID!) { account(id: $a) { ${c.listed} { id ${c.planLink} { id } } } }`, { a });
        expect(ids(d.account[c.listed])).toEqual(made);
        for (const x of d.account[c.listed]) expect(x[c.planLink]).toEqual(c.noPlan);
      },
    };
  },
});

// ---------- one scenario per mutation ----------

const SCENARIOS: Record<string, Scenario> = {
  // ---------- collaboration (issue 15): plan teams, notes, deletes ----------

  addPlanMember: {
    async identical() {
      // a retried add: one member, one MEMBER_ADDED, one version bump
      const p = await plan(await account());
      const u = await userId("ACCOUNT_MANAGER");
      return {
        requests: times(N, () => ({ query: C.addMember, variables: { p, u, r: "CONTRIBUTOR" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await teamState(p);
          expect(s.team).toEqual([{ user: { id: u }, role: "CONTRIBUTOR" }]);
          expect(s.actions).toEqual(["MEMBER_ADDED"]);
          expect(s.version).toBe(2);
        },
      };
    },
    async conflicting() {
      // the same user added as CONTRIBUTOR and as REVIEWER at once: one add, then role changes, each from the role before
      const p = await plan(await account());
      const u = await userId("REVIEWER");
      return {
        requests: mix(
          () => ({ query: C.addMember, variables: { p, u, r: "CONTRIBUTOR" } }),
          () => ({ query: C.addMember, variables: { p, u, r: "REVIEWER" } }),
        ),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await teamState(p);
          const entries = s.audit.filter((e) => e.action.startsWith("MEMBER_"));
          expect(entries[0].action).toBe("MEMBER_ADDED");
          for (const e of entries.slice(1)) expect(e.action).toBe("MEMBER_ROLE_CHANGED");
          for (let i = 1; i < entries.length; i++) expect(roleOf(entries[i], "old")).toBe(roleOf(entries[i - 1], "new"));
          expect(s.team).toEqual([{ user: { id: u }, role: roleOf(entries.at(-1)!, "new") }]);
          expect(s.version).toBe(1 + entries.length);
        },
      };
    },
    more: {
      async "vs approval"() {
        // 19 users added while the plan is approved: an add after the approval is PLAN_LOCKED and adds nothing
        const p = await plan(await account());
        await setStatus(p, "SUBMITTED");
        const us: string[] = [];
        for (let i = 0; i < N - 1; i++) us.push(await userId("ACCOUNT_MANAGER"));
        return {
          requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...us.map((u) => ({ query: C.addMember, variables: { p, u, r: "REVIEWER" } }))],
          allowed: ["PLAN_LOCKED"],
          async check(os) {
            expect(failed(os, M.status)).toEqual([]);
            const added = succeeded(os, C.addMember).map((o) => String(o.req.variables!.u)).sort();
            const s = await teamState(p);
            expect(s.status).toBe("FINAL_APPROVED");
            expect(s.team.map((m) => m.user.id).sort()).toEqual(added);
            expect(s.actions.filter((a) => a === "MEMBER_ADDED")).toHaveLength(added.length);
          },
        };
      },
    },
  },

  removePlanMember: {
    async identical() {
      const p = await plan(await account());
      const u = await userId("ACCOUNT_MANAGER");
      await ok(C.addMember, { p, u, r: "CONTRIBUTOR" });
      return {
        requests: times(N, () => ({ query: C.removeMember, variables: { p, u } })),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          const s = await teamState(p);
          expect(s.team).toEqual([]);
          expect(s.actions).toEqual(["MEMBER_ADDED", "MEMBER_REMOVED"]);
        },
      };
    },
    async conflicting() {
      // adds and removes of one member race: the audit alternates, and its last entry says whether the user is a member now
      const p = await plan(await account());
      const u = await userId("ACCOUNT_MANAGER");
      await ok(C.addMember, { p, u, r: "CONTRIBUTOR" });
      return {
        requests: mix(
          () => ({ query: C.removeMember, variables: { p, u } }),
          () => ({ query: C.addMember, variables: { p, u, r: "CONTRIBUTOR" } }),
        ),
        allowed: ["NOT_FOUND"],
        async check(os) {
          const s = await teamState(p);
          const entries = s.actions.filter((a) => a === "MEMBER_ADDED" || a === "MEMBER_REMOVED");
          expectLinkChain(entries, s.team.length === 1, "MEMBER_ADDED", "MEMBER_REMOVED");
          expect(entries.filter((a) => a === "MEMBER_REMOVED")).toHaveLength(succeeded(os, C.removeMember).length);
          for (const o of failed(os)) expect(o.req.query).toBe(C.removeMember);
        },
      };
    },
  },

  addPlanNote: {
    async identical() {
      // a note is added each time it is sent (notes are never merged): 20 notes
      const p = await plan(await account());
      return {
        requests: times(N, () => ({ query: C.planNote, variables: { p, b: "same remark" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await teamState(p);
          expect(s.notes.map((n) => n.id).sort()).toEqual(succeeded(os).map((o) => o.data.addPlanNote.id).sort());
          expect(s.version).toBe(1); // a note is not an edit
        },
      };
    },
    async conflicting() {
      // notes race the plan's approval: notes stay open on approved plans, so every one is kept
      const p = await plan(await account());
      await setStatus(p, "SUBMITTED");
      return {
        requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...times(N - 1, (i) => ({ query: C.planNote, variables: { p, b: `remark ${i}` } }))],
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await teamState(p);
          expect(s.status).toBe("FINAL_APPROVED");
          expect(s.notes).toHaveLength(N - 1);
        },
      };
    },
    more: {
      async "vs deleteBusinessPlan"() {
        const p = await plan(await account());
        return {
          requests: [{ query: M.deletePlan, variables: { id: p } }, ...times(N - 1, (i) => ({ query: C.planNote, variables: { p, b: `remark ${i}` } }))],
          allowed: ["NOT_FOUND"],
          async check(os) {
            expect(succeeded(os, M.deletePlan)).toHaveLength(1);
            for (const o of failed(os)) expect(o.message).toContain(`BusinessPlan ${p} not found`);
            expect(await planState(p)).toBeNull();
            const left = await ok(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: succeeded(os, C.planNote).map((o) => o.data.addPlanNote.id) });
            expect(left.nodes.filter((n: unknown) => n !== null)).toEqual([]); // the notes went with the plan
          },
        };
      },
    },
  },

  addObjectiveNote: {
    async identical() {
      const ob = await objective(await plan(await account()));
      return {
        requests: times(N, () => ({ query: C.objectiveNote, variables: { o: ob, b: "same remark" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          expect((await ok(`query($o: ID!) { objective(id: $o) { notes { id } } }`, { o: ob })).objective.notes).toHaveLength(N);
        },
      };
    },
    async conflicting() {
      // notes race the objective's deletion: before it they go with it, after it NOT_FOUND
      const p = await plan(await account());
      const ob = await objective(p);
      return {
        requests: [{ query: M.deleteObjective, variables: { id: ob } }, ...times(N - 1, (i) => ({ query: C.objectiveNote, variables: { o: ob, b: `remark ${i}` } }))],
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os, M.deleteObjective)).toHaveLength(1);
          for (const o of failed(os)) expect(o.message).toContain(`Objective ${ob} not found`);
          const left = await ok(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: succeeded(os, C.objectiveNote).map((o) => o.data.addObjectiveNote.id) });
          expect(left.nodes.filter((n: unknown) => n !== null)).toEqual([]);
        },
      };
    },
  },

  removePlanContact: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      const c = await contact(a);
      await ok(M.addContact, { p, c });
      return {
        requests: times(N, () => ({ query: C.removeContact, variables: { p, c } })),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          const s = await mustPlan(p);
          expect(s.contacts).toEqual([]);
          expect(count(s, "CONTACT_REMOVED")).toBe(1);
        },
      };
    },
    async conflicting() {
      // adds and removes of one contact race: the audit alternates and ends where the plan is
      const a = await account();
      const p = await plan(a);
      const c = await contact(a);
      return {
        requests: mix(
          () => ({ query: M.addContact, variables: { p, c } }),
          () => ({ query: C.removeContact, variables: { p, c } }),
        ),
        allowed: ["NOT_FOUND"],
        async check(os) {
          const s = await mustPlan(p);
          expectLinkChain(linkEntries(s, "contactId", c, "CONTACT_ADDED", "CONTACT_REMOVED"), s.contacts.length === 1, "CONTACT_ADDED", "CONTACT_REMOVED");
          expect(count(s, "CONTACT_REMOVED")).toBe(succeeded(os, C.removeContact).length);
        },
      };
    },
    more: {
      async "vs approval"() {
        // removals of 19 contacts race the approval: one after it is PLAN_LOCKED and removes nothing
        const a = await account();
        const p = await plan(a);
        const cs: string[] = [];
        for (let i = 0; i < N - 1; i++) {
          cs.push(await contact(a));
          await ok(M.addContact, { p, c: cs[i] });
        }
        await setStatus(p, "SUBMITTED");
        return {
          requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...cs.map((c) => ({ query: C.removeContact, variables: { p, c } }))],
          allowed: ["PLAN_LOCKED"],
          async check(os) {
            expect(failed(os, M.status)).toEqual([]);
            const removed = new Set(succeeded(os, C.removeContact).map((o) => String(o.req.variables!.c)));
            const s = await mustPlan(p);
            expect(s.status).toBe("FINAL_APPROVED");
            expect(ids(s.contacts)).toEqual(cs.filter((c) => !removed.has(c)).sort());
            expect(count(s, "CONTACT_REMOVED")).toBe(removed.size);
          },
        };
      },
    },
  },

  deleteOpportunity: deleteOfLinked(OPP_LINK, C.deleteOpp, "OPPORTUNITY_DELETED", "vs linkOpportunityToPlan", async (o) => {
    expect((await ok(READ_OPP, { id: o })).opportunity).toBeNull();
  }),

  deleteActivity: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      const act = await activity(a, p);
      return {
        requests: times(N, () => ({ query: C.deleteAct, variables: { id: act } })),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          expect((await ok(READ_ACTIVITY, { id: act })).activity).toBeNull();
          const s = await mustPlan(p);
          expect(s.activities).toEqual([]);
          expect(count(s, "ACTIVITY_DELETED")).toBe(1);
        },
      };
    },
    async conflicting() {
      // deletes of 19 activities of a plan race its approval
      const a = await account();
      const p = await plan(a);
      const acts: string[] = [];
      for (let i = 0; i < N - 1; i++) acts.push(await activity(a, p));
      await setStatus(p, "SUBMITTED");
      return {
        requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...acts.map((id) => ({ query: C.deleteAct, variables: { id } }))],
        allowed: ["PLAN_LOCKED"],
        async check(os) {
          expect(failed(os, M.status)).toEqual([]);
          const deleted = new Set(succeeded(os, C.deleteAct).map((o) => String(o.req.variables!.id)));
          const s = await mustPlan(p);
          expect(ids(s.activities)).toEqual(acts.filter((x) => !deleted.has(x)).sort());
          expect(count(s, "ACTIVITY_DELETED")).toBe(deleted.size);
        },
      };
    },
    more: {
      async "vs createFollowUpActivity"() {
        // follow-ups made while their source is deleted: before it they stay (no longer a follow-up), after it NOT_FOUND
        const a = await account();
        const p = await plan(a);
        const act = await activity(a, p);
        return {
          requests: [{ query: C.deleteAct, variables: { id: act } }, ...times(N - 1, (i) => ({ query: M.followUpActivity, variables: { id: act, s: `next ${i}` } }))],
          allowed: ["NOT_FOUND"],
          async check(os) {
            expect(succeeded(os, C.deleteAct)).toHaveLength(1);
            const made = succeeded(os, M.followUpActivity).map((o) => o.data.createFollowUpActivity.id);
            for (const id of made) {
              const d = await ok(`query($id: ID!) { activity(id: $id) { id followUpOf { id } plan { id } } }`, { id });
              expect(d.activity).toEqual({ id, followUpOf: null, plan: { id: p } });
            }
            const s = await mustPlan(p);
            expect(ids(s.activities)).toEqual([...made].sort());
          },
        };
      },
    },
  },

  deleteContact: deleteOfLinked(CONTACT_LINK, C.deleteContact, "CONTACT_DELETED", "vs addPlanContact"),

  addPlanContact: {
    identical: sameLinkN(CONTACT_LINK),
    async conflicting() {
      // adds of 19 contacts race the plan's approval: an add after it is PLAN_LOCKED and adds nothing
      const a = await account();
      const p = await plan(a);
      await setStatus(p, "SUBMITTED");
      const cs: string[] = [];
      for (let i = 0; i < N - 1; i++) cs.push(await contact(a));
      return {
        requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...cs.map((c) => ({ query: M.addContact, variables: { p, c } }))],
        allowed: ["PLAN_LOCKED"],
        async check(os) {
          expect(failed(os, M.status)).toEqual([]);
          const added = succeeded(os, M.addContact).map((o) => String(o.req.variables!.c)).sort();
          const s = await mustPlan(p);
          expect(s.status).toBe("FINAL_APPROVED");
          expect(ids(s.contacts)).toEqual(added);
          expect(count(s, "CONTACT_ADDED")).toBe(added.length);
        },
      };
    },
    more: {
      // contacts added to a plan race its deletion
      "vs deleteBusinessPlan": linksVsDelete(CONTACT_LINK, async (p, _cs, os) => {
        for (const o of failed(os)) expect(o.message).toContain(`BusinessPlan ${p} not found`);
      }),
    },
  },

  changeBusinessPlanStatus: {
    async identical() {
      const p = await plan(await account());
      return {
        requests: times(N, () => ({ query: M.status, variables: { id: p, s: "SUBMITTED" } })),
        allowed: ["INVALID_STATUS_TRANSITION", "CONFLICT"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          const s = await mustPlan(p);
          expect(s.status).toBe("SUBMITTED");
          expect(s.version).toBe(2);
          expect(s.statusHistory.filter((h) => h.from === "DRAFT")).toHaveLength(1);
          expect(count(s, "STATUS_CHANGED")).toBe(1);
        },
      };
    },
    async conflicting() {
      const p = await plan(await account());
      await setStatus(p, "SUBMITTED");
      const base = await mustPlan(p);
      return {
        requests: mix(
          () => ({ query: M.status, variables: { id: p, s: "DRAFT" } }),
          () => ({ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }),
        ),
        allowed: ["INVALID_STATUS_TRANSITION", "CONFLICT"],
        async check(os) {
          const ok = succeeded(os);
          expect(ok.length).toBeGreaterThan(0);
          const s = await mustPlan(p);
          expect(s.version).toBe(base.version + ok.length);
          expect(s.statusHistory.length).toBe(base.statusHistory.length + ok.length);
          expect(count(s, "STATUS_CHANGED")).toBe(count(base, "STATUS_CHANGED") + ok.length);
          expectStatusChain(s);
          // the acknowledged changes, by the version each produced, are the history's tail in order
          const byVersion = ok.map((o) => o.data.changeBusinessPlanStatus).sort((x: any, y: any) => x.version - y.version);
          expect(byVersion.map((x: any) => x.status)).toEqual(s.statusHistory.slice(base.statusHistory.length).map((h) => h.to));
        },
      };
    },
  },

  completeActivity: {
    async identical() {
      const act = await activity(await account());
      return {
        requests: times(N, () => ({ query: M.complete, variables: { id: act } })),
        allowed: ["BAD_USER_INPUT"], // "already COMPLETED"
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          const d = await ok(READ_ACTIVITY, { id: act });
          expect(d.activity.status).toBe("COMPLETED");
        },
      };
    },
    async conflicting() {
      // completing races cancelling: whichever is first wins, the other kind is refused
      const act = await activity(await account());
      return {
        requests: mix(
          () => ({ query: M.complete, variables: { id: act } }),
          () => ({ query: M.updateActivity, variables: { id: act, i: { status: "CANCELLED" } } }),
        ),
        allowed: ["BAD_USER_INPUT"],
        async check(os) {
          const completes = succeeded(os, M.complete).length;
          const cancels = succeeded(os, M.updateActivity).length;
          const d = await ok(READ_ACTIVITY, { id: act });
          if (d.activity.status === "COMPLETED") expect([completes, cancels]).toEqual([1, 0]);
          else {
            expect(d.activity.status).toBe("CANCELLED");
            expect(completes).toBe(0);
            expect(cancels).toBeGreaterThan(0);
            expect(d.activity.completedAt).toBeNull();
          }
        },
      };
    },
  },

  copyBusinessPlan: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      await objective(p);
      return {
        requests: times(N, () => ({ query: M.copy, variables: { id: p, per: nextYearId } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const copies = new Set(succeeded(os).map((o) => o.data.copyBusinessPlan.id));
          expect(copies.size).toBe(N);
          for (const id of copies) {
            const s = await mustPlan(id);
            expect(s.copiedFrom?.id).toBe(p);
            expect(s.objectives).toHaveLength(1);
            expect(count(s, "CREATED")).toBe(1);
          }
        },
      };
    },
    async conflicting() {
      // copies race the deletion of their source: before it they succeed (and lose copiedFrom), after it NOT_FOUND
      const a = await account();
      const p = await plan(a);
      return {
        requests: [{ query: M.deletePlan, variables: { id: p } }, ...times(N - 1, () => ({ query: M.copy, variables: { id: p, per: nextYearId } }))],
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os, M.deletePlan)).toHaveLength(1);
          expect(await planState(p)).toBeNull();
          const copies = succeeded(os, M.copy).map((o) => o.data.copyBusinessPlan.id);
          const all = await ok(`query($a: ID!) { businessPlans(filter: { accountId: $a }, first: 100) { totalCount edges { node { id copiedFrom { id } } } } }`, { a });
          expect(all.businessPlans.totalCount).toBe(copies.length);
          expect(ids(all.businessPlans.edges.map((e: any) => e.node))).toEqual([...copies].sort());
          for (const e of all.businessPlans.edges) expect(e.node.copiedFrom).toBeNull();
        },
      };
    },
  },

  createAccount: {
    async identical() {
      const name = uniq("Same Account");
      return {
        requests: times(N, () => ({ query: M.createAccount, variables: { n: name } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query($s: String!) { accounts(search: $s, first: 100) { totalCount } }`, { s: name });
          expect(d.accounts.totalCount).toBe(N);
        },
      };
    },
    async conflicting() {
      const prefix = uniq("Acc");
      return {
        requests: times(N, (i) => ({ query: M.createAccount, variables: { n: `${prefix} ${i}` } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query($s: String!) { accounts(search: $s, first: 100) { totalCount edges { node { name } } } }`, { s: prefix });
          expect(d.accounts.edges.map((e: any) => e.node.name).sort()).toEqual(range(N).map((i) => `${prefix} ${i}`).sort());
        },
      };
    },
  },

  createActivity: createOnPlan({
    mutation: "createActivity",
    same: (a, p) => ({ subject: "Same", type: "CALL", accountId: a, planId: p }),
    nth: (a, p, i) => ({ subject: `S${i}`, type: "CALL", accountId: a, planId: p }),
    listed: "activities",
    action: "ACTIVITY_LINKED",
    planLink: "plan",
    noPlan: null,
  }),

  createBusinessPlan: {
    async identical() {
      const a = await account();
      return {
        requests: times(N, () => ({ query: M.createPlan, variables: { i: { name: "Same", accountId: a, periodId: yearId } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          for (const o of succeeded(os)) {
            const s = await mustPlan(o.data.createBusinessPlan.id);
            expect([s.version, count(s, "CREATED"), s.audit.length]).toEqual([1, 1, 1]);
          }
        },
      };
    },
    async conflicting() {
      // child plans race the deletion of their parent: a plan with children cannot be deleted, a deleted parent is NOT_FOUND
      const a = await account();
      const p = await plan(a);
      return {
        requests: [{ query: M.deletePlan, variables: { id: p } }, ...times(N - 1, (i) => ({ query: M.createPlan, variables: { i: { name: `Child ${i}`, accountId: a, periodId: q1Id, parentId: p } } }))],
        allowed: ["NOT_FOUND", "BAD_USER_INPUT"],
        async check(os) {
          const children = succeeded(os, M.createPlan).map((o) => o.data.createBusinessPlan.id).sort();
          const s = await planState(p);
          if (succeeded(os, M.deletePlan).length === 1) {
            expect(s).toBeNull();
            expect(children).toEqual([]);
          } else {
            expect(failed(os, M.deletePlan)[0].code).toBe("BAD_USER_INPUT");
            expect(children.length).toBeGreaterThan(0);
            expect(ids(s!.children)).toEqual(children);
          }
          for (const o of failed(os, M.createPlan)) expect(o.code).toBe("NOT_FOUND");
        },
      };
    },
  },

  createBusinessPlanTree: {
    async identical() {
      // 20 identical trees (a year and its Q1): twenty trees of two plans, each created once (version 1, one CREATED entry)
      const a = await account();
      const tree = { name: "Same", accountId: a, periodId: yearId, children: [{ name: "Same Q1", accountId: a, periodId: q1Id }] };
      return {
        requests: times(N, () => ({ query: M.createTree, variables: { i: tree } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          expect(await accountPlans(a)).toHaveLength(2 * N);
          for (const o of succeeded(os)) {
            const root = await mustPlan(o.data.createBusinessPlanTree.id);
            const child = await mustPlan(o.data.createBusinessPlanTree.children[0].id);
            expect(ids(root.children)).toEqual([child.id]);
            for (const s of [root, child]) expect([s.version, count(s, "CREATED"), s.audit.length]).toEqual([1, 1, 1]);
          }
        },
      };
    },
    async conflicting() {
      // valid trees and trees with a bad child (next year's period under this year) at once: the bad ones leave nothing
      const a = await account();
      const good = (i: number) => ({ name: `Good ${i}`, accountId: a, periodId: yearId, children: [{ name: `Good ${i} Q1`, accountId: a, periodId: q1Id }] });
      const bad = (i: number) => ({ name: `Bad ${i}`, accountId: a, periodId: yearId, children: [{ name: `Bad ${i} Q1`, accountId: a, periodId: q1Id }, { name: "Elsewhere", accountId: a, periodId: nextYearId }] });
      return {
        requests: mix((i) => ({ query: M.createTree, variables: { i: good(i) } }), (i) => ({ query: M.createTree, variables: { i: bad(i) } })),
        allowed: ["BAD_USER_INPUT"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(N / 2);
          for (const o of failed(os)) expect(o.message).toMatch(/^children\.1\.periodId: /);
          const plans = await accountPlans(a);
          expect(plans.map((p) => p.name).sort()).toEqual(range(N / 2).flatMap((i) => [`Good ${2 * i}`, `Good ${2 * i} Q1`]).sort());
        },
      };
    },
    more: {
      async "one Idempotency-Key"() {
        // a retrying client: the same tree 20 times with one key creates one tree, and every answer is the same
        const a = await account();
        const tree = { name: "Keyed", accountId: a, periodId: yearId, children: [{ name: "Keyed Q1", accountId: a, periodId: q1Id }] };
        const key = uniq("tree-key");
        return {
          requests: times(N, () => ({ query: M.createTree, variables: { i: tree }, headers: { "idempotency-key": key } })),
          async check(os) {
            expect(succeeded(os)).toHaveLength(N);
            expect(new Set(os.map((o) => JSON.stringify(o.data))).size).toBe(1);
            expect(await accountPlans(a)).toHaveLength(2);
          },
        };
      },
    },
  },

  createContact: {
    async identical() {
      const a = await account();
      return {
        requests: times(N, () => ({ query: M.createContact, variables: { a, n: "Same" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query($a: ID!) { account(id: $a) { contacts { id } } }`, { a });
          expect(ids(d.account.contacts)).toEqual(ids(succeeded(os).map((o) => o.data.createContact)));
        },
      };
    },
    async conflicting() {
      const a = await account();
      return {
        requests: times(N, (i) => ({ query: M.createContact, variables: { a, n: `N${i}` } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query($a: ID!) { account(id: $a) { contacts { firstName } } }`, { a });
          expect(d.account.contacts.map((c: any) => c.firstName).sort()).toEqual(range(N).map((i) => `N${i}`).sort());
        },
      };
    },
  },

  createFollowUpActivity: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      const src = await activity(a, p);
      return {
        requests: times(N, () => ({ query: M.followUpActivity, variables: { id: src, s: "Same" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          for (const o of succeeded(os)) expect([o.data.createFollowUpActivity.plan?.id, o.data.createFollowUpActivity.followUpOf.id]).toEqual([p, src]);
          const s = await mustPlan(p);
          expect(s.activities).toHaveLength(N + 1);
          expect(count(s, "ACTIVITY_LINKED")).toBe(N + 1);
        },
      };
    },
    // follow-ups race the deletion of their source's plan and the source's move to another plan:
    // each follows the source's plan of that moment (its plan, another plan, or none once deleted)
    conflicting: followUpsVsMove(
      (src, i) => ({ query: M.followUpActivity, variables: { id: src, s: `F${i}` } }),
      async ({ a, p2, src }, os) => {
        const s2 = await mustPlan(p2);
        const ups = succeeded(os, M.followUpActivity).map((o) => o.data.createFollowUpActivity.id);
        const d = await ok(`query($a: ID!) { account(id: $a) { activities { id plan { id } } } }`, { a });
        expect(ids(d.account.activities)).toEqual([src, ...ups].sort());
        const onP2 = d.account.activities.filter((x: any) => x.plan?.id === p2).map((x: any) => x.id);
        for (const x of d.account.activities) expect([null, p2]).toContain(x.plan?.id ?? null);
        expect(onP2).toContain(src);
        expect(ids(s2.activities)).toEqual([...onP2].sort());
        expectLinkChain(linkEntries(s2, "activityId", src, "ACTIVITY_LINKED", "ACTIVITY_UNLINKED"), true, "ACTIVITY_LINKED", "ACTIVITY_UNLINKED");
        expect(count(s2, "ACTIVITY_LINKED")).toBe(onP2.length);
      },
    ),
  },

  createFollowUpOpportunity: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      const src = await activity(a, p);
      return {
        requests: times(N, () => ({ query: M.followUpOpportunity, variables: { id: src, n: "Same" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await mustPlan(p);
          expect(ids(s.opportunities)).toEqual(ids(succeeded(os).map((o) => o.data.createFollowUpOpportunity)));
          expect(count(s, "OPPORTUNITY_LINKED")).toBe(N);
        },
      };
    },
    // follow-up opportunities race the deletion of the source's plan and the source's move to another plan:
    // each is linked to the source's plan of that moment (none once deleted)
    conflicting: followUpsVsMove(
      (src, i) => ({ query: M.followUpOpportunity, variables: { id: src, n: `O${i}` } }),
      async ({ a, p2 }, os) => {
        const made = succeeded(os, M.followUpOpportunity).map((o) => o.data.createFollowUpOpportunity.id).sort();
        const d = await ok(`query($a: ID!) { account(id: $a) { opportunities { id plans { id } } } }`, { a });
        expect(ids(d.account.opportunities)).toEqual(made);
        const onP2 = d.account.opportunities.filter((o: any) => o.plans.length).map((o: any) => o.id);
        for (const o of d.account.opportunities) expect(ids(o.plans)).toEqual(o.plans.length ? [p2] : []);
        const s2 = await mustPlan(p2);
        expect(ids(s2.opportunities)).toEqual([...onP2].sort());
        expect(count(s2, "OPPORTUNITY_LINKED")).toBe(onP2.length);
      },
    ),
  },

  createObjective: {
    async identical() {
      const p = await plan(await account());
      return {
        requests: times(N, () => ({ query: M.createObjective, variables: { i: { name: "Same", periodId: yearId, planId: p } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await mustPlan(p);
          expect(s.objectives).toHaveLength(N);
          expect(count(s, "OBJECTIVE_CREATED")).toBe(N);
        },
      };
    },
    async conflicting() {
      // children race the deletion of their parent objective: created before it they go with it (cascade), after it NOT_FOUND
      const p = await plan(await account());
      const parent = await objective(p);
      return {
        requests: [{ query: M.deleteObjective, variables: { id: parent } }, ...times(N - 1, (i) => ({ query: M.createObjective, variables: { i: { name: `K${i}`, periodId: yearId, planId: p, parentId: parent } } }))],
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os, M.deleteObjective)).toHaveLength(1);
          for (const o of failed(os)) expect(o.code).toBe("NOT_FOUND");
          const s = await mustPlan(p);
          expect(s.objectives).toEqual([]);
          expect(count(s, "OBJECTIVE_CREATED")).toBe(1 + succeeded(os, M.createObjective).length);
          expect(count(s, "OBJECTIVE_DELETED")).toBe(1);
        },
      };
    },
    more: {
      async "vs approval"() {
        // objectives created on a plan race its final approval: after it they are PLAN_LOCKED and not created
        const p = await plan(await account());
        await setStatus(p, "SUBMITTED");
        return {
          requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...times(N - 1, (i) => ({ query: M.createObjective, variables: { i: { name: `A${i}`, periodId: yearId, planId: p } } }))],
          allowed: ["PLAN_LOCKED"],
          async check(os) {
            expect(failed(os, M.status)).toEqual([]);
            const made = succeeded(os, M.createObjective).map((o) => o.data.createObjective.id).sort();
            const s = await mustPlan(p);
            expect(s.status).toBe("FINAL_APPROVED");
            expect(ids(s.objectives)).toEqual(made);
            expect(count(s, "OBJECTIVE_CREATED")).toBe(made.length);
          },
        };
      },
    },
  },

  createOpportunity: createOnPlan({
    mutation: "createOpportunity",
    same: (a, p) => ({ name: "Same", accountId: a, revenue: "1.00", planIds: [p, p] }),
    nth: (a, p, i) => ({ name: `O${i}`, accountId: a, revenue: "1.00", planIds: [p] }),
    listed: "opportunities",
    action: "OPPORTUNITY_LINKED",
    planLink: "plans",
    noPlan: [],
  }),

  createPeriod: {
    async identical() {
      const name = uniq("Same month");
      return {
        requests: times(N, () => ({ query: M.createPeriod, variables: { i: { name, type: "MONTH", startDate: "2033-01-01", endDate: "2033-01-31" } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query { periods(type: MONTH) { id name } }`);
          expect(ids(d.periods.filter((x: any) => x.name === name))).toEqual(ids(succeeded(os).map((o) => o.data.createPeriod)));
        },
      };
    },
    async conflicting() {
      const parent = (await ok(M.createPeriod, { i: { name: uniq("Y"), type: "YEAR", startDate: "2034-01-01", endDate: "2034-12-31" } })).createPeriod.id;
      return {
        requests: times(N, (i) => ({ query: M.createPeriod, variables: { i: { name: `M${i}`, type: "MONTH", parentId: parent, startDate: "2034-01-01", endDate: `2034-01-${String(10 + i)}` } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query($id: ID!) { period(id: $id) { children { id } } }`, { id: parent });
          expect(ids(d.period.children)).toEqual(ids(succeeded(os).map((o) => o.data.createPeriod)));
        },
      };
    },
  },

  createUser: {
    async identical() {
      const email = `${uniq("same")}@example.com`;
      return {
        requests: times(N, () => ({ query: M.createUser, variables: { i: { name: "Same", email, role: "ANALYST" } } })),
        allowed: ["BAD_USER_INPUT"], // "a user with email ... already exists", as for a serial repeat
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          for (const o of failed(os)) expect(o.message).toContain("already exists");
          const me = await ok(`query { me { id email } }`, {}, succeeded(os)[0].data.createUser.token);
          expect(me.me).toEqual({ id: succeeded(os)[0].data.createUser.user.id, email });
          // once more, serially: the same answer as the racers got
          const again = await gql(M.createUser, { i: { name: "Again", email, role: "ANALYST" } });
          expect(again.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
        },
      };
    },
    async conflicting() {
      // 5 emails, 4 requests each with different names and roles (and letter case): exactly one per email is created
      const emails = range(5).map(() => `${uniq("u")}@example.com`);
      const roles = ["ANALYST", "REVIEWER", "ACCOUNT_MANAGER", "ADMIN"];
      return {
        requests: times(N, (i) => ({ query: M.createUser, variables: { i: { name: `Name ${i}`, email: i % 2 ? emails[i % 5].toUpperCase() : emails[i % 5], role: roles[i % 4] } } })),
        allowed: ["BAD_USER_INPUT"],
        async check(os) {
          const ok5 = succeeded(os);
          expect(ok5.map((o) => o.data.createUser.user.email).sort()).toEqual([...emails].sort());
          for (const o of ok5) {
            const me = await ok(`query { me { id name role } }`, {}, o.data.createUser.token);
            expect(me.me.name).toBe((o.req.variables!.i as { name: string }).name);
          }
        },
      };
    },
  },

  deleteBusinessPlan: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      await objective(p);
      return {
        requests: times(N, () => ({ query: M.deletePlan, variables: { id: p } })),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          expect(await planState(p)).toBeNull();
        },
      };
    },
    async conflicting() {
      // deleting (DRAFT only) races submitting: a submitted plan is not deleted, a deleted one is not submitted
      const p = await plan(await account());
      return {
        requests: mix(
          () => ({ query: M.deletePlan, variables: { id: p } }),
          () => ({ query: M.status, variables: { id: p, s: "SUBMITTED" } }),
        ),
        allowed: ["NOT_FOUND", "BAD_USER_INPUT", "INVALID_STATUS_TRANSITION", "CONFLICT"],
        async check(os) {
          const deleted = succeeded(os, M.deletePlan).length;
          const submitted = succeeded(os, M.status).length;
          const s = await planState(p);
          if (deleted) {
            expect([deleted, submitted, s]).toEqual([1, 0, null]);
          } else {
            expect(submitted).toBe(1);
            expect(s!.status).toBe("SUBMITTED");
            expect(s!.version).toBe(2);
          }
        },
      };
    },
  },

  createWebhook: {
    async identical() {
      await deleteAllWebhooks();
      return {
        requests: times(N, () => ({ query: M.createWebhook, variables: { u: PUBLIC_HOOK } })),
        async check(os) {
          // no uniqueness rule: twenty webhooks, each with its own id and secret
          expect(succeeded(os)).toHaveLength(N);
          const created = succeeded(os).map((o) => o.data.createWebhook);
          expect(new Set(created.map((c) => c.webhook.id)).size).toBe(N);
          expect(new Set(created.map((c) => c.secret)).size).toBe(N);
          expect(ids(await webhooks())).toEqual(ids(created.map((c) => c.webhook)));
          await deleteAllWebhooks();
        },
      };
    },
    async conflicting() {
      // the cap: five places left, twenty racers: exactly five get one, as in a serial order
      await deleteAllWebhooks();
      for (const _ of range(MAX_WEBHOOKS - 5)) await ok(M.createWebhook, { u: PUBLIC_HOOK });
      return {
        requests: times(N, () => ({ query: M.createWebhook, variables: { u: PUBLIC_HOOK } })),
        allowed: ["BAD_USER_INPUT"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(5);
          for (const o of failed(os)) expect(o.message).toContain(`at most ${MAX_WEBHOOKS} webhooks`);
          expect(await webhooks()).toHaveLength(MAX_WEBHOOKS);
          await deleteAllWebhooks();
        },
      };
    },
  },

  deleteWebhook: {
    async identical() {
      const id = (await ok(M.createWebhook, { u: PUBLIC_HOOK })).createWebhook.webhook.id;
      return {
        requests: times(N, () => ({ query: M.deleteWebhook, variables: { id } })),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          expect(succeeded(os)[0].data.deleteWebhook).toBe(id);
          expect((await webhooks()).map((w) => w.id)).not.toContain(id);
        },
      };
    },
    async conflicting() {
      // deletes of ten webhooks racing ten creations: each delete succeeds once, every creation stays
      await deleteAllWebhooks();
      const hooks: string[] = [];
      for (const _ of range(N / 2)) hooks.push((await ok(M.createWebhook, { u: PUBLIC_HOOK })).createWebhook.webhook.id);
      return {
        requests: mix(
          (i) => ({ query: M.deleteWebhook, variables: { id: hooks[i / 2] } }),
          () => ({ query: M.createWebhook, variables: { u: PUBLIC_HOOK } }),
        ),
        async check(os) {
          expect(succeeded(os, M.deleteWebhook)).toHaveLength(N / 2);
          const created = succeeded(os, M.createWebhook).map((o) => o.data.createWebhook.webhook);
          expect(created).toHaveLength(N / 2);
          expect(ids(await webhooks())).toEqual(ids(created));
          await deleteAllWebhooks();
        },
      };
    },
  },

  deleteObjective: {
    async identical() {
      const p = await plan(await account());
      const ob = await objective(p);
      return {
        requests: times(N, () => ({ query: M.deleteObjective, variables: { id: ob } })),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          const s = await mustPlan(p);
          expect(s.objectives).toEqual([]);
          expect(count(s, "OBJECTIVE_DELETED")).toBe(1);
        },
      };
    },
    async conflicting() {
      // deleting races renaming: renames before it are audited, after it NOT_FOUND; nothing comes back
      const p = await plan(await account());
      const ob = await objective(p);
      return {
        requests: mix(
          () => ({ query: M.deleteObjective, variables: { id: ob } }),
          (i) => ({ query: M.updateObjective, variables: { id: ob, i: { name: `R${i}` } } }),
        ),
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os, M.deleteObjective)).toHaveLength(1);
          expect((await ok(READ_OBJECTIVE, { id: ob })).objective).toBeNull();
          const s = await mustPlan(p);
          expect(s.objectives).toEqual([]);
          expect(count(s, "OBJECTIVE_DELETED")).toBe(1);
          expect(count(s, "OBJECTIVE_UPDATED")).toBe(succeeded(os, M.updateObjective).length);
          expect(s.audit.at(-1)!.action).toBe("OBJECTIVE_DELETED");
        },
      };
    },
  },

  expireBusinessPlans: {
    async identical() {
      const a = await account();
      const ps = [await plan(a, { periodId: pastYearId }), await plan(a, { periodId: pastYearId })];
      for (const p of ps) await setStatus(p, "SUBMITTED", "FINAL_APPROVED");
      return {
        requests: times(N, () => ({ query: M.expire, variables: { d: "2099-01-01" } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const returned = succeeded(os).flatMap((o) => o.data.expireBusinessPlans.map((x: any) => x.id));
          for (const p of ps) {
            expect(returned.filter((id) => id === p), `plan ${p} expired once`).toHaveLength(1);
            const s = await mustPlan(p);
            expect(s.status).toBe("EXPIRED");
            expect(s.statusHistory.filter((h) => h.to === "EXPIRED")).toHaveLength(1);
            expectStatusChain(s);
          }
        },
      };
    },
    async conflicting() {
      // the bulk expiry races expiring one plan by hand: it expires once
      const p = await plan(await account(), { periodId: pastYearId });
      await setStatus(p, "SUBMITTED", "FINAL_APPROVED");
      return {
        requests: mix(
          () => ({ query: M.expire, variables: { d: "2099-01-01" } }),
          () => ({ query: M.status, variables: { id: p, s: "EXPIRED" } }),
        ),
        allowed: ["INVALID_STATUS_TRANSITION", "CONFLICT"],
        async check(os) {
          expect(failed(os, M.expire)).toEqual([]);
          const byBulk = succeeded(os, M.expire).filter((o) => o.data.expireBusinessPlans.some((x: any) => x.id === p)).length;
          const byHand = succeeded(os, M.status).length;
          expect(byBulk + byHand).toBe(1);
          const s = await mustPlan(p);
          expect(s.status).toBe("EXPIRED");
          expect(s.statusHistory.filter((h) => h.to === "EXPIRED")).toHaveLength(1);
          expectStatusChain(s);
        },
      };
    },
  },

  linkOpportunityToPlan: {
    identical: sameLinkN(OPP_LINK),
    async conflicting() {
      // link against unlink of the same pair: the audit trail alternates and ends with the final state
      const a = await account();
      const p = await plan(a);
      const o = await opportunity(a);
      return {
        requests: mix(
          () => ({ query: M.link, variables: { o, p } }),
          () => ({ query: M.unlink, variables: { o, p } }),
        ),
        // an unlink that runs while nothing is linked answers as a serial one would: NOT_FOUND (issue 12)
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os, M.link)).toHaveLength(N / 2);
          expect(failed(os).filter((f) => f.req.query !== M.unlink || f.code !== "NOT_FOUND")).toEqual([]);
          const s = await mustPlan(p);
          const linked = s.opportunities.some((x) => x.id === o);
          expectLinkChain(linkEntries(s, "opportunityId", o, "OPPORTUNITY_LINKED", "OPPORTUNITY_UNLINKED"), linked, "OPPORTUNITY_LINKED", "OPPORTUNITY_UNLINKED");
          expect(count(s, "OPPORTUNITY_UNLINKED")).toBe(succeeded(os, M.unlink).length);
          const d = await ok(READ_OPP, { id: o });
          expect(ids(d.opportunity.plans)).toEqual(linked ? [p] : []);
        },
      };
    },
    more: {
      // links to a plan race its deletion
      "vs deleteBusinessPlan": linksVsDelete(OPP_LINK, async (_p, opps) => {
        for (const o of opps) expect((await ok(READ_OPP, { id: o })).opportunity.plans).toEqual([]);
      }),
    },
  },

  revokeToken: {
    async identical() {
      const u = (await ok(M.createUser, { i: { name: "R", email: `${uniq("r")}@example.com`, role: "ANALYST" } })).createUser;
      return {
        requests: times(N, () => ({ query: M.revoke, variables: { t: u.token } })),
        async check(os) {
          expect(succeeded(os).filter((o) => o.data.revokeToken === true)).toHaveLength(1);
          expect((await gql(`query { me { id } }`, {}, u.token)).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
        },
      };
    },
    async conflicting() {
      // two users' tokens revoked at once, and a third user's token used meanwhile: each revoked exactly once, the third still works
      const mk = async () => (await ok(M.createUser, { i: { name: "R", email: `${uniq("r")}@example.com`, role: "ANALYST" } })).createUser;
      const [u1, u2, u3] = [await mk(), await mk(), await mk()];
      return {
        requests: [...times(N - 2, (i) => ({ query: M.revoke, variables: { t: i % 2 ? u1.token : u2.token } })), { query: `query { me { id } }`, token: u3.token }, { query: `query { me { id } }`, token: u3.token }],
        async check(os) {
          for (const t of [u1.token, u2.token]) {
            expect(succeeded(os, M.revoke).filter((o) => o.req.variables!.t === t && o.data.revokeToken === true)).toHaveLength(1);
            expect((await gql(`query { me { id } }`, {}, t)).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
          }
          expect((await ok(`query { me { id } }`, {}, u3.token)).me.id).toBe(u3.user.id);
        },
      };
    },
  },

  unlinkOpportunityFromPlan: {
    async identical() {
      const a = await account();
      const p = await plan(a);
      const o = await opportunity(a, [p]);
      return {
        requests: times(N, () => ({ query: M.unlink, variables: { o, p } })),
        // a serial repeat of an unlink finds nothing linked: NOT_FOUND (issue 12)
        allowed: ["NOT_FOUND"],
        async check(os) {
          expect(succeeded(os)).toHaveLength(1);
          expect(failed(os).map((o) => o.code)).toEqual(Array(N - 1).fill("NOT_FOUND"));
          const s = await mustPlan(p);
          expect(s.opportunities).toEqual([]);
          expect(count(s, "OPPORTUNITY_UNLINKED")).toBe(1);
        },
      };
    },
    async conflicting() {
      // unlinking races the plan's expiry (links of an EXPIRED plan are final): refused unlinks change nothing
      const a = await account();
      const p = await plan(a, { periodId: pastYearId });
      await setStatus(p, "SUBMITTED", "FINAL_APPROVED");
      const opps: string[] = [];
      for (let i = 0; i < N - 1; i++) opps.push(await opportunity(a, [p]));
      return {
        requests: [{ query: M.status, variables: { id: p, s: "EXPIRED" } }, ...opps.map((o) => ({ query: M.unlink, variables: { o, p } }))],
        allowed: ["PLAN_LOCKED"],
        async check(os) {
          expect(failed(os, M.status)).toEqual([]);
          const unlinked = succeeded(os, M.unlink).map((o) => String(o.req.variables!.o));
          const s = await mustPlan(p);
          expect(s.status).toBe("EXPIRED");
          expect(ids(s.opportunities)).toEqual(opps.filter((o) => !unlinked.includes(o)).sort());
          expect(count(s, "OPPORTUNITY_UNLINKED")).toBe(unlinked.length);
        },
      };
    },
  },

  updateAccount: {
    async identical() {
      const a = await account();
      return {
        requests: times(N, () => ({ query: M.updateAccount, variables: { id: a, i: { name: "Renamed", industry: "Steel" } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          expect((await ok(`query($id: ID!) { account(id: $id) { name industry } }`, { id: a })).account).toEqual({ name: "Renamed", industry: "Steel" });
        },
      };
    },
    async conflicting() {
      const a = await account();
      return {
        requests: times(N, (i) => ({ query: M.updateAccount, variables: { id: a, i: { name: `Name ${i}`, industry: `Industry ${i}` } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = await ok(`query($id: ID!) { account(id: $id) { name industry } }`, { id: a });
          // name and industry come from the same request (one request's write, not a mix)
          expect(d.account.industry).toBe(d.account.name.replace("Name", "Industry"));
        },
      };
    },
  },

  updateActivity: {
    async identical() {
      const a = await account();
      const [p1, p2] = [await plan(a), await plan(a)];
      const act = await activity(a, p1);
      return {
        requests: times(N, () => ({ query: M.updateActivity, variables: { id: act, i: { planId: p2, subject: "Moved" } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const [s1, s2] = [await mustPlan(p1), await mustPlan(p2)];
          expect([count(s1, "ACTIVITY_LINKED"), count(s1, "ACTIVITY_UNLINKED")]).toEqual([1, 1]);
          expect([count(s2, "ACTIVITY_LINKED"), count(s2, "ACTIVITY_UNLINKED")]).toEqual([1, 0]);
          expect(ids(s2.activities)).toEqual([act]);
        },
      };
    },
    async conflicting() {
      // moves to two different plans race: each plan's link/unlink trail alternates and matches where the activity ends
      const a = await account();
      const [p1, p2, p3] = [await plan(a), await plan(a), await plan(a)];
      const act = await activity(a, p1);
      return {
        requests: mix(
          () => ({ query: M.updateActivity, variables: { id: act, i: { planId: p2 } } }),
          () => ({ query: M.updateActivity, variables: { id: act, i: { planId: p3 } } }),
        ),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const final = (await ok(READ_ACTIVITY, { id: act })).activity.plan?.id;
          for (const p of [p1, p2, p3]) {
            const s = await mustPlan(p);
            expectLinkChain(linkEntries(s, "activityId", act, "ACTIVITY_LINKED", "ACTIVITY_UNLINKED"), final === p, "ACTIVITY_LINKED", "ACTIVITY_UNLINKED");
          }
        },
      };
    },
  },

  updateBusinessPlan: {
    async identical() {
      const p = await plan(await account());
      return {
        requests: times(N, () => ({ query: M.updatePlan, variables: { id: p, i: { name: "Same name" } } })),
        allowed: ["CONFLICT"], // optimistic: a writer that read the old version is told to reload
        async check(os) {
          expect(succeeded(os).length).toBeGreaterThan(0);
          const s = await mustPlan(p);
          expect([s.name, s.version, count(s, "UPDATED")]).toEqual(["Same name", 2, 1]);
        },
      };
    },
    async conflicting() {
      const p = await plan(await account());
      return {
        requests: times(N, (i) => ({ query: M.updatePlan, variables: { id: p, i: { name: `Name ${i}` } } })),
        allowed: ["CONFLICT"],
        async check(os) {
          const ok = succeeded(os).map((o) => o.data.updateBusinessPlan).sort((x: any, y: any) => x.version - y.version);
          expect(ok.length).toBeGreaterThan(0);
          const s = await mustPlan(p);
          expect(s.version).toBe(1 + ok.length);
          expect(ok.map((x: any) => x.version)).toEqual(range(ok.length).map((i) => i + 2));
          expect(s.name).toBe(ok.at(-1).name);
          expect(s.audit.filter((e) => e.action === "UPDATED").map((e) => e.changes.find((c) => c.field === "name")!.newValue)).toEqual(ok.map((x: any) => x.name));
        },
      };
    },
    more: {
      async "vs approval"() {
        // edits race the plan's final approval: an edit after it is PLAN_LOCKED (or CONFLICT if it read the plan before)
        const p = await plan(await account());
        await setStatus(p, "SUBMITTED");
        const base = await mustPlan(p);
        return {
          requests: [{ query: M.status, variables: { id: p, s: "FINAL_APPROVED" } }, ...times(N - 1, (i) => ({ query: M.updatePlan, variables: { id: p, i: { name: `E${i}` } } }))],
          allowed: ["PLAN_LOCKED", "CONFLICT"],
          async check(os) {
            const edits = succeeded(os, M.updatePlan).map((o) => o.data.updateBusinessPlan).sort((x: any, y: any) => x.version - y.version);
            const approved = succeeded(os, M.status).length;
            const s = await mustPlan(p);
            expect(s.version).toBe(base.version + approved + edits.length);
            expect(count(s, "UPDATED")).toBe(count(base, "UPDATED") + edits.length);
            expectStatusChain(s);
            if (approved) {
              expect(s.status).toBe("FINAL_APPROVED");
              // every acknowledged edit came before the approval
              const approvedAt = s.audit.findIndex((e) => e.action === "STATUS_CHANGED" && e.changes.some((c) => c.newValue === "FINAL_APPROVED"));
              expect(s.audit.slice(approvedAt + 1).map((e) => e.action)).toEqual([]);
            } else expect(failed(os, M.status)[0].code).toBe("CONFLICT");
            if (edits.length) expect(s.name).toBe(edits.at(-1).name); // the approval does not rename
          },
        };
      },
    },
  },

  updateObjective: {
    async identical() {
      const p = await plan(await account());
      const ob = await objective(p);
      return {
        requests: times(N, () => ({ query: M.updateObjective, variables: { id: ob, i: { name: "Same" } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const s = await mustPlan(p);
          expect(count(s, "OBJECTIVE_UPDATED")).toBe(1);
          expect((await ok(READ_OBJECTIVE, { id: ob })).objective.name).toBe("Same");
        },
      };
    },
    async conflicting() {
      // a target quantity needs a unit: setting one races removing the other; never both
      const p = await plan(await account());
      const ob = await objective(p, { unit: "UNITS" });
      return {
        requests: mix(
          () => ({ query: M.updateObjective, variables: { id: ob, i: { targetQuantity: 5 } } }),
          () => ({ query: M.updateObjective, variables: { id: ob, i: { unit: null } } }),
        ),
        allowed: ["BAD_USER_INPUT"],
        async check(os) {
          const d = (await ok(READ_OBJECTIVE, { id: ob })).objective;
          expect(d.targetQuantity != null && d.unit == null, JSON.stringify(d)).toBe(false);
          const s = await mustPlan(p);
          // one audit entry per acknowledged change: the first of each kind changes something, repeats do not
          const kinds = new Set(succeeded(os).map((o) => Object.keys(o.req.variables!.i as object)[0]));
          expect(count(s, "OBJECTIVE_UPDATED")).toBe(kinds.size);
        },
      };
    },
  },

  updateOpportunity: {
    async identical() {
      const o = await opportunity(await account());
      return {
        requests: times(N, () => ({ query: M.updateOpportunity, variables: { id: o, i: { status: "WON" } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = (await ok(READ_OPP, { id: o })).opportunity;
          expect([d.status, d.probability]).toEqual(["WON", 100]);
        },
      };
    },
    async conflicting() {
      const o = await opportunity(await account());
      return {
        requests: times(N, (i) => ({ query: M.updateOpportunity, variables: { id: o, i: { name: `N${i}`, revenue: `${i}.00` } } })),
        async check(os) {
          expect(succeeded(os)).toHaveLength(N);
          const d = (await ok(READ_OPP, { id: o })).opportunity;
          expect(d.name).toBe(`N${Number.parseInt(d.revenue, 10)}`);
        },
      };
    },
  },
};

const MUTATIONS = Object.keys(buildAppSchema().getMutationType()!.getFields()).sort();

describe(`concurrency fuzz (${TEST_DB}${TEST_DB === "postgres" ? ", two processes" : ", one process"})`, () => {
  beforeAll(async () => {
    const env = { SEED_DEMO: "false", ADMIN_TOKEN: ADMIN, DB_POOL_SIZE: "10", LOG_LEVEL: "error" };
    if (TEST_DB === "postgres") {
      const fresh = await freshDatabaseUrl("postgres");
      const started = await Promise.allSettled([startServerProcess({ ...env, DATABASE_URL: fresh.url }), startServerProcess({ ...env, DATABASE_URL: fresh.url })]);
      servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
      cleanup = fresh.drop;
      const failedStart = started.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
      if (failedStart) throw failedStart.reason;
    } else {
      const dir = mkdtempSync(join(tmpdir(), "conc-fuzz-"));
      servers = [await startServerProcess({ ...env, DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}` })];
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    urls = servers.map((s) => s.url);
    // open every pooled connection now, so that the first burst meets warm pools like the others
    // (the outcome checks hold however many requests overlap; this only lets the first one overlap too)
    await fire(times(2 * N, () => ({ query: `query { me { id } }` })));
    const mk = (name: string, type: string, startDate: string, endDate: string, parentId?: string) =>
      ok(M.createPeriod, { i: { name, type, startDate, endDate, parentId } }).then((d) => d.createPeriod.id as string);
    yearId = await mk("FY2031", "YEAR", "2031-01-01", "2031-12-31");
    q1Id = await mk("FY2031 Q1", "QUARTER", "2031-01-01", "2031-03-31", yearId);
    nextYearId = await mk("FY2032", "YEAR", "2032-01-01", "2032-12-31");
    pastYearId = await mk("FY2020", "YEAR", "2020-01-01", "2020-12-31");
  }, 120_000);

  afterAll(async () => {
    // the servers log at level error: only what reached a client as INTERNAL_SERVER_ERROR, with its cause
    const logged = servers.flatMap((s) => s.output().split("\n").filter((line) => line.startsWith("{")));
    // eslint-disable-next-line no-console
    if (logged.length) console.log(`server errors:\n${logged.join("\n")}`);
    await Promise.all(servers.map((s) => s.stop()));
    await cleanup();
  }, 60_000);

  it("has a scenario for every mutation of the schema", () => {
    expect(MUTATIONS.filter((m) => !SCENARIOS[m]), "mutations without a concurrency scenario").toEqual([]);
    expect(Object.keys(SCENARIOS).filter((m) => !MUTATIONS.includes(m)), "scenarios for mutations that no longer exist").toEqual([]);
  });

  for (const name of MUTATIONS) {
    const scenario = SCENARIOS[name];
    const variants: Array<[string, () => Promise<Burst>]> = scenario
      ? [
          ["identical", scenario.identical],
          ["conflicting", scenario.conflicting],
          ...Object.entries(scenario.more ?? {}).map(([what, burst]): [string, () => Promise<Burst>] => [`conflicting (${what})`, burst]),
        ]
      : [];
    for (const [variant, makeBurst] of variants) {
      it(`${name}: ${N} ${variant} requests at once`, async () => {
        const burst = await makeBurst();
        expect(burst.requests).toHaveLength(N);
        const outcomes = await fire(burst.requests);
        const allowed = new Set(burst.allowed ?? []);
        const unexpected = outcomes.filter((o) => o.code && !allowed.has(o.code)).map((o) => `${o.code}: ${o.message}`);
        expect(unexpected, `unexpected errors for ${name} (${variant})`).toEqual([]);
        await burst.check(outcomes);
      }, 60_000);
    }
  }
});
