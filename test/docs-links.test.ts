/**
 * The documentation's links hold: every relative link and image in README.md,
 * CONTRIBUTING.md and docs/*.md points at a file that exists, and every
 * `#anchor` names a heading of the file it points to (GitHub's heading ids).
 * And the configuration table in docs/operations.md lists exactly the
 * environment variables src/config.ts reads. No database needed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { CONFIG_VARIABLES } from "../src/config";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const DOCS = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Markdown source without fenced code blocks (their lines blanked, so line numbers stay). */
function prose(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split("\n").map((line) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m) {
      if (fence === null) fence = m[1][0];
      else if (m[1][0] === fence) fence = null;
      return "";
    }
    return fence === null ? line : "";
  });
}

/** Inline links and images: [text](target "title"), ![alt](target); the text may hold `code` and [brackets]. */
const LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

function linksOf(file: string, markdown: string): Link[] {
  const out: Link[] = [];
  prose(markdown).forEach((text, i) => {
    for (const m of text.matchAll(LINK)) out.push({ file, line: i + 1, target: m[1] });
  });
  return out;
}

/** GitHub's heading id: lower case, punctuation dropped (keeping - and _), spaces to hyphens; repeats get -1, -2, ... */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(markdown)) {
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // a link's text only
      .replace(/<[^>]+>/g, ""); // inline HTML
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The broken links of one file: a missing file, or an anchor that names no heading. */
function brokenLinks(file: string, markdown: string, read: (path: string) => string | null): string[] {
  const broken: string[] = [];
  for (const link of linksOf(file, markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // http:, https:, mailto:
    const [path, anchor] = link.target.split("#", 2);
    const where = `${link.file}:${link.line} -> ${link.target}`;
    const targetFile = path === "" ? file : relative(ROOT, resolve(ROOT, dirname(file), decodeURIComponent(path)));
    if (path !== "" && !existsSync(join(ROOT, targetFile))) {
      broken.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!targetFile.endsWith(".md") || statSync(join(ROOT, targetFile)).isDirectory()) {
      broken.push(`${where}: an anchor into a file that is not Markdown`);
      continue;
    }
    const source = targetFile === file ? markdown : read(targetFile);
    if (source === null || !anchorsOf(source).has(decodeURIComponent(anchor))) broken.push(`${where}: no heading with that anchor`);
  }
  return broken;
}

const readDoc = (path: string): string | null => (existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), "utf8") : null);

describe("documentation links", () => {
  it("finds the documents and their links (the check has something to check)", () => {
    expect(DOCS).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/api.md", "docs/operations.md", "docs/architecture.md"]));
    const all = DOCS.flatMap((f) => linksOf(f, readDoc(f)!));
    const relativeLinks = all.filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target));
    expect(relativeLinks.length).toBeGreaterThan(60);
    expect(relativeLinks.filter((l) => l.target.includes("#")).length).toBeGreaterThan(30);
    // README's screenshot and its links into docs/ are among them
    const readme = linksOf("README.md", readDoc("README.md")!).map((l) => l.target);
    expect(readme).toEqual(expect.arrayContaining(["docs/playground.png", "docs/api.md", "CONTRIBUTING.md#tests"]));
  });

  it.each(DOCS)("%s: every relative link and anchor resolves", (file) => {
    expect(brokenLinks(file, readDoc(file)!, readDoc)).toEqual([]);
  });

  it("the check does fail: a missing file, a missing anchor, an anchor in another file", () => {
    const md = [
      "# Title",
      "## Run `npm test` (twice)",
      "See [a](docs/nope.md), [b](#missing), [c](#title), [d](#run-npm-test-twice),",
      "[e](docs/api.md#no-such-heading), [f](docs/api.md#money), ![g](docs/missing.png).",
      "```",
      "[in a code block](nowhere.md) is not a link",
      "```",
    ].join("\n");
    expect(brokenLinks("README.md", md, readDoc)).toEqual([
      "README.md:3 -> docs/nope.md: no such file",
      "README.md:3 -> #missing: no heading with that anchor",
      "README.md:4 -> docs/api.md#no-such-heading: no heading with that anchor",
      "README.md:4 -> docs/missing.png: no such file",
    ]);
  });

  it("heading anchors follow GitHub's rules", () => {
    const anchors = anchorsOf(
      ["# Backups: `npm run db:backup -- PATH`", "## Production (`NODE_ENV=production`)", "## Errors", "### Errors", "## A [link](x.md) & more"].join("\n"),
    );
    expect([...anchors]).toEqual(["backups-npm-run-dbbackup----path", "production-node_envproduction", "errors", "errors-1", "a-link--more"]);
  });
});

describe("docs/operations.md configuration table", () => {
  it("lists exactly the environment variables src/config.ts reads", () => {
    const read = new Set(CONFIG_VARIABLES);
    expect(read.size).toBeGreaterThan(20);
    expect(read.has("DATABASE_URL") && read.has("REDIS_URL")).toBe(true);
    const ops = readDoc("docs/operations.md")!;
    const section = ops.slice(ops.indexOf("## Configuration"), ops.indexOf("\n## ", ops.indexOf("## Configuration") + 1));
    const documented = new Set([...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...read].sort());
  });
});
