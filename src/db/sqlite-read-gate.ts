import { AsyncLocalStorage } from "node:async_hooks";
import type { DataSource } from "typeorm";

/**
 * The SQLite read gate. TypeORM's better-sqlite3 driver has ONE connection and
 * ONE query runner per process, shared by every caller, so a read from another
 * request between two statements of an open write transaction would run inside
 * that transaction and see its uncommitted rows. The gate makes every statement
 * sent outside a write transaction wait until no write transaction is open.
 *
 * It wraps the `query` method of that one runner (TypeORM has no public hook for
 * this). `install` checks that the driver really hands out a single runner and
 * refuses to start otherwise; test/sqlite-read-gate.test.ts checks that every
 * public read path (EntityManager, Repository, QueryBuilder, raw query, a new
 * QueryRunner) goes through it, so a TypeORM upgrade that routes reads elsewhere
 * fails that test instead of silently leaking uncommitted rows.
 * Code that reads the driver's connection directly (loaders/raw-rows.ts) awaits
 * `readable()` itself.
 */
export class SqliteReadGate {
  /** The open write transaction (settles when it commits or rolls back), or null. */
  private openWrite: Promise<void> | null = null;
  /** Set while the write transaction runs: its own statements never wait for the gate. */
  private readonly insideWrite = new AsyncLocalStorage<true>();

  /** Wraps the driver's one query runner; throws when the driver does not share one runner. */
  install(dataSource: DataSource): void {
    const runner = dataSource.driver.createQueryRunner("master");
    if (dataSource.driver.createQueryRunner("slave") !== runner || dataSource.createQueryRunner() !== runner) {
      throw new Error("TypeORM's SQLite driver no longer shares one query runner: the read gate (src/db/sqlite-read-gate.ts) cannot cover every read");
    }
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    (runner as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      await this.readable();
      return query(...args);
    };
  }

  /** Resolves once no write transaction of another caller is open. */
  async readable(): Promise<void> {
    while (this.openWrite && !this.insideWrite.getStore()) await this.openWrite;
  }

  /** Runs `tx` (one write transaction) with the gate closed to everything outside it. */
  async whileWriting<T>(tx: () => Promise<T>): Promise<T> {
    let settled!: () => void;
    this.openWrite = new Promise<void>((resolve) => (settled = resolve));
    try {
      return await this.insideWrite.run(true, tx);
    } finally {
      this.openWrite = null;
      settled();
    }
  }
}
