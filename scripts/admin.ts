/**
 * Operator commands: users and API tokens.
 *
 *   npm run admin -- create-user --name "Ada Admin" --email ada@example.com --role ADMIN
 *   npm run admin -- list-users
 *   npm run admin -- revoke-token --token <token>        (or --token - to read it from stdin)
 *   npm run admin -- revoke-token --user-id <id>         (every token of the user)
 *   npm run admin -- issue-token --user-id <id>          (a new token for an existing user)
 *
 * Reads DATABASE_URL (and the rest of the configuration) like the server, and
 * applies pending migrations first. Tokens are printed once and stored only as
 * SHA-256 hashes. `--json` prints machine-readable output.
 */
import "reflect-metadata";
import { parseId, toGlobalId } from "../src/common/ids";
import { validate } from "class-validator";
import { loadConfig } from "../src/config";
import { Role } from "../src/common/enums";
import { openDatabase, type Database } from "../src/db/data-source";
import { createServices } from "../src/services";
import { ApiToken } from "../src/modules/users/api-token.entity";
import { User } from "../src/modules/users/user.entity";
import { CreateUserInput } from "../src/modules/users/users.inputs";
import { InvalidArgument, onlyFlags, type ParsedArgs, parseArgs, readStdin, runCli, stringFlag, UsageError } from "./cli-kit";

const ROLES = Object.values(Role) as string[];

const USAGE = `Usage: npm run admin -- <command> [options]
       (or: node dist/scripts/admin.js <command> [options])

Commands:
  create-user --name <name> --email <email> --role <${ROLES.join("|")}>
                       Creates a user and prints its API token (shown only this once).
  list-users           Lists users with their number of active tokens.
  revoke-token --token <token>
                       Revokes one token (--token - reads it from stdin, keeping it out of
                       the shell history and the process list).
  revoke-token --user-id <id>
                       Revokes every active token of a user.
  issue-token --user-id <id>
                       Issues an additional token for an existing user (printed once).

Options:
  --json               Machine-readable output.

The database comes from DATABASE_URL (default sqlite:data/planning.sqlite); pending
migrations are applied first. Tokens can also be revoked through the API with the
revokeToken mutation (ADMIN).
`;

/** The database key of a user id as the API (and list-users) shows it: a global id (src/common/ids.ts). */
function userId(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError("--user-id is required");
  const key = parseId(raw, "User");
  if (key === null) throw new InvalidArgument(`--user-id must be a user's id as list-users or the API shows it (e.g. VXNlcjox), got "${raw}"`);
  return key;
}

async function createUser(db: Database, args: ParsedArgs, json: boolean) {
  onlyFlags(args, ["name", "email", "role", "json"]);
  const name = stringFlag(args, "name");
  const email = stringFlag(args, "email");
  const role = stringFlag(args, "role")?.toUpperCase();
  if (!name || !email || !role) throw new UsageError("create-user needs --name, --email and --role");
  if (!ROLES.includes(role)) throw new InvalidArgument(`--role must be one of ${ROLES.join(", ")}, got "${role}"`);
  // The same rules as the createUser mutation.
  const input = Object.assign(new CreateUserInput(), { name: name.trim(), email: email.trim(), role: role as Role });
  const problems = (await validate(input)).flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `--${e.property}: ${m}`));
  if (problems.length) throw new InvalidArgument(problems.join("; "));
  const { user, token } = await createServices(db).users.createUserUnchecked(input);
  if (json) {
    process.stdout.write(`${JSON.stringify({ user: { id: toGlobalId("User", user.id), name: user.name, email: user.email, role: user.role }, token })}\n`);
    return;
  }
  process.stdout.write(
    `Created user ${toGlobalId("User", user.id)}: ${user.name} <${user.email}> (${user.role})\n` +
      `API token (shown only this once; the database keeps only its hash):\n\n  ${token}\n\n` +
      `Send it as: Authorization: Bearer <token>\n`,
  );
}

async function listUsers(db: Database, args: ParsedArgs, json: boolean) {
  onlyFlags(args, ["json"]);
  const users = await createServices(db).users.list();
  const counts = await db.manager
    .createQueryBuilder(ApiToken, "t")
    .select("t.user_id", "userId")
    .addSelect("COUNT(*)", "n")
    .where("t.revoked_at IS NULL")
    .groupBy("t.user_id")
    .getRawMany<{ userId: number | string; n: number | string }>();
  const active = new Map(counts.map((c) => [Number(c.userId), Number(c.n)]));
  const rows = users.map((u) => ({ id: toGlobalId("User", u.id), role: u.role, email: u.email, name: u.name, activeTokens: active.get(u.id) ?? 0 }));
  if (json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write("No users. Create one with: npm run admin -- create-user --name ... --email ... --role ADMIN\n");
    return;
  }
  const header = { id: "ID", role: "ROLE", email: "EMAIL", name: "NAME", activeTokens: "TOKENS" };
  const all = [header, ...rows.map((r) => ({ ...r, activeTokens: String(r.activeTokens) }))];
  const width = (k: keyof typeof header) => Math.max(...all.map((r) => String(r[k]).length));
  const w = { id: width("id"), role: width("role"), email: width("email"), activeTokens: width("activeTokens") };
  for (const r of all) {
    process.stdout.write(
      `${String(r.id).padEnd(w.id)}  ${r.role.padEnd(w.role)}  ${r.email.padEnd(w.email)}  ${String(r.activeTokens).padStart(w.activeTokens)}  ${r.name}\n`,
    );
  }
}

async function revokeToken(db: Database, args: ParsedArgs, json: boolean) {
  onlyFlags(args, ["token", "user-id", "json"]);
  const users = createServices(db).users;
  let token = stringFlag(args, "token");
  const rawUser = stringFlag(args, "user-id");
  if ((token === undefined) === (rawUser === undefined)) throw new UsageError("revoke-token needs either --token or --user-id");
  if (rawUser !== undefined) {
    const id = userId(rawUser);
    const user = await db.manager.findOne(User, { where: { id } });
    if (!user) throw new Error(`user ${rawUser} not found`);
    const n = await users.revokeAllTokens(id);
    if (json) process.stdout.write(`${JSON.stringify({ userId: rawUser, revoked: n })}\n`);
    else process.stdout.write(`Revoked ${n} active token(s) of user ${rawUser} (${user.email}).\n`);
    return;
  }
  if (token === "-") token = (await readStdin()).trim();
  if (!token) throw new InvalidArgument("--token is empty");
  const revoked = await users.revokeToken(token);
  if (json) process.stdout.write(`${JSON.stringify({ revoked })}\n`);
  if (!revoked) throw new Error("no active token matches (unknown, or already revoked)");
  if (!json) process.stdout.write("Token revoked.\n");
}

async function issueToken(db: Database, args: ParsedArgs, json: boolean) {
  onlyFlags(args, ["user-id", "json"]);
  const id = userId(stringFlag(args, "user-id"));
  const shown = toGlobalId("User", id);
  const user = await db.manager.findOne(User, { where: { id } });
  if (!user) throw new Error(`user ${shown} not found`);
  const token = await createServices(db).users.issueToken(id);
  if (json) process.stdout.write(`${JSON.stringify({ userId: shown, token })}\n`);
  else process.stdout.write(`New API token for user ${shown} (${user.email}), shown only this once:\n\n  ${token}\n\n`);
}

/** Every option of every command (each command then refuses the ones it does not take). */
const OPTIONS = { name: "string", email: "string", role: "string", token: "string", "user-id": "string", json: "boolean", help: "boolean" } as const;

const COMMANDS: Record<string, (db: Database, args: ParsedArgs, json: boolean) => Promise<void>> = {
  "create-user": createUser,
  "list-users": listUsers,
  "revoke-token": revokeToken,
  "issue-token": issueToken,
};

async function main() {
  const args = parseArgs(process.argv.slice(2), OPTIONS);
  const [command, ...extra] = args.positional;
  if (args.flags.has("help") || command === "help" || command === undefined) {
    if (command === undefined && !args.flags.has("help")) throw new UsageError("no command given");
    process.stdout.write(USAGE);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new UsageError(`unknown command "${command}"`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await run(db, args, args.flags.get("json") === true);
  } finally {
    await db.close();
  }
}

runCli(main, USAGE);
