/**
 * /metrics (issue 19): label values come from a bounded set that anonymous
 * clients cannot choose (every request without a valid token is "anonymous",
 * whatever operationName it sends), one user cannot fill the set, and
 * METRICS_TOKEN protects the endpoint when it is set. Over HTTP.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { MAX_NEW_OPERATIONS_PER_USER } from "../src/http/metrics";
import { postGql } from "./helpers/security-kit";
import { startTestServer, type TestServer } from "./helpers/server";

const scrape = async (s: TestServer, token?: string) => {
  const res = await fetch(`${s.origin}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
};
const operations = (text: string) => new Set([...text.matchAll(/^graphql_requests_total\{operation="([^"]*)"/gm)].map((m) => m[1]));
/** The request log writes the sample when the response closes: wait until the scrape has counted `n` requests. */
async function settled(s: TestServer, n: number) {
  for (let i = 0; i < 100; i++) {
    const total = [...(await scrape(s)).text.matchAll(/^graphql_requests_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    if (total >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`metrics never counted ${n} requests`);
}

describe("operation labels", () => {
  let s: TestServer;
  let alice: string;
  let bob: string;
  beforeAll(async () => {
    s = await startTestServer({ seed: false });
    alice = (await s.app.deps.services.users.createUserUnchecked({ name: "Alice", email: "alice@metrics.example", role: Role.ANALYST })).token;
    bob = (await s.app.deps.services.users.createUserUnchecked({ name: "Bob", email: "bob@metrics.example", role: Role.ANALYST })).token;
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("200 junk operation names from anonymous clients (no or wrong token) are all 'anonymous'; the real operations keep their names", async () => {
    let sent = 0;
    for (let i = 0; i < 200; i++) {
      const junk = `Junk${i}_${randomUUID().replace(/-/g, "")}`;
      await postGql(s.url, i % 2 ? null : `wrong-${i}`, `query ${junk} { me { id } }`, undefined, { operationName: junk });
      sent++;
    }
    expect((await postGql(s.url, alice, "query AccountList { accounts(first: 5) { totalCount } }")).status).toBe(200);
    expect((await postGql(s.url, bob, "query WhoAmI { me { id } }")).status).toBe(200);
    await settled(s, sent + 2);
    const ops = operations((await scrape(s)).text);
    expect([...ops].filter((o) => o.startsWith("Junk"))).toEqual([]);
    expect(ops.has("anonymous")).toBe(true);
    expect(ops.has("AccountList")).toBe(true);
    expect(ops.has("WhoAmI")).toBe(true);
    expect(ops.has("other")).toBe(false);
  });

  it(`one user introduces at most ${MAX_NEW_OPERATIONS_PER_USER} names; beyond, 'other'; another user's names still count`, async () => {
    const before = operations((await scrape(s)).text).size;
    for (let i = 0; i < MAX_NEW_OPERATIONS_PER_USER + 10; i++) await postGql(s.url, alice, `query Flood${i} { me { id } }`);
    expect((await postGql(s.url, bob, "query BobsReport { me { id } }")).status).toBe(200);
    await settled(s, 202 + MAX_NEW_OPERATIONS_PER_USER + 11);
    const ops = operations((await scrape(s)).text);
    // Alice had introduced AccountList already: 19 of her Flood names, then 'other'
    expect([...ops].filter((o) => o.startsWith("Flood"))).toHaveLength(MAX_NEW_OPERATIONS_PER_USER - 1);
    expect(ops.has("other")).toBe(true);
    expect(ops.has("BobsReport")).toBe(true);
    expect(ops.size).toBe(before + MAX_NEW_OPERATIONS_PER_USER - 1 + 2);
  });
});

describe("METRICS_TOKEN", () => {
  let s: TestServer;
  const TOKEN = `metrics-${randomUUID()}`;
  beforeAll(async () => {
    s = await startTestServer({ seed: false, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("without it or with a wrong one /metrics is 401; with it, 200", async () => {
    expect((await scrape(s)).status).toBe(401);
    expect((await scrape(s, "wrong")).status).toBe(401);
    const ok = await scrape(s, TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("process_resident_memory_bytes");
  });
});
