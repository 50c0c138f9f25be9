/**
 * Migrations: a database built by them matches the entities exactly (no drift,
 * the check `generate-migration` relies on), on both dialects; and on
 * PostgreSQL concurrent starters serialise on the advisory lock, so each
 * migration is applied exactly once.
 */
import "reflect-metadata";
import { Client } from "pg";
import type { ColumnOptions, QueryRunner } from "typeorm";
import { ColumnMetadata } from "typeorm/metadata/ColumnMetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillDatabase } from "../bench/generate";
import { type Database, type DbConfig, MIGRATION_LOCK_KEY as MIGRATION_LOCK, migrationsFor, openDatabase } from "../src/db/data-source";
import { Objective } from "../src/modules/objectives/objective.entity";
import { columnsNeedingBackfill, migrationQueries, parseBackfill, pendingSchemaChanges } from "../scripts/generate-migration";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";

const cfg = (databaseUrl: string, dbPoolSize = 4): DbConfig => ({ databaseUrl, dbLogging: false, dbPoolSize, databaseSsl: false });


describe(`migrations (${TEST_DB})`, () => {
  let url: string;
  let drop: () => Promise<void>;
  let db: Database;

  beforeAll(async () => {
    ({ url, drop } = await freshDatabaseUrl());
    db = await openDatabase(cfg(url));
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it("build a schema with no drift from the entities (the schema builder has nothing to do)", async () => {
    const { up, down } = await pendingSchemaChanges(db);
    expect(up).toEqual([]);
    expect(down).toEqual([]);
  });

  it("ran every migration of this dialect once, and both dialects have the same migrations", async () => {
    const rows = await db.query<{ name: string }>("SELECT name FROM migrations ORDER BY id");
    const expected = migrationsFor(TEST_DB).map((M) => new M().name ?? M.name);
    expect(rows.map((r) => r.name)).toEqual(expected);
    const names = (d: "sqlite" | "postgres") => migrationsFor(d).map((M) => M.name);
    expect(names("sqlite")).toEqual(names("postgres"));
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it("the drift check does see drift (a dropped index and column are reported)", async () => {
    // On a separate fresh database, so the one above stays pristine.
    const scratch = await freshDatabaseUrl();
    const other = await openDatabase(cfg(scratch.url));
    try {
      const index = db.dataSource.getMetadata("BusinessPlan").indices.find((i) => i.columns.some((c) => c.databaseName === "status"));
      expect(index?.name).toBeTruthy();
      await other.query(`DROP INDEX "${index!.name}"`);
      await other.query(`ALTER TABLE plan_audit_entry DROP COLUMN changes_json`);
      const { up } = await pendingSchemaChanges(other);
      expect(up.some((q) => q.includes(index!.name!))).toBe(true);
      expect(up.some((q) => q.includes("changes_json"))).toBe(true);
    } finally {
      await other.close();
      await scratch.drop();
    }
  });
});

/**
 * A scratch column on the entity (added to this data source's metadata only, as a new `@Column`
 * would), so the schema builder has a column to add to a table that holds rows.
 */
function addScratchColumn(db: Database, propertyName: string, options: ColumnOptions): void {
  const meta = db.dataSource.getMetadata(Objective);
  const column = new ColumnMetadata({ connection: db.dataSource, entityMetadata: meta, args: { target: Objective, propertyName, mode: "regular", options } });
  meta.registerColumn(column);
  column.build(db.dataSource);
}

/** Runs statements as the migration runner does (on SQLite: foreign keys off, as TypeORM sets them for migrations), in one transaction. */
async function runStatements(db: Database, statements: string[]): Promise<void> {
  const qr: QueryRunner = db.dataSource.createQueryRunner();
  try {
    await qr.beforeMigration();
    await qr.startTransaction();
    try {
      for (const q of statements) await qr.query(q);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction();
      throw e;
    } finally {
      await qr.afterMigration();
    }
  } finally {
    await qr.release();
  }
}

describe(`generate-migration --backfill (${TEST_DB})`, () => {
  it("parses TABLE.COLUMN=SQL", () => {
    expect(parseBackfill("objective.start_date=(SELECT 1) = 1")).toEqual({ table: "objective", column: "start_date", sql: "(SELECT 1) = 1" });
    for (const bad of ["objective=1", "objective.start_date=", "objective.start_date", ".x=1"]) expect(() => parseBackfill(bad)).toThrow(/TABLE\.COLUMN=SQL/);
  });

  it("a migration adding NOT NULL columns to a filled table gives every existing row its computed value, and its down removes them", async () => {
    const { url, drop } = await freshDatabaseUrl();
    const db = await openDatabase(cfg(url));
    try {
      await fillDatabase(db, 1);
      const count = async () => Number((await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM objective`))[0].n);
      const rows = await count();
      expect(rows).toBeGreaterThan(20);
      // start from the period's first day (as dueDate from its last); a label with a column default, backfilled from the name
      addScratchColumn(db, "scratchStart", { type: "date" });
      addScratchColumn(db, "scratchLabel", { type: "varchar", length: 220, default: "" });
      expect((await pendingSchemaChanges(db)).up.some((q) => q.includes("scratch_start"))).toBe(true);
      await expect(migrationQueries(db, [parseBackfill("objective.no_such=1")])).rejects.toThrow(/does not add objective\.no_such/);

      const { up, down } = await migrationQueries(db, [
        parseBackfill(`objective.scratch_start=(SELECT p.start_date FROM period p WHERE p.id = objective.period_id)`),
        parseBackfill(`objective.scratch_label=name || ' (' || id || ')'`),
      ]);
      // as generated, without the backfill, the same migration fails on these rows
      const plain = await migrationQueries(db, []);
      if (db.dialect === "postgres") expect(columnsNeedingBackfill(plain.up)).toEqual(["objective.scratch_start"]);
      await expect(runStatements(db, plain.up)).rejects.toThrow(/NOT NULL constraint|not-null constraint|contains null values/i);
      expect(await count()).toBe(rows);

      await runStatements(db, up);
      expect(await count()).toBe(rows);
      const wrong = await db.query(
        `SELECT o.id FROM objective o JOIN period p ON p.id = o.period_id
         WHERE o.scratch_start IS NULL OR o.scratch_start <> p.start_date OR o.scratch_label <> o.name || ' (' || o.id || ')'`,
      );
      expect(wrong).toEqual([]);
      // no drift: the table is what the entity (with the scratch columns) declares, NOT NULL included
      expect(await pendingSchemaChanges(db)).toEqual({ up: [], down: [] });
      await expect(db.query(`UPDATE objective SET scratch_start = NULL`)).rejects.toThrow(/NOT NULL constraint|not-null constraint|contains null values/i);
      if (db.dialect === "sqlite") expect(await db.query(`PRAGMA foreign_key_check`)).toEqual([]);

      await runStatements(db, down);
      expect(await count()).toBe(rows);
      const added = (await pendingSchemaChanges(db)).up.join("\n");
      expect(added).toContain("scratch_start");
      expect(added).toContain("scratch_label");
      if (db.dialect === "sqlite") expect(await db.query(`PRAGMA foreign_key_check`)).toEqual([]);
      // and up again, on the rows that went through down
      await runStatements(db, up);
      expect(await pendingSchemaChanges(db)).toEqual({ up: [], down: [] });
    } finally {
      await db.close();
      await drop();
    }
  });
});

describe.runIf(TEST_DB === "postgres")("concurrent migration on PostgreSQL", () => {
  it("several starters migrating one fresh database at once all succeed; each migration is recorded once", async () => {
    const { url, drop } = await freshDatabaseUrl("postgres");
    const dbs: Database[] = [];
    try {
      // Separate DataSources (separate pools, separate sessions), like separate processes;
      // one with a pool of 1, which must not deadlock between the lock and the migration.
      const results = await Promise.allSettled([openDatabase(cfg(url)), openDatabase(cfg(url)), openDatabase(cfg(url, 1)), openDatabase(cfg(url, 2))]);
      for (const r of results) if (r.status === "fulfilled") dbs.push(r.value);
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      const rows = await dbs[0].query<{ name: string; n: string }>("SELECT name, COUNT(*) AS n FROM migrations GROUP BY name ORDER BY name");
      expect(rows.map((r) => [r.name, Number(r.n)])).toEqual(
        migrationsFor("postgres")
          .map((M) => M.name)
          .sort()
          .map((n) => [n, 1]),
      );
      for (const d of dbs) {
        expect(await d.dataSource.showMigrations()).toBe(false);
        expect((await pendingSchemaChanges(d)).up).toEqual([]);
      }
    } finally {
      await Promise.all(dbs.map((d) => d.close()));
      await drop();
    }
  });

  it("a starter waits while another session holds the migration lock, then finds nothing left to do", async () => {
    const { url, drop } = await freshDatabaseUrl("postgres");
    const holder = new Client({ connectionString: url });
    await holder.connect();
    let opened: Database | undefined;
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      let done = false;
      const pending = openDatabase(cfg(url, 1)).then((d) => {
        done = true;
        opened = d;
        return d;
      });
      // It must be blocked on the lock: no migrations table yet, and one session waiting for the advisory lock.
      // (polled until the session waits; 45 s is only a failure bound)
      let waiting = 0;
      for (const deadline = Date.now() + 45_000; waiting === 0 && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 20));
        const r = await holder.query(
          "SELECT COUNT(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
          [MIGRATION_LOCK],
        );
        waiting = r.rows[0].n;
      }
      expect(waiting).toBe(1);
      expect(done).toBe(false);
      expect((await holder.query("SELECT to_regclass('public.migrations') AS t")).rows[0].t).toBeNull();
      await holder.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      const d = await pending;
      expect(await d.dataSource.showMigrations()).toBe(false);
      // the lock was released after migrating: taking it again does not block
      const again = new Client({ connectionString: url });
      await again.connect();
      expect((await again.query("SELECT pg_try_advisory_lock($1) AS ok", [MIGRATION_LOCK])).rows[0].ok).toBe(true);
      await again.end();
    } finally {
      await holder.end();
      await opened?.close();
      await drop();
    }
  });
});

describe.skipIf(TEST_DB === "postgres")("concurrent migration (PostgreSQL only)", () => {
  it.skip("skipped on SQLite: one file, one writer; the advisory lock exists only on PostgreSQL", () => {});
});
