/**
 * Several stateless API processes against one PostgreSQL database: two
 * compiled servers (`node dist/src/main.js`) on different ports share a fresh
 * database. Conflicting writes are decided by the conditional version update
 * inside READ COMMITTED transactions, across processes and across pooled
 * connections of one process, with no serialisation queue.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { postGql, type ServerProcess, startServerProcess } from "./helpers/server";
import { keyOf } from "./helpers/ids";

const N = 200;
const POOL = 10; // DB_POOL_SIZE of each server
const ADMIN_TOKEN = `mp-admin-${Date.now()}-${Math.random().toString(36).slice(2)}`;

const PLAN_FIELDS = "id name version revenueTarget";
const UPDATE = `mutation($id: ID!, $v: Int, $input: UpdateBusinessPlanInput!) {
  updateBusinessPlan(id: $id, expectedVersion: $v, input: $input) { ${PLAN_FIELDS} }
}`;
const READ = `query($id: ID!) { businessPlan(id: $id) { ${PLAN_FIELDS} } }`;
const AUDIT = `query($id: ID!, $n: Int) { businessPlan(id: $id) { ${PLAN_FIELDS}
  auditTrail(first: $n) { action changedBy { id } changes { field oldValue newValue } } } }`;

/** "12.30" <-> 1230n */
const cents = (d: string): bigint => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(d);
  if (!m) throw new Error(`not a Decimal: ${d}`);
  const v = BigInt(m[2]) * 100n + BigInt(m[3]);
  return m[1] ? -v : v;
};
const decimal = (c: bigint): string => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How a CONFLICT was decided: the in-transaction stale read, or the conditional UPDATE matching 0 rows. */
const conflictKind = (message: string) => (/is at version \d+, not \d+/.test(message) ? "stale-read" : "conditional-update");

async function ok<T = any>(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await postGql<T>(url, token, query, variables);
  if (r.errors?.length) throw new Error(`GraphQL errors from ${url}: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

interface Figures {
  successes: number;
  conflicts: number;
  conflictKinds: Record<string, number>;
  otherErrors: string[];
  attempts?: number;
  maxAttempts?: number;
  /** single-burst: transactions of the one process waiting on the row lock at the same time. */
  blockedTogether?: number;
  ms: number;
}
const figures: Record<string, Figures> = {};

describe.skipIf(TEST_DB !== "postgres")("two API processes on one PostgreSQL database", () => {
  let servers: ServerProcess[] = [];
  let drop: () => Promise<void> = async () => {};
  let dbUrl: string;
  let manager: { id: string; token: string };
  let periodId: string;
  let accountId: string;

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl("postgres");
    drop = fresh.drop;
    dbUrl = fresh.url;
    const env = { DATABASE_URL: fresh.url, SEED_DEMO: "false", ADMIN_TOKEN, DB_POOL_SIZE: String(POOL) };
    // Both start at once against the empty database: the migration lock lets exactly one migrate.
    // Different hosts may run in different time zones: the instants they store must not depend on it.
    const started = await Promise.allSettled([startServerProcess({ ...env, TZ: "America/New_York" }), startServerProcess({ ...env, TZ: "Asia/Tokyo" })]);
    servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected") as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
    expect(new Set(servers.map((s) => s.url)).size).toBe(2);

    // Set up through GraphQL: a manager (via the admin token), an account, a period.
    const created = await ok(servers[0].url, ADMIN_TOKEN, `mutation { createUser(input: { name: "Mia Manager", email: "mia@mp.example", role: ACCOUNT_MANAGER }) { token user { id } } }`);
    manager = { id: created.createUser.user.id, token: created.createUser.token };
    const period = await ok(servers[1].url, ADMIN_TOKEN, `mutation { createPeriod(input: { name: "FY2031", type: YEAR, startDate: "2031-01-01", endDate: "2031-12-31" }) { id } }`);
    periodId = period.createPeriod.id;
    const account = await ok(servers[1].url, manager.token, `mutation { createAccount(input: { name: "Initech" }) { id } }`);
    accountId = account.createAccount.id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop();
    // eslint-disable-next-line no-console
    if (Object.keys(figures).length) console.log(`multi-process figures: ${JSON.stringify(figures, null, 2)}`);
  }, 60_000);

  async function createPlan(name: string, revenueTarget: string) {
    const d = await ok(servers[0].url, manager.token, `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { ${PLAN_FIELDS} } }`, {
      input: { name, accountId, periodId, revenueTarget },
    });
    return d.createBusinessPlan as { id: string; name: string; version: number; revenueTarget: string };
  }

  async function auditOf(planId: string) {
    const d = await ok(servers[1].url, manager.token, AUDIT, { id: planId, n: 500 });
    const entries = [...d.businessPlan.auditTrail].reverse() as Array<{
      action: string;
      changedBy: { id: string };
      changes: Array<{ field: string; oldValue: string | null; newValue: string | null }>;
    }>; // oldest first
    return { plan: d.businessPlan, entries };
  }

  /** 200 concurrent updates with the same expectedVersion, request i to urls[i % urls.length]. */
  async function conflictingBurst(label: string, planId: string, version: number, urls: string[]) {
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => postGql(urls[i % urls.length], manager.token, UPDATE, { id: planId, v: version, input: { name: `${label}-${i}` } })),
    );
    const f: Figures = { successes: 0, conflicts: 0, conflictKinds: {}, otherErrors: [], ms: Date.now() - t0 };
    let winner = -1;
    results.forEach((r, i) => {
      if (!r.errors?.length) {
        f.successes++;
        winner = i;
      } else if (r.errors[0].extensions?.code === "CONFLICT") {
        f.conflicts++;
        const k = conflictKind(r.errors[0].message);
        f.conflictKinds[k] = (f.conflictKinds[k] ?? 0) + 1;
      } else f.otherErrors.push(JSON.stringify(r.errors));
    });
    figures[label] = f;
    return { f, winner, results };
  }

  /**
   * 200 concurrent read-modify-write workers: read the plan, add the worker's own
   * amount to revenueTarget and set name to the worker's token, update with the
   * version read; on CONFLICT back off (random, growing) and start over.
   */
  async function readModifyWrite(label: string, planId: string, urls: string[]) {
    const inc = (i: number) => BigInt(i + 1) * 1001n;
    const f: Figures = { successes: 0, conflicts: 0, conflictKinds: {}, otherErrors: [], attempts: 0, maxAttempts: 0, ms: 0 };
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const url = urls[i % urls.length];
        for (let attempt = 1; ; attempt++) {
          f.attempts!++;
          const cur = (await ok(url, manager.token, READ, { id: planId })).businessPlan;
          const r = await postGql(url, manager.token, UPDATE, {
            id: planId,
            v: cur.version,
            input: { name: `${label}-${i}`, revenueTarget: decimal(cents(cur.revenueTarget) + inc(i)) },
          });
          if (!r.errors?.length) {
            f.successes++;
            f.maxAttempts = Math.max(f.maxAttempts!, attempt);
            return;
          }
          if (r.errors[0].extensions?.code !== "CONFLICT") {
            f.otherErrors.push(JSON.stringify(r.errors));
            return;
          }
          f.conflicts++;
          const k = conflictKind(r.errors[0].message);
          f.conflictKinds[k] = (f.conflictKinds[k] ?? 0) + 1;
          if (attempt >= 500) throw new Error(`worker ${i} gave up after ${attempt} attempts`);
          // exponential backoff with full jitter: the contenders spread out instead of retrying in step
          await sleep(Math.random() * Math.min(5_000, 20 * 2 ** attempt));
        }
      }),
    );
    f.ms = Date.now() - t0;
    figures[label] = f;
    return { f, inc };
  }

  /**
   * The audit trail's UPDATED entries after `from` (oldest first) must form one
   * unbroken chain of exactly `N` links starting at `start`: each entry's old
   * values are the previous entry's new values, every worker appears exactly
   * once, and each step adds exactly that worker's amount. Returns the last link.
   */
  function expectChain(
    updated: Array<{ changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>,
    start: { name: string; revenueTarget: string },
    label: string,
    inc: (i: number) => bigint,
  ) {
    expect(updated).toHaveLength(N);
    let prev = start;
    const seen = new Set<number>();
    for (const [k, e] of updated.entries()) {
      const byField = Object.fromEntries(e.changes.map((c) => [c.field, c]));
      expect(Object.keys(byField).sort(), `entry ${k}`).toEqual(["name", "revenueTarget"]);
      expect(byField.name.oldValue, `entry ${k}: name chain`).toBe(prev.name);
      expect(byField.revenueTarget.oldValue, `entry ${k}: revenueTarget chain`).toBe(prev.revenueTarget);
      const m = new RegExp(`^${label}-(\\d+)$`).exec(byField.name.newValue ?? "");
      expect(m, `entry ${k}: ${byField.name.newValue}`).not.toBeNull();
      const i = Number(m![1]);
      expect(seen.has(i), `worker ${i} recorded twice`).toBe(false);
      seen.add(i);
      expect(cents(byField.revenueTarget.newValue!) - cents(byField.revenueTarget.oldValue!), `entry ${k}: worker ${i}'s amount`).toBe(inc(i));
      prev = { name: byField.name.newValue!, revenueTarget: byField.revenueTarget.newValue! };
    }
    expect(seen.size).toBe(N);
    return prev;
  }

  it("both processes serve the same data (no per-process state): a token issued through one works on the other", async () => {
    for (const s of servers) {
      const d = await ok(s.url, manager.token, `{ me { id role } accounts { totalCount } }`);
      expect(d.me).toEqual({ id: manager.id, role: "ACCOUNT_MANAGER" });
      expect(d.accounts.totalCount).toBe(1);
    }
  });

  it("processes in different time zones store and read the same instants (database defaults and app-written times)", async () => {
    const before = Date.now();
    const plan = await createPlan("Initech clock check", "1.00");
    const TIMES = `query($id: ID!) { businessPlan(id: $id) { createdAt updatedAt auditTrail(first: 5) { action changedAt } } }`;
    await ok(servers[1].url, manager.token, UPDATE, { id: plan.id, v: 1, input: { name: "Initech clock check 2" } });
    const seen = await Promise.all(servers.map((s) => ok(s.url, manager.token, TIMES, { id: plan.id })));
    const after = Date.now();
    expect(seen[1]).toEqual(seen[0]);
    const p = seen[0].businessPlan;
    const instants = [p.createdAt, p.updatedAt, ...p.auditTrail.map((e: { changedAt: string }) => e.changedAt)].map((t: string) => Date.parse(t));
    expect(p.auditTrail).toHaveLength(2);
    for (const t of instants) {
      expect(t).toBeGreaterThanOrEqual(before - 5_000);
      expect(t).toBeLessThanOrEqual(after + 5_000);
    }
    // client-given instants and calendar dates round-trip unchanged through the other zone
    const act = await ok(servers[0].url, manager.token, `mutation($a: ID!) { createActivity(input: { subject: "Kickoff", type: MEETING, accountId: $a, dueAt: "2031-03-01T09:30:00.000Z" }) { id } }`, { a: accountId });
    const opp = await ok(servers[1].url, manager.token, `mutation($a: ID!) { createOpportunity(input: { name: "Pilot", accountId: $a, revenue: "5.00", closeDate: "2031-06-30" }) { id } }`, { a: accountId });
    const DATES = `query($act: ID!, $opp: ID!, $per: ID!) { activity(id: $act) { dueAt } opportunity(id: $opp) { closeDate } period(id: $per) { startDate endDate } }`;
    for (const s of servers) {
      expect(await ok(s.url, manager.token, DATES, { act: act.createActivity.id, opp: opp.createOpportunity.id, per: periodId })).toEqual({
        activity: { dueAt: "2031-03-01T09:30:00.000Z" },
        opportunity: { closeDate: "2031-06-30" },
        period: { startDate: "2031-01-01", endDate: "2031-12-31" },
      });
    }
  });

  it(
    `${N} concurrent conflicting updates over both processes with one expectedVersion: exactly 1 succeeds, ${N - 1} get CONFLICT; then ${N} read-modify-write updates all succeed with an unbroken audit chain`,
    async () => {
      const urls = servers.map((s) => s.url);
      const plan = await createPlan("Initech FY2031", "1000000.00");
      expect(plan.version).toBe(1);

      // Round 1: everyone claims version 1.
      const { f: burst, winner } = await conflictingBurst("burst", plan.id, 1, urls);
      expect(burst.otherErrors).toEqual([]);
      expect(burst.successes).toBe(1);
      expect(burst.conflicts).toBe(N - 1);
      const afterBurst = await auditOf(plan.id);
      expect(afterBurst.plan.version).toBe(2);
      expect(afterBurst.plan.name).toBe(`burst-${winner}`);
      const burstUpdates = afterBurst.entries.filter((e) => e.action === "UPDATED");
      expect(burstUpdates).toHaveLength(1);
      expect(burstUpdates[0].changes).toEqual([{ field: "name", oldValue: "Initech FY2031", newValue: `burst-${winner}` }]);

      // Round 2: read-modify-write with retries on CONFLICT, spread over both processes.
      const { f: rmw, inc } = await readModifyWrite("rmw", plan.id, urls);
      expect(rmw.otherErrors).toEqual([]);
      expect(rmw.successes).toBe(N);
      const { plan: final, entries } = await auditOf(plan.id);
      expect(final.version).toBe(2 + N);
      const sum = Array.from({ length: N }, (_, i) => inc(i)).reduce((a, b) => a + b, 0n);
      expect(final.revenueTarget).toBe(decimal(cents("1000000.00") + sum)); // 0 lost updates
      expect(entries.map((e) => e.action)).toEqual(["CREATED", ...Array(1 + N).fill("UPDATED")]);
      expect(entries.every((e) => e.changedBy.id === manager.id)).toBe(true);
      const last = expectChain(entries.slice(2), { name: `burst-${winner}`, revenueTarget: "1000000.00" }, "rmw", inc);
      expect(last).toEqual({ name: final.name, revenueTarget: final.revenueTarget });
    },
    300_000,
  );

  it(
    `one process alone: its transactions run at the same time on its pool (no serialisation queue); ${N} read-modify-write updates keep an unbroken chain`,
    async () => {
      const url = [servers[0].url];
      const plan = await createPlan("Initech FY2031 single", "50.00");

      // Hold the plan's row lock from outside, so every transaction that reaches its UPDATE waits.
      // Watch from another session: inside the holder's transaction pg_stat_activity would be a
      // snapshot taken at its first read (sessions opened later would never show up).
      const holder = new Client({ connectionString: dbUrl });
      const monitor = new Client({ connectionString: dbUrl });
      await Promise.all([holder.connect(), monitor.connect()]);
      let waiting = 0;
      let activity = "";
      let burstP: ReturnType<typeof conflictingBurst>;
      try {
        await holder.query("BEGIN");
        await holder.query("SELECT id FROM business_plan WHERE id = $1 FOR UPDATE", [keyOf(plan.id)]);
        const others = [(await holder.query("SELECT pg_backend_pid() AS p")).rows[0].p, (await monitor.query("SELECT pg_backend_pid() AS p")).rows[0].p];
        burstP = conflictingBurst("single-burst", plan.id, 1, url);
        // With a serialisation queue at most one transaction of the process could be waiting;
        // without one, every pooled connection ends up in its own transaction blocked on the row.
        // (polled until they are all waiting; 45 s is only a failure bound)
        for (const deadline = Date.now() + 45_000; waiting < POOL && Date.now() < deadline; ) {
          await sleep(20);
          const r = await monitor.query(
            "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock' AND pid <> ALL($1::int[])",
            [others],
          );
          waiting = r.rows[0].n;
        }
        const snap = await monitor.query(
          "SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS q FROM pg_stat_activity WHERE datname = current_database() AND pid <> ALL($1::int[]) ORDER BY state, q",
          [others],
        );
        activity = snap.rows.map((r) => `${r.state}/${r.wait_event_type ?? "-"}/${r.wait_event ?? "-"}: ${r.q}`).join("\n");
      } finally {
        await holder.query("ROLLBACK").catch(() => undefined);
        await Promise.all([holder.end(), monitor.end()]);
      }
      const { f: burst, winner } = await burstP!;
      figures["single-burst"].blockedTogether = waiting;
      expect(waiting, `sessions of the database while the row was held:\n${activity}`).toBe(POOL);
      expect(burst.otherErrors).toEqual([]);
      expect(burst.successes).toBe(1);
      expect(burst.conflicts).toBe(N - 1);
      // The blocked losers queued on the plan's row (SELECT ... FOR UPDATE) and, once it was theirs,
      // read the winner's version: every one is told its expectedVersion is stale, none gets past the read.
      expect(burst.conflictKinds).toEqual({ "stale-read": N - 1 });

      const { f: rmw, inc } = await readModifyWrite("single-rmw", plan.id, url);
      expect(rmw.otherErrors).toEqual([]);
      expect(rmw.successes).toBe(N);
      const { plan: final, entries } = await auditOf(plan.id);
      expect(final.version).toBe(2 + N);
      const sum = Array.from({ length: N }, (_, i) => inc(i)).reduce((a, b) => a + b, 0n);
      expect(final.revenueTarget).toBe(decimal(cents("50.00") + sum));
      const updated = entries.filter((e) => e.action === "UPDATED");
      expect(updated).toHaveLength(1 + N);
      const last = expectChain(updated.slice(1), { name: `single-burst-${winner}`, revenueTarget: "50.00" }, "single-rmw", inc);
      expect(last).toEqual({ name: final.name, revenueTarget: final.revenueTarget });
    },
    300_000,
  );
});

describe.runIf(TEST_DB !== "postgres")("two API processes on one database (PostgreSQL only)", () => {
  it.skip("skipped on SQLite: several API processes need a shared server database; SQLite serves one machine (see docs/scaling.md)", () => {});
});
