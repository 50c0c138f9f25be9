import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** Which database this test run targets (set per Vitest project). */
export const TEST_DB: "sqlite" | "postgres" = process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";

/**
 * A fresh database URL for one test file: an in-memory SQLite database, or a
 * new PostgreSQL database on TEST_POSTGRES_URL's server (dropped by `drop()`).
 */
export async function freshDatabaseUrl(kind: "sqlite" | "postgres" = TEST_DB): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === "sqlite") return { url: "sqlite::memory:", drop: async () => {} };
  const base = process.env.TEST_POSTGRES_URL;
  if (!base) throw new Error("TEST_POSTGRES_URL is not set");
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
