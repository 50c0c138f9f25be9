import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import type { Database } from "../src/db/data-source";
import { anonymousContext, isIntrospectionOnlyRequest } from "../src/graphql/introspection-access";
import { createApolloServer } from "../src/graphql/server";
import { createLoaders } from "../src/loaders/loaders";
import { createMetrics, MAX_OPERATIONS } from "../src/http/metrics";
import { PLAYGROUND_CSP } from "../src/http/playground";
import { firstOperationName } from "../src/http/request-log";
import { TEST_DB } from "./helpers/db";
import { postGraphql, startTestServer, type TestServer } from "./helpers/server";
import { gid } from "./helpers/ids";

/** The default app: demo data, playground and introspection on (NODE_ENV=test), logs at info. */
let live: TestServer;
/** PLAYGROUND=false, INTROSPECTION=false, LOG_LEVEL=warn. */
let locked: TestServer;

beforeAll(async () => {
  live = await startTestServer({ logLevel: "info" });
  locked = await startTestServer({ env: { PLAYGROUND: "false", INTROSPECTION: "false" }, logLevel: "warn" });
});
afterAll(async () => {
  await live?.stop();
  await locked?.stop();
});

/**
 * Waits until `read()` returns a value `done` accepts (log lines and metrics are written when the
 * response closes, which can be after the client has the response); returns it. The limit is only
 * a failure bound: nothing is assumed about how fast the server is.
 */
async function until<T>(what: string, read: () => T | Promise<T>, done: (v: T) => boolean, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}
/** The log lines of a response's request id, once there is at least one. */
const linesFor = (app: TestServer, res: { headers: Headers }) => {
  const id = res.headers.get("x-request-id");
  return until(`the log line of request ${id}`, () => app.logs().filter((l) => l.requestId === id), (lines) => lines.length > 0);
};

const giuliaId = async () => (await postGraphql(live.origin, { query: "{ me { id } }" }, "demo-giulia")).json.data.me.id as string;

describe("introspection without a token (the playground's docs explorer)", () => {
  it("answers an introspection-only request without a token", async () => {
    const r = await postGraphql(live.origin, { query: getIntrospectionQuery(), operationName: "IntrospectionQuery" });
    expect(r.status).toBe(200);
    expect(r.json.errors).toBeUndefined();
    expect(r.json.data.__schema.queryType.name).toBe("Query");
    expect(r.json.data.__schema.types.some((t: any) => t.name === "BusinessPlan")).toBe(true);
  });

  it("also over GET and for __type / __typename", async () => {
    const q = encodeURIComponent('{ __type(name: "BusinessPlan") { name } __typename }');
    const res = await fetch(`${live.origin}/graphql?query=${q}`, { headers: { "apollo-require-preflight": "1", accept: "application/json" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __type: { name: "BusinessPlan" }, __typename: "Query" } });
  });

  it("still refuses a normal query without a token with 401 UNAUTHENTICATED", async () => {
    const r = await postGraphql(live.origin, { query: "{ me { id name } }" });
    expect(r.status).toBe(401);
    expect(r.json.data).toBeUndefined();
    expect(r.json.errors.map((e: any) => e.extensions.code)).toEqual(["UNAUTHENTICATED"]);
  });

  it.each([
    ["introspection mixed with data", { query: "{ __schema { queryType { name } } accounts { totalCount } }" }],
    ["data hidden in a fragment", { query: "query { ...F } fragment F on Query { __typename accounts { totalCount } }" }],
    ["data hidden in an inline fragment", { query: "query { ... on Query { me { id } } }" }],
    ["the named operation is not introspection", { query: "query A { __typename } query B { me { id } }", operationName: "B" }],
    ["several operations, none named", { query: "query A { __typename } query B { me { id } }" }],
    ["a mutation", { query: "mutation { __typename }" }],
    ["a mutation with data", { query: 'mutation { createAccount(input: { name: "x" }) { id } }' }],
    ["unparseable", { query: "{ __schema { " }],
  ])("refuses %s without a token (401)", async (_label, body) => {
    const r = await postGraphql(live.origin, body);
    expect(r.status).toBe(401);
    expect(r.json.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(r.json.data).toBeUndefined();
  });

  it("nothing was written by the refused mutation", async () => {
    const r = await postGraphql(live.origin, { query: '{ accounts(search: "x") { totalCount edges { node { name } } } }' }, "demo-admin");
    expect(r.json.data.accounts.edges.map((e: any) => e.node.name)).not.toContain("x");
  });

  it("a wrong or malformed token is 401 even for introspection", async () => {
    const q = { query: "{ __schema { queryType { name } } }" };
    expect((await postGraphql(live.origin, q, "not-a-token")).status).toBe(401);
    expect((await postGraphql(live.origin, q, null, { authorization: "Basic abc" })).status).toBe(401);
  });

  it("is off when introspection is off (INTROSPECTION=false)", async () => {
    const r = await postGraphql(locked.origin, { query: "{ __schema { queryType { name } } }" });
    expect(r.status).toBe(401);
    expect(r.json.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("the Apollo guard refuses a non-introspection operation on an anonymous context by itself", async () => {
    const deps = live.app.deps;
    const apollo = createApolloServer(deps);
    await apollo.start();
    try {
      const contextValue = anonymousContext({ requestId: "t", loaders: createLoaders(deps.db, { batching: true }, deps.loaderFactories), services: deps.services });
      const denied = await apollo.executeOperation({ query: "{ me { id } accounts { totalCount } }" }, { contextValue });
      const body = denied.body.kind === "single" ? denied.body.singleResult : null;
      expect(body?.data).toBeUndefined();
      expect(body?.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
      expect(denied.http.status).toBe(401);
      const allowed = await apollo.executeOperation({ query: "{ __typename }" }, { contextValue });
      expect(allowed.body.kind === "single" && allowed.body.singleResult.data).toEqual({ __typename: "Query" });
      // The anonymous context has no user: reading it is UNAUTHENTICATED, not a crash.
      expect(() => contextValue.user).toThrow(/Missing bearer token/);
    } finally {
      await apollo.stop();
    }
  });

  it("the pre-check accepts only introspection queries", () => {
    expect(isIntrospectionOnlyRequest(getIntrospectionQuery(), undefined)).toBe(true);
    expect(isIntrospectionOnlyRequest("query A { __typename } query B { me { id } }", "A")).toBe(true);
    expect(isIntrospectionOnlyRequest("{ me { id } }", undefined)).toBe(false);
    expect(isIntrospectionOnlyRequest(undefined, undefined)).toBe(false);
    expect(isIntrospectionOnlyRequest({ query: "{ __typename }" }, undefined)).toBe(false);
    expect(isIntrospectionOnlyRequest("query { ...F } fragment F on Query { ...F }", undefined)).toBe(true); // invalid: rejected by validation
  });
});

describe("playground", () => {
  it("GET /playground serves GraphiQL from our own assets with a strict CSP", async () => {
    const res = await fetch(`${live.origin}/playground`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toBe(PLAYGROUND_CSP);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((r) => r !== "data:,"); // data:, = no favicon request
    expect(refs.sort()).toEqual(
      [
        "/playground/assets/graphiql.min.css",
        "/playground/assets/graphiql.min.js",
        "/playground/assets/graphql-ws.min.js",
        "/playground/assets/playground.css",
        "/playground/assets/playground.js",
        "/playground/assets/react-dom.production.min.js",
        "/playground/assets/react.production.min.js",
      ].sort(),
    );
    // No inline executable script: every <script> has a src, except the JSON data block.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    for (const attrs of scripts) expect(attrs.includes("src=") || attrs.includes('type="application/json"')).toBe(true);
    const config = JSON.parse(/<script type="application\/json" id="playground-config">([^<]*)<\/script>/.exec(html)![1]);
    expect(config.endpoint).toBe("/graphql");
    expect(config.examples.map((e: any) => e.name)).toEqual(expect.arrayContaining(["AccountView", "CreateAnnualPlan", "RollForward"]));
    expect(config.examples.find((e: any) => e.name === "AccountView").variables).toEqual({ id: gid("Account", 1), period: gid("Period", 6) });
  });

  it("GET /graphql from a browser (Accept: text/html) serves the same page; API requests are untouched", async () => {
    const page = await fetch(`${live.origin}/graphql`, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toBe(PLAYGROUND_CSP);
    expect(await page.text()).toContain('id="playground-config"');
    const api = await fetch(`${live.origin}/graphql?query=${encodeURIComponent("{ me { name } }")}`, {
      headers: { accept: "application/json", authorization: "Bearer demo-giulia", "apollo-require-preflight": "1" },
    });
    expect(api.headers.get("content-type")).toMatch(/json/);
    expect(await api.json()).toEqual({ data: { me: { name: "Giulia Rossi" } } });
  });

  it.each([
    ["graphiql.min.js", /javascript/, "GraphiQL"],
    ["graphiql.min.css", /css/, ".graphiql-container"],
    ["react.production.min.js", /javascript/, "React"],
    ["react-dom.production.min.js", /javascript/, "ReactDOM"],
    ["playground.js", /javascript/, "createFetcher"],
    ["playground.css", /css/, "#graphiql"],
  ])("serves /playground/assets/%s", async (file, type, marker) => {
    const res = await fetch(`${live.origin}/playground/assets/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(type);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain(marker);
  });

  it("serves nothing else from the file system", async () => {
    for (const p of ["/playground/assets/package.json", "/playground/assets/..%2F..%2Fpackage.json", "/playground/assets/graphiql.js"]) {
      expect((await fetch(`${live.origin}${p}`)).status, p).toBe(404);
    }
  });

  it("is off with PLAYGROUND=false: /playground is 404 and GET /graphql stays the API", async () => {
    expect((await fetch(`${locked.origin}/playground`)).status).toBe(404);
    expect((await fetch(`${locked.origin}/playground/assets/graphiql.min.js`)).status).toBe(404);
    const res = await fetch(`${locked.origin}/graphql`, { headers: { accept: "text/html" } });
    expect(res.headers.get("content-type") ?? "").not.toMatch(/html/);
    expect(await res.text()).not.toContain("playground-config");
  });

  it("is on by default outside production, off in production unless PLAYGROUND=true", () => {
    expect(loadConfig({}).playground).toBe(true);
    expect(loadConfig({ NODE_ENV: "test" }).playground).toBe(true);
    expect(loadConfig({ NODE_ENV: "production" }).playground).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", PLAYGROUND: "true" }).playground).toBe(true);
    expect(loadConfig({ PLAYGROUND: "false" }).playground).toBe(false);
  });
});

describe("request logs", () => {
  it("writes one JSON line per GraphQL request: request id, operation, user id, duration, outcome; no token, no variables", async () => {
    const secret = "Sekret-Search-Value-42";
    const r = await postGraphql(
      live.origin,
      { query: "query FindAccounts($s: String) { accounts(search: $s) { totalCount } }", variables: { s: secret }, operationName: "FindAccounts" },
      "demo-giulia",
    );
    expect(r.status).toBe(200);
    const requestId = r.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = await linesFor(live, r);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({ msg: "graphql request", level: 30, operationName: "FindAccounts", userId: await giuliaId(), status: 200, outcome: "ok", errorCodes: [] });
    expect(typeof line.durationMs).toBe("number");
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(line).sort()).toEqual(["durationMs", "errorCodes", "level", "msg", "operationName", "outcome", "requestId", "status", "time", "userId"]);
    const all = live.logText();
    expect(all).not.toContain(secret);
    expect(all).not.toContain("demo-giulia");
    expect(all).not.toContain("accounts(search");
  });

  it("logs failures with their error codes, and never the rejected token", async () => {
    const badToken = "apt_this-token-must-not-be-logged";
    const r1 = await postGraphql(live.origin, { query: "query Who { me { id } }", operationName: "Who" }, badToken);
    expect(r1.status).toBe(401);
    const r2 = await postGraphql(live.origin, { query: 'mutation Rename { updateAccount(id: "999", input: { name: "x" }) { id } }' }, "demo-giulia");
    expect(r2.json.errors[0].extensions.code).toBe("NOT_FOUND");
    const r3 = await fetch(`${live.origin}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(r3.status).toBe(400);
    const byId = (res: { headers: Headers }) => linesFor(live, res);
    expect(await byId(r1)).toEqual([expect.objectContaining({ operationName: "Who", userId: null, outcome: "error", errorCodes: ["UNAUTHENTICATED"], status: 401, level: 40 })]);
    expect(await byId(r2)).toEqual([expect.objectContaining({ operationName: "Rename", outcome: "error", errorCodes: ["NOT_FOUND"] })]);
    expect(await byId(r3)).toEqual([expect.objectContaining({ outcome: "error", errorCodes: ["BAD_REQUEST"], status: 400 })]);
    expect(live.logText()).not.toContain("this-token-must-not-be-logged");
  });

  it("names requests Apollo never resolved after their first operation", () => {
    expect(firstOperationName("# comment\n , query Named($a: Int) { x }")).toBe("Named");
    expect(firstOperationName("mutation M { x }")).toBe("M");
    expect(firstOperationName("{ me { id } }")).toBeNull();
    expect(firstOperationName("query { x }")).toBeNull();
  });

  it("logs nothing per request for the playground, assets, health and metrics", async () => {
    const before = live.logs().length;
    for (const p of ["/playground", "/playground/assets/playground.js", "/health", "/ready", "/metrics"]) await (await fetch(`${live.origin}${p}`)).text();
    // a GraphQL request sent after those answers were read: once its line is written, theirs would have been too
    const marker = await postGraphql(live.origin, { query: "query AfterTheOthers { me { id } }" }, "demo-giulia");
    await linesFor(live, marker);
    expect(live.logs().slice(before).map((l) => l.operationName)).toEqual(["AfterTheOthers"]);
  });

  it("LOG_LEVEL sets the level: at warn, successful requests are not logged, failures are", async () => {
    expect(loadConfig({ LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(loadConfig({}).logLevel).toBe("info");
    expect(loadConfig({ NODE_ENV: "test" }).logLevel).toBe("silent");
    const ok = await postGraphql(locked.origin, { query: "query Quiet { me { id } }" }, "demo-alan");
    expect(ok.status).toBe(200);
    const bad = await postGraphql(locked.origin, { query: "query Loud { me { id } }" }, "wrong");
    expect(bad.status).toBe(401);
    // the failure sent after the success is logged; by then the success would have been
    expect(await linesFor(locked, bad)).toEqual([expect.objectContaining({ msg: "graphql request", operationName: "Loud", level: 40 })]);
    expect(locked.logs().filter((l) => l.requestId === ok.headers.get("x-request-id"))).toEqual([]);
    expect(locked.logs().every((l) => l.level >= 40)).toBe(true);
  });
});

describe("GET /health and GET /ready", () => {
  it("answer 200 on a running app with a migrated database", async () => {
    const health = await fetch(`${live.origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${live.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("/ready is 503 while a migration is pending", async () => {
    const db = live.app.deps.db;
    const rows = await db.query<{ timestamp: unknown; name: string }>("SELECT timestamp, name FROM migrations");
    expect(rows.length).toBeGreaterThan(0);
    const last = rows[rows.length - 1];
    await db.query(`DELETE FROM migrations WHERE name = ${db.param(1)}`, [last.name]);
    try {
      const ready = await fetch(`${live.origin}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "migrations pending" });
      expect((await fetch(`${live.origin}/health`)).status).toBe(200);
    } finally {
      await db.query(`INSERT INTO migrations (timestamp, name) VALUES (${db.param(1)}, ${db.param(2)})`, [last.timestamp, last.name]);
    }
    expect((await fetch(`${live.origin}/ready`)).status).toBe(200);
  });
});

describe("GET /metrics", () => {
  const scrape = async (origin: string) => {
    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  const value = (text: string, series: string): number | null => {
    const line = text.split("\n").find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : null;
  };

  it("counts requests and latency by operation name and outcome, and errors by code", async () => {
    const ANON = 'graphql_requests_total{operation="anonymous",outcome="error"}';
    const ANON_ERRORS = 'graphql_errors_total{operation="anonymous",code="UNAUTHENTICATED"}';
    const before = await scrape(live.origin);
    for (let i = 0; i < 3; i++) expect((await postGraphql(live.origin, { query: "query MetricsProbe { me { id } }" }, "demo-rita")).status).toBe(200);
    await postGraphql(live.origin, { query: "query MetricsProbe { me { id } }" }, "bad-token");
    const text = await until(
      "the four MetricsProbe samples",
      () => scrape(live.origin),
      (t) => value(t, 'graphql_requests_total{operation="MetricsProbe",outcome="ok"}') === 3 && value(t, ANON) === (value(before, ANON) ?? 0) + 1,
    );
    expect(value(text, 'graphql_requests_total{operation="MetricsProbe",outcome="ok"}')).toBe(3);
    // a request without a valid token does not name the label: it is "anonymous"
    expect(value(text, 'graphql_requests_total{operation="MetricsProbe",outcome="error"}')).toBeNull();
    expect(value(text, 'graphql_request_duration_seconds_count{operation="MetricsProbe",outcome="ok"}')).toBe(3);
    expect(value(text, 'graphql_request_duration_seconds_bucket{le="+Inf",operation="MetricsProbe",outcome="ok"}')).toBe(3);
    expect(value(text, ANON_ERRORS)).toBe((value(before, ANON_ERRORS) ?? 0) + 1);
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("has a registry per app instance", async () => {
    await postGraphql(live.origin, { query: "query OnlyOnLive { me { id } }" }, "demo-rita");
    await until("the OnlyOnLive sample", () => scrape(live.origin), (t) => t.includes('operation="OnlyOnLive"'));
    expect(await scrape(locked.origin)).not.toContain('operation="OnlyOnLive"');
  });

  it.runIf(TEST_DB === "sqlite")("SQLite: gauges the queued write transactions", async () => {
    const db = live.app.deps.db;
    expect(value(await scrape(live.origin), "db_sqlite_pending_writes")).toBe(0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = db.write(() => gate);
    const second = db.write(async () => undefined);
    try {
      expect(value(await scrape(live.origin), "db_sqlite_pending_writes")).toBe(2);
    } finally {
      release();
      await Promise.all([first, second]);
    }
    expect(value(await scrape(live.origin), "db_sqlite_pending_writes")).toBe(0);
  });

  it.runIf(TEST_DB === "postgres")("PostgreSQL: gauges the pool (total, idle, waiting)", async () => {
    const db = live.app.deps.db;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    // holds one pooled connection: its transaction has started once the callback runs
    const held = db.write(async () => {
      entered();
      await gate;
    });
    await inside;
    try {
      const text = await scrape(live.origin);
      const total = value(text, "db_pool_total_connections")!;
      const idle = value(text, "db_pool_idle_connections")!;
      expect(total).toBeGreaterThanOrEqual(1);
      expect(idle).toBeLessThan(total);
      expect(value(text, "db_pool_waiting_clients")).toBe(0);
      expect(text).not.toContain("db_sqlite_pending_writes");
    } finally {
      release();
      await held;
    }
  });

  it("bounds the operation label: invalid names and names past the limit become 'other'", async () => {
    const metrics = createMetrics({ dialect: "sqlite", pendingWrites: 0 } as unknown as Database);
    // 20 users (each may introduce 20 names) together more than fill the 200
    for (let i = 0; i < MAX_OPERATIONS + 50; i++) metrics.observeGraphqlRequest({ operationName: `Op${i}`, userId: `u${i % 20}`, outcome: "ok", errorCodes: [], seconds: 0.001 });
    metrics.observeGraphqlRequest({ operationName: "not a name!", userId: "u1", outcome: "error", errorCodes: ["weird code"], seconds: 0.001 });
    metrics.observeGraphqlRequest({ operationName: null, userId: "u1", outcome: "ok", errorCodes: [], seconds: 0.001 });
    const counter = await metrics.registry.getSingleMetric("graphql_requests_total")!.get();
    const ops = new Set(counter.values.map((v) => v.labels.operation));
    expect(ops.size).toBe(MAX_OPERATIONS + 2);
    expect(ops.has("other")).toBe(true);
    expect(ops.has("unnamed")).toBe(true);
    expect(ops.has(`Op${MAX_OPERATIONS + 10}`)).toBe(false);
    const errs = await metrics.registry.getSingleMetric("graphql_errors_total")!.get();
    expect(errs.values.map((v) => v.labels)).toEqual([{ operation: "other", code: "OTHER" }]);
  });
});

describe("with the database gone", () => {
  it("/health and /ready answer 503", async () => {
    await locked.app.deps.db.close();
    const health = await fetch(`${locked.origin}/health`);
    expect(health.status).toBe(503);
    const ready = await fetch(`${locked.origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "database unreachable" });
  });
});
