/**
 * Where the public API contract lives: ../shared beside the project (the
 * contract and its checker are not part of this repository). The contract
 * tests run when it is there; under CI (CI=true) it is required; otherwise
 * they are skipped, and vitest.config.mts (which checks the same two files)
 * says so once per run.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
export const CONTRACT_FILE = resolve(PROJECT_ROOT, "..", "shared", "api-contract.graphql");
export const CONTRACT_CHECKER = resolve(PROJECT_ROOT, "..", "shared", "tools", "check-contract.mjs");

/** Which of the contract files are missing (empty: the contract tests can run). */
export function missingContractFiles(): string[] {
  return [CONTRACT_FILE, CONTRACT_CHECKER].filter((f) => !existsSync(f));
}

export const contractPresent = (): boolean => missingContractFiles().length === 0;

/** Under CI the contract is required: the reason it is missing, as an error message; null when present or not under CI. */
export function contractRequiredError(env: NodeJS.ProcessEnv = process.env): string | null {
  const missing = missingContractFiles();
  if (missing.length === 0 || env.CI !== "true") return null;
  return `CI=true but the API contract is missing (${missing.join(", ")}): check out ../shared beside the project`;
}
