/**
 * Generates a migration for each dialect from the difference between the
 * entities and a database built by the existing migrations (TypeORM's schema
 * builder, the same thing `typeorm migration:generate` uses).
 *
 *   npm run build
 *   node dist/scripts/generate-migration.js Name [--postgres URL] [--backfill TABLE.COLUMN=SQL]...
 *
 * It writes src/db/migrations/{sqlite,postgres}/<timestamp>-<Name>.ts and both index.ts files.
 *
 * --backfill TABLE.COLUMN=SQL (repeatable): the column is added to a table that may hold rows;
 * each existing row gets the value of SQL, an expression evaluated over that row (its columns by
 * name, the row as TABLE in a correlated subquery), the same text on both dialects;
 * --backfill-sqlite / --backfill-postgres give one dialect its own expression instead. A column
 * added NOT NULL without a column default needs one: the generator refuses otherwise, since
 * TypeORM's statement fails on a table with rows. See withBackfills for the statements.
 *
 * PostgreSQL: a scratch database is created on the given server and dropped.
 */
import "reflect-metadata";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { type Database, type Dialect, openDatabase } from "../src/db/data-source";

export interface SchemaChanges {
  /** The statements of `up`, in order. */
  up: string[];
  /** The statements of `down`, in order (undoing `up` from its last statement back). */
  down: string[];
}

/** What the schema builder would do to make the database match the entities (down as TypeORM logs it: in up's order). */
export async function pendingSchemaChanges(db: Database): Promise<{ up: string[]; down: string[] }> {
  const log = await db.dataSource.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((q) => q.query),
    down: log.downQueries.map((q) => q.query),
  };
}

/** A value for the existing rows of a column the migration adds: `sql` evaluated over each row of `table`. */
export interface Backfill {
  table: string;
  column: string;
  sql: string;
}

/** Parses `TABLE.COLUMN=SQL` (database names, as in the generated SQL: `objective.start_date=...`). */
export function parseBackfill(spec: string): Backfill {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*\S[\s\S]*)$/.exec(spec);
  if (!m) throw new Error(`--backfill ${JSON.stringify(spec)}: expected TABLE.COLUMN=SQL`);
  return { table: m[1], column: m[2], sql: m[3].trim() };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The schema changes with each backfill written in, in the way each dialect adds a column:
 *
 * - PostgreSQL: TypeORM adds it with `ALTER TABLE "t" ADD "c" <type> [NOT NULL] [DEFAULT ...]`,
 *   which fails on a table with rows when NOT NULL has no default. It becomes: ADD without NOT NULL,
 *   `UPDATE "t" SET "c" = (SQL)`, then `ALTER COLUMN "c" SET NOT NULL` if the column is NOT NULL.
 * - SQLite: TypeORM rebuilds the table (CREATE TABLE "temporary_t" with the column, INSERT INTO
 *   "temporary_t"(old columns) SELECT old columns FROM "t", DROP, RENAME, indexes again). The
 *   column and `(SQL)` join the INSERT ... SELECT of the rebuild that creates the column, so every
 *   row is copied with its value.
 *
 * `down` needs nothing: it drops the column (PostgreSQL) or rebuilds the table without it (SQLite,
 * see sqliteRebuildsInPlace).
 * Throws when a backfill names a column the changes do not add.
 */
export function withBackfills(dialect: Dialect, changes: SchemaChanges, backfills: Backfill[]): SchemaChanges {
  let up = [...changes.up];
  for (const b of backfills) {
    const where = `${b.table}.${b.column}`;
    let found = 0;
    if (dialect === "postgres") {
      const add = new RegExp(`^ALTER TABLE "${escapeRe(b.table)}" ADD "${escapeRe(b.column)}" (.*)$`, "s");
      up = up.flatMap((q) => {
        const m = add.exec(q);
        if (!m) return [q];
        found++;
        const notNull = / NOT NULL(?= |$)/.test(m[1]);
        return [
          `ALTER TABLE "${b.table}" ADD "${b.column}" ${m[1].replace(/ NOT NULL(?= |$)/, "")}`,
          `UPDATE "${b.table}" SET "${b.column}" = (${b.sql})`,
          ...(notNull ? [`ALTER TABLE "${b.table}" ALTER COLUMN "${b.column}" SET NOT NULL`] : []),
        ];
      });
    } else {
      const create = `CREATE TABLE "temporary_${b.table}" (`;
      const copy = new RegExp(`^(INSERT INTO "temporary_${escapeRe(b.table)}"\\(.*)\\) SELECT (.*) FROM "${escapeRe(b.table)}"$`, "s");
      let created = false;
      up = up.map((q) => {
        if (q.startsWith(create)) created = q.includes(`"${b.column}" `);
        const m = copy.exec(q);
        if (!m || !created || m[1].includes(`"${b.column}"`)) return q;
        found++;
        return `${m[1]}, "${b.column}") SELECT ${m[2]}, (${b.sql}) FROM "${b.table}"`;
      });
    }
    if (found === 0) throw new Error(`--backfill ${where}: this migration does not add ${where} on ${dialect}`);
  }
  return { up, down: changes.down };
}

/**
 * The columns (`table.column`) the PostgreSQL changes add to an existing table NOT NULL without a
 * column default: their statement fails on a table with rows, so each needs a backfill.
 */
export function columnsNeedingBackfill(pgUp: string[]): string[] {
  const out: string[] = [];
  for (const q of pgUp) {
    const m = /^ALTER TABLE "([^"]+)" ADD "([^"]+)" (.*)$/s.exec(q);
    if (m && / NOT NULL(?= |$)/.test(m[3]) && !/ DEFAULT /.test(m[3]) && !/ GENERATED |^(small|big)?serial /i.test(m[3])) out.push(`${m[1]}.${m[2]}`);
  }
  return out;
}

/**
 * SQLite `down`: TypeORM undoes a table rebuild by renaming the table away (RENAME "t" TO
 * "temporary_t"), creating "t" again, copying and dropping "temporary_t". SQLite's RENAME rewrites
 * the foreign keys of the other tables that reference "t" to "temporary_t", which is then dropped:
 * they are left pointing at a missing table. Each such sequence is written the way `up` rebuilds
 * instead: create "temporary_t", copy "t" into it, drop "t", rename "temporary_t" to "t" (the
 * other tables' references to "t" stay as they are).
 */
export function sqliteRebuildsInPlace(down: string[]): string[] {
  const out = [...down];
  for (let i = 0; i + 3 < out.length; i++) {
    const rename = /^ALTER TABLE "([^"]+)" RENAME TO "temporary_\1"$/.exec(out[i]);
    if (!rename) continue;
    const t = rename[1];
    const create = `CREATE TABLE "${t}" (`;
    const copy = new RegExp(`^INSERT INTO "${escapeRe(t)}"(\\(.*\\) SELECT .*) FROM "temporary_${escapeRe(t)}"$`, "s").exec(out[i + 2]);
    if (!out[i + 1].startsWith(create) || !copy || out[i + 3] !== `DROP TABLE "temporary_${t}"`) continue;
    out.splice(
      i,
      4,
      `CREATE TABLE "temporary_${t}" (${out[i + 1].slice(create.length)}`,
      `INSERT INTO "temporary_${t}"${copy[1]} FROM "${t}"`,
      `DROP TABLE "${t}"`,
      `ALTER TABLE "temporary_${t}" RENAME TO "${t}"`,
    );
    i += 3;
  }
  return out;
}

/** The migration's statements for the database's dialect: the pending schema changes with the backfills written in. */
export async function migrationQueries(db: Database, backfills: Backfill[]): Promise<SchemaChanges> {
  const { up, down } = await pendingSchemaChanges(db);
  const inOrder = [...down].reverse();
  return withBackfills(db.dialect, { up, down: db.dialect === "sqlite" ? sqliteRebuildsInPlace(inOrder) : inOrder }, backfills);
}

function render(className: string, { up, down }: SchemaChanges): string {
  const lines = (qs: string[]) =>
    qs.map((q) => `    await queryRunner.query(${JSON.stringify(q)});`).join("\n");
  return `import type { MigrationInterface, QueryRunner } from "typeorm";

export class ${className} implements MigrationInterface {
  name = "${className}";

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
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

/** The schema changes on a fresh database of the dialect built by the existing migrations, without backfills. */
async function changesOn(url: string): Promise<SchemaChanges> {
  const db = await openDatabase({ databaseUrl: url, dbLogging: false, dbPoolSize: 2, databaseSsl: false });
  try {
    return await migrationQueries(db, []);
  } finally {
    await db.close();
  }
}

function write(dialect: Dialect, name: string, ts: number, changes: SchemaChanges): string {
  const dir = resolve(__dirname, "..", "..", "src", "db", "migrations", dialect);
  if (!existsSync(dir)) throw new Error(`missing ${dir}`);
  const file = `${ts}-${name}.ts`;
  writeFileSync(join(dir, file), render(classOf(file), changes));
  writeIndex(dir, dialect === "sqlite" ? "sqliteMigrations" : "postgresMigrations");
  return join(dir, file);
}

const USAGE = `usage: generate-migration PascalCaseName [--postgres URL] [--backfill TABLE.COLUMN=SQL]...
                          [--backfill-sqlite TABLE.COLUMN=SQL]... [--backfill-postgres TABLE.COLUMN=SQL]...

  --postgres URL        server for the scratch PostgreSQL database (default postgres://postgres@127.0.0.1:5432/postgres)
  --backfill T.C=SQL    existing rows of table T get SQL (an expression over the row; columns by name, the row
                        as T in a subquery) in the column C this migration adds; on both dialects. Needed for a
                        column added NOT NULL without a column default. Repeatable.
  --backfill-sqlite T.C=SQL, --backfill-postgres T.C=SQL
                        the same for one dialect (replaces --backfill's expression for T.C there).`;

/** The backfills of each dialect: --backfill's, each replaced by the dialect's own for the same column. */
function backfillsOf(values: { backfill?: string[]; "backfill-sqlite"?: string[]; "backfill-postgres"?: string[] }): Record<Dialect, Backfill[]> {
  const table = (option: keyof typeof values) => {
    const map = new Map<string, Backfill>();
    for (const spec of values[option] ?? []) {
      const b = parseBackfill(spec);
      const key = `${b.table}.${b.column}`;
      if (map.has(key)) throw new Error(`--${option} ${key} given twice`);
      map.set(key, b);
    }
    return map;
  };
  const shared = table("backfill");
  const one = (option: "backfill-sqlite" | "backfill-postgres") => [...new Map([...shared, ...table(option)]).values()];
  return { sqlite: one("backfill-sqlite"), postgres: one("backfill-postgres") };
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: {
        postgres: { type: "string" },
        backfill: { type: "string", multiple: true },
        "backfill-sqlite": { type: "string", multiple: true },
        "backfill-postgres": { type: "string", multiple: true },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${USAGE}`);
  }
  const [name, ...extra] = parsed.positionals;
  if (!name || extra.length || !/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(USAGE);
  const backfills = backfillsOf(parsed.values);
  const pgUrl = parsed.values.postgres ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const ts = Date.now();
  const changes = {} as Record<Dialect, SchemaChanges>;
  changes.sqlite = await changesOn("sqlite::memory:");
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  const scratch = `migration_gen_${ts}`;
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    const u = new URL(pgUrl);
    u.pathname = `/${scratch}`;
    changes.postgres = await changesOn(u.toString());
  } finally {
    await admin.query(`DROP DATABASE ${scratch}`);
    await admin.end();
  }
  // Everything is checked before a file is written.
  const needed = columnsNeedingBackfill(changes.postgres.up);
  for (const dialect of ["sqlite", "postgres"] as const) {
    const missing = needed.filter((c) => !backfills[dialect].some((b) => `${b.table}.${b.column}` === c));
    if (missing.length) {
      throw new Error(
        `${missing.join(", ")}: added NOT NULL without a column default, so the migration fails on a table with rows (${dialect}). ` +
          `Give each existing row a value with --backfill ${missing[0]}=SQL (or a column default).`,
      );
    }
    changes[dialect] = withBackfills(dialect, changes[dialect], backfills[dialect]);
  }
  const out = (["sqlite", "postgres"] as const).filter((d) => changes[d].up.length > 0).map((d) => write(d, name, ts, changes[d]));
  console.log(out.length ? `wrote\n${out.join("\n")}` : "no schema changes");
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
