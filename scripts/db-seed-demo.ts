/**
 * Loads the demo data set into an empty database and prints the demo users'
 * tokens: `npm run db:seed-demo` (or `node dist/scripts/db-seed-demo.js`).
 * Applies pending migrations first. Refuses a database that already has other
 * users, and production (NODE_ENV=production: the demo tokens are public)
 * unless --allow-production is given.
 */
import "reflect-metadata";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/data-source";
import { seedDemo } from "../src/seed/demo";
import { User } from "../src/modules/users/user.entity";
import { createServices } from "../src/services";
import { onlyFlags, parseArgs, runCli, UsageError } from "./cli-kit";

const USAGE = `Usage: npm run db:seed-demo [-- --json] [-- --allow-production]
Loads the demo data into an empty database (DATABASE_URL) and prints the demo tokens.
`;

async function main() {
  const args = parseArgs(process.argv.slice(2), { json: "boolean", "allow-production": "boolean" });
  onlyFlags(args, ["json", "allow-production"]);
  if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const config = loadConfig();
  if (config.isProduction && args.flags.get("allow-production") !== true) {
    throw new Error("NODE_ENV=production: the demo users' tokens are public; pass --allow-production to load them anyway");
  }
  const db = await openDatabase(config);
  try {
    const usersBefore = await db.manager.count(User);
    const tokens = await seedDemo(db, createServices(db));
    if (!tokens) throw new Error(`the database is not empty (${usersBefore} user(s), no demo data): the demo data only goes into an empty database`);
    const loaded = usersBefore === 0;
    if (args.flags.get("json") === true) {
      process.stdout.write(`${JSON.stringify({ loaded, tokens })}\n`);
      return;
    }
    process.stdout.write(loaded ? "Loaded the demo data.\n" : "The demo data is already loaded; nothing changed.\n");
    process.stdout.write("Demo users (send Authorization: Bearer <token>):\n");
    for (const [who, token] of Object.entries(tokens)) process.stdout.write(`  ${who.padEnd(40)} ${token}\n`);
  } finally {
    await db.close();
  }
}

runCli(main, USAGE);
