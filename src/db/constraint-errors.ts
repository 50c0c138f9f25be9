import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/**
 * What the database said when a statement broke a rule it enforces, on both
 * dialects: SQLite (better-sqlite3 extended result codes) and PostgreSQL
 * (SQLSTATE). Concurrent requests that each checked before writing can still
 * collide at the constraint; `Database.write` uses this to tell such a
 * collision (or a serialization failure / deadlock) from a real error.
 */
export type DbFailure = "unique" | "foreign_key" | "serialization" | "deadlock";

const PG_CODES: Record<string, DbFailure> = {
  "23505": "unique",
  "23503": "foreign_key",
  "40001": "serialization",
  "40P01": "deadlock",
};

const SQLITE_CODES: Record<string, DbFailure> = {
  SQLITE_CONSTRAINT_UNIQUE: "unique",
  SQLITE_CONSTRAINT_PRIMARYKEY: "unique",
  SQLITE_CONSTRAINT_FOREIGNKEY: "foreign_key",
};

/** The kind of database failure behind an error thrown by a query (TypeORM's QueryFailedError or the raw driver error), or null. */
export function dbFailure(err: unknown): DbFailure | null {
  if (typeof err !== "object" || err === null) return null;
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  for (const code of [e.driverError?.code, e.code]) {
    if (typeof code !== "string") continue;
    const kind = PG_CODES[code] ?? SQLITE_CODES[code];
    if (kind) return kind;
  }
  return null;
}

/** True when `err` is a unique (or primary key) violation, on SQLite or PostgreSQL. */
export const isUniqueViolation = (err: unknown): boolean => dbFailure(err) === "unique";

/**
 * Inserts one row unless a row with the same unique key is already there
 * (`INSERT ... ON CONFLICT DO NOTHING RETURNING`, the same SQL on SQLite >= 3.35
 * and PostgreSQL). Returns whether this call inserted it. Under concurrency on
 * PostgreSQL the statement waits for a concurrent insert of the same key to
 * commit or roll back and then decides, so exactly one of N racing callers gets
 * `true` and none fails: use it for idempotent links, and do what only a new
 * row needs (its audit entry) when it returns true.
 */
export async function insertIfAbsent<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, values: Partial<T>): Promise<boolean> {
  const meta = em.connection.getMetadata(entity);
  const driver = em.connection.driver;
  const postgres = driver.options.type === "postgres";
  const cols: string[] = [];
  const params: unknown[] = [];
  for (const [prop, value] of Object.entries(values)) {
    const col = meta.findColumnWithPropertyName(prop);
    if (!col) throw new Error(`${meta.name} has no column for property ${prop}`);
    cols.push(driver.escape(col.databaseName));
    params.push(value);
  }
  const placeholders = params.map((_, i) => (postgres ? `$${i + 1}` : "?"));
  const returned = meta.primaryColumns[0].databaseName;
  const rows: unknown = await em.query(
    `INSERT INTO ${driver.escape(meta.tableName)} (${cols.join(", ")}) VALUES (${placeholders.join(", ")}) ON CONFLICT DO NOTHING RETURNING ${driver.escape(returned)}`,
    params,
  );
  return Array.isArray(rows) && rows.length > 0;
}
