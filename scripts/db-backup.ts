/**
 * npm run db:backup -- PATH
 *
 * A consistent online copy of the SQLite database (the file of DATABASE_URL)
 * at PATH, through SQLite's backup API, while the server keeps running. The
 * copy is checked (integrity_check + foreign_key_check) before it is renamed
 * to PATH; an existing PATH is never overwritten. Restore: docs/operations.md, "Restoring a SQLite backup".
 */
import { loadConfig } from "../src/config";
import { parseArgs, UsageError } from "./cli-kit";
import { backupSqlite, MaintenanceError, sqliteFileOf } from "../src/db/maintenance";

const USAGE = "usage: npm run db:backup -- PATH   (copies the SQLite database of DATABASE_URL to PATH)\n";

async function main(): Promise<number> {
  let target: string | undefined;
  try {
    const args = parseArgs(process.argv.slice(2), {});
    if (args.positional.length > 1) throw new UsageError(`unexpected argument "${args.positional[1]}"`);
    target = args.positional[0];
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
  }
  if (!target) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const report = await backupSqlite(sqliteFileOf(loadConfig().databaseUrl), target);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`db:backup failed: ${e instanceof MaintenanceError ? e.message : String(e)}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
