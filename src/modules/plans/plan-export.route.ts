import { pipeline } from "node:stream";
import { type Request, type Response, Router } from "express";
import { GraphQLError } from "graphql";
import { badInput, DomainError, ErrorCode } from "../../common/errors";
import { mustFind } from "../../common/find";
import { currentRequestId } from "../../graphql/request-scope";
import { type AppDeps, buildContext } from "../../graphql/server";
import { Period } from "../periods/period.entity";
import { EXPORT_PAGE_SIZE, type ExportObserver, plansCsvStreams } from "./plan-export";

/** HTTP status of each error code an export can answer (the JSON body carries the code, as /graphql's errors do). */
const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
};

function sendError(res: Response, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(status).json({ errors: [{ message, extensions: status >= 500 ? { code, requestId: currentRequestId() } : { code } }] });
}

/**
 * GET /export/plans.csv?periodId=<Period id>: every plan of the period as CSV (plan-export.ts).
 * The bearer token as for /graphql (and its rate limits); every signed-in role may export, as every
 * role reads every plan. 400 without exactly one periodId, 404 for a period that does not exist.
 * `pageSize`: plans per statement (tests use small pages).
 */
export function exportRouter(deps: AppDeps, opts: { pageSize?: number; observer?: () => ExportObserver | undefined } = {}): Router {
  const router = Router();
  router.get("/export/plans.csv", async (req: Request, res: Response) => {
    let periodId: number;
    try {
      await buildContext(deps, req.headers.authorization, undefined, undefined, req.socket.remoteAddress ?? "unknown");
      const raw = req.query.periodId;
      if (typeof raw !== "string" || raw.length === 0) throw badInput("periodId", "give exactly one periodId (a Period id) in the query string");
      if (raw.length > 200) throw badInput("periodId", "must be at most 200 characters");
      periodId = (await mustFind(deps.db.manager, Period, raw, "Period")).id;
    } catch (e) {
      if (e instanceof DomainError || e instanceof GraphQLError) {
        const code = String(e instanceof DomainError ? e.code : (e.extensions.code ?? "INTERNAL_SERVER_ERROR"));
        const retry = e instanceof GraphQLError ? (e.extensions.http as { headers?: Map<string, string> } | undefined)?.headers?.get("retry-after") : undefined;
        return sendError(res, STATUS[code] ?? 500, code, e.message, retry ? { "retry-after": retry } : {});
      }
      deps.logger.error({ err: e, requestId: currentRequestId() }, "export failed before streaming");
      return sendError(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
    res.status(200);
    res.setHeader("content-type", "text/csv; charset=utf-8; header=present");
    res.setHeader("content-disposition", 'attachment; filename="plans.csv"');
    res.setHeader("cache-control", "no-store");
    const [records, csv] = plansCsvStreams(deps.db, periodId, { pageSize: opts.pageSize ?? EXPORT_PAGE_SIZE, observer: opts.observer?.() });
    pipeline(records, csv, res, (err) => {
      if (!err) return;
      // a client that went away is not an error of ours; anything else is logged (the status line is sent already)
      if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") deps.logger.error({ err, requestId: currentRequestId() }, "export failed while streaming");
      res.destroy();
    });
  });
  return router;
}
