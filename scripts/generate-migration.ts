/**
 * Generates a migration for each dialect from the difference between the
 * entities and a database built by the existing migrations (TypeORM's schema
 * builder, the same thing `typeorm migration:generate` uses).
 *
 *   npm run build
 *   node dist/scripts/generate-migration.js Name [--postgres postgres://...]
 *
 * It writes src/db/migrations/{sqlite,postgres}/<timestamp>-<Name>.ts and both index.ts files.
 *
 * PostgreSQL: a scratch database is created on the given server and dropped.
 */
import "reflect-metadata";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Client } from "pg";
import { type Database, type Dialect, openDatabase } from "../src/db/data-source";
import { type ParsedArgs, parseArgs } from "./cli-kit";

export async function pendingSchemaChanges(db: Database): Promise<{ up: string[]; down: string[] }> {
  const log = await db.dataSource.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((q) => q.query),
    down: log.downQueries.map((q) => q.query),
  };
}

function render(className: string, up: string[], down: string[]): string {
  const lines = (qs: string[]) =>
    qs.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join("\n");
  return `import type { MigrationInterface, QueryRunner } from "typeorm";

export class ${className} implements MigrationInterface {
  name = "${className}";

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines([...down].reverse())}
  }
}
`;
}

function writeIndex(dir: string, exportName: string) {
  const files = readdirSync(dir)
    .filter((f) => /^\d+-.*\.ts$/.test(f))
    .sort();
  const imports = files.map((f, i) => `import { ${classOf(f)} as M${i} } from "./${f.replace(/\.ts$/, "")}";`);
  const body = `${imports.join("\n")}\n\nexport const ${exportName} = [${files.map((_, i) => `M${i}`).join(", ")}];\n`;
  writeFileSync(join(dir, "index.ts"), body);
}

function classOf(file: string): string {
  const [ts, ...rest] = file.replace(/\.ts$/, "").split("-");
  return `${rest.join("")}${ts}`;
}

async function generate(dialect: Dialect, url: string, name: string, ts: number): Promise<string | null> {
  const db = await openDatabase({ databaseUrl: url, dbLogging: false, dbPoolSize: 2, databaseSsl: false });
  try {
    const { up, down } = await pendingSchemaChanges(db);
    if (up.length === 0) return null;
    const dir = resolve(__dirname, "..", "..", "src", "db", "migrations", dialect);
    if (!existsSync(dir)) throw new Error(`missing ${dir}`);
    const file = `${ts}-${name}.ts`;
    writeFileSync(join(dir, file), render(classOf(file), up, down));
    writeIndex(dir, dialect === "sqlite" ? "sqliteMigrations" : "postgresMigrations");
    return join(dir, file);
  } finally {
    await db.close();
  }
}

async function main() {
  const usage = "usage: generate-migration PascalCaseName [--postgres URL]";
  let args: ParsedArgs;
  try {
    args = parseArgs(process.argv.slice(2), { postgres: "string" });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${usage}`);
  }
  const [name, ...extra] = args.positional;
  if (!name || extra.length || !/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(usage);
  const pgUrl = (args.flags.get("postgres") as string | undefined) ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const ts = Date.now();
  const out: string[] = [];
  const s = await generate("sqlite", "sqlite::memory:", name, ts);
  if (s) out.push(s);
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  const scratch = `migration_gen_${ts}`;
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    const u = new URL(pgUrl);
    u.pathname = `/${scratch}`;
    const p = await generate("postgres", u.toString(), name, ts);
    if (p) out.push(p);
  } finally {
    await admin.query(`DROP DATABASE ${scratch}`);
    await admin.end();
  }
  console.log(out.length ? `wrote\n${out.join("\n")}` : "no schema changes");
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
