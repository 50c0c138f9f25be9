import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

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
  },
});
