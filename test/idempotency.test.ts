/**
 * Idempotent requests (docs/api.md "Idempotent requests"): Idempotency-Key on POST /graphql, through
 * the real HTTP app (createHttpApp) over the harness's database and clock, on both databases.
 * The multi-process and crash cases are in test/idempotency-processes.test.ts.
 */
import { request, type Server } from "node:http";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createHttpApp } from "../src/http/app";
import { IdempotencyService } from "../src/db/idempotency";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { failInsertsWhere } from "./helpers/db-state";
import { TEST_DB } from "./helpers/db";
import { keyOf } from "./helpers/ids";

const CREATE = `mutation Create($name: String!) { createAccount(input: { name: $name }) { id name } }`;
const READ = `query { me { id } }`;

describe("Idempotency-Key", () => {
  let h: Harness;
  let server: Server;
  let origin: string;
  let am: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    h = await createHarness({ env: { IDEMPOTENCY_TTL_SECONDS: "60" } });
    am = await h.user(Role.ACCOUNT_MANAGER);
    other = await h.user(Role.ACCOUNT_MANAGER);
    const app = createHttpApp(h.deps, h.apollo);
    server = await new Promise<Server>((ok) => {
      const s = app.listen(0, "127.0.0.1", () => ok(s));
    });
    const addr = server.address();
    origin = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    await h.close();
  });

  async function post(token: string, body: unknown, key?: string) {
    const res = await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...(key === undefined ? {} : { "idempotency-key": key }) },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text), replayed: res.headers.get("idempotent-replayed") === "true" };
  }
  function rawPost(token: string, body: unknown, key: string): Promise<{ status: number; text: string }> {
    return new Promise((ok, fail) => {
      const data = JSON.stringify(body);
      const req = request(`${origin}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": key } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => ok({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", fail);
      req.end(data);
    });
  }
  const accounts = async (name: string) => Number((await h.deps.db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM account WHERE name = ${h.deps.db.param(1)}`, [name]))[0].n);
  const keyRows = async () => Number((await h.deps.db.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM idempotency_key"))[0].n);

  it("runs the first request, answers a repeat with the stored answer (same status and body) without running it again", async () => {
    const body = { query: CREATE, variables: { name: "Idem One" }, operationName: "Create" };
    const first = await post(am.token, body, "key-one");
    expect(first.status).toBe(200);
    expect(first.json.data.createAccount.name).toBe("Idem One");
    expect(first.replayed).toBe(false);
    const again = await post(am.token, body, "key-one");
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.replayed).toBe(true);
    expect(await accounts("Idem One")).toBe(1);
    // the same variables in another key order are the same request
    const reordered = await post(am.token, { operationName: "Create", variables: { name: "Idem One" }, query: CREATE }, "key-one");
    expect(reordered.text).toBe(first.text);
    // without a key every request runs
    await post(am.token, body);
    expect(await accounts("Idem One")).toBe(2);
  });

  it("concurrent repeats in one process create one record and all get the same answer", async () => {
    const body = { query: CREATE, variables: { name: "Idem Burst" } };
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(am.token, body, "key-burst")));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await accounts("Idem Burst")).toBe(1);
  });

  it("the same key with another request is 422 IDEMPOTENCY_KEY_REUSED and runs nothing", async () => {
    await post(am.token, { query: CREATE, variables: { name: "Idem Reuse" } }, "key-reuse");
    const before = await keyRows();
    const other = await post(am.token, { query: CREATE, variables: { name: "Idem Reuse 2" } }, "key-reuse");
    expect(other.status).toBe(422);
    expect(other.json.errors).toHaveLength(1);
    expect(other.json.errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await accounts("Idem Reuse 2")).toBe(0);
    expect(await keyRows()).toBe(before);
    // another operation name is another request too
    const named = await post(am.token, { query: `${CREATE} mutation Other { createAccount(input: { name: "x" }) { id } }`, operationName: "Create", variables: { name: "Idem Reuse" } }, "key-reuse");
    expect(named.status).toBe(422);
  });

  it("keys are per user: another user's identical key runs on its own", async () => {
    const body = { query: CREATE, variables: { name: "Idem Users" } };
    const a = await post(am.token, body, "shared-key");
    const b = await post(other.token, body, "shared-key");
    expect(b.replayed).toBe(false);
    expect(b.json.data.createAccount.id).not.toBe(a.json.data.createAccount.id);
    expect(await accounts("Idem Users")).toBe(2);
  });

  it("a refused mutation's answer (a DomainError) is stored and replayed too", async () => {
    const body = { query: `mutation { createContact(input: { accountId: "QWNjb3VudDo5OTk5OTk", firstName: "No", lastName: "Body" }) { id } }` };
    const first = await post(am.token, body, "key-refused");
    expect(first.status).toBe(200);
    expect(first.json.errors).toHaveLength(1);
    expect(first.json.errors[0].extensions.code).toBe("NOT_FOUND");
    const again = await post(am.token, body, "key-refused");
    expect(again.replayed).toBe(true);
    expect(again.text).toBe(first.text);
  });

  it("an internal error is not stored: the whole request rolls back, and a retry with the same key runs", async () => {
    const before = await keyRows();
    const body = { query: `mutation { a: createAccount(input: { name: "Idem Kept?" }) { id } b: createAccount(input: { name: "Idem Internal" }) { id } }` };
    const heal = await failInsertsWhere(h, "account", "name", "Idem Internal");
    try {
      const first = await post(am.token, body, "key-internal");
      expect(first.json.errors.map((e: any) => e.extensions.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    } finally {
      await heal();
    }
    // nothing of it stayed: not the key, not the first field's account
    expect(await keyRows()).toBe(before);
    expect(await accounts("Idem Kept?")).toBe(0);
    const retry = await post(am.token, body, "key-internal");
    expect(retry.replayed).toBe(false);
    expect(retry.json.errors).toBeUndefined();
    expect([await accounts("Idem Kept?"), await accounts("Idem Internal")]).toEqual([1, 1]);
  });

  it("a refused field of a keyed request undoes only its own changes, as without a key; the answer is stored", async () => {
    const body = {
      query: `mutation { a: createAccount(input: { name: "Idem Partial" }) { id } b: createContact(input: { accountId: "QWNjb3VudDo5OTk5OTk", firstName: "N", lastName: "F" }) { id } }`,
    };
    const first = await post(am.token, body, "key-partial");
    expect(first.json.data).toBeNull(); // b is non-null: its error nulls the whole answer (GraphQL), a's effect stays
    expect(first.json.errors.map((e: any) => e.extensions.code)).toEqual(["NOT_FOUND"]);
    expect((await post(am.token, body, "key-partial")).text).toBe(first.text);
    expect(await accounts("Idem Partial")).toBe(1);
  });

  it("an invalid key is HTTP 400 IDEMPOTENCY_KEY_INVALID and runs nothing", async () => {
    // fetch refuses control characters in a header; node:http sends a tab and Latin-1 bytes
    for (const key of ["k".repeat(256), "tab\tkey", "caf\xe9"]) {
      const r = await rawPost(am.token, { query: CREATE, variables: { name: "Idem Invalid" } }, key);
      expect(r.status, key).toBe(400);
      expect(JSON.parse(r.text).errors[0].extensions.code).toBe("IDEMPOTENCY_KEY_INVALID");
    }
    const longest = await post(am.token, { query: CREATE, variables: { name: "Idem Longest" } }, "k".repeat(255));
    expect(longest.status).toBe(200);
    expect(await accounts("Idem Invalid")).toBe(0);
  });

  it("a query with a key is answered as usual: the key is ignored, nothing is stored", async () => {
    const before = await keyRows();
    const r1 = await post(am.token, { query: READ }, "key-query");
    const r2 = await post(am.token, { query: READ }, "key-query");
    expect(r1.status).toBe(200);
    expect(r2.replayed).toBe(false);
    expect(await keyRows()).toBe(before);
    // and the key is still free for a mutation
    expect((await post(am.token, { query: CREATE, variables: { name: "Idem After Query" } }, "key-query")).status).toBe(200);
  });

  it("a key expires after IDEMPOTENCY_TTL_SECONDS: the request runs again; expired keys are purged", async () => {
    // a day ahead of the system time: every key stored by the tests above has expired by t0 + 60 s
    const t0 = new Date(Math.ceil(Date.now() / 1000) * 1000 + 86_400_000);
    h.clock.pin(t0.toISOString());
    try {
      const body = { query: CREATE, variables: { name: "Idem Expiry" } };
      await post(am.token, body, "key-expiry");
      h.clock.pin(new Date(t0.getTime() + 59_000).toISOString());
      expect((await post(am.token, body, "key-expiry")).replayed).toBe(true);
      h.clock.pin(new Date(t0.getTime() + 60_000).toISOString());
      const after = await post(am.token, body, "key-expiry");
      expect(after.replayed).toBe(false);
      expect(await accounts("Idem Expiry")).toBe(2);
      // purge: everything stored before t0 + 60 s has expired at t0 + 120 s; the key stored at t0 + 60 s has not
      const service = new IdempotencyService(h.deps.db, h.clock, h.config);
      const total = await keyRows();
      const purged = await service.purgeExpired(new Date(t0.getTime() + 119_000));
      expect(purged).toBeGreaterThan(0);
      expect(await keyRows()).toBe(total - purged);
      expect((await post(am.token, body, "key-expiry")).replayed).toBe(true);
      expect(await service.purgeExpired(new Date(t0.getTime() + 120_000))).toBe(1);
      expect(await keyRows()).toBe(0);
    } finally {
      h.clock.release();
    }
  });
});

describe.skipIf(TEST_DB !== "postgres")("Idempotency-Key: the bounded wait for a first request still running (PostgreSQL)", () => {
  let h: Harness;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    h = await createHarness({ env: { IDEMPOTENCY_WAIT_MS: "300" } });
    const app = createHttpApp(h.deps, h.apollo);
    server = await new Promise<Server>((ok) => {
      const s = app.listen(0, "127.0.0.1", () => ok(s));
    });
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/graphql`;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    await h.close();
  });

  it("a repeat waits IDEMPOTENCY_WAIT_MS, then 409 CONFLICT with Retry-After; once the first commits, repeats get its answer", async () => {
    const account = (await h.ok(h.admin.token, `mutation { createAccount(input: { name: "Waiting Co" }) { id } }`)).createAccount.id;
    const period = (await h.ok(h.admin.token, `mutation { createPeriod(input: { name: "FY2044", type: YEAR, startDate: "2044-01-01", endDate: "2044-12-31" }) { id } }`)).createPeriod.id;
    const plan = (await h.ok(h.admin.token, `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "Held", accountId: $a, periodId: $p }) { id } }`, { a: account, p: period })).createBusinessPlan.id;
    const send = () =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${h.admin.token}`, "idempotency-key": "held-key" },
        body: JSON.stringify({ query: `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "Renamed once" }) { id name version } }`, variables: { id: plan } }),
      });
    // hold the plan's row: the first keyed request inserts its key, then waits for the row lock
    const holder = new Client({ connectionString: (h.deps.db.dataSource.options as { url: string }).url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM business_plan WHERE id = $1 FOR UPDATE", [keyOf(plan)]);
      const first = send();
      const blocked = async () => Number((await holder.query(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n);
      for (let i = 0; (await blocked()) < 1; i++) {
        if (i > 600) throw new Error("the first request never waited for the row lock");
        await new Promise((r) => setTimeout(r, 50));
      }
      const repeat = await send();
      expect(repeat.status).toBe(409);
      expect(repeat.headers.get("retry-after")).toBe("1");
      expect(((await repeat.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe("CONFLICT");
      await holder.query("COMMIT");
      const answer = await first;
      expect(answer.status).toBe(200);
      const text = await answer.text();
      expect(JSON.parse(text).data.updateBusinessPlan).toMatchObject({ name: "Renamed once", version: 2 });
      const later = await send();
      expect(later.headers.get("idempotent-replayed")).toBe("true");
      expect(await later.text()).toBe(text);
    } finally {
      await holder.end();
    }
  });
});
