import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Kind, type OperationDefinitionNode, parse } from "graphql";

/** One operation of examples.graphql with the annotations of the comment block above it. */
export interface Example {
  name: string;
  kind: OperationDefinitionNode["operation"];
  /** First sentence of the comment block (the picker shows it). */
  title: string;
  /** The demo token the comment says to run it with (`# as: demo-giulia`), or null. */
  as: string | null;
  /** Example variables (`# variables: {...}`, one line of JSON). */
  variables: Record<string, unknown>;
  /** The comment block and the operation, as written in the file. */
  source: string;
}

export const EXAMPLES_FILE = "examples.graphql";

/** "4. Submit the plan for review. Pass ..." -> "4. Submit the plan for review." */
function firstSentence(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  const m = /^((?:\d+\.\s+)?.*?[.?!])(?=\s|$)/.exec(t);
  return (m ? m[1] : t).trim();
}

/** Finds examples.graphql at the repository root (from src/ or dist/src/), or null. */
export function findExamplesFile(from = __dirname): string | null {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, EXAMPLES_FILE);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Parses examples.graphql. Each operation's annotations come from the block of
 * `#` lines directly above it (no blank line in between):
 *   # Title line
 *   # as: demo-giulia
 *   # variables: {"id": "1"}
 * Throws on a syntax error, an anonymous operation, fragments (each example
 * must stand alone in the editor) or variables that are not a JSON object.
 */
export function parseExamples(text: string): Example[] {
  const doc = parse(text);
  const lines = text.split("\n");
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const out: Example[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) throw new Error(`${EXAMPLES_FILE}: only operations are allowed (found ${def.kind})`);
    if (!def.name) throw new Error(`${EXAMPLES_FILE}: every operation needs a name (line ${def.loc?.startToken.line})`);
    const name = def.name.value;
    const firstLine = def.loc!.startToken.line - 1; // 0-based
    let top = firstLine;
    while (top > 0 && lines[top - 1].trimStart().startsWith("#")) top--;
    const comment = lines.slice(top, firstLine).map((l) => l.trim().replace(/^#\s?/, ""));
    let as: string | null = null;
    let variables: Record<string, unknown> = {};
    const prose: string[] = [];
    for (const c of comment) {
      const m = /^(as|variables):\s*(.*)$/.exec(c);
      if (m?.[1] === "as") as = m[2].trim() || null;
      else if (m?.[1] === "variables") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(m[2]);
        } catch (e) {
          throw new Error(`${EXAMPLES_FILE}: ${name}: variables are not valid JSON: ${(e as Error).message}`);
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          throw new Error(`${EXAMPLES_FILE}: ${name}: variables must be a JSON object`);
        }
        variables = parsed as Record<string, unknown>;
      } else prose.push(c);
    }
    out.push({
      name,
      kind: def.operation,
      title: firstSentence(prose.join(" ")) || name,
      as,
      variables,
      source: text.slice(lineStarts[top], def.loc!.end),
    });
  }
  return out;
}

/** Reads and parses examples.graphql; null when the file is not there. */
export function loadExamples(path = findExamplesFile()): Example[] | null {
  if (!path) return null;
  return parseExamples(readFileSync(path, "utf8"));
}
