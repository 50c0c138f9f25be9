import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type ChildServer, startChildServer } from "./helpers/child-server";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";

/**
 * Graceful shutdown of the compiled server (node dist/src/main.js) as a child
 * process. The "slow request" needs no hook in the server: the client sends
 * the request headers and half of the JSON body, the signal arrives while the
 * server is still reading the body, then the client sends the rest.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function database(): Promise<{ env: Record<string, string>; sqliteFile: string | null; pgName: string | null }> {
  if (TEST_DB === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "ap-shutdown-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "planning.sqlite");
    return { env: { DATABASE_URL: `sqlite:${file}` }, sqliteFile: file, pgName: null };
  }
  const { url, drop } = await freshDatabaseUrl("postgres");
  cleanups.push(drop);
  return { env: { DATABASE_URL: url }, sqliteFile: null, pgName: new URL(url).pathname.slice(1) };
}

async function start(extra: Record<string, string> = {}) {
  const db = await database();
  const server = await startChildServer({ ...db.env, SEED_DEMO: "true", ...extra });
  cleanups.push(() => server.kill());
  return { server, db };
}

/** Sends headers and the first half of a POST /graphql; returns the socket and a function that sends the rest and reads the response. */
function startSlowRequest(server: ChildServer, query: string) {
  const body = JSON.stringify({ query, operationName: "Slow" });
  const half = Math.floor(body.length / 2);
  const socket: Socket = connect(server.port, "127.0.0.1");
  let raw = "";
  socket.on("data", (d) => (raw += d.toString()));
  const closed = new Promise<void>((res) => socket.once("close", () => res()));
  socket.on("error", () => undefined);
  socket.write(
    [
      "POST /graphql HTTP/1.1",
      `Host: 127.0.0.1:${server.port}`,
      "Content-Type: application/json",
      "Authorization: Bearer demo-giulia",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "",
      body.slice(0, half),
    ].join("\r\n"),
  );
  return {
    socket,
    closed,
    raw: () => raw,
    async finish(): Promise<{ status: number; json: any }> {
      socket.write(body.slice(half));
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no complete response; got: ${raw}`)), 10_000);
        const check = () => {
          const m = /\r\n\r\n([\s\S]*)$/.exec(raw);
          const len = /content-length: (\d+)/i.exec(raw);
          if (m && len && Buffer.byteLength(m[1]) >= Number(len[1])) {
            clearTimeout(t);
            res();
          }
        };
        socket.on("data", check);
        check();
      });
      const [head, payload] = raw.split("\r\n\r\n");
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)![1]), json: JSON.parse(payload) };
    },
  };
}

const refused = (port: number) =>
  new Promise<boolean>((res) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      res(false);
    });
    s.once("error", (e: NodeJS.ErrnoException) => res(e.code === "ECONNREFUSED"));
  });

async function databaseClosed(db: { sqliteFile: string | null; pgName: string | null }) {
  if (db.sqliteFile) {
    // Closing the last connection checkpoints the WAL and removes it.
    expect(existsSync(`${db.sqliteFile}-wal`)).toBe(false);
    expect(existsSync(db.sqliteFile)).toBe(true);
  } else {
    const c = new Client({ connectionString: process.env.TEST_POSTGRES_URL });
    await c.connect();
    try {
      const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [db.pgName]);
      expect(r.rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  }
}

describe("graceful shutdown (node dist/src/main.js)", () => {
  it("SIGTERM during a request: stops accepting, finishes the request with 200, closes the database, exits 0", async () => {
    const { server, db } = await start();
    const slow = startSlowRequest(server, 'query Slow { accounts(search: "Globex") { edges { node { name businessPlans { name } } } } }');
    await new Promise((r) => setTimeout(r, 300)); // the server has the headers and is reading the body
    expect(slow.raw()).toBe("");
    server.child.kill("SIGTERM");
    await server.waitFor(/"inFlight":1,.*"msg":"stopped accepting connections; draining"/);
    expect(await refused(server.port)).toBe(true);
    expect(server.child.exitCode).toBeNull(); // still running: the request is in flight
    const res = await slow.finish();
    expect(res.status, JSON.stringify(res.json) + server.output()).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.accounts.edges[0].node.name).toBe("Globex Industries");
    expect(res.json.data.accounts.edges[0].node.businessPlans.length).toBeGreaterThan(0);
    const started = Date.now();
    const { code, signal } = await server.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3000); // not waiting for a keep-alive timeout
    expect(server.output()).toMatch(/"msg":"shut down cleanly"/);
    expect(server.output()).toMatch(/"operationName":"Slow".*"outcome":"ok"/);
    await databaseClosed(db);
  });

  it("bounded: a request that does not finish within SHUTDOWN_TIMEOUT_MS is cut off and the process still exits 0", async () => {
    const { server, db } = await start({ SHUTDOWN_TIMEOUT_MS: "1000" });
    const stalled = startSlowRequest(server, "query Slow { me { id } }");
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    const { code } = await server.exited;
    const took = Date.now() - t0;
    expect(code).toBe(0);
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
    await stalled.closed; // its connection was closed by the server
    expect(server.output()).toMatch(/requests still in flight after the shutdown timeout/);
    await databaseClosed(db);
  });

  it("SIGINT on an idle server with a kept-alive connection exits 0 at once", async () => {
    const { server, db } = await start();
    const res = await fetch(`${server.origin}/health`, { headers: { connection: "keep-alive" } });
    expect(res.status).toBe(200);
    const t0 = Date.now();
    server.child.kill("SIGINT");
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(server.output()).toMatch(/"signal":"SIGINT".*"msg":"shutting down"/);
    await databaseClosed(db);
  });
});
