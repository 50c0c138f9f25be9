/**
 * Error masking, both sides: a real database failure under a running server
 * reaches the client as INTERNAL_SERVER_ERROR "Internal server error" with a
 * request id and nothing else, while the server log (pino, captured in memory)
 * has the full error under the same request id. A write that fails half-way
 * is rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT_VIEW, expectNoLeak, postGql, type RawResponse } from "./helpers/security-kit";
import { startTestServer, type TestServer } from "./helpers/server";
import { gid } from "./helpers/ids";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ seed: true, logLevel: "info" });
});
afterAll(async () => server?.stop());

const sql = (q: string) => server.app.deps.db.query(q);
const dialect = () => server.app.deps.db.dialect;
const rename = (from: string, to: string) => sql(`ALTER TABLE ${from} RENAME TO ${to}`);

/** The masked answer: one error, nothing but the generic message, the code and a request id (= the x-request-id header). */
function expectMasked(r: RawResponse): string {
  expectNoLeak(r);
  const errors = r.json.errors;
  expect(errors).toHaveLength(1);
  expect(errors[0].message).toBe("Internal server error");
  expect(Object.keys(errors[0].extensions).sort()).toEqual(["code", "requestId"]);
  expect(errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
  const requestId = errors[0].extensions.requestId;
  expect(requestId).toMatch(UUID);
  expect(r.headers.get("x-request-id")).toBe(requestId);
  return requestId;
}

/** The log line the formatter wrote for that request: level error, the same id, the full error with its stack. */
function loggedError(requestId: string) {
  const lines = server.logs().filter((l) => l.requestId === requestId && l.level === 50);
  expect(lines.length, JSON.stringify(server.logs().slice(-5))).toBeGreaterThanOrEqual(1);
  const line = lines[0];
  expect(line.err).toBeDefined();
  expect(typeof line.err.message).toBe("string");
  expect(line.err.stack).toMatch(/\n\s+at /);
  return line;
}

describe("a database failure under a running server", () => {
  it("a read hits a missing table: the client sees only INTERNAL_SERVER_ERROR + request id; the log has the SQL error with the same id", async () => {
    const before = await postGql(server.url, "demo-giulia", `{ businessPlans(first: 3) { edges { node { id name } } } }`);
    expect(before.json.errors).toBeUndefined();
    await rename("business_plan", "business_plan_moved");
    try {
      const r = await postGql(server.url, "demo-giulia", `{ businessPlans(first: 3) { edges { node { id name } } } }`);
      expect(r.status).toBe(200);
      expect(r.json.data).toBeNull();
      const requestId = expectMasked(r);
      const line = loggedError(requestId);
      // the log has what the client must not see: the driver error naming the table
      expect(`${line.err.message} ${line.err.query ?? ""}`).toMatch(/business_plan/);
      expect(line.err.type ?? line.err.name).toMatch(/QueryFailedError/);
      expect(line.msg).toBe("unexpected error");
      // a field of a successful query fails the same way, the rest of the answer stays
      const partial = await postGql(server.url, "demo-giulia", `{ me { name } account(id: "${gid("Account", 1)}") { name businessPlans { id } } }`);
      expect(partial.json.data.me.name).toBe("Giulia Rossi");
      expect(partial.json.data.account).toBeNull(); // businessPlans is non-null: the null propagates to the nullable account
      expectMasked(partial);
    } finally {
      await rename("business_plan_moved", "business_plan");
    }
    const after = await postGql(server.url, "demo-giulia", ACCOUNT_VIEW, { id: gid("Account", 1), period: gid("Period", 6) });
    expect(after.json.errors).toBeUndefined();
  });

  it("a write fails half-way (audit table missing): masked for the client, logged, and rolled back", async () => {
    const q = `query { businessPlan(id: "${gid("BusinessPlan", 4)}") { status version statusHistory { to } auditTrail(first: 500) { action } } }`;
    const before = (await postGql(server.url, "demo-giulia", q)).json.data.businessPlan;
    expect(before.status).toBe("DRAFT");
    await rename("plan_audit_entry", "plan_audit_entry_moved");
    let requestId: string;
    try {
      // the version bump and the status-history row succeed, then the audit insert fails
      const r = await postGql(server.url, "demo-giulia", `mutation { changeBusinessPlanStatus(id: "${gid("BusinessPlan", 4)}", status: SUBMITTED, comment: "half-way") { id status } }`);
      requestId = expectMasked(r);
    } finally {
      await rename("plan_audit_entry_moved", "plan_audit_entry");
    }
    const line = loggedError(requestId);
    expect(line.err.message).toMatch(/plan_audit_entry/);
    const after = (await postGql(server.url, "demo-giulia", q)).json.data.businessPlan;
    expect(after).toEqual(before);
  });

  it("the connection is gone: masked for the client (HTTP 500 from context creation), logged with the same id; /health says unavailable", async () => {
    const own = await startTestServer({ seed: true, logLevel: "info" });
    try {
      await own.app.deps.db.dataSource.destroy();
      const r = await postGql(own.url, "demo-giulia", `{ me { name } }`);
      expect(r.status).toBe(500);
      expectNoLeak(r);
      expect(r.json.errors).toHaveLength(1);
      expect(r.json.errors[0]).toEqual({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: r.headers.get("x-request-id") } });
      const lines = own.logs().filter((l) => l.requestId === r.json.errors[0].extensions.requestId && l.level === 50);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines[0].err.message).toMatch(/not open|not connected|not established|after calling end|destroyed|closed/i);
      const health = await fetch(`${own.origin}/health`);
      expect(health.status).toBe(503);
      expect(await health.text()).toBe('{"status":"unavailable"}');
    } finally {
      await own.stop().catch(() => undefined);
    }
  });

  it("the whole answer is the same on both dialects: nothing dialect-specific reaches the client", async () => {
    // the same failure as above, once more, checking the entire body
    await rename("contact", "contact_moved");
    try {
      const query = `{ account(id: "${gid("Account", 1)}") { contacts { id } } }`;
      const r = await postGql(server.url, "demo-giulia", query);
      const requestId = expectMasked(r);
      expect(r.json).toStrictEqual({
        errors: [{ message: "Internal server error", locations: [{ line: 1, column: query.indexOf("contacts") + 1 }], path: ["account", "contacts"], extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }],
        data: { account: null },
      });
      expect(loggedError(requestId).err.message).toMatch(dialect() === "sqlite" ? /no such table: contact/ : /relation "contact" does not exist/);
    } finally {
      await rename("contact_moved", "contact");
    }
  });
});
