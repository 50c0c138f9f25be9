/**
 * The SQLite read gate (src/db/sqlite-read-gate.ts): while a write transaction is
 * open on SQLite's one shared connection, a read from anywhere else waits until it
 * ends instead of running inside it. Proof by a rolled-back row: a write inserts a
 * user and, while it holds the transaction open, reads are issued through every
 * public TypeORM path; then the write fails and rolls back. A read that bypassed the
 * gate ran inside the transaction and saw the row; a gated one runs after the
 * rollback and does not. A TypeORM upgrade that routes one of these paths around the
 * wrapped query runner fails here (or at start, when the driver stops sharing one runner).
 *
 * SQLite only: PostgreSQL gives each transaction its own pooled connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { type Database, openDatabase } from "../src/db/data-source";
import { User } from "../src/modules/users/user.entity";
import { TEST_DB } from "./helpers/db";

const EMAIL = "uncommitted@gate.example";

describe.skipIf(TEST_DB !== "sqlite")("the SQLite read gate", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ ...loadConfig({ NODE_ENV: "test" }), databaseUrl: "sqlite::memory:" });
  });
  afterAll(async () => db?.close());

  it("every public read path waits for an open write transaction (none sees its uncommitted row)", async () => {
    const ds = db.dataSource;
    const reads: Record<string, () => Promise<number>> = {
      "EntityManager.count": () => ds.manager.count(User, { where: { email: EMAIL } }),
      "EntityManager.findOneBy": async () => ((await ds.manager.findOneBy(User, { email: EMAIL })) ? 1 : 0),
      "Repository.find": async () => (await ds.getRepository(User).find({ where: { email: EMAIL } })).length,
      "Repository.exists": async () => Number(await ds.getRepository(User).exists({ where: { email: EMAIL } })),
      "QueryBuilder (entity).getCount": () => ds.createQueryBuilder(User, "u").where("u.email = :e", { e: EMAIL }).getCount(),
      "QueryBuilder (raw).getRawOne": async () =>
        Number((await ds.manager.createQueryBuilder().select("COUNT(*)", "n").from("app_user", "u").where("u.email = :e", { e: EMAIL }).getRawOne()).n),
      "DataSource.query": async () => Number((await ds.query(`SELECT COUNT(*) AS n FROM app_user WHERE email = ?`, [EMAIL]))[0].n),
      "Database.query": async () => Number((await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM app_user WHERE email = ?`, [EMAIL]))[0].n),
      "a new QueryRunner": async () => {
        const qr = ds.createQueryRunner();
        try {
          return Number((await qr.query(`SELECT COUNT(*) AS n FROM app_user WHERE email = ?`, [EMAIL]))[0].n);
        } finally {
          await qr.release();
        }
      },
    };

    let inserted!: () => void;
    const rowIsThere = new Promise<void>((r) => (inserted = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const write = db.write(async (em) => {
      await em.getRepository(User).insert({ name: "Uncommitted", email: EMAIL, role: "ANALYST" as User["role"] });
      // the row is visible inside the transaction
      expect(await em.count(User, { where: { email: EMAIL } })).toBe(1);
      inserted();
      await held;
      throw new Error("roll back");
    });
    await rowIsThere;
    const seen = Object.entries(reads).map(async ([path, read]) => [path, await read()] as const);
    release();
    await expect(write).rejects.toThrow("roll back");
    expect(Object.fromEntries(await Promise.all(seen))).toEqual(Object.fromEntries(Object.keys(reads).map((k) => [k, 0])));
  });

  it("the driver shares one query runner (what the gate wraps)", () => {
    const ds = db.dataSource;
    expect(ds.createQueryRunner()).toBe(ds.driver.createQueryRunner("master"));
    expect(ds.driver.createQueryRunner("slave")).toBe(ds.driver.createQueryRunner("master"));
  });
});
