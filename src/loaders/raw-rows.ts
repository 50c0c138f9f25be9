import type BetterSqlite3 from "better-sqlite3";
import type { Pool } from "pg";
import { type ObjectLiteral, QueryFailedError } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import type { Database } from "../db/data-source";
import type { ProjectionKey } from "./projection";

/** Column types whose driver value is already what the entity holds (no conversion, no transformer). */
const PLAIN_TYPES = new Set<unknown>([Number, String, "varchar", "character varying", "text", "integer", "int", "int4", "smallint"]);
/** SQLite datetime columns (TypeORM stores them as UTC "YYYY-MM-DD HH:MM:SS[.SSS]"). */
const SQLITE_DATETIME_TYPES = new Set<unknown>([Date, "datetime"]);
/** Prepared statements kept per database (the IN-list length makes the SQL vary). */
const STATEMENT_CACHE_SIZE = 500;

type Converter = (value: unknown) => unknown;

/** The columns one SELECT reads: their SQL, their positions among the entity's columns, the ones left out. */
interface View {
  select: string;
  index: number[];
  missing: string[];
}

/** Outside production: reading a column the projection left out is a bug in a resolver's declared needs; say so loudly. */
function guardMissing(e: Record<string, unknown>, missing: string[], table: string): void {
  for (const p of missing) {
    Object.defineProperty(e, p, {
      configurable: true,
      enumerable: false,
      get() {
        throw new Error(`${table}.${p} was not selected by this loader's projection: declare it in the field resolver's @Extensions({ needs }) (loaders/projection.ts)`);
      },
      set(value: unknown) {
        Object.defineProperty(e, p, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
}

/**
 * Entity rows for the hot loaders without TypeORM's query builder and
 * hydration (RawSqlResultsToEntityTransformer), which cost more than the
 * statements themselves on the account view (bench/, docs/performance.md).
 *
 * One SELECT with explicit column aliases (`"t"."due_at" AS "dueAt"`), then
 * one entity instance per row (`new Entity()` + the columns), so field
 * resolvers see real entity instances. Values keep the entity semantics on
 * both dialects: plain columns are copied; every other column (dates, BIGINT
 * cents with their transformer, ...) goes through the driver's own
 * `prepareHydratedValue`, exactly as TypeORM hydrates it, except SQLite
 * datetime strings in TypeORM's own UTC format, which are turned into the
 * same Date without the string parser.
 *
 * PostgreSQL: on TypeORM's own pool (outside any transaction, as `db.query`),
 * rows as arrays (`rowMode: "array"`: no object per row from the driver,
 * no TypeORM query runner per statement), logged like TypeORM's own queries
 * and failing with TypeORM's QueryFailedError as they would. SQLite:
 * the statement runs on TypeORM's own better-sqlite3 connection (the only
 * one; so inside a running transaction it sees what TypeORM would see),
 * prepared once and cached, in raw mode (rows as arrays: no object per row
 * from the driver), and is reported to the query logger like every other
 * statement (statement counts, DB_LOGGING).
 */
export class RawTable<T extends ObjectLiteral> {
  readonly table: string;
  /** `"t"."col" AS "prop", ...` for every column of the entity. */
  readonly select: string;
  /** The entity's column properties. */
  readonly columns: ReadonlySet<string>;
  private readonly props: string[] = [];
  private readonly parts: string[] = [];
  /** Per column (same order as `props`): how to turn the driver value into the entity value; null = copy. */
  private readonly converters: Array<Converter | null> = [];
  private readonly full: View;
  private readonly views = new Map<string, View>();

  constructor(
    private readonly db: Database,
    private readonly entity: new () => T,
    readonly alias = "t",
  ) {
    const md = db.dataSource.getMetadata(entity);
    const driver = db.dataSource.driver;
    this.table = md.tableName;
    const seen = new Set<string>();
    for (const c of md.columns) {
      if (c.isVirtual || seen.has(c.databaseName)) continue;
      seen.add(c.databaseName);
      this.parts.push(`"${alias}"."${c.databaseName}" AS "${c.propertyName}"`);
      this.props.push(c.propertyName);
      const hydrate: Converter = (v) => driver.prepareHydratedValue(v, c as ColumnMetadata);
      if (!c.transformer && PLAIN_TYPES.has(c.type)) this.converters.push(null);
      else if (db.dialect === "sqlite" && !c.transformer && SQLITE_DATETIME_TYPES.has(c.type)) this.converters.push((v) => sqliteUtcDatetime(v) ?? hydrate(v));
      else this.converters.push(hydrate);
    }
    this.select = this.parts.join(", ");
    this.columns = new Set(this.props);
    this.full = { select: this.select, index: this.props.map((_, i) => i), missing: [] };
  }

  /** The columns of a projection (loaders/projection.ts): null or an unknown property means all of them. */
  private view(projection: ProjectionKey): View {
    if (projection === null) return this.full;
    let v = this.views.get(projection);
    if (!v) {
      const wanted = new Set(projection.split(","));
      const index = this.props.flatMap((p, i) => (wanted.has(p) ? [i] : []));
      if (index.length !== wanted.size) return this.full;
      v = { select: index.map((i) => this.parts[i]).join(", "), index, missing: this.props.filter((p) => !wanted.has(p)) };
      this.views.set(projection, v);
    }
    return v;
  }

  /** An entity instance from a row (an object keyed by property, or an array in the view's column order). */
  map(row: Record<string, unknown> | unknown[], view: View = this.full): T {
    const e = new this.entity() as Record<string, unknown>;
    const { props, converters } = this;
    const { index } = view;
    const arr = Array.isArray(row);
    for (let j = 0; j < index.length; j++) {
      const i = index[j];
      const v = arr ? (row as unknown[])[j] : (row as Record<string, unknown>)[props[i]];
      const f = converters[i];
      e[props[i]] = f === null ? v : f(v);
    }
    if (view.missing.length && this.db.strictProjections) guardMissing(e, view.missing, this.table);
    return e as T;
  }

  /**
   * Rows whose `column` (database name) is one of `keys`, optionally narrowed
   * by `extra` (SQL over alias `t` whose placeholders start at parameter
   * number `start`), in `orderBy` order.
   */
  async whereIn(
    column: string,
    keys: readonly unknown[],
    orderBy: string,
    extra?: (start: number) => { sql: string; params: unknown[] },
    projection: ProjectionKey = null,
  ): Promise<T[]> {
    if (keys.length === 0) return [];
    const x = extra?.(keys.length + 1);
    const cond = `"${this.alias}"."${column}" IN ${this.db.inList(keys.length)}${x ? ` AND ${x.sql}` : ""}`;
    return this.where(cond, x ? [...keys, ...x.params] : [...keys], orderBy, projection);
  }

  /**
   * Rows matching `condition` (SQL over alias `t`, placeholders from 1), in `orderBy` order; only the
   * columns of `projection` when one is given (the others are left unset on the entity).
   */
  async where(condition: string, params: unknown[], orderBy: string, projection: ProjectionKey = null): Promise<T[]> {
    const view = this.view(projection);
    const sql = `SELECT ${view.select} FROM "${this.table}" "${this.alias}" WHERE ${condition} ORDER BY ${orderBy}`;
    if (this.db.dialect === "sqlite") await this.db.readable(); // never inside another request's open transaction
    const rows: unknown[][] = this.db.dialect === "sqlite" ? sqliteRawRows(this.db, sql, params) : await pgRawRows(this.db, sql, params);
    const out = new Array<T>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.map(rows[i], view);
    return out;
  }
}

/** Digits of `s` from `i` to `i + n` as a number, or -1. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The Date TypeORM hydrates for a string in its own SQLite datetime format,
 * UTC "YYYY-MM-DD HH:MM:SS" with optional ".SSS" (TypeORM appends "Z" and
 * parses it), computed without the string parser; undefined for anything
 * else (the caller then asks the driver).
 */
export function sqliteUtcDatetime(v: unknown): Date | null | undefined {
  if (v === null) return null;
  if (typeof v !== "string" || (v.length !== 19 && v.length !== 23)) return undefined;
  if (v[4] !== "-" || v[7] !== "-" || v[10] !== " " || v[13] !== ":" || v[16] !== ":" || (v.length === 23 && v[19] !== ".")) return undefined;
  const y = digits(v, 0, 4);
  const mo = digits(v, 5, 2);
  const d = digits(v, 8, 2);
  const h = digits(v, 11, 2);
  const mi = digits(v, 14, 2);
  const sec = digits(v, 17, 2);
  const ms = v.length === 23 ? digits(v, 20, 3) : 0;
  // Date.UTC maps years 0-99 to 1900-1999 and rolls out-of-range parts over: leave those to the driver.
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  const leap = mo === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
  if (d > DAYS[mo - 1] + (leap ? 1 : 0)) return undefined;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms));
}

const statements = new WeakMap<Database, Map<string, BetterSqlite3.Statement>>();

/** Runs a SELECT on TypeORM's better-sqlite3 connection, rows as arrays; logged like TypeORM's own queries. */
function sqliteRawRows(db: Database, sql: string, params: unknown[]): unknown[][] {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    const conn = (db.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    stmt = conn.prepare(sql).raw(true);
    cache.set(sql, stmt);
    if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  db.logger.logQuery(sql, params);
  return stmt.all(...params) as unknown[][];
}

/** Runs a SELECT on TypeORM's pg pool, rows as arrays; logged (and failing) like TypeORM's own queries (Database.pgRead). */
export function pgRawRows(db: Database, sql: string, params: unknown[], opts: { prepare?: boolean } = {}): Promise<unknown[][]> {
  return db.pgRead<unknown[]>(sql, params, { arrays: true, prepare: opts.prepare });
}

const tables = new WeakMap<Database, Map<new () => ObjectLiteral, RawTable<ObjectLiteral>>>();

/** The RawTable of an entity, built once per Database (loaders are created per request). */
export function rawTable<T extends ObjectLiteral>(db: Database, entity: new () => T): RawTable<T> {
  let m = tables.get(db);
  if (!m) {
    m = new Map();
    tables.set(db, m);
  }
  let t = m.get(entity);
  if (!t) {
    t = new RawTable<ObjectLiteral>(db, entity);
    m.set(entity, t);
  }
  return t as RawTable<T>;
}
