/**
 * The peer in the PostgreSQL benchmark: PostGraphile 4 (library mode, the
 * simplify-inflector and connection-filter plugins, no mutations) on the same
 * database, served by a bare node:http server in its own process, so that its
 * CPU is measured like ours.
 *
 *   node dist/bench/postgraphile.js --db postgres://user@host:5432/bench --port 4200
 *
 * bench/run.ts (`--postgres`) calls `comparePeer`: it starts ours on SQLite,
 * ours on PostgreSQL and PostGraphile, checks that PostGraphile's answer to
 * its account view (Q2) and 20-account trees (Q3) holds the same objects as
 * ours (account, contacts, plans of the period with their children,
 * objectives, opportunities, activities, applicable objectives, planned
 * activities and what they follow up), then measures, in interleaved rounds,
 * one server under load at a time: ours as shipped (rollups, progress), ours
 * without rollups and progress, PostGraphile (which has neither), and ours on
 * SQLite. Per measurement: req/s, p50/p99, the server process's CPU per
 * request, the PostgreSQL backends' CPU per request (/proc of the backends
 * connected to the benchmark database) and statements per request.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import pg, { Client } from "pg";
import { AUTH_ONLY, Q2, Q3 } from "./queries";

// ---------------------------------------------------------------------------
// The queries

/** Ours without the computed figures (rollups and progress): what PostGraphile is compared with like for like. */
export const Q2_PLAIN = withoutFigures(Q2);
export const Q3_PLAIN = withoutFigures(Q3);

function withoutFigures(q: string): string {
  return q.replace(/ rollup \{[^}]*\}/g, "").replace(/ progress \{[^}]*\}/g, "");
}

/** PostGraphile's account tree: the same rows as ours (`ACCOUNT_TREE` in queries.ts), in its schema's names. */
const PEER_TREE = `
    name contacts(orderBy: [LAST_NAME_ASC, FIRST_NAME_ASC, ID_ASC]) { firstName lastName jobTitle }
    businessPlans(condition: { periodId: $period }, filter: { parentId: { isNull: true } }, orderBy: ID_ASC) {
      name status owner { name } revenueTargetCents
      childBusinessPlans(orderBy: ID_ASC) { name businessUnit territory status
        objectivesByPlanId(orderBy: ID_ASC) { name unit targetQuantity
          opportunities(orderBy: ID_ASC) { name revenueCents status }
          activities(orderBy: [DUE_AT_ASC, ID_ASC]) { subject type status dueAt } } } }
    objectives(filter: { period: { startDate: { lessThanOrEqualTo: $end }, endDate: { greaterThanOrEqualTo: $start } } }, orderBy: ID_ASC) { name accountId planId }
    activities(condition: { status: "PLANNED" }, orderBy: [DUE_AT_ASC, ID_ASC]) { subject dueAt followUpOf { subject } }`;

/** The global objectives (no account, no plan) overlapping the period: once per request. */
const PEER_GLOBALS = `
  globals: objectives(filter: { accountId: { isNull: true }, planId: { isNull: true },
      period: { startDate: { lessThanOrEqualTo: $end }, endDate: { greaterThanOrEqualTo: $start } } }, orderBy: ID_ASC) { name accountId planId }`;

export const PEER_Q2 = `query AccountView($id: Int!, $period: Int!, $start: Date!, $end: Date!) {
  account(id: $id) {${PEER_TREE}
  }${PEER_GLOBALS}
}`;

export const PEER_Q3 = `query AccountsView($period: Int!, $start: Date!, $end: Date!) {
  accounts(first: 20, orderBy: [NAME_ASC, ID_ASC]) {${PEER_TREE}
  }${PEER_GLOBALS}
}`;

// ---------------------------------------------------------------------------
// The same objects: both answers normalised to one shape, lists as sorted multisets

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const instant = (s: string | null) => (s == null ? null : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`).toISOString());
/** "1234.50" (ours, Money) -> "123450" (cents, PostGraphile's BigInt). */
const cents = (s: string | null) => {
  if (s == null) return null;
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return `?${s}`;
  return String(BigInt(`${m[1]}${m[2]}${(m[3] ?? "").padEnd(2, "0")}`));
};
const sorted = <T>(xs: T[]): T[] => xs.map((x) => [JSON.stringify(x), x] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((p) => p[1]);

export interface Normalised {
  accounts: J[];
  objects: number;
}

function count(x: unknown): number {
  if (Array.isArray(x)) return x.reduce((n: number, y) => n + count(y), 0);
  if (x && typeof x === "object") return 1 + Object.values(x).reduce((n: number, y) => n + (y && typeof y === "object" ? count(y) : 0), 0);
  return 0;
}

function normalise(accounts: J[]): Normalised {
  return { accounts, objects: count(accounts) };
}

/** Ours (Q2 or Q3, with or without figures): the objects, not the figures. */
export function normaliseOurs(doc: J): Normalised {
  const list: J[] = doc.data.account ? [doc.data.account] : doc.data.accounts.edges.map((e: J) => e.node);
  return normalise(
    list.map((a) => ({
      name: a.name,
      contacts: sorted(a.contacts.map((c: J) => ({ firstName: c.firstName, lastName: c.lastName, jobTitle: c.jobTitle }))),
      plans: sorted(
        a.businessPlans.map((p: J) => ({
          name: p.name,
          status: p.status,
          owner: p.owner && { name: p.owner.name },
          revenueTarget: cents(p.revenueTarget),
          children: sorted(
            p.children.map((c: J) => ({
              name: c.name,
              businessUnit: c.businessUnit,
              territory: c.territory,
              status: c.status,
              objectives: sorted(
                c.objectives.map((o: J) => ({
                  name: o.name,
                  unit: o.unit,
                  targetQuantity: o.targetQuantity,
                  opportunities: sorted(o.opportunities.map((x: J) => ({ name: x.name, revenue: cents(x.revenue), status: x.status }))),
                  activities: sorted(o.activities.map((x: J) => ({ subject: x.subject, type: x.type, status: x.status, dueAt: instant(x.dueAt) }))),
                })),
              ),
            })),
          ),
        })),
      ),
      applicableObjectives: sorted(a.applicableObjectives.map((o: J) => ({ name: o.name, isGlobal: o.isGlobal }))),
      planned: sorted(a.activities.map((x: J) => ({ subject: x.subject, dueAt: instant(x.dueAt), followUpOf: x.followUpOf && { subject: x.followUpOf.subject } }))),
    })),
  );
}

/** PostGraphile's answer in the same shape (the global objectives listed under every account, as ours does). */
export function normalisePeer(doc: J): Normalised {
  const list: J[] = doc.data.account ? [doc.data.account] : doc.data.accounts;
  const globals: J[] = doc.data.globals;
  return normalise(
    list.map((a) => ({
      name: a.name,
      contacts: sorted(a.contacts.map((c: J) => ({ firstName: c.firstName, lastName: c.lastName, jobTitle: c.jobTitle }))),
      plans: sorted(
        a.businessPlans.map((p: J) => ({
          name: p.name,
          status: p.status,
          owner: p.owner && { name: p.owner.name },
          revenueTarget: p.revenueTargetCents,
          children: sorted(
            p.childBusinessPlans.map((c: J) => ({
              name: c.name,
              businessUnit: c.businessUnit,
              territory: c.territory,
              status: c.status,
              objectives: sorted(
                c.objectivesByPlanId.map((o: J) => ({
                  name: o.name,
                  unit: o.unit,
                  targetQuantity: o.targetQuantity,
                  opportunities: sorted(o.opportunities.map((x: J) => ({ name: x.name, revenue: x.revenueCents, status: x.status }))),
                  activities: sorted(o.activities.map((x: J) => ({ subject: x.subject, type: x.type, status: x.status, dueAt: instant(x.dueAt) }))),
                })),
              ),
            })),
          ),
        })),
      ),
      applicableObjectives: sorted([...a.objectives, ...globals].map((o: J) => ({ name: o.name, isGlobal: o.accountId == null && o.planId == null }))),
      planned: sorted(a.activities.map((x: J) => ({ subject: x.subject, dueAt: instant(x.dueAt), followUpOf: x.followUpOf && { subject: x.followUpOf.subject } }))),
    })),
  );
}

/** The first difference between two normalised answers, or null. */
export function firstDifference(a: unknown, b: unknown, path = ""): string | null {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return `${path}: ${a.length} vs ${b.length} rows`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} vs ${kb.join()}`;
  for (const k of ka) {
    const d = firstDifference((a as J)[k], (b as J)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

// ---------------------------------------------------------------------------
// PostgreSQL backends' CPU

/** CPU ms so far of every backend connected to `database` (pid -> ms; the server must be on this machine). */
export async function backendCpu(admin: Client, database: string): Promise<Map<number, number>> {
  const r = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
  const out = new Map<number, number>();
  for (const { pid } of r.rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      out.set(pid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, v] of after) ms += v - (before.get(pid) ?? 0);
  return ms;
}

// ---------------------------------------------------------------------------
// The comparison (called by run.ts)

/** What run.ts lends the comparison (its servers, load generator and helpers). */
export interface PeerKit<S extends { url: string; pid: number; stop(): Promise<void> }, M> {
  log: (s?: string) => void;
  /** `compiledReads: false`: the resolver path (COMPILED_READS=false), for the before/after in the same run. */
  ours: (databaseUrl: string | null, logging: boolean, compiledReads?: boolean) => Promise<S>;
  peer: (databaseUrl: string) => Promise<S>;
  post: (url: string, body: string) => Promise<{ status: number; text: string; ms: number }>;
  assertOk: (name: string, r: { status: number; text: string }) => void;
  statementsOf: (s: S, body: string) => Promise<{ statements: unknown[]; response: { status: number; text: string } }>;
  /** A measured run (after `warmup` s of the same load), with hooks right before and after the measured part. */
  measure: (s: S, bodies: string[], singleMs: number, hooks: { before(): Promise<void>; after(): Promise<void> }, maxSeconds: number) => Promise<M>;
  rps: (m: M) => number;
  p50: (m: M) => number;
  p99: (m: M) => number;
  requests: (m: M) => number;
  nodeCpu: (m: M) => number | null;
}

export interface PeerInput {
  /** PostgreSQL database holding the data (ours and PostGraphile). */
  url: string;
  database: string;
  /** SQLite file of the same data (ours on SQLite), or null. */
  sqlite: string | null;
  period: { id: number; globalId: string; start: string; end: string };
  /** Q2 accounts: numeric and global ids. */
  accounts: Array<{ id: number; globalId: string }>;
  rounds: number;
}

type Cell = "sqlite" | "sqlitePlain" | "pgResolvers" | "pg" | "pgPlain" | "peer";
const CELLS: Record<Cell, string> = {
  sqlite: "ours, SQLite, as shipped",
  sqlitePlain: "ours, SQLite, no rollups/progress",
  pgResolvers: "ours, PostgreSQL, as shipped, resolvers only (COMPILED_READS=false)",
  pg: "ours, PostgreSQL, as shipped (rollups, progress)",
  pgPlain: "ours, PostgreSQL, no rollups/progress",
  peer: "PostGraphile 4 (no rollups/progress)",
};

export interface PeerRun {
  round: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  nodeCpuMs: number | null;
  pgCpuMs: number | null;
}

export interface PeerResult {
  cells: Record<Cell, string>;
  objects: Record<string, { ours: number; peer: number; same: string }>;
  statements: Record<string, Partial<Record<Cell, number>>>;
  runs: Record<string, Partial<Record<Cell, PeerRun[]>>>;
  summary: Record<string, Partial<Record<Cell, Record<string, { median: number | null; min: number | null; max: number | null }>>>>;
  /** Per query and cell: the median over rounds of (cell / PostGraphile in the same round) for req/s, and p50. */
  ratios: Record<string, Partial<Record<Cell, { rps: number | null; p50: number | null }>>>;
  targets: Array<{ target: string; value: string; met: boolean | null }>;
  table: string;
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

export async function comparePeer<S extends { url: string; pid: number; stop(): Promise<void> }, M>(kit: PeerKit<S, M>, input: PeerInput): Promise<PeerResult> {
  const { log } = kit;
  const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
  const dates = { start: input.period.start, end: input.period.end };
  const bodies: Record<"Q2" | "Q3", Record<Cell, string[]>> = {
    Q2: {
      sqlite: input.accounts.map((a) => body(Q2, { id: a.globalId, period: input.period.globalId })),
      sqlitePlain: input.accounts.map((a) => body(Q2_PLAIN, { id: a.globalId, period: input.period.globalId })),
      pgResolvers: input.accounts.map((a) => body(Q2, { id: a.globalId, period: input.period.globalId })),
      pg: input.accounts.map((a) => body(Q2, { id: a.globalId, period: input.period.globalId })),
      pgPlain: input.accounts.map((a) => body(Q2_PLAIN, { id: a.globalId, period: input.period.globalId })),
      peer: input.accounts.map((a) => body(PEER_Q2, { id: a.id, period: input.period.id, ...dates })),
    },
    Q3: {
      sqlite: [body(Q3, { period: input.period.globalId })],
      sqlitePlain: [body(Q3_PLAIN, { period: input.period.globalId })],
      pgResolvers: [body(Q3, { period: input.period.globalId })],
      pg: [body(Q3, { period: input.period.globalId })],
      pgPlain: [body(Q3_PLAIN, { period: input.period.globalId })],
      peer: [body(PEER_Q3, { period: input.period.id, ...dates })],
    },
  };
  const cells = (Object.keys(CELLS) as Cell[]).filter((c) => input.sqlite !== null || !c.startsWith("sqlite"));
  const result: PeerResult = { cells: CELLS, objects: {}, statements: { Q2: {}, Q3: {} }, runs: { Q2: {}, Q3: {} }, summary: {}, ratios: {}, targets: [], table: "" };

  // 1. Statements per request (ours: DB_LOGGING output minus authentication; PostGraphile: its pg client's queries).
  const peer = await kit.peer(input.url);
  const servers: Partial<Record<Cell, S>> = {};
  try {
    for (const compiled of [true, false]) {
      const logged = await kit.ours(input.url, true, compiled);
      try {
        const auth = (await kit.statementsOf(logged, body(AUTH_ONLY, {}))).statements.length;
        for (const q of ["Q2", "Q3"] as const) {
          for (const c of compiled ? (["pg", "pgPlain"] as const) : (["pgResolvers"] as const)) {
            const r = await kit.statementsOf(logged, bodies[q][c][0]);
            kit.assertOk(`${q} ${c}`, r.response);
            result.statements[q][c] = r.statements.length - auth;
          }
        }
      } finally {
        await logged.stop();
      }
    }
    const peerStatements = async () => Number((await (await fetch(peer.url.replace(/\/graphql$/, "/statements"))).text()));
    for (const q of ["Q2", "Q3"] as const) {
      const n0 = await peerStatements();
      kit.assertOk(`${q} PostGraphile`, await kit.post(peer.url, bodies[q].peer[0]));
      result.statements[q].peer = (await peerStatements()) - n0;
    }

    // 2. The same objects, for every account Q2 rotates through and for Q3.
    servers.pgResolvers = await kit.ours(input.url, false, false);
    servers.pg = await kit.ours(input.url, false);
    servers.pgPlain = servers.pg;
    servers.peer = peer;
    if (input.sqlite !== null) {
      servers.sqlite = await kit.ours(null, false);
      servers.sqlitePlain = servers.sqlite;
    }
    for (const q of ["Q2", "Q3"] as const) {
      for (let i = 0; i < bodies[q].peer.length; i++) {
        const theirs = normalisePeer(JSON.parse((await kit.post(peer.url, bodies[q].peer[i])).text));
        for (const c of cells.filter((x) => x !== "peer")) {
          const r = await kit.post((servers[c] as S).url, bodies[q][c][i]);
          kit.assertOk(`${q} ${c}`, r);
          const ours = normaliseOurs(JSON.parse(r.text));
          const d = firstDifference(ours.accounts, theirs.accounts);
          if (d) throw new Error(`${q} (${c}, request ${i}): PostGraphile's answer holds other objects than ours: ${d}`);
          if (i === 0) result.objects[`${q} ${c}`] = { ours: ours.objects, peer: theirs.objects, same: "same objects" };
        }
      }
      log(`  ${q}: PostGraphile's answers hold the same objects as ours (${result.objects[`${q} pg`].peer.toLocaleString("en-US")} objects in the first; ${bodies[q].peer.length} request(s) compared)`);
    }
    log(`  statements per request (authentication not counted): ${(["Q2", "Q3"] as const).map((q) => `${q} ${cells.filter((c) => !c.startsWith("sqlite")).map((c) => `${c}=${result.statements[q][c]}`).join(" ")}`).join("; ")}`);

    // 3. Interleaved rounds, one server under load at a time.
    const admin = new Client({ connectionString: input.url });
    await admin.connect();
    try {
      for (let round = 1; round <= input.rounds; round++) {
        for (const q of ["Q2", "Q3"] as const) {
          // Q3 on SQLite as shipped is in the main table; here only like for like
          for (const c of cells.filter((x) => q === "Q2" || x !== "sqlite")) {
            const s = servers[c] as S;
            const single = await kit.post(s.url, bodies[q][c][0]);
            kit.assertOk(`${q} ${c}`, single);
            const onPg = !c.startsWith("sqlite");
            let before = new Map<number, number>();
            let pgMs = 0;
            const m = await kit.measure(s, bodies[q][c], single.ms, {
              before: async () => {
                if (onPg) before = await backendCpu(admin, input.database);
              },
              after: async () => {
                if (onPg) pgMs = cpuDelta(before, await backendCpu(admin, input.database));
              },
            }, q === "Q3" ? 60 : 30);
            const n = kit.requests(m);
            const run: PeerRun = { round, rps: kit.rps(m), p50: kit.p50(m), p99: kit.p99(m), requests: n, nodeCpuMs: kit.nodeCpu(m), pgCpuMs: onPg && n ? r2(pgMs / n) : null };
            (result.runs[q][c] ??= []).push(run);
            log(`  round ${round} ${q} ${c}: ${run.rps} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, Node CPU ${run.nodeCpuMs} ms/req, PostgreSQL CPU ${run.pgCpuMs ?? "-"} ms/req (${n} requests)`);
          }
        }
      }
    } finally {
      await admin.end();
    }
  } finally {
    for (const s of new Set(Object.values(servers))) await s?.stop();
    await peer.stop();
  }

  // 4. Medians, ratios, targets, table.
  for (const q of ["Q2", "Q3"] as const) {
    result.summary[q] = {};
    result.ratios[q] = {};
    for (const c of cells) {
      const runs = result.runs[q][c] ?? [];
      const stat = (f: (r: PeerRun) => number | null) => {
        const xs = runs.map(f).filter((x): x is number => x !== null);
        return { median: r2(median(xs)), min: xs.length ? Math.min(...xs) : null, max: xs.length ? Math.max(...xs) : null };
      };
      (result.summary[q] as Record<string, unknown>)[c] = { rps: stat((r) => r.rps), p50: stat((r) => r.p50), p99: stat((r) => r.p99), nodeCpuMs: stat((r) => r.nodeCpuMs), pgCpuMs: stat((r) => r.pgCpuMs) };
      const peerRuns = result.runs[q].peer ?? [];
      const per = (f: (r: PeerRun) => number) => r2(median(runs.flatMap((r, i) => (peerRuns[i] && f(peerRuns[i]) ? [f(r) / f(peerRuns[i])] : []))));
      result.ratios[q][c] = { rps: per((r) => r.rps), p50: per((r) => r.p50) };
    }
  }
  const S = result.summary;
  const med = (q: string, c: Cell, k: string) => ((S[q]?.[c] as Record<string, { median: number | null }> | undefined)?.[k]?.median ?? null);
  const ratio = (q: string, c: Cell) => result.ratios[q]?.[c]?.rps ?? null;
  const pgCpuRatio = med("Q2", "pg", "pgCpuMs") !== null && med("Q2", "peer", "pgCpuMs") ? r2((med("Q2", "pg", "pgCpuMs") as number) / (med("Q2", "peer", "pgCpuMs") as number)) : null;
  const p50Ratio = result.ratios.Q2?.pg?.p50 ?? null;
  result.targets = [
    { target: "Q2 as shipped >= PostGraphile's req/s", value: `${ratio("Q2", "pg")}x`, met: ratio("Q2", "pg") === null ? null : (ratio("Q2", "pg") as number) >= 1 },
    { target: "Q2 as shipped p50 <= PostGraphile's", value: `${p50Ratio}x`, met: p50Ratio === null ? null : p50Ratio <= 1 },
    { target: "Q2 without rollups >= 1.5x PostGraphile's req/s", value: `${ratio("Q2", "pgPlain")}x`, met: ratio("Q2", "pgPlain") === null ? null : (ratio("Q2", "pgPlain") as number) >= 1.5 },
    { target: "Q3 as shipped >= PostGraphile's req/s", value: `${ratio("Q3", "pg")}x`, met: ratio("Q3", "pg") === null ? null : (ratio("Q3", "pg") as number) >= 1 },
    { target: "Q2 as shipped PostgreSQL CPU/request <= 2x PostGraphile's", value: `${pgCpuRatio}x`, met: pgCpuRatio === null ? null : pgCpuRatio <= 2 },
  ];
  const fmt = (q: string, c: Cell, k: string) => {
    const x = (S[q]?.[c] as Record<string, { median: number | null; min: number | null; max: number | null }> | undefined)?.[k];
    return x && x.median !== null ? `${x.median} (${x.min}-${x.max})` : "-";
  };
  const lines: string[] = [];
  for (const q of ["Q2", "Q3"] as const) {
    const head = ["", ...cells.map((c) => CELLS[c])];
    const rows = [
      ["req/s", ...cells.map((c) => fmt(q, c, "rps"))],
      ["p50 / p99 ms", ...cells.map((c) => `${med(q, c, "p50") ?? "-"} / ${med(q, c, "p99") ?? "-"}`)],
      ["Node CPU ms/request", ...cells.map((c) => fmt(q, c, "nodeCpuMs"))],
      ["PostgreSQL CPU ms/request", ...cells.map((c) => fmt(q, c, "pgCpuMs"))],
      ["statements/request", ...cells.map((c) => String(result.statements[q][c] ?? (c.startsWith("sqlite") ? "-" : "?")))],
      ["req/s / PostGraphile's (median of rounds)", ...cells.map((c) => (result.ratios[q][c]?.rps === null || result.ratios[q][c]?.rps === undefined ? "-" : `${result.ratios[q][c]?.rps}x`))],
      ["p50 / PostGraphile's", ...cells.map((c) => (result.ratios[q][c]?.p50 == null ? "-" : `${result.ratios[q][c]?.p50}x`))],
    ];
    lines.push(`${q === "Q2" ? "Account view (Q2)" : "20 accounts' trees (Q3)"}: medians (min-max) of ${input.rounds} interleaved rounds`, "");
    lines.push(`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i ? "---:" : "---")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`), "");
  }
  lines.push("Targets (at this size, this run):", ...result.targets.map((t) => `- ${t.target}: ${t.value} ${t.met === null ? "(not measured)" : t.met ? "MET" : "NOT MET"}`));
  result.table = lines.join("\n");
  return result;
}

// ---------------------------------------------------------------------------
// The server (child process)

/**
 * npm installs graphql 15 twice for PostGraphile (postgraphile/node_modules/graphql and
 * graphile-build-pg/node_modules/graphql; the project's own is 16), and a schema built with one
 * copy cannot be executed by the other ("Cannot use GraphQLObjectType from another module or
 * realm"). In this process (PostGraphile only) every package's graphql import resolves to
 * PostGraphile's own copy.
 */
function oneGraphql15(): void {
  const Module = require("node:module") as { _resolveFilename: (req: string, parent: { filename?: string } | null, ...rest: unknown[]) => string };
  const original = Module._resolveFilename;
  const own = require.resolve("postgraphile/package.json").replace(/package\.json$/, "");
  Module._resolveFilename = function (request, parent, ...rest) {
    if ((request === "graphql" || request.startsWith("graphql/")) && parent?.filename?.includes("node_modules")) return require.resolve(request, { paths: [own] });
    return original.call(this, request, parent, ...rest);
  };
}

function main() {
  oneGraphql15();
  // after oneGraphql15 (and only in this process: run.ts imports this module for the comparison)
  const { postgraphile } = require("postgraphile") as typeof import("postgraphile");
  const PgSimplifyInflectorPlugin = require("@graphile-contrib/pg-simplify-inflector");
  const ConnectionFilterPlugin = require("postgraphile-plugin-connection-filter");
  const usage = "usage: postgraphile --db URL [--port N] [--pool N] [--schema FILE]";
  let values: { db?: string; port?: string; pool?: string; schema?: string };
  try {
    const str = { type: "string" } as const;
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { db: str, port: str, pool: str, schema: str }, strict: true }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${usage}`);
  }
  const get = (n: keyof typeof values) => values[n];
  const db = get("db");
  if (!db) throw new Error(usage);
  // statements sent, for the benchmark's statements/request (GET /statements)
  let statements = 0;
  const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...a: unknown[]) {
    statements++;
    return query.apply(this, a);
  } as typeof pg.Client.prototype.query;
  const handler = postgraphile({ connectionString: db, max: Number(get("pool") ?? 10) }, "public", {
    appendPlugins: [PgSimplifyInflectorPlugin, ConnectionFilterPlugin],
    graphileBuildOptions: { pgOmitListSuffix: true, connectionFilterRelations: true, connectionFilterUseListInflectors: true },
    disableDefaultMutations: true,
    simpleCollections: "only",
    legacyRelations: "omit",
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    watchPg: false,
    graphiql: false,
    disableQueryLog: true,
    retryOnInitFail: false,
    exportGqlSchemaPath: get("schema"),
  });
  const server = createServer((req, res) => {
    if (req.url === "/statements") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(String(statements));
      return;
    }
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(get("port") ?? "4200"), "127.0.0.1", () => {
    const a = server.address();
    process.stdout.write(`postgraphile listening on ${typeof a === "object" && a ? a.port : "?"}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) main();
