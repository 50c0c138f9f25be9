import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./helpers/server";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";

/**
 * Graceful shutdown of the compiled server (node dist/src/main.js) as a child
 * process. The "slow request" needs no hook in the server: the client sends
 * the request headers and half of the JSON body, the signal arrives while the
 * server is still reading the body, then the client sends the rest.
 *
 * No sleeps and no time limits: test/helpers/server-hooks.cjs (preloaded into
 * the child) says when a request has reached the server, and stretches the
 * keep-alive timeout to 10 minutes, so a shutdown that waited for idle
 * connections would hang (the test's timeout fails it) rather than pass late.
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

const HOOKS = join(__dirname, "helpers", "server-hooks.cjs");
const RECEIVED = /\[hook\] request received POST \/graphql\n/;

async function start(extra: Record<string, string> = {}) {
  const db = await database();
  const server = await startServerProcess({ ...db.env, LOG_LEVEL: "info", SEED_DEMO: "true", NODE_OPTIONS: `--require ${HOOKS}`, ...extra });
  cleanups.push(() => server.kill());
  return { server, db };
}

/** Sends headers and the first half of a POST /graphql; returns the socket and a function that sends the rest and reads the response. */
function startSlowRequest(server: ServerProcess, query: string) {
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
    async finish(): Promise<{ status: number; head: string; json: any }> {
      socket.write(body.slice(half));
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no complete response; got: ${raw}`)), 30_000);
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
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)![1]), head, json: JSON.parse(payload) };
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


/** The JSON log lines a server printed (the banner and hook lines are skipped). */
function logLines(output: string): Array<{ msg?: string; time: number; [k: string]: unknown }> {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
}

describe("graceful shutdown (node dist/src/main.js)", () => {
  it("SIGTERM during a request: stops accepting, finishes the request with 200, closes the database, exits 0", async () => {
    const { server, db } = await start();
    const slow = startSlowRequest(server, 'query Slow { accounts(search: "Globex") { edges { node { name businessPlans { name } } } } }');
    await server.waitFor(RECEIVED); // the server has the headers and is reading the body
    expect(slow.raw()).toBe("");
    server.child.kill("SIGTERM");
    await server.waitFor(/"inFlight":1,.*"msg":"stopped accepting connections; draining"/);
    expect(await refused(server.port)).toBe(true);
    expect(server.child.exitCode).toBeNull(); // still running: the request is in flight
    const res = await slow.finish();
    expect(res.status, JSON.stringify(res.json) + server.output()).toBe(200);
    expect(res.json.errors).toBeUndefined();
    expect(res.json.data.accounts.edges[0].node.name).toBe("Globex Industries");
    expect(res.json.data.accounts.edges[0].node.businessPlans.map((p: { name: string }) => p.name)).toContain("Globex FY2026 Account Plan");
    // the answer closes its connection (no keep-alive while draining), and the server closes it
    expect(res.head).toMatch(/\r\nconnection: close\r\n/i);
    await slow.closed;
    const { code, signal } = await server.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(server.output()).toMatch(/"msg":"shut down cleanly"/);
    expect(server.output()).toMatch(/"operationName":"Slow".*"outcome":"ok"/);
    await databaseClosed(db);
  });

  it("bounded: a request that does not finish within SHUTDOWN_TIMEOUT_MS is cut off and the process still exits 0", async () => {
    const { server, db } = await start({ SHUTDOWN_TIMEOUT_MS: "1000" });
    const stalled = startSlowRequest(server, "query Slow { me { id } }");
    await server.waitFor(RECEIVED);
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    const { code } = await server.exited;
    const took = Date.now() - t0;
    // exit 0: the timeout cut the request off (the backstop 5 s later would exit 1); never before the timeout
    expect(code).toBe(0);
    expect(took).toBeGreaterThanOrEqual(1000);
    await stalled.closed; // its connection was closed by the server
    expect(stalled.raw()).toBe("");
    // in this order by their timestamps (lines of one millisecond may reach the pipe in either order)
    const logs = logLines(server.output());
    const draining = logs.find((l) => l.msg === "stopped accepting connections; draining");
    const cutOff = logs.find((l) => /requests still in flight after the shutdown timeout/.test(String(l.msg)));
    const done = logs.find((l) => l.msg === "shut down cleanly");
    expect({ draining: draining?.inFlight, cutOff: !!cutOff, done: !!done }, server.output()).toEqual({ draining: 1, cutOff: true, done: true });
    expect(draining!.time).toBeLessThanOrEqual(cutOff!.time);
    expect(cutOff!.time).toBeLessThanOrEqual(done!.time);
    await databaseClosed(db);
  });

  it("SIGINT on an idle server with a kept-alive connection closes that connection and exits 0 (no waiting for its keep-alive timeout)", async () => {
    const { server, db } = await start();
    // a kept-alive connection, idle after its answer
    const socket: Socket = connect(server.port, "127.0.0.1");
    let raw = "";
    socket.on("data", (d) => (raw += d.toString()));
    socket.on("error", () => undefined);
    const closed = new Promise<void>((res) => socket.once("close", () => res()));
    socket.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: keep-alive\r\n\r\n`);
    await new Promise<void>((res) => {
      const check = () => /\r\n\r\n\{"status":"ok"\}$/.test(raw) && res();
      socket.on("data", check);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toMatch(/\r\nconnection: keep-alive\r\n/i);
    server.child.kill("SIGINT");
    await closed; // closed by the server (the keep-alive timeout is 10 minutes: see server-hooks.cjs)
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(server.output()).toMatch(/"signal":"SIGINT".*"msg":"shutting down"/);
    expect(server.output()).toMatch(/"inFlight":0,.*"msg":"stopped accepting connections; draining"/);
    await databaseClosed(db);
  });
});
