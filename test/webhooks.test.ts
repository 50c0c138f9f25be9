/**
 * Webhooks: ADMIN management, the outbox written with the change, signed deliveries in order per plan,
 * retries after 500s and timeouts, failed deliveries counted, SSRF refusal, and (PostgreSQL) exactly one
 * successful delivery per event when two server processes run workers. Every wait is for a condition
 * at the receiver (a failure bound), never a sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { WebhookWorker } from "../src/modules/webhooks/webhook-worker";
import { isPrivateAddress } from "../src/modules/webhooks/url-guard";
import { createHarness, expectCode, type Harness } from "./helpers/harness";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { postGql, type ServerProcess, startServerProcess, type TestServer as LiveApp, startTestServer as startLiveApp } from "./helpers/server";
import { type Receiver, startReceiver, verifySignature } from "./helpers/webhook-receiver";

const ADMIN = "demo-admin";
const MANAGER = "demo-giulia";
const CREATE = `mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id url events createdAt failedDeliveries } } }`;

async function ok(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const r = await postGql(url, token, query, variables);
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}

async function fixture(url: string) {
  const tag = Math.random().toString(36).slice(2, 8);
  const account = (await ok(url, MANAGER, `mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: `Hooks ${tag}` })).createAccount.id as string;
  const period = (await ok(url, ADMIN, `mutation($n: String!) { createPeriod(input: { name: $n, type: YEAR, startDate: "2033-01-01", endDate: "2033-12-31" }) { id } }`, { n: `FY ${tag}` }))
    .createPeriod.id as string;
  return { account, period };
}

const createPlan = async (url: string, f: { account: string; period: string }, name: string) =>
  (await ok(url, MANAGER, `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, { i: { name, accountId: f.account, periodId: f.period } }))
    .createBusinessPlan.id as string;
const rename = (url: string, id: string, name: string) => ok(url, MANAGER, `mutation($id: ID!, $n: String!) { updateBusinessPlan(id: $id, input: { name: $n }) { id } }`, { id, n: name });

/** The plan events a receiver got for a plan, in arrival order, successful deliveries only. */
const planEvents = (r: Receiver, planId: string) => r.ok().filter((d) => d.body.data?.plan?.id === planId);

describe("webhooks (one server)", () => {
  let live: LiveApp;
  let url: string;
  let rx: Receiver;
  let f: Awaited<ReturnType<typeof fixture>>;

  beforeAll(async () => {
    rx = await startReceiver();
    live = await startLiveApp({
      seed: true,
      logLevel: "silent",
      env: { WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_INTERVAL_MS: "20", WEBHOOK_RETRY_BASE_MS: "20", WEBHOOK_MAX_ATTEMPTS: "3", WEBHOOK_TIMEOUT_MS: "300" },
    });
    url = `${live.origin}/graphql`;
    f = await fixture(url);
  }, 60_000);
  afterAll(async () => {
    await live?.stop();
    await rx?.close();
  });

  it("is ADMIN-managed: create (secret once), list, delete; refusals change nothing", async () => {
    const forbidden = await postGql(url, MANAGER, CREATE, { i: { url: rx.url, events: [] } });
    expectCode(forbidden, "FORBIDDEN");
    expectCode(await postGql(url, MANAGER, `{ webhooks { id } }`), "FORBIDDEN");
    expectCode(await postGql(url, ADMIN, CREATE, { i: { url: rx.url, events: ["plan.exploded"] } }), "BAD_USER_INPUT");
    expectCode(await postGql(url, ADMIN, CREATE, { i: { url: "ftp://example.com/x", events: [] } }), "BAD_USER_INPUT");
    expectCode(await postGql(url, ADMIN, CREATE, { i: { url: "not a url", events: [] } }), "BAD_USER_INPUT");
    expect((await ok(url, ADMIN, `{ webhooks { id } }`)).webhooks).toEqual([]);

    const created = (await ok(url, ADMIN, CREATE, { i: { url: rx.url, events: ["opportunity.won"] } })).createWebhook;
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(created.webhook).toMatchObject({ url: rx.url, events: ["opportunity.won"], failedDeliveries: 0 });
    const listed = (await ok(url, ADMIN, `{ webhooks { id url events failedDeliveries } }`)).webhooks;
    expect(listed).toEqual([{ id: created.webhook.id, url: rx.url, events: ["opportunity.won"], failedDeliveries: 0 }]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    // a Webhook is a Node, for ADMINs only
    expect((await ok(url, ADMIN, `query($id: ID!) { node(id: $id) { id ... on Webhook { url } } }`, { id: created.webhook.id })).node).toEqual({ id: created.webhook.id, url: rx.url });
    expect((await ok(url, MANAGER, `query($id: ID!) { node(id: $id) { id } }`, { id: created.webhook.id })).node).toBeNull();

    expectCode(await postGql(url, MANAGER, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: created.webhook.id }), "FORBIDDEN");
    expect((await ok(url, ADMIN, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: created.webhook.id })).deleteWebhook).toBe(created.webhook.id);
    expectCode(await postGql(url, ADMIN, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: created.webhook.id }), "NOT_FOUND");
    expect((await ok(url, ADMIN, `{ webhooks { id } }`)).webhooks).toEqual([]);
  });

  it("delivers signed events in commit order per plan, retrying 500s and timeouts; a refused mutation sends nothing", async () => {
    const { secret, webhook } = (await ok(url, ADMIN, CREATE, { i: { url: rx.url, events: [] } })).createWebhook;
    try {
      // the second delivery of plan A fails twice (500, then no answer), the third attempt succeeds
      let target: string | null = null;
      rx.respond = (d, attempt) => {
        if (d.body.data?.plan && d.body.data.changes?.some((c: { newValue: string }) => c.newValue === "A two") && attempt <= 2) {
          target = d.eventId;
          return attempt === 1 ? 500 : "hang";
        }
        return 200;
      };
      const a = await createPlan(url, f, "A one");
      const b = await createPlan(url, f, "B one");
      await rename(url, a, "A two");
      await rename(url, b, "B two");
      // refused: a stale version changes nothing and must not produce an event
      expectCode(await postGql(url, MANAGER, `mutation($id: ID!) { updateBusinessPlan(id: $id, expectedVersion: 99, input: { name: "nope" }) { id } }`, { id: a }), "CONFLICT");
      await rename(url, a, "A three");
      await ok(url, MANAGER, `mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED) { id } }`, { id: a });
      await rx.until(() => planEvents(rx, a).length === 4 && planEvents(rx, b).length === 2);

      const evA = planEvents(rx, a);
      expect(evA.map((d) => d.event)).toEqual(["plan.created", "plan.updated", "plan.updated", "plan.status_changed"]);
      expect(evA.map((d) => d.body.data.action)).toEqual(["CREATED", "UPDATED", "UPDATED", "STATUS_CHANGED"]);
      expect(evA[2].body.data.changes).toContainEqual({ field: "name", oldValue: "A two", newValue: "A three" });
      expect(planEvents(rx, b).map((d) => d.event)).toEqual(["plan.created", "plan.updated"]);
      // the retried one: two failed attempts, then delivered, and nothing of plan A overtook it
      expect(target).not.toBeNull();
      const attemptsOfTarget = rx.deliveries.filter((d) => d.eventId === target);
      expect(attemptsOfTarget.map((d) => d.status)).toEqual([500, "hang", 200]);
      const lastTargetIndex = rx.deliveries.lastIndexOf(attemptsOfTarget[2]);
      const laterA = rx.deliveries.filter((d) => d.body.data?.plan?.id === a && ["A three"].includes(d.body.data.changes?.[0]?.newValue));
      expect(rx.deliveries.indexOf(laterA[0])).toBeGreaterThan(lastTargetIndex);
      // every delivery is signed with the secret, carries its id and a timestamp; ids are unique per event
      for (const d of rx.ok()) {
        expect(verifySignature(secret, d.raw, d.signature)).toBe(true);
        expect(verifySignature("whsec_wrong", d.raw, d.signature)).toBe(false);
        expect(d.body.id).toBe(d.eventId);
        expect(d.event).toBe(d.body.type);
        expect(Number(d.timestamp)).toBeGreaterThan(1_700_000_000);
      }
      const okIds = rx.ok().map((d) => d.eventId);
      expect(new Set(okIds).size).toBe(okIds.length);
    } finally {
      rx.respond = () => 200;
      await ok(url, ADMIN, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id });
    }
  });

  it("opportunity.won and activity.completed, filtered by the webhook's events", async () => {
    const { webhook } = (await ok(url, ADMIN, CREATE, { i: { url: rx.url, events: ["opportunity.won", "activity.completed"] } })).createWebhook;
    try {
      const before = rx.ok().length;
      const opp = (await ok(url, MANAGER, `mutation($a: ID!) { createOpportunity(input: { accountId: $a, name: "Deal", revenue: "100.00" }) { id } }`, { a: f.account })).createOpportunity.id;
      await createPlan(url, f, "not subscribed"); // plan.created: not for this webhook
      await ok(url, MANAGER, `mutation($id: ID!) { updateOpportunity(id: $id, input: { status: WON }) { id } }`, { id: opp });
      const act = (await ok(url, MANAGER, `mutation($a: ID!) { createActivity(input: { accountId: $a, subject: "Call", type: CALL }) { id } }`, { a: f.account })).createActivity.id;
      await ok(url, MANAGER, `mutation($id: ID!) { completeActivity(id: $id) { id } }`, { id: act });
      await rx.until(() => rx.ok().length >= before + 2);
      const got = rx.ok().slice(before);
      expect(got.map((d) => d.event).sort()).toEqual(["activity.completed", "opportunity.won"]);
      expect(got.find((d) => d.event === "opportunity.won")!.body.data.opportunity).toMatchObject({ id: opp, revenue: "100.00" });
      expect(got.find((d) => d.event === "activity.completed")!.body.data.activity).toMatchObject({ id: act });
    } finally {
      await ok(url, ADMIN, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id });
    }
  });

  it("counts a delivery that failed every attempt (WEBHOOK_MAX_ATTEMPTS=3) in failedDeliveries; later events still go out", async () => {
    const { webhook } = (await ok(url, ADMIN, CREATE, { i: { url: rx.url, events: ["plan.created"] } })).createWebhook;
    try {
      rx.respond = (d) => (d.body.data?.changes?.some((c: { newValue: string }) => c.newValue === "doomed") ? 500 : 200);
      const doomed = await createPlan(url, f, "doomed");
      await rx.until(() => rx.deliveries.filter((d) => d.body.data?.plan?.id === doomed).length === 3);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const hooks = (await ok(url, ADMIN, `{ webhooks { id failedDeliveries } }`)).webhooks as Array<{ id: string; failedDeliveries: number }>;
        if (hooks.find((h) => h.id === webhook.id)?.failedDeliveries === 1) break;
        if (Date.now() > deadline) throw new Error("failedDeliveries did not reach 1");
        await new Promise((r) => setTimeout(r, 20));
      }
      rx.respond = () => 200;
      const next = await createPlan(url, f, "after failure");
      await rx.until(() => planEvents(rx, next).length === 1);
      expect(rx.deliveries.filter((d) => d.body.data?.plan?.id === doomed).length).toBe(3);
    } finally {
      rx.respond = () => 200;
      await ok(url, ADMIN, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: webhook.id });
    }
  });
});

describe("webhook URLs: SSRF guard (WEBHOOK_ALLOW_PRIVATE unset)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refuses loopback, private, link-local and unresolvable hosts at creation, and at delivery", async () => {
    for (const u of ["http://127.0.0.1:8080/x", "http://localhost/x", "http://10.1.2.3/", "http://192.168.0.10/", "http://172.20.0.1/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[fe80::1]/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/", "http://no-such-host.invalid/"]) {
      const r = await h.gql(h.admin.token, CREATE, { i: { url: u, events: [] } });
      expectCode(r, "BAD_USER_INPUT");
    }
    expect((await h.ok(h.admin.token, `{ webhooks { id } }`)).webhooks).toEqual([]);
    expect(["8.8.8.8", "2606:4700::1111"].map(isPrivateAddress)).toEqual([false, false]);
    expect(["100.64.0.1", "fd00::1", "::"].map(isPrivateAddress)).toEqual([true, true, true]);

    // a webhook that points at a private address anyway (created while allowed): the worker refuses to connect
    const rx = await startReceiver();
    try {
      h.deps.services.webhooks.options.allowPrivate = true;
      const { webhook } = (await h.ok(h.admin.token, CREATE, { i: { url: rx.url, events: [] } })).createWebhook;
      h.deps.services.webhooks.options.allowPrivate = false;
      const m = await h.user(Role.ACCOUNT_MANAGER);
      await h.ok(m.token, `mutation { createAccount(input: { name: "SSRF Inc" }) { id } }`);
      const period = (await h.ok(h.admin.token, `mutation { createPeriod(input: { name: "FY ssrf", type: YEAR, startDate: "2034-01-01", endDate: "2034-12-31" }) { id } }`)).createPeriod.id;
      const acc = (await h.ok(m.token, `{ accounts(first: 1) { edges { node { id } } } }`)).accounts.edges[0].node.id;
      await h.ok(m.token, `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, { i: { name: "p", accountId: acc, periodId: period } });
      const worker = new WebhookWorker(h.deps.db, { intervalMs: 10, timeoutMs: 500, retryBaseMs: 1, maxAttempts: 1, allowPrivate: false });
      await worker.tick();
      expect(rx.deliveries).toEqual([]);
      expect((await h.ok(h.admin.token, `{ webhooks { id failedDeliveries } }`)).webhooks).toEqual([{ id: webhook.id, failedDeliveries: 1 }]);
    } finally {
      await rx.close();
    }
  });
});

describe.skipIf(TEST_DB !== "postgres")("webhooks with two server processes (PostgreSQL)", () => {
  let servers: ServerProcess[] = [];
  let drop: () => Promise<void> = async () => {};
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
    const fresh = await freshDatabaseUrl("postgres");
    drop = fresh.drop;
    const env = { DATABASE_URL: fresh.url, SEED_DEMO: "true", WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_INTERVAL_MS: "10", WEBHOOK_RETRY_BASE_MS: "10", WEBHOOK_TIMEOUT_MS: "2000" };
    servers = [await startServerProcess(env), await startServerProcess(env)];
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await drop();
    await rx?.close();
  }, 60_000);

  it("every event is delivered successfully exactly once, in order per plan, while both processes deliver", async () => {
    const [a, b] = servers;
    const { secret } = (await ok(a.url, ADMIN, CREATE, { i: { url: rx.url, events: ["plan.updated"] } })).createWebhook;
    // every 7th request is answered 500 the first time: retries in the mix
    let n = 0;
    rx.respond = (_d, attempt) => (attempt === 1 && ++n % 7 === 0 ? 500 : 200);
    const f = await fixture(b.url);
    const PLANS = 8;
    const RENAMES = 12;
    const plans = await Promise.all(Array.from({ length: PLANS }, (_, i) => createPlan(i % 2 ? a.url : b.url, f, `p${i} r0`)));
    // each plan renamed in sequence, alternating processes; the plans concurrently
    await Promise.all(
      plans.map(async (id, i) => {
        for (let r = 1; r <= RENAMES; r++) await rename((i + r) % 2 ? a.url : b.url, id, `p${i} r${r}`);
      }),
    );
    await rx.until(() => rx.ok().length >= PLANS * RENAMES, 90_000);
    const okIds = rx.ok().map((d) => d.eventId);
    expect(okIds.length).toBe(PLANS * RENAMES);
    expect(new Set(okIds).size).toBe(okIds.length); // no event delivered successfully twice
    plans.forEach((id, i) => {
      const names = planEvents(rx, id).map((d) => d.body.data.changes.find((c: { field: string }) => c.field === "name").newValue);
      expect(names).toEqual(Array.from({ length: RENAMES }, (_, r) => `p${i} r${r + 1}`));
    });
    for (const d of rx.ok()) expect(verifySignature(secret, d.raw, d.signature)).toBe(true);
  }, 120_000);
});
