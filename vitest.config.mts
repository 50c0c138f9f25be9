import { existsSync } from "node:fs";
import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// The suite runs once per database. SQLite always; PostgreSQL when
// TEST_POSTGRES_URL is set, and under CI (CI=true) PostgreSQL is required.
const pgUrl = process.env.TEST_POSTGRES_URL;
if (!pgUrl) {
  if (process.env.CI === "true") throw new Error("CI=true but TEST_POSTGRES_URL is not set: PostgreSQL is required in CI");
  // Vitest evaluates this file more than once per run: say it once.
  const g = globalThis as { pgSkipNoticeShown?: boolean };
  if (!g.pgSkipNoticeShown) console.log("TEST_POSTGRES_URL not set: running the suite on SQLite only (PostgreSQL project skipped)");
  g.pgSkipNoticeShown = true;
}

// The contract tests need ../shared (the API contract and its checker) beside the project:
// required under CI, skipped with a notice otherwise. The tests decide the same way
// (test/helpers/contract.ts, same two files); this says it once per run.
const contractMissing = ["../shared/api-contract.graphql", "../shared/tools/check-contract.mjs"].filter((f) => !existsSync(new URL(f, import.meta.url)));
if (contractMissing.length > 0) {
  if (process.env.CI === "true") throw new Error(`CI=true but the API contract is missing (${contractMissing.join(", ")}): check out ../shared beside the project`);
  const g = globalThis as { contractSkipNoticeShown?: boolean };
  if (!g.contractSkipNoticeShown) console.log("../shared (API contract and check-contract.mjs) not found beside the project: contract checks skipped (required when CI=true)");
  g.contractSkipNoticeShown = true;
}

// SWC compiles the tests because esbuild does not emit decorator metadata,
// which type-graphql and TypeORM read. graphql is aliased to its CommonJS
// entry so that Vitest and type-graphql share one copy of the module.
export default defineConfig({
  plugins: [swc.vite({ module: { type: "es6" } })],
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // graphql-ws is ESM: processed by Vite, its `graphql` import takes the alias above, so the server's
    // subscription handling and type-graphql's schema share one graphql module (instanceof checks).
    server: { deps: { inline: ["graphql-ws"] } },
    projects: [
      { extends: true, test: { name: "sqlite", env: { TEST_DB: "sqlite" } } },
      ...(pgUrl ? [{ extends: true, test: { name: "postgres", env: { TEST_DB: "postgres", TEST_POSTGRES_URL: pgUrl } } }] : []),
    ],
  },
});
