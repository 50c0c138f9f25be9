/**
 * Security headers on every route (issue 19): helmet's headers were only on
 * /graphql. Over HTTP, on each route of the server and on an unknown path.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAYGROUND_CSP } from "../src/http/playground";
import { startTestServer, type TestServer } from "./helpers/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ seed: true });
});
afterAll(async () => {
  await s?.stop();
});

const ROUTES: Array<[string, RequestInit]> = [
  ["/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer demo-alan" }, body: JSON.stringify({ query: "{ me { id } }" }) }],
  ["/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }],
  ["/health", {}],
  ["/ready", {}],
  ["/metrics", {}],
  ["/playground", {}],
  ["/playground/assets/playground.js", {}],
  ["/no-such-route", {}],
];

describe("every route carries the security headers", () => {
  for (const [path, init] of ROUTES) {
    it(`${init.method ?? "GET"} ${path}${init.body === "{not json" ? " (malformed body)" : ""}`, async () => {
      const res = await fetch(`${s.origin}${path}`, init);
      await res.text();
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toMatch(/^(SAMEORIGIN|DENY)$/);
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(res.headers.get("x-powered-by")).toBeNull();
      const csp = res.headers.get("content-security-policy");
      if (path.startsWith("/playground")) expect(csp).toBe(PLAYGROUND_CSP);
      // (Express's own 404 page sets "default-src 'none'" over ours: as strict)
      else if (path === "/no-such-route") expect(csp).toBe("default-src 'none'");
      else expect(csp).toBe("default-src 'none';frame-ancestors 'none'");
    });
  }
});
