/** Small helpers shared by the operator scripts (admin, db:migrate, db:seed-demo). */
import "reflect-metadata";
import { ConfigError } from "../src/config";
import { DomainError } from "../src/common/errors";

export class UsageError extends Error {}
/** A well-formed command with a bad value: exit 2 like a usage error, without the usage text. */
export class InvalidArgument extends UsageError {}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** `--name value`, `--name=value`, `--flag`; everything else is positional. */
export function parseArgs(argv: string[], booleanFlags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    if (!name) throw new UsageError(`bad option "${a}"`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    if (eq !== -1) flags.set(name, a.slice(eq + 1));
    else if (booleanFlags.has(name)) flags.set(name, true);
    else {
      const v = argv[i + 1];
      if (v === undefined || (v.startsWith("--") && v.length > 2)) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
      i++;
    }
  }
  return { positional, flags };
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
