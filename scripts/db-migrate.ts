/**
 * Applies pending migrations and exits: `npm run db:migrate`
 * (or `node dist/scripts/db-migrate.js`). Reads DATABASE_URL like the server.
 * The server also migrates at start; this is for deployments that migrate as a
 * separate step. On PostgreSQL concurrent runs wait for each other (advisory lock).
 */
import "reflect-metadata";
import { loadConfig } from "../src/config";
import { type Database, migrationsFor, openDatabase, runMigrations } from "../src/db/data-source";
import { onlyFlags, parseArgs, runCli, UsageError } from "./cli-kit";

const USAGE = `Usage: npm run db:migrate [-- --json]
Applies the pending database migrations (DATABASE_URL) and exits.
`;

async function applied(db: Database): Promise<string[]> {
  const runner = db.dataSource.createQueryRunner();
  try {
    if (!(await runner.hasTable("migrations"))) return [];
  } finally {
    await runner.release();
  }
  const rows = await db.query<{ name: string }>("SELECT name FROM migrations ORDER BY id");
  return rows.map((r) => r.name);
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { json: "boolean" });
  onlyFlags(args, ["json"]);
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const config = loadConfig();
  const db = await openDatabase(config, { migrate: false });
  try {
    const before = new Set(await applied(db));
    await runMigrations(db);
    const after = await applied(db);
    const now = after.filter((n) => !before.has(n));
    const known = migrationsFor(db.dialect).length;
    if (args.flags.get("json") === true) {
      process.stdout.write(`${JSON.stringify({ dialect: db.dialect, applied: now, total: after.length, known })}\n`);
    } else if (now.length) {
      process.stdout.write(`Applied ${now.length} migration(s) to the ${db.dialect} database: ${now.join(", ")}\n`);
    } else {
      process.stdout.write(`The ${db.dialect} database is up to date (${after.length} migration(s) applied).\n`);
    }
  } finally {
    await db.close();
  }
}

runCli(main, USAGE);
