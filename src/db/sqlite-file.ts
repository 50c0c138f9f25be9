import { closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";

/** The SQLite file cannot be used: the start stops with this message. */
export class SqliteFileError extends Error {}

/**
 * Creates the directory of a SQLite file one level at a time. (Node's
 * `mkdir({ recursive: true })` loops forever on some paths it cannot create,
 * e.g. under /proc: the start hung without a message.)
 */
function ensureDirectory(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new SqliteFileError(`${dir} is not a directory`);
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDirectory(parent);
  mkdirSync(dir);
}

/**
 * Makes sure the SQLite file can be created and opened for writing, or fails
 * at once with the reason (ENOENT, EACCES, EROFS, ...).
 */
export function prepareSqliteFile(file: string): void {
  try {
    ensureDirectory(dirname(file));
    closeSync(openSync(file, "a"));
  } catch (e) {
    const reason = e instanceof SqliteFileError ? e.message : e instanceof Error ? e.message : String(e);
    throw new SqliteFileError(`Cannot create the SQLite database ${file}: ${reason}`);
  }
}

/** The lock file beside the database that a running server holds. */
export const serverLockFileOf = (file: string) => `${file}.server-lock`;

export interface ServerLock {
  release(): void;
}

/**
 * One server process per SQLite file: the server holds an exclusive SQLite
 * lock on `<file>.server-lock` for as long as it runs. The operating system
 * drops it when the process ends, however it ends (no stale lock after a
 * crash). db:backup and db:check do not take it: they keep working beside a
 * running server, and so do the admin scripts.
 */
export function acquireServerLock(file: string): ServerLock {
  const lockFile = serverLockFileOf(file);
  let lock: BetterSqlite3.Database;
  try {
    lock = new BetterSqlite3(lockFile, { timeout: 0 });
  } catch (e) {
    throw new SqliteFileError(`Cannot create the lock file ${lockFile}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("BEGIN EXCLUSIVE");
  } catch (e) {
    lock.close();
    if ((e as { code?: string }).code === "SQLITE_BUSY") {
      throw new SqliteFileError(
        `Another server is already running on the SQLite database ${file} (it holds ${lockFile}). ` +
          "Stop it first: SQLite serves one API process; run several on PostgreSQL.",
      );
    }
    throw new SqliteFileError(`Cannot lock ${lockFile}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    release() {
      if (!lock.open) return;
      try {
        lock.exec("ROLLBACK");
      } finally {
        lock.close();
      }
    },
  };
}
