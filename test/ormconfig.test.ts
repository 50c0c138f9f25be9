import { describe, expect, it } from "vitest";

/** ormconfig.ts is the DataSource TypeORM's CLI loads (`npx typeorm -d dist/ormconfig.js migration:run`). */
describe("ormconfig.ts", () => {
  it("builds the project's DataSource from the environment, and its migrations create the schema", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "sqlite::memory:";
    try {
      const { default: ds } = await import("../ormconfig");
      expect(ds.options.type).toBe("better-sqlite3");
      expect(ds.entityMetadatas.length).toBe(0); // not initialised at import
      await ds.initialize();
      try {
        expect(await ds.showMigrations()).toBe(true); // pending on an empty database
        const ran = await ds.runMigrations();
        expect(ran.length).toBeGreaterThan(0);
        expect(await ds.showMigrations()).toBe(false);
        const tables = (await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table'`)) as Array<{ name: string }>;
        expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["business_plan", "objective", "activity", "opportunity", "account"]));
      } finally {
        await ds.destroy();
      }
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });
});
