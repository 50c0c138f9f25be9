/**
 * Data safety on SQLite (docs/operations.md, "Data safety"): the pragmas the app sets on a
 * file database, `npm run db:check` (integrity_check + foreign_key_check, exit
 * code), and `npm run db:backup -- PATH` taking a consistent copy while the
 * server keeps writing, restored the way docs/operations.md says.
 *
 * SQLite only: on PostgreSQL durability, integrity checks and backups are the
 * server's business (pg_dump / amcheck), see docs/scaling.md.
 */
import "reflect-metadata";
import { execFile } from "node:child_process";
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/data-source";
import { createLogger } from "../src/logger";
import { TEST_DB } from "./helpers/db";
import { postGql } from "./helpers/security-kit";
import { gid } from "./helpers/ids";

const run = promisify(execFile);
const ROOT = resolve(__dirname, "..");
const ADMIN_TOKEN = "data-safety-admin-token";

/** `npm run <script> -- args`: exit code, stdout, stderr. */
async function npmRun(script: string, args: string[], env: Record<string, string> = {}) {
  for (const f of ["dist/scripts/db-check.js", "dist/scripts/db-backup.js"]) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: compile first (npx tsc -p tsconfig.json; npm test does it)`);
  }
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", script, "--", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "data-safety-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dbConfig = (file: string) => ({ databaseUrl: `sqlite:${file}`, dbLogging: false, dbPoolSize: 1, databaseSsl: false });

describe.skipIf(TEST_DB !== "sqlite")("data safety (SQLite only: PostgreSQL handles durability, checks and backups itself)", () => {
  it("a file database runs in WAL mode with synchronous=FULL, a busy timeout and foreign keys on", async () => {
    const db = await openDatabase(dbConfig(join(dir, "pragmas.sqlite")));
    try {
      const pragma = async (name: string) => Object.values((await db.query(`PRAGMA ${name}`))[0])[0];
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("synchronous")).toBe(2); // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
      expect(await pragma("busy_timeout")).toBe(5000);
      expect(await pragma("foreign_keys")).toBe(1);
    } finally {
      await db.close();
    }
    // and it is the file, not just the connection, that is in WAL mode
    const raw = new Sqlite(join(dir, "pragmas.sqlite"), { fileMustExist: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
  });

  describe("npm run db:check", () => {
    let healthy: string;
    beforeAll(async () => {
      healthy = join(dir, "healthy.sqlite");
      const db = await openDatabase(dbConfig(healthy));
      await db.query(`INSERT INTO app_user (name, email, role) VALUES ('a', 'a@x', 'ADMIN')`);
      await db.query(`INSERT INTO account (name, owner_id, created_at, updated_at) VALUES ('acc', 1, datetime('now'), datetime('now'))`);
      await db.close();
    });

    it("passes a healthy database (exit 0), by path or by DATABASE_URL", async () => {
      const byPath = await npmRun("db:check", [healthy]);
      expect(byPath.code, byPath.stderr).toBe(0);
      expect(JSON.parse(byPath.stdout)).toMatchObject({ ok: true, integrity: ["ok"], foreignKeyViolations: [], journalMode: "wal" });
      const byUrl = await npmRun("db:check", [], { DATABASE_URL: `sqlite:${healthy}` });
      expect(byUrl.code, byUrl.stderr).toBe(0);
    });

    it("fails (exit 1) on a row whose foreign key points nowhere", async () => {
      const file = join(dir, "orphan.sqlite");
      copyFileSync(healthy, file);
      const raw = new Sqlite(file);
      raw.pragma("foreign_keys = OFF");
      raw.prepare(`INSERT INTO contact (first_name, last_name, account_id, created_at) VALUES ('o', 'rphan', 999, datetime('now'))`).run();
      raw.close();
      const r = await npmRun("db:check", [file]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.ok).toBe(false);
      expect(report.integrity).toEqual(["ok"]);
      expect(report.foreignKeyViolations).toEqual([expect.objectContaining({ table: "contact", parent: "account" })]);
      expect(r.stderr).toMatch(/db:check FAILED/);
    });

    it("fails (exit 1) on a corrupted file", async () => {
      const file = join(dir, "corrupt.sqlite");
      copyFileSync(healthy, file);
      const size = readFileSync(file).length;
      const fd = openSync(file, "r+");
      // scribble over every page but the first (the header): b-tree pages become garbage
      const page = 4096;
      for (let offset = page; offset + 64 < size; offset += page) writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, offset + 8);
      closeSync(fd);
      const r = await npmRun("db:check", [file]);
      expect(r.code, `${r.stdout} ${r.stderr}`).toBe(1);
    });

    it("fails (exit 1) on a file that is not a database; cannot run (exit 2) without one", async () => {
      const junk = join(dir, "junk.sqlite");
      writeSync(openSync(junk, "w"), Buffer.from("this is not a database, just text that is long enough to have a header".repeat(20)));
      expect((await npmRun("db:check", [junk])).code).toBe(1);
      const missing = await npmRun("db:check", [join(dir, "missing.sqlite")]);
      expect(missing.code).toBe(2);
      expect(existsSync(join(dir, "missing.sqlite"))).toBe(false); // the check never creates a database
      const pg = await npmRun("db:check", [], { DATABASE_URL: "postgres://x@127.0.0.1:1/none" });
      expect(pg.code).toBe(2);
      expect(pg.stderr).toMatch(/PostgreSQL/);
    });
  });

  describe("npm run db:backup -- PATH while the server writes", () => {
    let app: RunningApp;
    let file: string;
    beforeAll(async () => {
      file = join(dir, "live.sqlite");
      const config = { ...loadConfig({ NODE_ENV: "test" }), databaseUrl: `sqlite:${file}`, port: 0, host: "127.0.0.1", seedDemo: true, adminToken: ADMIN_TOKEN, logLevel: "silent" };
      app = await startApp(config, createLogger("silent"));
      // some bulk, so that the copy spans many pages
      await app.deps.db.query(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO account (name, industry, owner_id, created_at, updated_at) SELECT 'bulk ' || i, hex(randomblob(200)), 1, datetime('now'), datetime('now') FROM n`,
      );
    });
    afterAll(async () => app?.stop());

    it("the copy is consistent, passes db:check, holds every write acknowledged before it started, and restores as documented", async () => {
      const target = join(dir, "backup.sqlite");
      const acked: string[] = [];
      let statusChanges = 0;
      let writing = true;
      // explicit synchronisation: the backup starts once the writer has had its n-th write acknowledged
      const waiters: Array<{ n: number; resolve: () => void }> = [];
      const onAck = () => {
        for (const w of waiters.filter((x) => acked.length >= x.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      };
      const writer = (async () => {
        let i = 0;
        while (writing) {
          const name = `during backup ${i++}`;
          const r = await postGql(app.url, ADMIN_TOKEN, `mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: name });
          if (!r.json?.data?.createAccount) throw new Error(`write refused: ${r.text}`);
          // and a plan status change: plan version, history and audit must stay in step in the copy
          const s = await postGql(app.url, "demo-giulia", `mutation { changeBusinessPlanStatus(id: "${gid("BusinessPlan", 4)}", status: ${i % 2 ? "SUBMITTED" : "DRAFT"}) { version } }`);
          if (!s.json?.data?.changeBusinessPlanStatus) throw new Error(`status change refused: ${s.text}`);
          statusChanges++;
          acked.push(name);
          onAck();
        }
      })();
      const acknowledged = (n: number) => Promise.race([new Promise<void>((resolve) => (acked.length >= n ? resolve() : waiters.push({ n, resolve }))), writer.then(() => Promise.reject(new Error("the writer stopped")))]);
      await acknowledged(5);
      const before = [...acked];
      const statusChangesBefore = statusChanges;
      const result = await npmRun("db:backup", [target], { DATABASE_URL: `sqlite:${file}` });
      const duringBackup = acked.length - before.length;
      await acknowledged(acked.length + 2); // and the server still takes writes after it
      writing = false;
      await writer;
      console.log(`backup while writing: ${before.length} writes acknowledged before it started, ${duringBackup} while it ran`);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report).toMatchObject({ target, check: { ok: true, integrity: ["ok"], foreignKeyViolations: [] } });
      expect(report.pages).toBeGreaterThan(100);

      // the copy passes the check on its own
      expect((await npmRun("db:check", [target])).code).toBe(0);

      const copy = new Sqlite(target, { readonly: true, fileMustExist: true });
      const names = new Set((copy.prepare(`SELECT name FROM account`).all() as Array<{ name: string }>).map((r) => r.name));
      // the 3,000 bulk accounts, the demo's and every write acknowledged before the backup started
      expect(names.size).toBeGreaterThanOrEqual(3000 + before.length);
      expect(before.length).toBeGreaterThanOrEqual(5);
      for (const n of before) expect(names.has(n), `${n} acknowledged before the backup started`).toBe(true);
      // one snapshot: the plan's version matches its history and audit rows in the copy
      const plan = copy.prepare(`SELECT version, status FROM business_plan WHERE id = 4`).get() as { version: number; status: string };
      const changes = (copy.prepare(`SELECT COUNT(*) AS n FROM plan_status_change WHERE plan_id = 4`).get() as { n: number }).n;
      const audited = (copy.prepare(`SELECT COUNT(*) AS n FROM plan_audit_entry WHERE plan_id = 4 AND action = 'STATUS_CHANGED'`).get() as { n: number }).n;
      const updates = (copy.prepare(`SELECT COUNT(*) AS n FROM plan_audit_entry WHERE plan_id = 4 AND action = 'UPDATED'`).get() as { n: number }).n;
      expect(changes).toBeGreaterThanOrEqual(statusChangesBefore);
      expect(audited).toBe(changes);
      expect(plan.version).toBe(1 + changes + updates);
      copy.close();

      // an existing file is never overwritten
      const again = await npmRun("db:backup", [target], { DATABASE_URL: `sqlite:${file}` });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already exists/);

      // restore as docs/operations.md says: stop the server, replace the file, drop -wal/-shm, check, start
      const countInCopy = names.size;
      await app.stop();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      copyFileSync(target, file);
      expect((await npmRun("db:check", [], { DATABASE_URL: `sqlite:${file}` })).code).toBe(0);
      const config = { ...loadConfig({ NODE_ENV: "test" }), databaseUrl: `sqlite:${file}`, port: 0, host: "127.0.0.1", seedDemo: false, adminToken: ADMIN_TOKEN, logLevel: "silent" };
      app = await startApp(config, createLogger("silent"));
      const r = await postGql(app.url, ADMIN_TOKEN, `{ accounts(first: 1) { totalCount } }`);
      expect(r.json.data.accounts.totalCount).toBe(countInCopy);
    });

    it("refuses without a PATH (exit 2) and on PostgreSQL", async () => {
      expect((await npmRun("db:backup", [], { DATABASE_URL: `sqlite:${file}` })).code).toBe(2);
      const pg = await npmRun("db:backup", [join(dir, "pg.sqlite")], { DATABASE_URL: "postgres://x@127.0.0.1:1/none" });
      expect(pg.code).toBe(1);
      expect(pg.stderr).toMatch(/pg_dump/);
    });
  });
});
