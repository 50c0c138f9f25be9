import { Readable, type Transform } from "node:stream";
import { stringify } from "csv-stringify";
import { toGlobalId } from "../../common/ids";
import { type Cents, formatCents, ratio, toCents } from "../../common/money";
import type { Database } from "../../db/data-source";
import { figuresKey, loadPlanFigures, type PlanFigures } from "./plan-rollup";
import { hasFrozenFigures } from "./plan-workflow";
import type { PlanStatus } from "../../common/enums";

/**
 * The CSV export of a period's plans (GET /export/plans.csv, plan-export.route.ts): one row per
 * plan, in id order, with its rollup figures. Streamed: plans are read in keyset pages of `pageSize`
 * (one statement) and their figures through the rollup module's batch function (one statement per
 * page), and a page is read only when the CSV writer downstream asks for more (Readable.from pulls
 * the generator; pipeline() propagates the client's backpressure). Memory is one page plus the
 * streams' buffers, whatever the number of plans; a client that disconnects stops the generator,
 * so no further page is read.
 */

export const EXPORT_COLUMNS = [
  "plan_id",
  "plan",
  "account",
  "owner",
  "parent_id",
  "parent",
  "status",
  "revenue_target",
  "won_revenue",
  "pipeline_revenue",
  "weighted_pipeline_revenue",
  "attainment",
] as const;

export const EXPORT_PAGE_SIZE = 500;

/** What an export reports as it goes (tests and logs): pages read, rows read, how it ended. */
export interface ExportObserver {
  /** After each page is read; the export waits for a returned promise before it goes on (tests hold it there). */
  page?(info: { pages: number; rows: number }): void | Promise<void>;
  end?(info: { pages: number; rows: number; completed: boolean }): void;
}

/**
 * A cell that a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return, which
 * some readers strip first) gets a leading apostrophe: the OWASP "CSV injection" advice.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

interface PlanRow {
  id: number | string;
  name: string;
  status: string;
  target: unknown;
  account: string;
  owner: string;
  parent_id: number | string | null;
  parent: string | null;
}

/** The rollup's weighted pipeline figure, when the rollup module computes one (PlanRollup.weightedPipelineRevenue). */
const weightedOf = (f: PlanFigures): Cents | undefined => (f as PlanFigures & { weightedPipelineRevenue?: Cents }).weightedPipelineRevenue;

async function* planRecords(db: Database, periodId: number, pageSize: number, now: () => Date, observer?: ExportObserver): AsyncGenerator<string[]> {
  let after = 0;
  let pages = 0;
  let rows = 0;
  let completed = false;
  try {
    for (;;) {
      const page = await db.query<PlanRow>(
        `SELECT p.id AS id, p.name AS name, p.status AS status, p.revenue_target_cents AS target,
                a.name AS account, u.name AS owner, p.parent_id AS parent_id, pp.name AS parent
           FROM business_plan p
           JOIN account a ON a.id = p.account_id
           JOIN app_user u ON u.id = p.owner_id
           LEFT JOIN business_plan pp ON pp.id = p.parent_id
          WHERE p.period_id = ${db.param(1)} AND p.id > ${db.param(2)}
          ORDER BY p.id
          LIMIT ${pageSize}`,
        [periodId, after],
      );
      pages++;
      rows += page.length;
      await observer?.page?.({ pages, rows });
      if (page.length === 0) break;
      const keys = page.map((p) => figuresKey(Number(p.id), hasFrozenFigures(p.status as PlanStatus)));
      const figures = await loadPlanFigures(db, keys, now());
      for (let i = 0; i < page.length; i++) {
        const p = page[i];
        const f = figures.get(keys[i])!;
        const target = p.target === null || p.target === undefined ? null : toCents(p.target);
        const weighted = weightedOf(f);
        const attainment = ratio(f.wonRevenue, target);
        yield [
          toGlobalId("BusinessPlan", Number(p.id)),
          p.name,
          p.account,
          p.owner,
          p.parent_id === null ? "" : toGlobalId("BusinessPlan", Number(p.parent_id)),
          p.parent ?? "",
          p.status,
          target === null ? "" : formatCents(target),
          formatCents(f.wonRevenue),
          formatCents(f.pipelineRevenue),
          weighted === undefined ? "" : formatCents(weighted),
          attainment === null ? "" : String(attainment),
        ].map(safeCell);
      }
      after = Number(page[page.length - 1].id);
      if (page.length < pageSize) break;
    }
    completed = true;
  } finally {
    observer?.end?.({ pages, rows, completed });
  }
}

/**
 * The export's two stages: the records (object mode, pulled page by page) and the CSV writer
 * (header + one record per plan, CRLF line ends, RFC 4180 quoting). Join them with
 * stream.pipeline(records, csv, destination): it carries backpressure and, when the destination
 * closes early, destroys the records stream, which ends the generator (no further page is read).
 */
export function plansCsvStreams(
  db: Database,
  periodId: number,
  opts: { pageSize?: number; now?: () => Date; observer?: ExportObserver } = {},
): [Readable, Transform] {
  const records = Readable.from(planRecords(db, periodId, opts.pageSize ?? EXPORT_PAGE_SIZE, opts.now ?? (() => new Date()), opts.observer));
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], record_delimiter: "windows" });
  return [records, csv];
}
