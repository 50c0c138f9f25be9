/**
 * The floor (variant c): the account view of Q2/Q3 produced by ONE
 * hand-written SQL statement (SQLite JSON aggregation) through better-sqlite3,
 * served by a tiny node:http server, so that it is measured over HTTP exactly
 * like the GraphQL server. No GraphQL, no ORM, no authentication.
 *
 * The JSON it returns is the same document the GraphQL server returns for
 * the same request (run.ts checks that before measuring).
 *
 *   node dist/bench/floor.js --db bench/data/size-200.sqlite --port 4100
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { fromGlobalId } from "../src/common/ids";

const money = (e: string) => `CASE WHEN ${e} IS NULL THEN NULL ELSE printf('%d.%02d', (${e}) / 100, (${e}) % 100) END`;
const iso = (e: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${e})`;
/** The app's ratio(a, b): 6 exact decimals, null without b. */
const ratio = (a: string, b: string) => `CASE WHEN ${b} IS NULL OR ${b} = 0 THEN NULL ELSE ((${a}) * 1000000 / (${b})) / 1000000.0 END`;
const pct = (r: string) => `round((${r}) * 10000) / 100.0`;

/** Opportunities counted by a plan's rollup: linked to the plan or a descendant, or to an objective under one. */
function rollupSums(planExpr: string): string {
  // CROSS JOIN fixes SQLite's join order (tree first, then index lookups), as in plan-rollup.ts.
  return `WITH RECURSIVE t(id) AS (SELECT ${planExpr} UNION ALL SELECT b.id FROM t CROSS JOIN business_plan b WHERE b.parent_id = t.id),
    l(oid) AS (SELECT po.opportunity_id FROM t CROSS JOIN plan_opportunity po WHERE po.plan_id = t.id
               UNION SELECT o.id FROM t CROSS JOIN objective ob CROSS JOIN opportunity o WHERE ob.plan_id = t.id AND o.objective_id = ob.id)
    SELECT COALESCE(SUM(CASE WHEN o.status = 'WON' THEN o.revenue_cents ELSE 0 END), 0) AS won,
           COALESCE(SUM(CASE WHEN o.status = 'OPEN' THEN o.revenue_cents ELSE 0 END), 0) AS pipe
    FROM l CROSS JOIN opportunity o WHERE o.id = l.oid`;
}

/** percentComplete of objective `ob` (see ObjectivesResolver.progress). */
function percentComplete(): string {
  const counted = `(SELECT COUNT(*) FROM activity ca WHERE ca.objective_id = ob.id AND ca.status = 'COMPLETED'
      AND ((ob.unit = 'CALLS' AND ca.type = 'CALL') OR (ob.unit = 'MEETINGS' AND ca.type = 'MEETING')))`;
  const won = `(SELECT COALESCE(SUM(wo.revenue_cents), 0) FROM opportunity wo WHERE wo.objective_id = ob.id AND wo.status = 'WON')`;
  return `CASE
      WHEN ob.target_quantity IS NOT NULL AND ob.target_quantity > 0 THEN
        ${pct(`CAST(CASE WHEN ob.unit = 'UNITS' THEN COALESCE(ob.manual_quantity, 0) ELSE ${counted} END AS REAL) / ob.target_quantity`)}
      WHEN ob.target_revenue_cents IS NOT NULL AND ob.target_revenue_cents > 0 THEN ${pct(ratio(won, "ob.target_revenue_cents"))}
      ELSE NULL END`;
}

function actualQuantity(): string {
  return `CASE WHEN ob.unit = 'UNITS' THEN COALESCE(ob.manual_quantity, 0) ELSE
      (SELECT COUNT(*) FROM activity ca WHERE ca.objective_id = ob.id AND ca.status = 'COMPLETED'
        AND ((ob.unit = 'CALLS' AND ca.type = 'CALL') OR (ob.unit = 'MEETINGS' AND ca.type = 'MEETING'))) END`;
}

/** Objectives overlapping period :period (the app's objectiveOverlap). */
const overlaps = (alias: string) => `EXISTS (SELECT 1 FROM period op, period fp WHERE op.id = ${alias}.period_id AND fp.id = :period
    AND op.start_date <= fp.end_date AND op.end_date >= fp.start_date)`;

/** The account view for account row `a` as one JSON object. */
function accountTree(): string {
  return `json_object(
  'name', a.name,
  'contacts', (SELECT json_group_array(json_object('firstName', c.first_name, 'lastName', c.last_name, 'jobTitle', c.job_title)
                 ORDER BY c.last_name, c.first_name, c.id) FROM contact c WHERE c.account_id = a.id),
  'businessPlans', (SELECT json_group_array(json_object(
      'name', p.name, 'status', p.status,
      'owner', (SELECT json_object('name', u.name) FROM app_user u WHERE u.id = p.owner_id),
      'revenueTarget', ${money("p.revenue_target_cents")},
      'rollup', (SELECT json_object('wonRevenue', ${money("r.won")}, 'pipelineRevenue', ${money("r.pipe")},
                   'attainment', ${ratio("r.won", "p.revenue_target_cents")}) FROM (${rollupSums("p.id")}) r),
      'children', (SELECT json_group_array(json_object(
          'name', ch.name, 'businessUnit', ch.business_unit, 'territory', ch.territory, 'status', ch.status,
          'rollup', (SELECT json_object('wonRevenue', ${money("r.won")}) FROM (${rollupSums("ch.id")}) r),
          'objectives', (SELECT json_group_array(json_object(
              'name', ob.name, 'unit', ob.unit, 'targetQuantity', ob.target_quantity,
              'progress', json_object('actualQuantity', ${actualQuantity()}, 'percentComplete', ${percentComplete()}),
              'opportunities', (SELECT json_group_array(json_object('name', o.name, 'revenue', ${money("o.revenue_cents")}, 'status', o.status)
                                  ORDER BY o.id) FROM opportunity o WHERE o.objective_id = ob.id),
              'activities', (SELECT json_group_array(json_object('subject', x.subject, 'type', x.type, 'status', x.status, 'dueAt', ${iso("x.due_at")})
                               ORDER BY x.due_at IS NULL, x.due_at, x.id) FROM activity x WHERE x.objective_id = ob.id)
            ) ORDER BY ob.id) FROM objective ob WHERE ob.plan_id = ch.id)
        ) ORDER BY ch.id) FROM business_plan ch WHERE ch.parent_id = p.id)
    ) ORDER BY p.id) FROM business_plan p WHERE p.account_id = a.id AND p.period_id = :period AND p.parent_id IS NULL),
  'applicableObjectives', (SELECT json_group_array(json_object('name', ob.name, 'isGlobal', json(CASE WHEN ob.g THEN 'true' ELSE 'false' END),
        'progress', json_object('percentComplete', ${percentComplete()})) ORDER BY ob.g, ob.id)
      FROM (SELECT *, 0 AS g FROM objective WHERE account_id = a.id
            UNION ALL SELECT *, 1 AS g FROM objective WHERE account_id IS NULL AND plan_id IS NULL) ob
      WHERE ${overlaps("ob")}),
  'activities', (SELECT json_group_array(json_object('subject', x.subject, 'dueAt', ${iso("x.due_at")},
        'followUpOf', (SELECT json_object('subject', f.subject) FROM activity f WHERE f.id = x.follow_up_of_id))
      ORDER BY x.due_at IS NULL, x.due_at, x.id) FROM activity x WHERE x.account_id = a.id AND x.status = 'PLANNED')
)`;
}

/** Q2: {"data":{"account": ...}} for :id and :period. */
export const FLOOR_Q2_SQL = `SELECT json_object('data', json_object('account',
  (SELECT ${accountTree()} FROM account a WHERE a.id = :id))) AS body`;

/** Q3: {"data":{"accounts":{"edges":[{"node": ...}]}}} for the first 20 accounts by name. */
export const FLOOR_Q3_SQL = `SELECT json_object('data', json_object('accounts', json_object('edges',
  (SELECT json_group_array(json_object('node', ${accountTree()}) ORDER BY a.name, a.id)
   FROM (SELECT id, name FROM account ORDER BY name, id LIMIT 20) a)))) AS body`;

export function openFloor(file: string) {
  const db = new BetterSqlite3(file);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  const q2 = db.prepare(FLOOR_Q2_SQL).pluck();
  const q3 = db.prepare(FLOOR_Q3_SQL).pluck();
  return {
    db,
    /** The response body for a GraphQL request body of Q2 or Q3. */
    answer(body: { query?: string; variables?: Record<string, unknown> }): string {
      const v = body.variables ?? {};
      // the server's global ids (src/common/ids.ts); the floor only needs their keys
      const key = (raw: unknown) => (raw == null ? null : (fromGlobalId(raw)?.id ?? -1));
      const period = key(v.period);
      if (body.query?.includes("accounts(first: 20)")) return q3.get({ period }) as string;
      return q2.get({ id: key(v.id), period }) as string;
    },
  };
}

function main() {
  const usage = "usage: floor --db FILE [--port N]";
  let values: { db?: string; port?: string };
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { db: { type: "string" }, port: { type: "string" } }, strict: true }));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${usage}`);
  }
  const get = (n: keyof typeof values) => values[n];
  const file = get("db");
  if (!file) throw new Error(usage);
  const floor = openFloor(file);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const out = floor.answer(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(out) });
        res.end(out);
      } catch (e) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(e));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(get("port") ?? "4100"), "127.0.0.1", () => {
    const a = server.address();
    process.stdout.write(`floor listening on ${typeof a === "object" && a ? a.port : "?"}\n`);
  });
  const stop = () =>
    server.close(() => {
      floor.db.close(); // checkpoints the WAL
      process.exit(0);
    });
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (require.main === module) main();
