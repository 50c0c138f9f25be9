/**
 * The pieces the concurrency fixes stand on, without relying on a race
 * happening: dbFailure() classifies what each dialect reports, insertIfAbsent()
 * inserts once, and Database.write() runs a PostgreSQL transaction that lost a
 * race (here: a constraint violation forced on the first attempt) again, while
 * anything else fails at once. test/concurrency-fuzz.test.ts covers the races.
 */
import "reflect-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { loadConfig } from "../src/config";
import { dbFailure, insertIfAbsent, isUniqueViolation } from "../src/db/constraint-errors";
import { afterCommit, type Database, openDatabase } from "../src/db/data-source";
import { createMetrics } from "../src/http/metrics";
import { PlanContact } from "../src/modules/plans/plan-contact.entity";
import { ApiToken } from "../src/modules/users/api-token.entity";
import { User } from "../src/modules/users/user.entity";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";

let db: Database;
let drop: () => Promise<void>;
const postgres = TEST_DB === "postgres";

beforeAll(async () => {
  const fresh = await freshDatabaseUrl();
  drop = fresh.drop;
  db = await openDatabase({ ...loadConfig({ NODE_ENV: "test" }), databaseUrl: fresh.url, dbPoolSize: 4 });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await drop?.();
});

const users = async () => db.manager.count(User);
const newUser = (email: string) => ({ name: "U", email, role: Role.ANALYST });

/** The error a statement fails with. */
async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected the statement to fail");
}

describe(`database failures (${TEST_DB})`, () => {
  it("dbFailure tells a unique, a primary key and a foreign key violation apart, and nothing else", async () => {
    await db.manager.insert(User, newUser("taken@example.com"));
    const unique = await failure(() => db.manager.insert(User, newUser("taken@example.com")));
    expect([dbFailure(unique), isUniqueViolation(unique)]).toEqual(["unique", true]);
    const fk = await failure(() => db.manager.insert(ApiToken, { userId: 999_999, tokenHash: "x".repeat(64), revokedAt: null }));
    expect([dbFailure(fk), isUniqueViolation(fk)]).toEqual(["foreign_key", false]);
    const syntax = await failure(() => db.query("SELEKT 1"));
    expect(dbFailure(syntax)).toBeNull();
    expect(dbFailure(new Error("x"))).toBeNull();
    expect(dbFailure(null)).toBeNull();
    // the codes as each driver reports them (PostgreSQL SQLSTATE, better-sqlite3 extended codes)
    expect(dbFailure({ code: "40001" })).toBe("serialization");
    expect(dbFailure({ code: "40P01" })).toBe("deadlock");
    expect(dbFailure({ driverError: { code: "SQLITE_CONSTRAINT_PRIMARYKEY" } })).toBe("unique");
    expect(dbFailure({ code: "SQLITE_CONSTRAINT_NOTNULL" })).toBeNull();
  });

  it("insertIfAbsent inserts a row once and says whether this call inserted it", async () => {
    const [user] = await db.query<{ id: number }>(`SELECT id FROM app_user ORDER BY id LIMIT 1`);
    await db.query(`INSERT INTO account (name) VALUES ('A')`);
    const [acc] = await db.query<{ id: number }>(`SELECT id FROM account ORDER BY id DESC LIMIT 1`);
    await db.query(`INSERT INTO contact (first_name, last_name, account_id) VALUES ('C', 'D', ${db.param(1)})`, [acc.id]);
    const [c] = await db.query<{ id: number }>(`SELECT id FROM contact ORDER BY id DESC LIMIT 1`);
    await db.query(`INSERT INTO period (name, type, start_date, end_date) VALUES ('Y', 'YEAR', '2031-01-01', '2031-12-31')`);
    const [per] = await db.query<{ id: number }>(`SELECT id FROM period ORDER BY id DESC LIMIT 1`);
    await db.query(
      `INSERT INTO business_plan (name, type, status, account_id, owner_id, period_id, version) VALUES ('P', 'ACCOUNT', 'DRAFT', ${db.param(1)}, ${db.param(2)}, ${db.param(3)}, 1)`,
      [acc.id, user.id, per.id],
    );
    const [plan] = await db.query<{ id: number }>(`SELECT id FROM business_plan ORDER BY id DESC LIMIT 1`);
    const link = { planId: plan.id, contactId: c.id };
    expect(await db.write((em) => insertIfAbsent(em, PlanContact, link))).toBe(true);
    expect(await db.write((em) => insertIfAbsent(em, PlanContact, link))).toBe(false);
    expect(await db.manager.count(PlanContact, { where: link })).toBe(1);
    // a foreign key is still enforced: only a duplicate key is "absent"
    expect(dbFailure(await failure(() => db.write((em) => insertIfAbsent(em, PlanContact, { planId: 999_999, contactId: c.id })))), "foreign key").toBe("foreign_key");
  });

  it(`write ${postgres ? "runs a transaction that hit a constraint again, on a fresh transaction" : "does not retry (SQLite writes are serialised: a violation is a bug)"}`, async () => {
    const before = await users();
    let attempts = 0;
    const run = db.write(async (em) => {
      attempts++;
      await em.insert(User, newUser(`first-${attempts}@example.com`)); // rolled back with the attempt that fails
      if (attempts === 1) await em.insert(User, newUser("taken@example.com"));
      return attempts;
    });
    const retried = { ...db.writeRetries };
    if (postgres) {
      expect(await run).toBe(2);
      expect(db.writeRetries).toEqual({ ...retried, unique: retried.unique + 1 });
      const text = await createMetrics(db).registry.metrics();
      expect(text).toContain(`db_write_retries_total{reason="unique"} ${retried.unique + 1}`);
      expect(text).toContain(`db_write_retries_total{reason="deadlock"} ${retried.deadlock}`);
      expect(await users()).toBe(before + 1);
      expect(await db.manager.count(User, { where: { email: "first-1@example.com" } })).toBe(0);
    } else {
      expect(dbFailure(await failure(() => run))).toBe("unique");
      expect(attempts).toBe(1);
      expect(await users()).toBe(before);
      expect(db.writeRetries).toEqual(retried);
    }
  });

  it("write gives up after 5 attempts, and does not retry other errors", async () => {
    const before = await users();
    let attempts = 0;
    const err = await failure(() =>
      db.write(async (em) => {
        attempts++;
        await em.insert(User, newUser("taken@example.com"));
      }),
    );
    expect(dbFailure(err)).toBe("unique");
    expect(attempts).toBe(postgres ? 5 : 1);
    attempts = 0;
    const plain = await failure(() =>
      db.write(async (em) => {
        attempts++;
        await em.insert(User, newUser("plain@example.com"));
        throw new Error("a rule said no");
      }),
    );
    expect([(plain as Error).message, attempts]).toEqual(["a rule said no", 1]);
    expect(await users()).toBe(before);
  });
});

describe("afterCommit inside a request-wide transaction (idempotent requests)", () => {
  it("runs the callbacks of the writes that committed, never those of a write whose savepoint rolled back", async () => {
    const ran: string[] = [];
    const before = await users();
    await db.requestTransaction(async () => {
      await db.write(async (em) => {
        await em.insert(User, newUser("kept-savepoint@example.com"));
        afterCommit(em, () => ran.push("kept"));
      });
      await db
        .write(async (em) => {
          await em.insert(User, newUser("refused-savepoint@example.com"));
          afterCommit(em, () => ran.push("refused"));
          throw new Error("refused field");
        })
        .catch(() => undefined);
      expect(ran).toEqual([]); // nothing runs before the outer commit
    });
    expect(ran).toEqual(["kept"]);
    expect(await users()).toBe(before + 1);
  });
});
