/** Small helpers shared by the operator scripts (admin, db:*, db:migrate-to-postgres, generate-migration). */
import "reflect-metadata";
import { parseArgs as parseNodeArgs } from "node:util";
import { ConfigError } from "../src/config";
import { DomainError } from "../src/common/errors";

export class UsageError extends Error {}
/** A well-formed command with a bad value: exit 2 like a usage error, without the usage text. */
export class InvalidArgument extends UsageError {}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** The options a command accepts: name -> "string" (`--name value`, `--name=value`) or "boolean" (`--flag`). */
export type OptionTable = Record<string, "string" | "boolean">;

/**
 * node:util parseArgs over `options` (strict: an unknown option, a missing value or
 * a value given to a boolean flag is a usage error, and so is an option given twice);
 * everything else is positional.
 */
export function parseArgs(argv: string[], options: OptionTable): ParsedArgs {
  let parsed: ReturnType<typeof parseNodeArgs<{ args: string[]; options: Record<string, { type: "string" | "boolean" }>; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseNodeArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(options).map(([name, type]) => [name, { type }])),
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${option}`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(/does not take/.test(message) ? `${option} takes no value` : `${option} needs a value`);
    throw new UsageError(message);
  }
  const flags = new Map<string, string | true>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option") continue;
    if (flags.has(t.name)) throw new UsageError(`--${t.name} given twice`);
    flags.set(t.name, t.value ?? true);
  }
  return { positional: parsed.positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function onlyFlags(args: ParsedArgs, allowed: string[]): void {
  for (const k of args.flags.keys()) if (!allowed.includes(k)) throw new UsageError(`unknown option --${k}`);
}

/** Reads all of stdin (for secrets that should not appear in argv). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Runs a command: exit 0 on success, 2 on a usage or configuration error,
 * 1 on anything else (with the message on stderr).
 */
export function runCli(main: () => Promise<void>, usage: string): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof InvalidArgument) {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      if (err instanceof UsageError) {
        process.stderr.write(`error: ${err.message}\n\n${usage}`);
        process.exit(2);
      }
      if (err instanceof ConfigError) {
        process.stderr.write(`configuration error: ${err.message}\n`);
        process.exit(2);
      }
      const message = err instanceof DomainError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${message}\n`);
      process.exit(1);
    },
  );
}
