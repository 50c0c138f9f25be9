/**
 * Idempotency-Key across real server processes (compiled: `npx tsc -p tsconfig.json` first).
 *  - The same keyed mutation 20 times at once, spread over two processes on one PostgreSQL
 *    database (one process on SQLite, which serves one process per file): one record, 20
 *    identical answers, exactly one of them not a replay.
 *  - A crash between the commit and the answer: the server is killed (SIGKILL, by the preloaded
 *    test/helpers/kill-before-response.cjs) after the keyed request's transaction committed and
 *    before the answer is written; the client retries on a server started afterwards and gets the
 *    stored answer; the record exists once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Sqlite from "better-sqlite3";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { type ServerProcess, startServerProcess } from "./helpers/server";

const ADMIN_TOKEN = `idem-admin-${Date.now()}-${Math.random().toString(36).slice(2)}`;
const HOOK = resolve(__dirname, "helpers", "kill-before-response.cjs");
const CREATE = `mutation($name: String!) { createAccount(input: { name: $name }) { id name owner { id } } }`;

async function post(url: string, body: unknown, key: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}`, "idempotency-key": key },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), replayed: res.headers.get("idempotent-replayed") === "true" };
}

describe("Idempotency-Key across server processes", () => {
  let dbUrl: string;
  let drop: () => Promise<void> = async () => {};
  let dir: string | null = null;
  const running: ServerProcess[] = [];

  const start = async (extra: Record<string, string> = {}) => {
    const s = await startServerProcess({ DATABASE_URL: dbUrl, SEED_DEMO: "false", ADMIN_TOKEN, DB_POOL_SIZE: "5", ...extra });
    running.push(s);
    return s;
  };
  const stopAll = async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  };
  async function accounts(name: string): Promise<number> {
    if (TEST_DB === "postgres") {
      const c = new Client({ connectionString: dbUrl });
      await c.connect();
      try {
        return Number((await c.query("SELECT COUNT(*) AS n FROM account WHERE name = $1", [name])).rows[0].n);
      } finally {
        await c.end();
      }
    }
    const db = new Sqlite(dbUrl.slice("sqlite:".length), { readonly: true });
    try {
      return Number((db.prepare("SELECT COUNT(*) AS n FROM account WHERE name = ?").get(name) as { n: number }).n);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    if (TEST_DB === "postgres") {
      const fresh = await freshDatabaseUrl("postgres");
      dbUrl = fresh.url;
      drop = fresh.drop;
    } else {
      dir = mkdtempSync(join(tmpdir(), "idem-"));
      dbUrl = `sqlite:${join(dir, "idem.sqlite")}`;
    }
  });
  afterAll(async () => {
    await stopAll();
    await drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("20 identical keyed requests at once (two processes on PostgreSQL) create one record and get 20 identical answers", async () => {
    const servers = TEST_DB === "postgres" ? await Promise.all([start(), start()]) : [await start()];
    try {
      const body = { query: CREATE, variables: { name: "Burst Co" } };
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(servers[i % servers.length].url, body, "burst-key")));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((a) => a.text)).size).toBe(1);
      expect(JSON.parse(answers[0].text).data.createAccount.name).toBe("Burst Co");
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      expect(await accounts("Burst Co")).toBe(1);
    } finally {
      await stopAll();
    }
  }, 120_000);

  it("a server killed after the commit and before the answer: the retry gets the stored answer, no duplicate", async () => {
    const doomed = await start({ NODE_OPTIONS: `--require ${HOOK}`, KILL_BEFORE_RESPONSE_KEY: "crash-key" });
    const body = { query: CREATE, variables: { name: "Crash Co" } };
    await expect(post(doomed.url, body, "crash-key")).rejects.toThrow();
    expect((await doomed.exited).signal).toBe("SIGKILL");
    expect(doomed.output()).toContain("[hook] killing before response");
    running.splice(running.indexOf(doomed), 1);
    // the effect committed with its key
    expect(await accounts("Crash Co")).toBe(1);
    const survivor = await start();
    const retry = await post(survivor.url, body, "crash-key");
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe(true);
    expect(JSON.parse(retry.text).data.createAccount.name).toBe("Crash Co");
    expect(await accounts("Crash Co")).toBe(1);
    // the same key with another request is still refused
    expect((await post(survivor.url, { query: CREATE, variables: { name: "Crash Co 2" } }, "crash-key")).status).toBe(422);
    await stopAll();
  }, 120_000);
});
