/**
 * Summarises V8 .cpuprofile files (node --cpu-prof): self time by category
 * (library) and the top functions, as shares of the busy (non-idle) time.
 *
 *   node dist/bench/profile-summary.js <dir-or-file>
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  files: string[];
  busyMs: number;
  idleMs: number;
  categories: Array<{ category: string; ms: number; pct: number }>;
  top: Array<{ fn: string; where: string; category: string; ms: number; pct: number }>;
}

export function categoryOf(url: string, fn: string): string {
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(program)") return "V8/native (program)";
  if (fn === "(idle)") return "idle";
  if (!url) return fn.includes("prepare") || fn.includes("all") || fn.includes("get") ? "native (better-sqlite3/V8 builtins)" : "native/builtins";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith("node:")) return "node core";
  if (url.includes("/dist/src/")) return `app: ${url.replace(/.*\/dist\/src\//, "").replace(/\/[^/]+$/, "")}`;
  return url;
}

export function summarizeProfile(path: string, topN = 30): ProfileSummary {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(path, f))
    : [path];
  const byFn = new Map<string, { fn: string; where: string; category: string; us: number }>();
  const byCat = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    // Samples under the synchronous start (module loading, schema building) are left out: the
    // summary is about serving requests.
    const startup = new Set<number>();
    for (const n of p.nodes) {
      if (n.callFrame.url === "node:internal/main/run_main_module") {
        const stack = [n.id];
        while (stack.length) {
          const id = stack.pop() as number;
          startup.add(id);
          stack.push(...(nodes.get(id)?.children ?? []));
        }
      }
    }
    for (let i = 0; i < p.samples.length; i++) {
      const n = nodes.get(p.samples[i]);
      if (!n || startup.has(n.id)) continue;
      const dt = p.timeDeltas[i] ?? 0;
      const { functionName, url, lineNumber } = n.callFrame;
      const cat = categoryOf(url, functionName);
      if (cat === "idle") {
        idle += dt;
        continue;
      }
      busy += dt;
      byCat.set(cat, (byCat.get(cat) ?? 0) + dt);
      const where = url ? `${url.replace(/.*node_modules\//, "").replace(/.*\/dist\//, "dist/")}:${lineNumber + 1}` : "";
      const key = `${functionName}@${where}`;
      const e = byFn.get(key) ?? { fn: functionName || "(anonymous)", where, category: cat, us: 0 };
      e.us += dt;
      byFn.set(key, e);
    }
  }
  const pct = (us: number) => Math.round((us / Math.max(1, busy)) * 1000) / 10;
  return {
    files,
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    categories: [...byCat.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([category, us]) => ({ category, ms: Math.round(us / 1000), pct: pct(us) })),
    top: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, category: e.category, ms: Math.round(e.us / 1000), pct: pct(e.us) })),
  };
}

if (require.main === module) {
  const usage = "usage: profile-summary <dir-or-file>";
  let positionals: string[];
  try {
    ({ positionals } = parseArgs({ args: process.argv.slice(2), options: {}, allowPositionals: true, strict: true }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${usage}`);
  }
  const [path, ...extra] = positionals;
  if (!path || extra.length) throw new Error(usage);
  const s = summarizeProfile(path);
  process.stdout.write(`busy ${s.busyMs} ms, idle ${s.idleMs} ms\n\nself time by category:\n`);
  for (const c of s.categories.slice(0, 25)) process.stdout.write(`  ${String(c.pct).padStart(5)}%  ${c.category}\n`);
  process.stdout.write("\ntop functions (self time):\n");
  for (const t of s.top) process.stdout.write(`  ${String(t.pct).padStart(5)}%  ${t.fn}  ${t.where}\n`);
}
