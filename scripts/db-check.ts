/**
 * npm run db:check [-- PATH]
 *
 * PRAGMA integrity_check and PRAGMA foreign_key_check on the SQLite database
 * (PATH, or the file of DATABASE_URL). Safe while the server runs. Prints one
 * JSON report; exit code 0 when both checks pass, 1 when they find problems,
 * 2 when the check could not run (no such file, PostgreSQL URL, ...).
 */
import { loadConfig } from "../src/config";
import { parseArgs, UsageError } from "./cli-kit";
import { checkSqlite, MaintenanceError, sqliteFileOf } from "../src/db/maintenance";

const USAGE = "usage: npm run db:check [-- PATH]   (checks PATH, or the SQLite database of DATABASE_URL)\n";

function main(): number {
  let arg: string | undefined;
  try {
    const args = parseArgs(process.argv.slice(2), {});
    if (args.positional.length > 1) throw new UsageError(`unexpected argument "${args.positional[1]}"`);
    arg = args.positional[0];
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const file = arg ? sqliteFileOf(`sqlite:${arg}`) : sqliteFileOf(loadConfig().databaseUrl);
    const report = checkSqlite(file);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (!report.ok) process.stderr.write(`db:check FAILED for ${file}\n`);
    return report.ok ? 0 : 1;
  } catch (e) {
    const known = e instanceof MaintenanceError || (e as { code?: string }).code?.startsWith("SQLITE_");
    process.stderr.write(`db:check could not run: ${known ? (e as Error).message : String(e)}\n`);
    // a file that is not a database at all is a failed check, not a usage error
    return (e as { code?: string }).code === "SQLITE_NOTADB" || (e as { code?: string }).code === "SQLITE_CORRUPT" ? 1 : 2;
  }
}

process.exitCode = main();
