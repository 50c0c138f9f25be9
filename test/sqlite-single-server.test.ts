/**
 * One server per SQLite file (issue 19): a second server on the same file
 * stops at start with a message saying so (before, it started and then ~29%
 * of its writes failed with "database is locked"); db:backup and db:check keep
 * working beside the running server; the lock goes with the process, however
 * it ends. A SQLite path that cannot be created fails the start at once, with
 * its reason (before, `sqlite:/proc/nope/x.sqlite` hung forever).
 * Real processes (`node dist/src/main.js`, the npm scripts).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DB } from "./helpers/db";
import { postGql, type ServerProcess, startServerProcess, runToExit } from "./helpers/server";

const run = promisify(execFile);
const ROOT = resolve(__dirname, "..");
const ADMIN = "single-server-admin-token-0123456789";


async function script(name: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "dist", "scripts", `${name}.js`), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe.skipIf(TEST_DB !== "sqlite")("one server per SQLite file (SQLite only)", () => {
  let dir: string;
  let file: string;
  let first: ServerProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "single-server-"));
    file = join(dir, "planning.sqlite");
    first = await startServerProcess({ DATABASE_URL: `sqlite:${file}`, ADMIN_TOKEN: ADMIN, SEED_DEMO: "false" });
  });
  afterAll(async () => {
    await first?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a second server on the same file stops at start, saying another server runs on it; the first keeps serving", async () => {
    const second = await runToExit({ DATABASE_URL: `sqlite:${file}`, ADMIN_TOKEN: ADMIN });
    expect(second.code).toBe(1);
    expect(second.output.trim()).toBe(
      `Another server is already running on the SQLite database ${file} (it holds ${file}.server-lock). Stop it first: SQLite serves one API process; run several on PostgreSQL.`,
    );
    const r = await postGql(first.url, ADMIN, `mutation { createAccount(input: { name: "Still here" }) { id } }`);
    expect(r.errors).toBeUndefined();
  });

  it("db:backup and db:check work beside the running server; the backup has the server's writes", async () => {
    const r = await postGql(first.url, ADMIN, `mutation { createAccount(input: { name: "In the backup" }) { id } }`);
    expect(r.errors).toBeUndefined();
    const target = join(dir, "backup.sqlite");
    const backup = await script("db-backup", [target], { DATABASE_URL: `sqlite:${file}` });
    expect(backup, backup.stderr).toMatchObject({ code: 0 });
    expect(existsSync(target)).toBe(true);
    const check = await script("db-check", [], { DATABASE_URL: `sqlite:${file}` });
    expect(check, check.stderr).toMatchObject({ code: 0 });
    const checkCopy = await script("db-check", [target], {});
    expect(checkCopy, checkCopy.stderr).toMatchObject({ code: 0 });
    // the copy is a database a server can start on, with the account written before the backup
    const onCopy = await startServerProcess({ DATABASE_URL: `sqlite:${target}`, ADMIN_TOKEN: ADMIN, SEED_DEMO: "false" });
    try {
      const names = await postGql(onCopy.url, ADMIN, `{ accounts(first: 50) { edges { node { name } } } }`);
      expect(names.data.accounts.edges.map((e: any) => e.node.name)).toContain("In the backup");
    } finally {
      await onCopy.stop();
    }
  });

  it("the lock goes with the process: after the first server is killed (SIGKILL, no clean-up), a new one starts", async () => {
    first.child.kill("SIGKILL");
    await first.stop();
    first = await startServerProcess({ DATABASE_URL: `sqlite:${file}`, ADMIN_TOKEN: ADMIN, SEED_DEMO: "false" });
    expect((await postGql(first.url, ADMIN, "{ me { role } }")).data.me.role).toBe("ADMIN");
  });
});

describe.skipIf(TEST_DB !== "sqlite")("a SQLite path that cannot be created (SQLite only)", () => {
  it("sqlite:/proc/nope/x.sqlite fails the start at once with the reason", async () => {
    const r = await runToExit({ DATABASE_URL: "sqlite:/proc/nope/x.sqlite" });
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe("Cannot create the SQLite database /proc/nope/x.sqlite: ENOENT: no such file or directory, mkdir '/proc/nope'");
  });

  it("a directory component that is a file: the start fails with the reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bad-path-"));
    try {
      writeFileSync(join(dir, "plain-file"), "not a directory");
      const r = await runToExit({ DATABASE_URL: `sqlite:${join(dir, "plain-file", "db", "x.sqlite")}` });
      expect(r.code).toBe(1);
      expect(r.output.trim()).toBe(`Cannot create the SQLite database ${join(dir, "plain-file", "db", "x.sqlite")}: ${join(dir, "plain-file")} is not a directory`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
