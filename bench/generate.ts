/**
 * Benchmark data generator: fills a fresh database with a realistic account
 * planning data set by bulk inserts (no GraphQL, no ORM per row).
 *
 *   npm run bench:data -- --accounts N [--out bench/data/size-N.sqlite] [--check]
 *   npm run bench:data -- --accounts N --postgres postgres://...   (an empty database)
 *
 * Per account (about 1,750 rows): 8 contacts, 5 top-level plans in the current
 * fiscal year with 4 quarterly children each, their status history and
 * contacts, 5 objectives per child plan and 2 account objectives, 5
 * opportunities and 10 activities per plan objective (half completed, two
 * planned follow-ups, one cancelled, one undated), and one opportunity per
 * objective linked to the top-level plan. Shared: 3 fiscal years with
 * quarters, global objectives, one account manager per 10 accounts and the
 * bench user (ADMIN) whose token is BENCH_TOKEN.
 *
 * SQLite: the migrations create the schema (openDatabase), then better-sqlite3
 * prepared statements insert the rows inside big transactions on the driver's
 * own connection; ANALYZE at the end. PostgreSQL: multi-row INSERTs through the
 * same Database, flushed in dependency order, then sequences and ANALYZE.
 */
import "reflect-metadata";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type BetterSqlite3 from "better-sqlite3";
import { hashToken } from "../src/auth/tokens";
import { type Database, openDatabase } from "../src/db/data-source";
import { sqliteMigrations } from "../src/db/migrations/sqlite";
import { Objective } from "../src/modules/objectives/objective.entity";
import { objectiveDefaults } from "../src/modules/objectives/objectives.service";

/** The bench user's bearer token (its sha256 hash is what is stored). */
export const BENCH_TOKEN = "bench-token-7f3a9c1e";
export const BENCH_USER_EMAIL = "bench.runner@bench.example";
/** The fiscal year every account's tree lives in (Q2/Q3 filter on it). */
export const CURRENT_YEAR = 2026;

export interface FillStats {
  accounts: number;
  rows: number;
  perTable: Record<string, number>;
  seconds: number;
  rowsPerSecond: number;
  /** Id of the FY(CURRENT_YEAR) period. */
  currentPeriodId: number;
  firstAccountId: number;
  lastAccountId: number;
}

// ---------------------------------------------------------------------------
// Tables and the columns the generator writes (snake_case, in foreign-key order). A column left out
// takes its default or NULL; an objective also gets the columns of objectiveDefaults (the service's
// rule), after these. columnsOf checks against the entity metadata that no NOT NULL column is missed.

const TABLES = {
  app_user: ["id", "name", "email", "role"],
  api_token: ["id", "user_id", "token_hash"],
  period: ["id", "name", "type", "start_date", "end_date", "parent_id"],
  account: ["id", "name", "industry", "owner_id"],
  contact: ["id", "first_name", "last_name", "email", "job_title", "account_id"],
  business_plan: [
    "id", "name", "type", "status", "description", "account_id", "owner_id", "period_id", "parent_id",
    "business_unit", "territory", "revenue_target_cents", "version",
  ],
  plan_contact: ["plan_id", "contact_id"],
  plan_status_change: ["id", "plan_id", "from", "to", "changed_by_id", "changed_at", "comment"],
  objective: [
    "id", "name", "description", "period_id", "plan_id", "account_id", "contact_id", "parent_id",
    "target_revenue_cents", "target_quantity", "unit", "manual_quantity",
  ],
  opportunity: [
    "id", "name", "account_id", "owner_id", "objective_id", "revenue_cents", "probability", "status",
    "close_date", "source_activity_id",
  ],
  plan_opportunity: ["plan_id", "opportunity_id"],
  activity: [
    "id", "subject", "type", "status", "due_at", "completed_at", "notes", "account_id", "contact_id", "plan_id",
    "objective_id", "opportunity_id", "owner_id", "follow_up_of_id",
  ],
} as const satisfies Record<string, readonly string[]>;

type Table = keyof typeof TABLES;
const TABLE_ORDER = Object.keys(TABLES) as Table[];
const WITH_ID: Table[] = TABLE_ORDER.filter((t) => (TABLES[t] as readonly string[])[0] === "id");

type Value = string | number | null;

type Columns = Record<Table, readonly string[]>;

/**
 * The columns each table is written with: TABLES, and for objectives the columns of objectiveDefaults.
 * Throws when the entities have a NOT NULL column without a default that no row would fill.
 */
function columnsOf(db: Database): Columns {
  const objective = db.dataSource.getMetadata(Objective);
  const defaulted = Object.keys(objectiveDefaults({ startDate: "2000-01-01", endDate: "2000-12-31" })).map((p) => {
    const c = objective.findColumnWithPropertyName(p);
    if (!c) throw new Error(`objectiveDefaults gives ${p}, which is no column of Objective`);
    return c.databaseName;
  });
  const columns: Columns = { ...TABLES, objective: [...TABLES.objective, ...defaulted] };
  for (const m of db.dataSource.entityMetadatas) {
    const written = columns[m.tableName as Table];
    if (!written) continue;
    const missing = m.columns.filter(
      (c) => !c.isNullable && c.default === undefined && !c.isGenerated && !c.isCreateDate && !c.isUpdateDate && !written.includes(c.databaseName),
    );
    if (missing.length) {
      throw new Error(
        `bench/generate.ts writes ${m.tableName} rows without ${missing.map((c) => c.databaseName).join(", ")} (NOT NULL, no default): ` +
          `give ${missing.length > 1 ? "them" : "it"} a column default, a default in objectiveDefaults for an objective, or a value in TABLES and the rows`,
      );
    }
  }
  return columns;
}

interface Sink {
  insert(table: Table, row: Value[]): void;
  /** Called every few hundred accounts and at the end. */
  flush(): Promise<void>;
}

class SqliteSink implements Sink {
  private readonly stmts = new Map<Table, BetterSqlite3.Statement>();
  private open = false;
  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly columns: Columns,
  ) {}
  insert(table: Table, row: Value[]): void {
    if (!this.open) {
      this.raw.exec("BEGIN");
      this.open = true;
    }
    let s = this.stmts.get(table);
    if (!s) {
      const cols = this.columns[table];
      s = this.raw.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`);
      this.stmts.set(table, s);
    }
    s.run(row);
  }
  async flush(): Promise<void> {
    if (this.open) this.raw.exec("COMMIT");
    this.open = false;
  }
}

class PostgresSink implements Sink {
  private readonly buffers = new Map<Table, Value[][]>();
  constructor(
    private readonly db: Database,
    private readonly columns: Columns,
  ) {}
  insert(table: Table, row: Value[]): void {
    const b = this.buffers.get(table);
    if (b) b.push(row);
    else this.buffers.set(table, [row]);
  }
  async flush(): Promise<void> {
    for (const table of TABLE_ORDER) {
      const rows = this.buffers.get(table);
      if (!rows?.length) continue;
      const cols = this.columns[table];
      const per = Math.floor(30_000 / cols.length);
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        const params: Value[] = [];
        const tuples = chunk.map((r) => {
          const start = params.length;
          params.push(...r);
          return `(${r.map((_, j) => `$${start + j + 1}`).join(", ")})`;
        });
        await this.db.query(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, params);
      }
    }
    this.buffers.clear();
  }
}

// ---------------------------------------------------------------------------
// Deterministic pseudo-random numbers (mulberry32)

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

const COMPANY_A = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay", "Massive", "Aperture", "Wonka", "Gringotts", "Oscorp"];
const COMPANY_B = ["Industries", "Logistics", "Foods", "Systems", "Pharma", "Retail", "Energy", "Motors", "Textiles", "Analytics"];
const INDUSTRIES = ["Industrial manufacturing", "Food distribution", "Retail", "Pharmaceuticals", "Energy", "Automotive", "Logistics", "Software"];
const FIRST = ["Hannah", "Luca", "Amira", "Paolo", "Sofia", "Jonas", "Mei", "Carlos", "Aisha", "Tomás", "Ingrid", "Kenji"];
const LAST = ["Schmidt", "Ferri", "Haddad", "Rossi", "Nielsen", "Okafor", "Tanaka", "García", "Novak", "Dubois", "Kowalski", "Silva"];
const TITLES = ["Chief Financial Officer", "Head of Procurement", "Plant Manager", "Category Buyer", "IT Director", "Operations Lead", "CEO", "Supply Chain Manager"];
const PLAN_KINDS = [
  { kind: "Account Plan", type: "ACCOUNT", bu: null, territory: null },
  { kind: "Automation BU", type: "MARKET_SEGMENT", bu: "Industrial Automation", territory: null },
  { kind: "EMEA Territory", type: "REGIONAL", bu: null, territory: "EMEA" },
  { kind: "Specialty Sensors", type: "BRAND", bu: "Specialty Sensors", territory: null },
  { kind: "Services Engagement", type: "ENGAGEMENT", bu: "Services", territory: "Global" },
] as const;
const PLAN_STATUS = ["FINAL_APPROVED", "SUBMITTED", "DRAFT", "FINAL_APPROVED", "DRAFT"] as const;
const TERRITORIES = ["North", "South", "East", "West"];
const OBJ_KINDS = [
  { name: "Sales calls with plant managers", unit: "CALLS", qty: 10, rev: null },
  { name: "Executive meetings", unit: "MEETINGS", qty: 4, rev: null },
  { name: "Pilots installed", unit: "UNITS", qty: 5, rev: null },
  { name: "Win the retrofit programme", unit: null, qty: null, rev: true },
  { name: "Follow-up calls", unit: "CALLS", qty: 8, rev: null },
] as const;
const ACT_TYPES = ["CALL", "MEETING", "CALL", "EMAIL", "TASK", "MEETING", "CALL", "CALL", "TASK", "MEETING"] as const;
const ACT_STATUS = ["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "PLANNED", "PLANNED", "PLANNED", "PLANNED", "CANCELLED"] as const;
const OPP_STATUS = ["OPEN", "WON", "OPEN", "LOST", "WON"] as const;

const QUARTERS = [
  ["01-01", "03-31"],
  ["04-01", "06-30"],
  ["07-01", "09-30"],
  ["10-01", "12-31"],
] as const;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
/** TypeORM's SQLite datetime format (UTC): "YYYY-MM-DD HH:MM:SS.SSS". */
function datetime(year: number, quarter: number, dayOfQuarter: number, hour: number): string {
  const d = new Date(Date.UTC(year, quarter * 3, 1 + dayOfQuarter, hour, 0, 0));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:00:00.000`;
}
function date(year: number, quarter: number, dayOfQuarter: number): string {
  return datetime(year, quarter, dayOfQuarter, 0).slice(0, 10);
}

// ---------------------------------------------------------------------------

/**
 * Adds `accounts` accounts (and, once, the shared rows) to an already
 * migrated database. Works on a non-empty database: ids continue after the
 * existing maximum of every table.
 */
export async function fillDatabase(
  db: Database,
  accounts: number,
  opts: { log?: (s: string) => void; batchAccounts?: number } = {},
): Promise<FillStats> {
  const t0 = process.hrtime.bigint();
  const log = opts.log ?? (() => {});
  const next: Record<string, number> = {};
  for (const t of WITH_ID) {
    const [r] = await db.query<{ m: number | string | null }>(`SELECT MAX(id) AS m FROM "${t}"`);
    next[t] = Number(r?.m ?? 0) + 1;
  }
  const id = (t: Table) => next[t]++;
  const perTable: Record<string, number> = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0]));

  const columns = columnsOf(db);
  let raw: BetterSqlite3.Database | null = null;
  let sink: Sink;
  if (db.dialect === "sqlite") {
    raw = (db.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    raw.pragma("foreign_keys = OFF");
    raw.pragma("synchronous = OFF");
    raw.pragma("cache_size = -262144");
    sink = new SqliteSink(raw, columns);
  } else {
    sink = new PostgresSink(db, columns);
  }
  /** Start and end date of every period, written or found: an objective's defaults come from its period. */
  const periods = new Map<number, { startDate: string; endDate: string }>();
  const put = (table: Table, row: Value[]) => {
    if (table === "period") periods.set(row[0] as number, { startDate: row[3] as string, endDate: row[4] as string });
    if (table === "objective") {
      const period = periods.get(row[3] as number);
      if (!period) throw new Error(`objective ${row[0]}: unknown period ${row[3]}`);
      row = [...row, ...Object.values(objectiveDefaults(period))];
    }
    sink.insert(table, row);
    perTable[table]++;
  };
  const r = rng(0xbe9c4 + next.account);

  // Shared rows: users, periods, global objectives.
  const managers: number[] = [];
  const managerCount = Math.max(2, Math.ceil(accounts / 10));
  const userBase = next.app_user;
  for (let m = 0; m < managerCount; m++) {
    const uid = id("app_user");
    managers.push(uid);
    put("app_user", [uid, `${r.pick(FIRST)} ${r.pick(LAST)}`, `manager.${userBase}.${m}@bench.example`, "ACCOUNT_MANAGER"]);
  }
  const existingBench = await db.query<{ id: number }>(`SELECT id FROM app_user WHERE email = ${db.param(1)}`, [BENCH_USER_EMAIL]);
  let benchUserId: number;
  if (existingBench.length) {
    benchUserId = Number(existingBench[0].id);
  } else {
    benchUserId = id("app_user");
    put("app_user", [benchUserId, "Bench Runner", BENCH_USER_EMAIL, "ADMIN"]);
    put("api_token", [id("api_token"), benchUserId, hashToken(BENCH_TOKEN)]);
  }

  const yearIds: Record<number, { id: number; q: number[] }> = {};
  const existingYear = await db.query<{ id: number }>(
    `SELECT id FROM period WHERE type = 'YEAR' AND start_date = ${db.param(1)}`,
    [`${CURRENT_YEAR}-01-01`],
  );
  if (existingYear.length) {
    // Periods exist already (a second fill): reuse them.
    const rows = await db.query<{ id: number; type: string; start_date: string; end_date: string; parent_id: number | null }>(
      "SELECT id, type, CAST(start_date AS TEXT) AS start_date, CAST(end_date AS TEXT) AS end_date, parent_id FROM period ORDER BY start_date, id",
    );
    for (const p of rows) periods.set(Number(p.id), { startDate: p.start_date, endDate: p.end_date });
    for (const p of rows) {
      const y = Number(p.start_date.slice(0, 4));
      if (p.type === "YEAR") yearIds[y] = { id: Number(p.id), q: yearIds[y]?.q ?? [] };
    }
    for (const p of rows) {
      if (p.type !== "QUARTER" || p.parent_id == null) continue;
      const y = Object.keys(yearIds).map(Number).find((k) => yearIds[k].id === Number(p.parent_id));
      if (y !== undefined) yearIds[y].q.push(Number(p.id));
    }
  } else {
    for (const y of [CURRENT_YEAR - 1, CURRENT_YEAR, CURRENT_YEAR + 1]) {
      const yid = id("period");
      put("period", [yid, `FY${y}`, "YEAR", `${y}-01-01`, `${y}-12-31`, null]);
      const q: number[] = [];
      for (let i = 0; i < 4; i++) {
        const qid = id("period");
        put("period", [qid, `Q${i + 1} FY${y}`, "QUARTER", `${y}-${QUARTERS[i][0]}`, `${y}-${QUARTERS[i][1]}`, yid]);
        q.push(qid);
      }
      yearIds[y] = { id: yid, q };
    }
    const cur = yearIds[CURRENT_YEAR];
    const prev = yearIds[CURRENT_YEAR - 1];
    const globals: Array<[string, number, string, number]> = [
      ["Business review with every key account", cur.id, "MEETINGS", 1],
      ["Introduce the new price list", cur.q[0], "UNITS", 1],
      ["Executive sponsor for every account", cur.id, "MEETINGS", 2],
      ["Last year's price list roll-out", prev.id, "UNITS", 1],
    ];
    for (const [name, periodId, unit, qty] of globals) {
      put("objective", [id("objective"), name, "Applies to all accounts.", periodId, null, null, null, null, null, qty, unit, unit === "UNITS" ? 0 : null]);
    }
  }
  const cur = yearIds[CURRENT_YEAR];
  const prev = yearIds[CURRENT_YEAR - 1];
  await sink.flush();

  const firstAccountId = next.account;
  const batch = opts.batchAccounts ?? (db.dialect === "sqlite" ? 200 : 25);
  let lastLog = Date.now();
  for (let i = 0; i < accounts; i++) {
    const owner = managers[i % managers.length];
    const accountId = id("account");
    const accName = `${COMPANY_A[i % COMPANY_A.length]} ${COMPANY_B[Math.floor(i / COMPANY_A.length) % COMPANY_B.length]} ${pad(accountId, 5)}`;
    put("account", [accountId, accName, r.pick(INDUSTRIES), owner]);

    const contacts: number[] = [];
    for (let c = 0; c < 8; c++) {
      const cid = id("contact");
      contacts.push(cid);
      const first = r.pick(FIRST);
      const last = r.pick(LAST);
      put("contact", [cid, first, last, `${first}.${last}.${cid}@client.example`.toLowerCase(), TITLES[c % TITLES.length], accountId]);
    }

    // Account objectives: one in the current year, one last year (not applicable in the current period).
    put("objective", [id("objective"), "Quarterly executive sponsor meetings", null, cur.id, null, accountId, contacts[0], null, null, 4, "MEETINGS", null]);
    put("objective", [id("objective"), "Last year's account review", null, prev.id, null, accountId, contacts[1], null, null, 1, "MEETINGS", null]);

    for (let p = 0; p < PLAN_KINDS.length; p++) {
      const k = PLAN_KINDS[p];
      const status = PLAN_STATUS[(p + i) % PLAN_STATUS.length];
      const topId = id("business_plan");
      const target = r.int(20, 400) * 100_000_00;
      put("business_plan", [
        topId, `${accName} FY${CURRENT_YEAR} ${k.kind}`, k.type, status, p === 0 ? "Grow share of wallet." : null,
        accountId, owner, cur.id, null, k.bu, k.territory, target, 1 + (status === "DRAFT" ? 0 : status === "SUBMITTED" ? 1 : 2),
      ]);
      put("plan_contact", [topId, contacts[p % contacts.length]]);
      if (status !== "DRAFT") {
        put("plan_status_change", [id("plan_status_change"), topId, "DRAFT", "SUBMITTED", owner, datetime(CURRENT_YEAR - 1, 3, 10, 9), null]);
        if (status === "FINAL_APPROVED") {
          put("plan_status_change", [id("plan_status_change"), topId, "SUBMITTED", "FINAL_APPROVED", benchUserId, datetime(CURRENT_YEAR - 1, 3, 20, 15), "Approved."]);
        }
      }
      for (let q = 0; q < 4; q++) {
        const childId = id("business_plan");
        const childTarget = Math.round(target / 4 / 100) * 100;
        put("business_plan", [
          childId, `${accName} Q${q + 1} FY${CURRENT_YEAR} ${k.kind}`, k.type === "ACCOUNT" ? "LOCAL" : k.type,
          status === "SUBMITTED" ? "DRAFT" : status, null, accountId, owner, cur.q[q], topId,
          k.bu, TERRITORIES[q], childTarget, 1,
        ]);
        for (let o = 0; o < OBJ_KINDS.length; o++) {
          const ok = OBJ_KINDS[o];
          const objId = id("objective");
          put("objective", [
            objId, ok.name, null, cur.q[q], childId, null, o === 1 ? contacts[(o + q) % contacts.length] : null, null,
            ok.rev ? r.int(5, 50) * 10_000_00 : null, ok.qty, ok.unit, ok.unit === "UNITS" ? r.int(0, 5) : null,
          ]);
          const opps: number[] = [];
          for (let n = 0; n < 5; n++) {
            const oppId = id("opportunity");
            opps.push(oppId);
            const st = OPP_STATUS[(n + o + q) % OPP_STATUS.length];
            put("opportunity", [
              oppId, `${k.kind} deal ${q + 1}.${o + 1}.${n + 1}`, accountId, owner, objId, r.int(50, 5000) * 100_00 + r.int(0, 99),
              st === "OPEN" ? r.int(1, 9) * 10 : st === "WON" ? 100 : 0, st, date(CURRENT_YEAR, q, r.int(0, 89)), null,
            ]);
          }
          put("plan_opportunity", [topId, opps[0]]);
          const acts: number[] = [];
          for (let n = 0; n < 10; n++) {
            const aid = id("activity");
            acts.push(aid);
            const st = ACT_STATUS[n];
            const due = n === 8 ? null : datetime(CURRENT_YEAR, q, r.int(0, 89), r.int(8, 17));
            const completed = st === "COMPLETED" && due ? `${due.slice(0, 11)}${pad(Math.min(23, Number(due.slice(11, 13)) + 1))}:00:00.000` : null;
            put("activity", [
              aid, `${ACT_TYPES[n] === "CALL" ? "Call" : ACT_TYPES[n] === "MEETING" ? "Meeting" : ACT_TYPES[n] === "EMAIL" ? "Email" : "Task"} ${q + 1}.${o + 1}.${n + 1}`,
              ACT_TYPES[n], st, due, completed, st === "COMPLETED" && n % 2 === 0 ? "Went well; send a proposal." : null,
              accountId, n % 3 === 0 ? contacts[n % contacts.length] : null, childId, objId, n < 5 ? opps[n] : null, owner,
              n === 5 || n === 6 ? acts[n - 5] : null,
            ]);
          }
        }
      }
    }
    if ((i + 1) % batch === 0) await sink.flush();
    if (Date.now() - lastLog > 5000) {
      lastLog = Date.now();
      const rows = Object.values(perTable).reduce((a, b) => a + b, 0);
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      log(`  ${i + 1}/${accounts} accounts, ${rows.toLocaleString("en-US")} rows, ${Math.round(rows / s).toLocaleString("en-US")} rows/s`);
    }
  }
  await sink.flush();

  if (raw) {
    raw.pragma("foreign_keys = ON");
  } else {
    for (const t of WITH_ID) {
      await db.query(`SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM "${t}"))`);
    }
  }
  await db.query("ANALYZE");
  const rows = Object.values(perTable).reduce((a, b) => a + b, 0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    accounts,
    rows,
    perTable,
    seconds,
    rowsPerSecond: Math.round(rows / seconds),
    currentPeriodId: cur.id,
    firstAccountId,
    lastAccountId: next.account - 1,
  };
}

/** Creates a fresh SQLite file (removing any old one), migrates and fills it. */
export async function generateSqliteFile(
  file: string,
  accounts: number,
  opts: { log?: (s: string) => void; check?: boolean } = {},
): Promise<FillStats> {
  const path = resolve(file);
  for (const f of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(f)) rmSync(f);
  const db = await openDatabase({ databaseUrl: `sqlite:${path}`, dbLogging: false, dbPoolSize: 1, databaseSsl: false });
  try {
    const stats = await fillDatabase(db, accounts, opts);
    const raw = (db.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    if (opts.check) {
      const bad = raw.pragma("foreign_key_check") as unknown[];
      if (bad.length) throw new Error(`foreign_key_check found ${bad.length} violations, e.g. ${JSON.stringify(bad[0])}`);
      opts.log?.("  foreign_key_check: ok");
    }
    raw.pragma("wal_checkpoint(TRUNCATE)");
    writeFileSync(metaFileOf(path), `${JSON.stringify({ want: dataFileStamp(accounts), stats }, null, 2)}\n`);
    return stats;
  } finally {
    await db.close();
  }
}

/** Bump when the data shape changes: run.ts regenerates files made by another version. */
export const DATA_VERSION = 1;

/** What a data file was made from (bench/data/size-N.json next to it): generator version and migrations. */
export function dataFileStamp(accounts: number) {
  return { accounts, dataVersion: DATA_VERSION, migrations: sqliteMigrations.map((m) => m.name) };
}

export function metaFileOf(file: string): string {
  return file.replace(/\.sqlite$/, "") + ".json";
}

export function defaultDataFile(accounts: number): string {
  return resolve(__dirname, "..", "..", "bench", "data", `size-${accounts}.sqlite`);
}

async function main() {
  const { values: args } = parseArgs({
    args: process.argv.slice(2),
    options: { accounts: { type: "string" }, out: { type: "string" }, postgres: { type: "string" }, check: { type: "boolean" } },
    strict: true,
  });
  const accounts = Number(args.accounts ?? "20");
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error("--accounts must be a positive integer");
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const pg = args.postgres;
  let stats: FillStats;
  let where: string;
  if (pg) {
    const db = await openDatabase({ databaseUrl: pg, dbLogging: false, dbPoolSize: 2, databaseSsl: false });
    try {
      stats = await fillDatabase(db, accounts, { log });
    } finally {
      await db.close();
    }
    where = pg.replace(/\/\/[^@]*@/, "//***@");
  } else {
    where = resolve(args.out ?? defaultDataFile(accounts));
    log(`generating ${accounts} accounts into ${where}`);
    stats = await generateSqliteFile(where, accounts, { log, check: args.check === true });
  }
  log(
    `${stats.accounts} accounts, ${stats.rows.toLocaleString("en-US")} rows in ${stats.seconds.toFixed(1)} s ` +
      `(${stats.rowsPerSecond.toLocaleString("en-US")} rows/s) -> ${where}`,
  );
  log(`  ${Object.entries(stats.perTable).map(([t, n]) => `${t}=${n}`).join(" ")}`);
  log(`  bench token: ${BENCH_TOKEN}; current period (FY${CURRENT_YEAR}) id ${stats.currentPeriodId}; accounts ${stats.firstAccountId}..${stats.lastAccountId}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
