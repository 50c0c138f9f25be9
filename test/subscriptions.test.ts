/**
 * Subscription.planChanged over WebSocket (graphql-ws on /graphql): committed changes only, once per
 * subscriber, roles, the per-user cap, and (PostgreSQL) fan-out across two server processes through
 * LISTEN/NOTIFY, surviving a dropped listener connection. Every wait is for an event, with a failure
 * bound; nothing sleeps.
 */
import fc from "fast-check";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../src/modules/plans/plan-audit";
import { LISTENER_APPLICATION_NAME } from "../src/modules/plans/plan-changes";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { keyOf } from "./helpers/ids";
import { postGql, postGraphql, type ServerProcess, startServerProcess, type TestServer as LiveApp, startTestServer as startLiveApp } from "./helpers/server";
import { type TestSubscription, wsClient } from "./helpers/ws-client";

const SUB = `subscription($a: ID!) { planChanged(accountId: $a) { action changedAt changedBy { id } plan { id name status } } }`;
const ADMIN = "demo-admin";
const MANAGER = "demo-giulia";
const ANALYST = "demo-alan";

async function ok(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const r = await postGql(url, token, query, variables);
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}

/** An account with a period and `n` DRAFT plans owned by the manager. */
async function setup(url: string, manager: string, n: number) {
  const tag = Math.random().toString(36).slice(2, 8);
  const account = (await ok(url, manager, `mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: `Subs ${tag}` })).createAccount.id as string;
  const period = (await ok(url, ADMIN, `mutation($n: String!) { createPeriod(input: { name: $n, type: YEAR, startDate: "2032-01-01", endDate: "2032-12-31" }) { id } }`, { n: `FY ${tag}` }))
    .createPeriod.id as string;
  const plans: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = await ok(url, manager, `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, {
      i: { name: `plan ${i} ${tag}`, accountId: account, periodId: period },
    });
    plans.push(d.createBusinessPlan.id);
  }
  return { account, period, plans };
}

const rename = (url: string, token: string, id: string, name: string) =>
  ok(url, token, `mutation($id: ID!, $n: String!) { updateBusinessPlan(id: $id, input: { name: $n }) { id name } }`, { id, n: name });

/**
 * Waits until `sub` is live: renames `warmPlan` (every 200 ms, a failure bound of 20 s) until an event
 * of it arrives, then renames it once more to a sync name and takes events until that one: afterwards
 * no warm-up event is still on its way.
 */
async function untilLive(sub: TestSubscription, url: string, token: string, warmPlan: string) {
  let stop = false;
  let n = 0;
  const poke = (async () => {
    const deadline = Date.now() + 20_000;
    while (!stop && Date.now() < deadline) {
      await rename(url, token, warmPlan, `warm ${++n}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    await sub.next(20_000);
  } finally {
    stop = true;
    await poke;
  }
  const sync = `sync ${Date.now()}`;
  await rename(url, token, warmPlan, sync);
  for (;;) {
    const e = await sub.next();
    if (e.data?.planChanged.plan.id === warmPlan && e.data.planChanged.plan.name === sync && sub.pending() === 0) {
      // later warm-up events would show the sync name too: drain what is queued, then one more sync
      const last = `sync-final ${Date.now()}`;
      await rename(url, token, warmPlan, last);
      for (;;) {
        const f = await sub.next();
        if (f.data?.planChanged.plan.name === last) return;
      }
    }
  }
}

describe("Subscription.planChanged (one server)", () => {
  let live: LiveApp;
  let url: string;
  let fx: Awaited<ReturnType<typeof setup>>;

  beforeAll(async () => {
    live = await startLiveApp({ seed: true, logLevel: "silent", env: { SUBSCRIPTIONS_PER_USER: "3", PLAN_EVENTS_RECONNECT_MS: "1000" } });
    url = `${live.origin}/graphql`;
    fx = await setup(url, MANAGER, 3);
  }, 60_000);
  afterAll(async () => {
    await live?.stop();
  });

  it("an ANALYST receives every committed change once, in order; nothing for a refused or rolled-back mutation", async () => {
    const ws = wsClient(url, ANALYST);
    try {
      const sub = ws.subscribe(SUB, { a: fx.account });
      const [warm, target] = fx.plans;
      await untilLive(sub, url, MANAGER, warm);

      // refused: an ANALYST may not write; a manager's stale version is a CONFLICT
      const refused = await postGql(url, ANALYST, `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "nope" }) { id } }`, { id: target });
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const stale = await postGql(url, MANAGER, `mutation($id: ID!) { updateBusinessPlan(id: $id, expectedVersion: 99, input: { name: "stale" }) { id } }`, { id: target });
      expect(stale.errors?.[0]?.extensions?.code).toBe("CONFLICT");
      // rolled back: an audit entry written inside a transaction that then fails
      const db = live.app.deps.db;
      await expect(
        db.write(async (em) => {
          await recordAudit(em, keyOf(target), 1, "ROLLED_BACK", []);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");

      // the marker: the first event that arrives must be this real change
      await rename(url, MANAGER, target, "marker");
      const first = await sub.next();
      expect(first.errors).toBeUndefined();
      expect(first.data.planChanged).toMatchObject({ action: "UPDATED", plan: { id: target, name: "marker" } });

      // then a status change and an objective on the same plan: each once, in commit order
      // an invalid transition is refused (and delivers nothing); a valid one is delivered
      const invalid = await postGql(url, MANAGER, `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: EXPIRED) { id } }`, { id: target });
      expect(invalid.errors?.[0]?.extensions?.code).toBe("INVALID_STATUS_TRANSITION");
      await ok(url, MANAGER, `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED) { id } }`, { id: target });
      await rename(url, MANAGER, fx.plans[2], "other plan");
      const second = await sub.next();
      const third = await sub.next();
      expect(second.data.planChanged).toMatchObject({ action: "STATUS_CHANGED", plan: { id: target, status: "SUBMITTED" } });
      expect(third.data.planChanged).toMatchObject({ action: "UPDATED", plan: { id: fx.plans[2], name: "other plan" } });
      expect(sub.pending()).toBe(0);
      sub.complete();
    } finally {
      await ws.close();
    }
  });

  it("model: any sequence of real, refused and rolled-back changes delivers exactly the real ones, in commit order (fast-check)", async () => {
    const ws = wsClient(url, ANALYST);
    try {
      const sub = ws.subscribe(SUB, { a: fx.account });
      await untilLive(sub, url, MANAGER, fx.plans[0]);
      const plans = fx.plans.slice(1);
      type Cmd = { kind: "rename" | "objective" | "stale" | "forbidden" | "rollback"; plan: number };
      const cmd = fc.record({ kind: fc.constantFrom("rename", "objective", "stale", "forbidden", "rollback"), plan: fc.nat({ max: plans.length - 1 }) }) as fc.Arbitrary<Cmd>;
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 12 }), async (cmds) => {
          run++;
          const expected: Array<{ plan: string; action: string }> = [];
          for (const [i, c] of cmds.entries()) {
            const id = plans[c.plan];
            if (c.kind === "rename") {
              await rename(url, MANAGER, id, `m${run}.${i}`);
              expected.push({ plan: id, action: "UPDATED" });
            } else if (c.kind === "objective") {
              await ok(url, MANAGER, `mutation($p: ID!, $per: ID!) { createObjective(input: { name: "o", periodId: $per, planId: $p }) { id } }`, { p: id, per: fx.period });
              expected.push({ plan: id, action: "OBJECTIVE_CREATED" });
            } else if (c.kind === "stale") {
              const r = await postGql(url, MANAGER, `mutation($id: ID!) { updateBusinessPlan(id: $id, expectedVersion: 99999, input: { name: "stale" }) { id } }`, { id });
              expect(r.errors?.[0]?.extensions?.code).toBe("CONFLICT");
            } else if (c.kind === "forbidden") {
              const r = await postGql(url, ANALYST, `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "no" }) { id } }`, { id });
              expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
            } else {
              await expect(
                live.app.deps.db.write(async (em) => {
                  await recordAudit(em, keyOf(id), 1, "ROLLED_BACK", []);
                  throw new Error("roll back");
                }),
              ).rejects.toThrow("roll back");
            }
          }
          // the marker closes the run: everything before it has been delivered by then
          const marker = `end of run ${run}`;
          await rename(url, MANAGER, fx.plans[0], marker);
          const got: Array<{ plan: string; action: string }> = [];
          for (;;) {
            const e = (await sub.next()).data.planChanged;
            if (e.plan.id === fx.plans[0] && e.plan.name === marker) break;
            got.push({ plan: e.plan.id, action: e.action });
          }
          expect(got).toEqual(expected);
        }),
        { numRuns: 8 },
      );
    } finally {
      await ws.close();
    }
  });

  it("an unauthenticated or unknown-token socket is closed (4403) and gets nothing", async () => {
    for (const token of [null, "not-a-token"]) {
      const ws = wsClient(url, token);
      const sub = ws.subscribe(SUB, { a: fx.account });
      const end = await sub.ended;
      expect(end.code).toBe(4403);
      await ws.close();
    }
  });

  it("refuses an unknown account, a query over WebSocket and an over-deep document, with codes", async () => {
    const ws = wsClient(url, ANALYST);
    try {
      const unknown = ws.subscribe(SUB, { a: "QWNjb3VudDo5OTk5OTk5" });
      const e1 = (await unknown.ended).errors ?? [];
      expect(e1.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
      const query = ws.subscribe(`query { me { id } }`);
      const e2 = (await query.ended).errors ?? [];
      expect(e2.map((e) => e.extensions?.code)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      const deep = ws.subscribe(
        `subscription($a: ID!) { planChanged(accountId: $a) { plan { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } }`,
        { a: fx.account },
      );
      const e3 = (await deep.ended).errors ?? [];
      expect(e3.length).toBeGreaterThan(0);
      expect(e3.every((e) => e.extensions?.code === "GRAPHQL_VALIDATION_FAILED")).toBe(true);
    } finally {
      await ws.close();
    }
  });

  it("caps open subscriptions per user (SUBSCRIPTIONS_PER_USER=3); a completed one frees its slot", async () => {
    const ws = wsClient(url, MANAGER);
    try {
      const subs = Array.from({ length: 4 }, () => ws.subscribe(SUB, { a: fx.account }));
      // exactly one is refused, whichever the server handled last
      const refused = await Promise.race(subs.map((s, i) => s.ended.then((e) => ({ i, e }))));
      expect((refused.e.errors ?? []).map((x) => x.extensions?.code)).toEqual(["RATE_LIMITED"]);
      const open = subs.filter((_, i) => i !== refused.i);
      // the three others are live: one change reaches each
      await untilLive(open[0], url, MANAGER, fx.plans[0]);
      await rename(url, MANAGER, fx.plans[1], "cap check");
      for (const s of open.slice(1)) {
        for (;;) {
          const e = await s.next();
          if (e.data?.planChanged.plan.name === "cap check") break;
        }
      }
      expect(live.app.subscriptions.open()).toBe(3);
      open[2].complete();
      // wait for the server to release the slot, then a new subscription is accepted
      const deadline = Date.now() + 15_000;
      while (live.app.subscriptions.open() !== 2) {
        if (Date.now() > deadline) throw new Error("slot not released");
        await new Promise((r) => setTimeout(r, 20));
      }
      const again = ws.subscribe(SUB, { a: fx.account });
      await untilLive(again, url, MANAGER, fx.plans[0]);
    } finally {
      await ws.close();
    }
  });

  it.skipIf(TEST_DB !== "postgres")("PostgreSQL: a change committed while the LISTEN connection is down is delivered from the audit trail", async () => {
    const bus = live.app.deps.services.planChanges;
    const ws = wsClient(url, ANALYST);
    try {
      const sub = ws.subscribe(SUB, { a: fx.account });
      await untilLive(sub, url, MANAGER, fx.plans[0]);
      const connects = bus.connects;
      const admin = new Client({ connectionString: live.config.databaseUrl });
      await admin.connect();
      try {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [LISTENER_APPLICATION_NAME]);
      } finally {
        await admin.end();
      }
      const deadline = Date.now() + 15_000;
      while (bus.connected) {
        if (Date.now() > deadline) throw new Error("the listener did not notice the terminated connection");
        await new Promise((r) => setTimeout(r, 5));
      }
      await rename(url, MANAGER, fx.plans[1], "while down");
      // committed before the listener reconnected (PLAN_EVENTS_RECONNECT_MS=1000): no NOTIFY reached this process
      expect(bus.connects).toBe(connects);
      const e = await sub.next(30_000);
      expect(e.data.planChanged).toMatchObject({ plan: { id: fx.plans[1], name: "while down" } });
      expect(bus.connects).toBe(connects + 1);
      await rename(url, MANAGER, fx.plans[1], "live again");
      expect((await sub.next()).data.planChanged.plan.name).toBe("live again");
      expect(sub.pending()).toBe(0);
    } finally {
      await ws.close();
    }
  });

  it("subscriptions are refused over HTTP with a code", async () => {
    const r = await postGraphql(live.origin, { query: SUB, variables: { a: fx.account } }, ANALYST);
    expect(r.json?.errors?.length).toBe(1);
    expect(r.json.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.status).toBe(400);
  });
});

describe.skipIf(TEST_DB !== "postgres")("Subscription.planChanged across two server processes (PostgreSQL LISTEN/NOTIFY)", () => {
  let servers: ServerProcess[] = [];
  let drop: () => Promise<void> = async () => {};
  let dbUrl: string;
  let fx: Awaited<ReturnType<typeof setup>>;

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl("postgres");
    drop = fresh.drop;
    dbUrl = fresh.url;
    const env = { DATABASE_URL: fresh.url, SEED_DEMO: "true", PLAN_EVENTS_RECONNECT_MS: "50" };
    servers = [await startServerProcess(env), await startServerProcess(env)];
    fx = await setup(servers[1].url, MANAGER, 3);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop();
  }, 60_000);

  it("a subscriber on process A sees changes made through process B, and survives a dropped LISTEN connection", async () => {
    const [a, b] = servers;
    const ws = wsClient(a.url, ANALYST);
    try {
      const sub = ws.subscribe(SUB, { a: fx.account });
      await untilLive(sub, b.url, MANAGER, fx.plans[0]);
      const t0 = Date.now();
      await rename(b.url, MANAGER, fx.plans[1], "from B");
      const e = await sub.next();
      expect(e.data.planChanged).toMatchObject({ action: "UPDATED", plan: { id: fx.plans[1], name: "from B" } });
      expect(Date.now() - t0).toBeLessThan(5_000); // the issue asks for 1 s; the bound leaves room for a loaded machine

      // kill both processes' listening connections, change a plan at once (before they reconnect)
      const admin = new Client({ connectionString: dbUrl });
      await admin.connect();
      try {
        const killed = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [
          LISTENER_APPLICATION_NAME,
        ]);
        expect(killed.rows.length).toBe(2);
      } finally {
        await admin.end();
      }
      await rename(b.url, MANAGER, fx.plans[2], "while reconnecting");
      const f = await sub.next(30_000);
      expect(f.data.planChanged).toMatchObject({ plan: { id: fx.plans[2], name: "while reconnecting" } });
      // and afterwards live again, exactly once each
      await rename(b.url, MANAGER, fx.plans[1], "after reconnect");
      const g = await sub.next(30_000);
      expect(g.data.planChanged.plan.name).toBe("after reconnect");
      expect(sub.pending()).toBe(0);
    } finally {
      await ws.close();
    }
  });
});
