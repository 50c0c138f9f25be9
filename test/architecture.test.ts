import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The import structure of src/ (docs/architecture.md#layers), read with TypeScript's own parser:
 * every `import`/`export ... from`, `import()`, `require()` and `declare module "..."` between
 * files of src/ (type-only imports too: a type import couples the folders as much as a value one).
 *
 * Folders are ranked; a file may import its own folder and any folder of a lower rank, never a
 * higher one. The one exception is the entity registry (src/db/entities.ts), which imports the
 * entity classes (`modules/<name>/*.entity.ts`) so that db/, auth/, graphql/ and loaders/ can take
 * them from there. The modules form one rank (one node of the folder graph): they use each
 * other's entities and services, and entity relations run both ways.
 */
const SRC = resolve(__dirname, "../src");

/** Folder (first path segment under src/, or "root" for src/*.ts) -> rank. */
const RANKS: Record<string, number> = {
  common: 0,
  "config.ts": 0,
  "logger.ts": 0,
  db: 1,
  auth: 2,
  loaders: 2,
  graphql: 3,
  http: 4,
  modules: 5,
  seed: 6,
  // the composition root: the only files that list every module
  "app.ts": 6,
  "main.ts": 6,
  "registry.ts": 6,
  "schema.ts": 6,
  "services.ts": 6,
};

/** Files that may import up, and what: the entity registry. */
const REGISTRY = "db/entities.ts";
const isEntityFile = (f: string) => /^modules\/[^/]+\/[^/]+\.entity\.ts$/.test(f);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** The file an import specifier of `from` names, relative to src/ with "/" separators, or null outside src/. */
function target(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    try {
      if (statSync(candidate).isFile()) {
        const rel = relative(SRC, candidate);
        return rel.startsWith("..") ? null : rel.split(sep).join("/");
      }
    } catch {
      // not this one
    }
  }
  return null;
}

function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      out.push(node.name.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) out.push(node.arguments[0].text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push(node.moduleReference.expression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

interface Edge {
  from: string;
  to: string;
}

/** Every import between files of src/ (migrations aside: generated, they import nothing of ours). */
function edges(): Edge[] {
  return filesUnder(SRC)
    .filter((f) => !f.includes(`${sep}migrations${sep}`))
    .flatMap((abs) => {
      const from = relative(SRC, abs).split(sep).join("/");
      return specifiers(abs).flatMap((spec) => {
        const to = target(abs, spec);
        return to === null ? [] : [{ from, to }];
      });
    });
}

const folderOf = (file: string) => file.split("/")[0];
const moduleOf = (file: string) => (file.startsWith("modules/") ? file.split("/").slice(0, 2).join("/") : folderOf(file));
const rankOf = (file: string): number => {
  const r = RANKS[folderOf(file)];
  if (r === undefined) throw new Error(`src/${file}: its folder has no rank in test/architecture.test.ts (add it, and to docs/architecture.md)`);
  return r;
};

/** The cycles of a directed graph (one per strongly connected component with more than one node). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  return out;
}

describe("architecture: the import structure of src/", () => {
  const all = edges();

  it("reads the imports (the scan finds what it should)", () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all).toContainEqual({ from: "db/entities.ts", to: "modules/plans/business-plan.entity.ts" });
  });

  it("every file lies in a ranked folder", () => {
    for (const e of all) {
      rankOf(e.from);
      rankOf(e.to);
    }
  });

  it("no import runs up a layer (except entities through the registry, db/entities.ts)", () => {
    const upward = all
      .filter((e) => rankOf(e.to) > rankOf(e.from))
      .filter((e) => !(e.from === REGISTRY && isEntityFile(e.to)))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(upward).toEqual([]);
  });

  it("the registry imports entity classes only", () => {
    const other = all.filter((e) => e.from === REGISTRY && rankOf(e.to) > rankOf(e.from) && !isEntityFile(e.to));
    expect(other).toEqual([]);
  });

  it("resolvers do not reach into the loader kit (they use ctx.loaders)", () => {
    const bad = all.filter((e) => /\.resolver\.ts$/.test(e.from) && folderOf(e.to) === "loaders").map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("no folder loops (modules/<name> collapsed into modules; the registry's entity imports aside)", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of all) {
      if (e.from === REGISTRY && isEntityFile(e.to)) continue;
      const a = folderOf(e.from);
      const b = folderOf(e.to);
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
    }
    expect(cycles(graph)).toEqual([]);
  });

  it("the lower layers see the modules only through the registry's entity classes", () => {
    const intoModules = all.filter((e) => folderOf(e.to) === "modules" && rankOf(e.from) < RANKS.modules).map((e) => `${e.from} -> ${moduleOf(e.to)}`);
    expect(new Set(intoModules.map((s) => s.split(" -> ")[0]))).toEqual(new Set([REGISTRY]));
  });
});
