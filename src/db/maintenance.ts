import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Sqlite from "better-sqlite3";
import { dialectOf } from "./data-source";

/**
 * SQLite maintenance used by `npm run db:check` and `npm run db:backup`
 * (scripts/db-check.ts, scripts/db-backup.ts). Both work on the live database
 * file while the server runs: SQLite in WAL mode lets a reader (the check, the
 * backup) see one consistent snapshot while the server keeps writing.
 */

/** The file behind a `sqlite:` DATABASE_URL; throws for PostgreSQL or an in-memory database. */
export function sqliteFileOf(databaseUrl: string): string {
  if (dialectOf(databaseUrl) !== "sqlite") {
    throw new MaintenanceError("DATABASE_URL is PostgreSQL: use pg_dump/pg_restore and amcheck there (see docs/scaling.md, \"Backups with pg_dump\")");
  }
  const path = databaseUrl.slice("sqlite:".length);
  if (path === ":memory:" || path === "") throw new MaintenanceError("DATABASE_URL is an in-memory SQLite database: nothing to check or back up");
  return resolve(path);
}

export class MaintenanceError extends Error {}

export interface CheckReport {
  file: string;
  ok: boolean;
  /** PRAGMA integrity_check: ["ok"] or the problems it lists. */
  integrity: string[];
  /** PRAGMA foreign_key_check: rows that point at a missing parent. */
  foreignKeyViolations: Array<{ table: string; rowid: number | null; parent: string; fkid: number }>;
  journalMode: string;
}

/** Opens an existing database file (never creates one); waits up to 5 s for the server's locks. */
function openExisting(file: string): Sqlite.Database {
  if (!existsSync(file)) throw new MaintenanceError(`no database file at ${file}`);
  return new Sqlite(file, { fileMustExist: true, timeout: 5000 });
}

/** PRAGMA integrity_check and foreign_key_check on a database file. */
export function checkSqlite(file: string): CheckReport {
  const db = openExisting(file);
  try {
    const integrity = (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    const foreignKeyViolations = db.pragma("foreign_key_check") as CheckReport["foreignKeyViolations"];
    const journalMode = db.pragma("journal_mode", { simple: true }) as string;
    return {
      file,
      ok: integrity.length === 1 && integrity[0] === "ok" && foreignKeyViolations.length === 0,
      integrity,
      foreignKeyViolations,
      journalMode,
    };
  } finally {
    db.close();
  }
}

export interface BackupReport {
  source: string;
  target: string;
  pages: number;
  check: CheckReport;
}

/**
 * A consistent online copy of `source` at `target` through SQLite's backup API
 * (better-sqlite3 `db.backup()`). The copy is written to a temporary file next
 * to the target, checked (integrity_check + foreign_key_check), and only then
 * renamed into place, so `target` is either absent or a complete, checked
 * database. An existing `target` is not overwritten.
 */
export async function backupSqlite(source: string, target: string): Promise<BackupReport> {
  const dest = resolve(target);
  if (dest === resolve(source)) throw new MaintenanceError("the backup target is the database itself");
  if (existsSync(dest)) throw new MaintenanceError(`${dest} already exists; choose a new file name`);
  if (!existsSync(dirname(dest))) throw new MaintenanceError(`directory ${dirname(dest)} does not exist`);
  const tmp = join(dirname(dest), `.${basename(dest)}.${process.pid}.partial`);
  const db = openExisting(source);
  try {
    // All remaining pages in one step: one read transaction, so the copy is one snapshot even while
    // another process writes (smaller steps would restart whenever the server commits in between).
    const result = await db.backup(tmp, { progress: () => 0x7fffffff });
    const check = checkSqlite(tmp);
    if (!check.ok) throw new MaintenanceError(`the copy failed its check: ${JSON.stringify(check)}`);
    renameSync(tmp, dest);
    return { source, target: dest, pages: result.totalPages, check: { ...check, file: dest } };
  } finally {
    db.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}
