/**
 * The committed schema.graphql is what the server serves, and it keeps the
 * public contract (../shared/api-contract.graphql, checked by
 * ../shared/tools/check-contract.mjs). The contract checks need ../shared
 * beside the project: required under CI (CI=true), skipped otherwise
 * (test/helpers/contract.ts). test/contract-coverage.test.ts proves every
 * contract operation is exercised.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printAppSchema } from "../src/schema";
import { CONTRACT_CHECKER, contractPresent, contractRequiredError, PROJECT_ROOT } from "./helpers/contract";
import { createHarness, type Harness } from "./helpers/harness";

const run = promisify(execFile);
const ROOT = PROJECT_ROOT;
const committed = () => readFileSync(resolve(ROOT, "schema.graphql"), "utf8");

async function checkContract(schemaPath: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [CONTRACT_CHECKER, schemaPath], { cwd: ROOT });
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
});

describe("the contract (../shared)", () => {
  const required = contractRequiredError();
  it.runIf(required !== null)("is required under CI", () => {
    throw new Error(required!);
  });
});

describe.skipIf(!contractPresent())("schema.graphql keeps the contract", () => {
  it("keeps the contract: check-contract.mjs exits 0 with 0 violations", async () => {
    const r = await checkContract("schema.graphql");
    expect(r.stdout).toContain("0 contract violation(s)");
    expect(r.code).toBe(0);
  });

  it("the contract checker does fail on a schema that breaks the contract", async () => {
    // Drop a contract mutation and an enum value, each with its description (and the field with its
    // arguments' descriptions); the checker must notice both.
    const described = (body: string) => new RegExp(`(?:\\n  """(?:[^"]|"(?!""))*""")?\\n  ${body}\\n`);
    const broken = committed()
      .replace(described(`deleteBusinessPlan(?:\\(id: ID!\\)|\\(\\n(?:    [^\\n]*\\n)*  \\)): ID!`), "\n")
      .replace(described("FINAL_APPROVED"), "\n");
    expect(broken).not.toMatch(/^\s*(deleteBusinessPlan\(|FINAL_APPROVED$)/m);
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
