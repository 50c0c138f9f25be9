import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";
import { DataSource, type DataSourceOptions, type EntityManager, MigrationExecutor, type MigrationInterface, QueryFailedError } from "typeorm";
import pg, { Client, type ClientConfig, type Pool } from "pg";
import type { AppConfig } from "../config";
import { entities } from "./entities";
import { postgresMigrations } from "./migrations/postgres";
import { sqliteMigrations } from "./migrations/sqlite";
import { type DbFailure, dbFailure } from "./constraint-errors";
import { prepareSqliteFile } from "./sqlite-file";
import { SnakeNamingStrategy } from "./naming";
import { parsePgUtcTimestamp } from "./pg-timestamp";
import { CountingQueryLogger } from "./query-logger";
import { SqliteReadGate } from "./sqlite-read-gate";
import { StatementNames } from "./statement-names";

export type Dialect = "sqlite" | "postgres";

/**
 * How often `Database.write` runs a PostgreSQL transaction that lost a race
 * (unique or foreign key violation, serialization failure, deadlock). Each
 * retry sees the commit it lost to, so a second attempt normally decides it;
 * more attempts cover a row raced for again while retrying.
 */
const WRITE_ATTEMPTS = 5;

/**
 * A request-wide transaction (`Database.requestTransaction`, used by idempotent requests): every
 * `Database.write` and every read made in its async scope run on its connection, the writes as
 * savepoints. `failure`: the first lost race (unique/foreign key violation, deadlock, ...) of a
 * write inside it, which makes the whole transaction run again (see requestTransaction).
 */
interface RequestTransaction {
  em: EntityManager;
  failure?: unknown;
}
const requestTx = new AsyncLocalStorage<RequestTransaction>();

/**
 * Callbacks to run once the transaction of an entity manager has committed (afterCommit). The
 * `Database.write` that opened the transaction owns the list: it runs it after the commit and drops it
 * on a rollback (or a retried attempt), so nothing registered inside a rolled-back transaction runs.
 */
const commitCallbacks = new WeakMap<EntityManager, Array<() => void>>();

/**
 * Runs `fn` after the transaction `em` belongs to commits; never when it rolls back. Outside a
 * `Database.write` transaction (a plain manager) it runs at once: there is nothing to wait for.
 */
export function afterCommit(em: EntityManager, fn: () => void): void {
  const list = commitCallbacks.get(em);
  if (list) list.push(fn);
  else fn();
}

/** Wraps a write callback so afterCommit callbacks registered in it run after the commit (outermost transaction only). */
async function withCommitCallbacks<T>(run: (fn: (em: EntityManager) => Promise<T>) => Promise<T>, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  const owned: Array<() => void> = [];
  const result = await run(async (em) => {
    owned.length = 0; // a retried attempt starts over: the lost attempt's callbacks never run
    if (!commitCallbacks.has(em)) commitCallbacks.set(em, owned);
    return fn(em);
  });
  for (const cb of owned) {
    try {
      cb();
    } catch {
      // a listener's failure is not the transaction's: it has committed
    }
  }
  return result;
}

export type DbConfig = Pick<AppConfig, "databaseUrl" | "dbLogging" | "dbPoolSize" | "databaseSsl">;

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith("sqlite:") ? "sqlite" : "postgres";
}

export function migrationsFor(dialect: Dialect): Array<new () => MigrationInterface> {
  return dialect === "sqlite" ? sqliteMigrations : postgresMigrations;
}

/** Builds (does not initialise) the TypeORM data source for a configuration. */
export function buildDataSourceOptions(cfg: DbConfig, logger: CountingQueryLogger): DataSourceOptions {
  const common = {
    entities,
    namingStrategy: new SnakeNamingStrategy(),
    logger,
    logging: true as const,
    synchronize: false,
    migrationsRun: false,
  };
  const dialect = dialectOf(cfg.databaseUrl);
  if (dialect === "sqlite") {
    const path = cfg.databaseUrl.slice("sqlite:".length);
    const database = path === ":memory:" ? ":memory:" : resolve(path);
    if (database !== ":memory:") prepareSqliteFile(database);
    return {
      ...common,
      type: "better-sqlite3",
      database,
      migrations: sqliteMigrations,
      // busy_timeout: wait up to 5 s for another process's lock instead of failing.
      timeout: 5000,
      statementCacheSize: 500,
      prepareDatabase: (db: { pragma: (s: string) => unknown; function: (name: string, o: { deterministic: boolean }, fn: (s: unknown) => unknown) => unknown }) => {
        // LOWER folds all of Unicode as PostgreSQL's does (SQLite's built-in folds ASCII only): searches match the same on both
        db.function("lower", { deterministic: true }, (s) => (typeof s === "string" ? s.toLowerCase() : s));
        if (database !== ":memory:") {
          db.pragma("journal_mode = WAL");
          // FULL: a transaction acknowledged to a client survives a power loss, at the
          // cost of one extra fsync per commit in WAL mode. See docs/operations.md, "Data safety".
          db.pragma("synchronous = FULL");
        }
        db.pragma("foreign_keys = ON");
      },
    };
  }
  usePgTimestampsInUtc();
  return {
    ...common,
    type: "postgres",
    url: cfg.databaseUrl,
    migrations: postgresMigrations,
    poolSize: cfg.dbPoolSize,
    ssl: cfg.databaseSsl ? { rejectUnauthorized: true } : false,
    extra: { options: PG_SESSION_OPTIONS },
  };
}

/**
 * Settings of every API session on PostgreSQL (docs/operations.md, "PostgreSQL sessions"):
 * - TimeZone=UTC, so DEFAULT now() on the TIMESTAMP (without time zone) columns is UTC whatever the
 *   server's or the database's default time zone is.
 * - jit=off: the API sends short statements; PostgreSQL's JIT compiler triggers on estimated cost
 *   (jit_above_cost), and a mis-estimated statement spent 432 of its 553 ms compiling (bench Q3).
 * - random_page_cost=1.1 (default 4, for spinning disks): the working set is in memory or on SSD,
 *   where a random page costs about what a sequential one does; with 4, a lookup of 4,000 activities
 *   by id became a parallel sequential scan of the whole table (27 ms instead of 3 ms at the bench's M).
 */
export const PG_SESSION_OPTIONS = "-c TimeZone=UTC -c jit=off -c random_page_cost=1.1";

/**
 * TIMESTAMP (without time zone) columns hold UTC on PostgreSQL, as on SQLite.
 * By default node-postgres writes a Date in the process's local time zone and
 * reads such a column back as local time, so API processes on hosts with
 * different TZ settings would store and report different instants. This makes
 * the pg module (process-wide) write Dates as UTC and read TIMESTAMP as UTC.
 */
function usePgTimestampsInUtc(): void {
  pg.defaults.parseInputDatesAsUTC = true;
  pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, parsePgUtcTimestamp);
}

/**
 * The application's handle on the database: the TypeORM data source, its
 * dialect, the statement counter, and `write()`, the one way to run a
 * transaction.
 */
export class Database {
  /**
   * Entities read through a column projection throw when code reads a column that
   * was not selected (loaders/projection.ts). Set outside production (app.ts).
   */
  strictProjections = false;
  /** PostgreSQL write transactions run again since start, by what the lost attempt failed with (db_write_retries_total). */
  readonly writeRetries: Record<DbFailure, number> = { unique: 0, foreign_key: 0, serialization: 0, deadlock: 0 };
  private writeQueue: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(
    readonly dataSource: DataSource,
    readonly dialect: Dialect,
    readonly logger: CountingQueryLogger,
  ) {
    if (dialect === "sqlite" && dataSource.isInitialized) this.gate.install(dataSource);
  }

  /** Statements outside a write transaction wait while one is open (SQLite: one shared connection; sqlite-read-gate.ts). */
  private readonly gate = new SqliteReadGate();

  /** Resolves once no write transaction of another request is open (SQLite); at once otherwise. */
  async readable(): Promise<void> {
    if (this.dialect === "sqlite") await this.gate.readable();
  }

  /** SQL statements sent since start (all connections). */
  get statements(): number {
    return this.logger.statements;
  }

  /** Write transactions waiting for the SQLite connection. */
  get pendingWrites(): number {
    return this.queued;
  }

  /** The entity manager for reads: the request-wide transaction's inside one (see requestTransaction), else the pool's. */
  get manager(): EntityManager {
    return requestTx.getStore()?.em ?? this.dataSource.manager;
  }

  /**
   * Runs `fn` in ONE transaction that every `write()` and read made in its async scope joins:
   * each `write()` inside becomes a savepoint (its DomainError rolls back its own changes only,
   * as a separate transaction would), and reads see the transaction's own rows. All of it commits
   * or rolls back together: the idempotency key of a request commits with the request's effects
   * (src/modules/idempotency). A race lost by any write inside (what `write()` would retry) runs
   * the whole of `fn` again, from the start, in a new transaction: `fn` must do nothing but
   * database work and computing.
   */
  async requestTransaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (requestTx.getStore()) throw new Error("requestTransaction cannot be nested");
    return this.write(async (em) => {
      const scope: RequestTransaction = { em };
      let result: T;
      try {
        result = await requestTx.run(scope, () => fn(em));
      } catch (err) {
        throw scope.failure ?? err; // a lost race inside explains whatever fn threw after it
      }
      if (scope.failure) throw scope.failure;
      return result;
    });
  }

  /**
   * PostgreSQL: the pg connection of the request-wide transaction this call runs in, or null. Code
   * that queries the pool directly (loaders/raw-rows.ts) must use it instead: the transaction's own
   * rows are visible only there, and a pooled connection could wait for the one this request holds.
   */
  requestConnection(): { query: (...args: never[]) => unknown } | null {
    const em = requestTx.getStore()?.em;
    return (em?.queryRunner as unknown as { databaseConnection?: { query: (...args: never[]) => unknown } } | undefined)?.databaseConnection ?? null;
  }

  /** A write inside a request-wide transaction: a savepoint; a lost race is recorded so the whole transaction runs again. */
  private async joinWrite<T>(scope: RequestTransaction, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    // afterCommit callbacks registered inside a savepoint that rolls back must never run: they
    // belong to changes that will not commit (e.g. a refused field of a keyed request).
    const callbacks = commitCallbacks.get(scope.em);
    const mark = callbacks?.length ?? 0;
    try {
      return await scope.em.transaction(async (inner) => {
        if (inner !== scope.em && callbacks && !commitCallbacks.has(inner)) commitCallbacks.set(inner, callbacks);
        return fn(inner);
      });
    } catch (err) {
      if (callbacks) callbacks.length = mark;
      if (dbFailure(err)) scope.failure ??= err;
      throw err;
    }
  }

  /**
   * Runs `fn` in one transaction. On SQLite, TypeORM shares one connection
   * between all transactions, so top-level write transactions are serialised
   * through a queue; on PostgreSQL each gets its own pooled connection.
   *
   * On PostgreSQL, READ COMMITTED transactions of other requests (of this or
   * another process) run at the same time: a service's check ("no user with
   * this email", "the plan exists", "it has no child plans") can be overtaken
   * by a concurrent commit before its own write reaches the database, which
   * then refuses the write (unique or foreign key violation), or two
   * transactions deadlock. Such a transaction is rolled back and `fn` runs
   * again from the start: its checks now see the other commit and give the
   * answer a serial repeat would give (BAD_USER_INPUT for a taken email,
   * NOT_FOUND for a deleted plan, ...), so no client gets an internal error for
   * a race. `fn` must therefore do nothing outside the transaction but compute.
   *
   * Inside `requestTransaction` it joins that transaction as a savepoint instead.
   */
  async write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const joined = requestTx.getStore();
    if (joined) return this.joinWrite(joined, fn);
    if (this.dialect === "postgres") {
      for (let attempt = 1; ; attempt++) {
        try {
          return await withCommitCallbacks((f) => this.dataSource.transaction("READ COMMITTED", f), fn);
        } catch (err) {
          const failure = dbFailure(err);
          if (attempt >= WRITE_ATTEMPTS || !failure) throw err;
          this.writeRetries[failure]++;
        }
      }
    }
    this.queued++;
    const run = async () => {
      // Reads that waited for the previous transaction go first: they finish within
      // microtasks (better-sqlite3 is synchronous), before this macrotask turn ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return this.gate.whileWriting(() => withCommitCallbacks((f) => this.dataSource.transaction(f), fn));
    };
    const result = this.writeQueue.then(run, run).finally(() => {
      this.queued--;
    });
    this.writeQueue = result.catch(() => undefined);
    return result;
  }

  /** Positional placeholder for raw SQL: `?` on SQLite, `$n` (1-based) on PostgreSQL. */
  param(n: number): string {
    return this.dialect === "postgres" ? `$${n}` : "?";
  }

  /** `(?, ?, ?)` / `($3, $4, $5)` for an IN list whose first parameter is number `start`. */
  inList(count: number, start = 1): string {
    return `(${Array.from({ length: count }, (_, i) => this.param(start + i)).join(", ")})`;
  }

  /** Raw query through the same connection/pool as everything else. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], em?: EntityManager): Promise<T[]> {
    return (em ?? this.manager).query(sql, params) as Promise<T[]>;
  }

  /** The texts kept prepared per PostgreSQL connection (statement-names.ts). */
  private readonly statementNames = new StatementNames();

  /**
   * PostgreSQL: a read on TypeORM's pg pool without a TypeORM query runner (or, inside a keyed
   * request's transaction, on its connection: its own rows are visible only there). Logged and
   * failing (QueryFailedError) like TypeORM's own queries. `arrays`: rows as arrays (no object per
   * row); `prepare`: a recurring text is kept prepared per connection (statement-names.ts).
   */
  async pgRead<R>(sql: string, params: unknown[], opts: { arrays?: boolean; prepare?: boolean } = {}): Promise<R[]> {
    const inTransaction = this.requestConnection() as Pool | null;
    const pool = inTransaction ?? (this.dataSource.driver as unknown as { master: Pool }).master;
    const name = opts.prepare ? this.statementNames.nameFor(sql) : undefined;
    this.logger.logQuery(sql, params);
    try {
      return (await pool.query({ text: sql, values: params, ...(name ? { name } : {}), ...(opts.arrays ? { rowMode: "array" as const } : {}) })).rows as R[];
    } catch (e) {
      this.logger.logQueryError(e as Error, sql);
      throw new QueryFailedError(sql, params, e as Error);
    }
  }

  /**
   * Runs `fn` while holding the PostgreSQL session advisory lock `key`, so that
   * processes starting together run it one after another (start-up seeding and
   * ADMIN_TOKEN). The lock lives on a connection of its own, outside the pool:
   * `fn` may need every pooled connection, and DB_POOL_SIZE may be 1.
   * On SQLite it just runs `fn`.
   */
  async exclusive<T>(key: number, fn: () => Promise<T>): Promise<T> {
    if (this.dialect !== "postgres") return fn();
    const opts = this.dataSource.options as { url?: string; ssl?: ClientConfig["ssl"] }; // as built by buildDataSourceOptions
    const client = new Client({ connectionString: opts.url, ssl: opts.ssl });
    client.on("error", () => undefined); // a dropped lock session must not crash the process; the next query reports it
    await client.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [key]);
      return await fn();
    } finally {
      await client.end(); // ending the session releases the lock
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the database and (unless told not to) runs pending migrations. */
export async function openDatabase(cfg: DbConfig, opts: { migrate?: boolean } = {}): Promise<Database> {
  const logger = new CountingQueryLogger(cfg.dbLogging);
  const ds = new DataSource(buildDataSourceOptions(cfg, logger));
  await ds.initialize();
  const db = new Database(ds, dialectOf(cfg.databaseUrl), logger);
  if (opts.migrate !== false) await runMigrations(db);
  return db;
}

/** Session-level advisory lock key held while migrating (advisory locks are per database). */
export const MIGRATION_LOCK_KEY = 727411;
/** Advisory lock key held while a starting process seeds demo data and ensures ADMIN_TOKEN. */
export const STARTUP_LOCK_KEY = 727412;

/**
 * Runs pending migrations. On PostgreSQL an advisory lock makes concurrent
 * starters wait for each other, so only one applies each migration. The
 * migrations run on the very connection that holds the lock: with another
 * pooled connection, DB_POOL_SIZE=1 would wait for itself forever.
 */
export async function runMigrations(db: Database): Promise<void> {
  if (db.dialect === "sqlite") {
    await db.dataSource.runMigrations({ transaction: "all" });
    return;
  }
  const runner = db.dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      const executor = new MigrationExecutor(db.dataSource, runner);
      executor.transaction = "all";
      await executor.executePendingMigrations();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  } finally {
    await runner.release();
  }
}
