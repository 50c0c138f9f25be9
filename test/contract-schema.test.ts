/**
 * The committed schema.graphql is what the server serves, and it keeps the
 * public contract (../shared/api-contract.graphql).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildClientSchema, buildSchema, getIntrospectionQuery, type GraphQLObjectType, lexicographicSortSchema, printSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printAppSchema } from "../src/graphql/schema";
import { createHarness, type Harness } from "./helpers/harness";

const run = promisify(execFile);
const ROOT = resolve(__dirname, "..");
const CHECKER = "../shared/tools/check-contract.mjs";
const CONTRACT = resolve(ROOT, "../shared/api-contract.graphql");
const committed = () => readFileSync(resolve(ROOT, "schema.graphql"), "utf8");

async function checkContract(schemaPath: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [CHECKER, schemaPath], { cwd: ROOT });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "" };
  }
}

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe("schema.graphql", () => {
  it("equals printAppSchema(): the committed file is not stale", () => {
    expect(printAppSchema()).toBe(committed());
  });

  it("equals the schema the server serves (introspection through the real server)", async () => {
    const d = await h.ok(h.admin.token, getIntrospectionQuery());
    const served = `${printSchema(lexicographicSortSchema(buildClientSchema(d)))}\n`;
    expect(served).toBe(committed());
  });

  it("keeps the contract: check-contract.mjs exits 0 with 0 violations", async () => {
    const r = await checkContract("schema.graphql");
    expect(r.stdout).toContain("0 contract violation(s)");
    expect(r.code).toBe(0);
  });

  it("the contract checker does fail on a schema that breaks the contract", async () => {
    // Drop a contract mutation and an enum value; the checker must notice both.
    const broken = committed()
      .replace(/^\s*deleteBusinessPlan\(id: ID!\): ID!\n/m, "\n")
      .replace(/^\s*FINAL_APPROVED\n/m, "\n");
    expect(broken).not.toBe(committed());
    const dir = mkdtempSync(join(tmpdir(), "contract-"));
    try {
      const file = join(dir, "broken.graphql");
      writeFileSync(file, broken);
      const r = await checkContract(file);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/deleteBusinessPlan/);
      expect(r.stdout).toMatch(/FINAL_APPROVED/);
      expect(r.stdout).toContain("2 contract violation(s)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("coverage of the contract by the part-1 tests", () => {
  const contract = buildSchema(readFileSync(CONTRACT, "utf8"));
  const names = (t: GraphQLObjectType | null | undefined) => Object.keys(t?.getFields() ?? {});
  const queries = names(contract.getQueryType());
  const mutations = names(contract.getMutationType());
  const FILES = [
    "auth.test.ts",
    "accounts-contacts-periods.test.ts",
    "plans-basic.test.ts",
    "execution-basic.test.ts",
    "validation.test.ts",
    "pagination.test.ts",
    "batching.test.ts",
    "http.test.ts",
  ];

  it("every contract query and mutation appears in an operation of these test files", () => {
    const present = readdirSync(__dirname).filter((f) => FILES.includes(f));
    expect(present.sort()).toEqual([...FILES].sort());
    const text = FILES.map((f) => readFileSync(join(__dirname, f), "utf8")).join("\n");
    // an operation selects the root field: `name(` or `name {` inside a GraphQL string
    const missing = [...queries, ...mutations].filter((n) => !new RegExp(`[{\\s]${n}\\s*[({]`).test(text));
    expect(missing).toEqual([]);
    expect(queries.length).toBe(12);
    expect(mutations.length).toBe(24);
  });
});
