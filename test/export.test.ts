/**
 * GET /export/plans.csv (issue 15): content and RFC 4180 quoting with hostile names (quotes,
 * newlines, formula prefixes), the figures equal to the API's rollups, auth and error codes over
 * real HTTP, constant memory (rows held at once and pages read, counted, not timed), and a client
 * disconnect stopping the reads.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline, Writable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpportunityStatus, Role } from "../src/common/enums";
import { createHttpApp } from "../src/http/app";
import { exportRouter } from "../src/modules/plans/plan-export.route";
import { emptyRollup } from "../src/modules/plans/plan-rollup";
import { EXPORT_COLUMNS, type ExportObserver, plansCsvStreams, safeCell } from "../src/modules/plans/plan-export";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { createYear, type Ref } from "./helpers/factories";
import { gid } from "./helpers/ids";



let h: Harness;
let server: Server;
let origin: string;
let am: TestUser;
let hostileOwner: TestUser;
let fy: { year: Ref; quarters: Ref[] };
let other: { year: Ref; quarters: Ref[] };
const planIds: string[] = [];

const HOSTILE = ['Quote "this" plan', "Line\nbreak\r\nplan", "=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@IMPORT", "Comma, plan", "Tab\tinside"];

/** RFC 4180 parser for the assertions (quoted fields with "" and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (cell += c), i++;
    } else if (c === '"') (quoted = true), i++;
    else if (c === ",") row.push(cell), (cell = ""), i++;
    else if (c === "\r" && text[i + 1] === "\n") row.push(cell), rows.push(row), (row = []), (cell = ""), (i += 2);
    else if (c === "\n") throw new Error(`bare LF outside quotes at ${i}`);
    else (cell += c), i++;
  }
  if (cell !== "" || row.length) throw new Error("no CRLF after the last record");
  return rows;
}

async function get(path: string, token?: string | null) {
  const res = await fetch(`${origin}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

function listen(app: express.Express): Promise<{ server: Server; origin: string }> {
  return new Promise((resolve) => {
    const s = createServer(app).listen(0, "127.0.0.1", () => resolve({ server: s, origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}` }));
  });
}

/** n plans in the period, in one statement (bulk fixture for the memory tests). */
async function bulkPlans(n: number, periodId: number, accountId: number, ownerId: number, prefix: string) {
  const db = h.deps.db;
  await db.query(
    `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
     INSERT INTO business_plan (name, type, status, account_id, owner_id, period_id, version)
     SELECT '${prefix} ' || CAST(i AS TEXT), 'ACCOUNT', 'DRAFT', ${db.param(1)}, ${db.param(2)}, ${db.param(3)}, 1 FROM seq`,
    [accountId, ownerId, periodId],
  );
}

beforeAll(async () => {
  h = await createHarness();
  ({ server, origin } = await listen(createHttpApp(h.deps, h.apollo, [exportRouter(h.deps)]) as unknown as express.Express));
  am = await h.user(Role.ACCOUNT_MANAGER, "Export AM");
  hostileOwner = await h.user(Role.ACCOUNT_MANAGER, '=HYPERLINK("http://x.example","owner")');
  fy = await createYear(h, 2091);
  other = await createYear(h, 2092);
  const svc = h.deps.services;
  const acct = await svc.accounts.create(am.user, { name: '@Account "A", with\nnewline' });
  const top = await svc.plans.create(am.user, { name: "Top plan", accountId: gid("Account", acct.id), periodId: fy.year.id, revenueTarget: 1_000_000n });
  planIds.push(gid("BusinessPlan", top.id));
  for (const [i, name] of HOSTILE.entries()) {
    const owner = i % 2 && i >= 3 ? hostileOwner : am;
    const p = await svc.plans.create(owner.user, { name, accountId: gid("Account", acct.id), periodId: fy.year.id, parentId: i < 3 ? gid("BusinessPlan", top.id) : null, revenueTarget: i % 3 ? BigInt(i) * 12_345n : null });
    planIds.push(gid("BusinessPlan", p.id));
  }
  await svc.opportunities.create(am.user, { name: "Won deal", accountId: gid("Account", acct.id), revenue: 250_000n, status: OpportunityStatus.WON, planIds: [planIds[1]] });
  await svc.opportunities.create(am.user, { name: "Open deal", accountId: gid("Account", acct.id), revenue: 99_999n, probability: 35, status: OpportunityStatus.OPEN, planIds: [planIds[2], planIds[0]] });
  // a plan of another period: not exported
  await svc.plans.create(am.user, { name: "Other period", accountId: gid("Account", acct.id), periodId: other.year.id });
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await h?.close();
});

describe("GET /export/plans.csv: content", () => {
  it("has one RFC 4180 record per plan of the period, hostile cells quoted and formula-safe, figures as the API answers them", async () => {
    const r = await get(`/export/plans.csv?periodId=${encodeURIComponent(fy.year.id)}`, am.token);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.text.startsWith(`${EXPORT_COLUMNS.join(",")}\r\n`)).toBe(true);
    expect(r.text).toContain('"Quote ""this"" plan"');
    expect(r.text).toContain('"Line\nbreak\r\nplan"');
    const rows = parseCsv(r.text);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    const body = rows.slice(1);
    expect(body.map((x) => x[0])).toEqual(planIds);
    const col = (name: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(name);
    // formula injection: every cell a spreadsheet would evaluate starts with an apostrophe
    for (const row of body) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(body.map((x) => x[col("plan")])).toEqual(["Top plan", ...HOSTILE.map(safeCell)]);
    expect(body[3][col("plan")]).toBe("'=cmd|' /C calc'!A0");
    expect(body[4][col("owner")]).toBe(`'=HYPERLINK("http://x.example","owner")`);
    expect(body[0][col("account")]).toBe('\'@Account "A", with\nnewline');
    expect(body[1][col("parent_id")]).toBe(planIds[0]);
    expect(body[1][col("parent")]).toBe("Top plan");
    expect(body[5][col("parent")]).toBe("");
    // the figures: the same as the API's rollup of each plan
    const hasWeighted = "weightedPipelineRevenue" in emptyRollup();
    const q = `query($id: ID!) { businessPlan(id: $id) { status revenueTarget rollup { wonRevenue pipelineRevenue attainment${hasWeighted ? " weightedPipelineRevenue" : ""} } } }`;
    for (const row of body) {
      const p = (await h.ok(am.token, q, { id: row[0] })).businessPlan;
      expect(row[col("status")]).toBe(p.status);
      expect(row[col("revenue_target")]).toBe(p.revenueTarget ?? "");
      expect(row[col("won_revenue")]).toBe(p.rollup.wonRevenue);
      expect(row[col("pipeline_revenue")]).toBe(p.rollup.pipelineRevenue);
      expect(row[col("weighted_pipeline_revenue")]).toBe(hasWeighted ? p.rollup.weightedPipelineRevenue : "");
      expect(row[col("attainment")]).toBe(p.rollup.attainment === null ? "" : String(p.rollup.attainment));
    }
    expect(body[0][col("won_revenue")]).toBe("2500.00"); // the top plan's tree holds the won deal
    expect(body[0][col("attainment")]).toBe("0.25");
  });

  it("answers 401 / 400 / 404 with JSON error codes, and every signed-in role may export", async () => {
    const analyst = await h.user(Role.ANALYST);
    const cases: Array<[string, string | null, number, string]> = [
      [`/export/plans.csv?periodId=${fy.year.id}`, null, 401, "UNAUTHENTICATED"],
      [`/export/plans.csv?periodId=${fy.year.id}`, "not-a-token", 401, "UNAUTHENTICATED"],
      [`/export/plans.csv`, am.token, 400, "BAD_USER_INPUT"],
      [`/export/plans.csv?periodId=`, am.token, 400, "BAD_USER_INPUT"],
      [`/export/plans.csv?periodId=${fy.year.id}&periodId=${other.year.id}`, am.token, 400, "BAD_USER_INPUT"],
      [`/export/plans.csv?periodId=${"x".repeat(201)}`, am.token, 400, "BAD_USER_INPUT"],
      [`/export/plans.csv?periodId=${gid("Period", 999_999)}`, am.token, 404, "NOT_FOUND"],
      [`/export/plans.csv?periodId=${planIds[0]}`, am.token, 404, "NOT_FOUND"],
      [`/export/plans.csv?periodId=1%27%20OR%201=1`, am.token, 404, "NOT_FOUND"],
    ];
    for (const [path, token, status, code] of cases) {
      const r = await get(path, token);
      expect(r.status, path).toBe(status);
      expect(r.type).toMatch(/^application\/json/);
      const body = JSON.parse(r.text);
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].extensions.code).toBe(code);
      expect(r.text).not.toMatch(/SELECT|business_plan|at .*\.ts/);
    }
    const ok = await get(`/export/plans.csv?periodId=${fy.year.id}`, analyst.token);
    expect(ok.status).toBe(200);
    expect(parseCsv(ok.text)).toHaveLength(planIds.length + 1);
    const empty = await get(`/export/plans.csv?periodId=${fy.quarters[0].id}`, am.token);
    expect(parseCsv(empty.text)).toEqual([[...EXPORT_COLUMNS]]);
  });
});

describe("GET /export/plans.csv: constant memory, backpressure, disconnect", () => {
  const N = 2000;
  const PAGE = 20;
  let period: string;

  beforeAll(async () => {
    const q = fy.quarters[3];
    period = q.id;
    const acct = await h.deps.services.accounts.create(am.user, { name: "Bulk account" });
    const periodKey = (await h.deps.db.query<{ id: number }>(`SELECT id FROM period WHERE name = ${h.deps.db.param(1)}`, [q.name]))[0].id;
    await bulkPlans(N, Number(periodKey), acct.id, am.user.id, "Bulk plan");
  }, 60_000);

  it("holds one page (plus the streams' small buffers) at a time, and reads each page once: rows held and pages counted, not timed", async () => {
    const periodKey = Number(Buffer.from(period, "base64url").toString("utf8").split(":")[1]);
    let delivered = 0;
    let maxHeld = 0;
    let pagesRead = 0;
    const observer: ExportObserver = {
      page: ({ pages, rows }) => {
        pagesRead = pages;
        maxHeld = Math.max(maxHeld, rows - delivered);
      },
    };
    // a slow reader: one chunk at a time, acknowledged on a later turn of the event loop
    const sink = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        delivered += chunk.toString("utf8").split("\r\n").length - 1;
        setImmediate(cb);
      },
    });
    const before = h.statements();
    const [records, csv] = plansCsvStreams(h.deps.db, periodKey, { pageSize: PAGE, observer });
    await new Promise<void>((resolve, reject) => pipeline(records, csv, sink, (e) => (e ? reject(e) : resolve())));
    expect(delivered).toBe(N + 1); // header + one line per plan
    expect(pagesRead).toBe(N / PAGE + 1); // the last full page is followed by one empty read
    expect(h.statements() - before).toBe(2 * (N / PAGE) + 1); // a page of plans + its figures, per page
    // held at once: the page being written + Readable.from's 16 records + the CSV writer's 16 records
    // + its 16 KiB of text (~50-byte lines) + the sink's 1 KiB: a bound independent of N
    expect(maxHeld).toBeLessThanOrEqual(PAGE + 16 + 16 + Math.ceil((16 * 1024 + 1024) / 40));
    expect(maxHeld).toBeLessThan(N / 4);
  });

  it("stops reading when the client disconnects", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let closed!: () => void;
    const clientGone = new Promise<void>((r) => (closed = r));
    let ended!: (x: { pages: number; completed: boolean }) => void;
    const end = new Promise<{ pages: number; completed: boolean }>((r) => (ended = r));
    const app = express();
    app.use((_req, res, next) => {
      res.on("close", () => closed());
      next();
    });
    app.use(
      exportRouter(h.deps, {
        pageSize: PAGE,
        observer: () => ({ page: ({ pages }) => (pages === 3 ? gate : undefined), end: (x) => ended(x) }),
      }),
    );
    const s = await listen(app);
    try {
      const ac = new AbortController();
      const res = await fetch(`${s.origin}/export/plans.csv?periodId=${period}`, { headers: { authorization: `Bearer ${am.token}` }, signal: ac.signal });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).toString("utf8")).toMatch(/^plan_id,/);
      ac.abort();
      await clientGone; // the server saw the connection close while the export waited at page 3
      release();
      const r = await end;
      expect(r.completed).toBe(false);
      expect(r.pages).toBeLessThanOrEqual(3); // it could not pass page 3 before the client had gone, of N / PAGE = 100
    } finally {
      await new Promise((r) => s.server.close(r));
    }
  });
});
