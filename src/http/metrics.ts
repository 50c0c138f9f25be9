import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import { bearerToken } from "../auth/tokens";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../db/data-source";

/**
 * Prometheus metrics of one app instance. Each app gets its own Registry (not
 * prom-client's global one), so several apps can live in one process (tests).
 *
 *   graphql_requests_total{operation,outcome}            outcome: ok | error | aborted
 *   graphql_request_duration_seconds{operation,outcome}  histogram
 *   graphql_errors_total{operation,code}                 one per error in a response
 *   db_sqlite_pending_writes                             SQLite: write transactions queued
 *   db_pool_total_connections / db_pool_idle_connections / db_pool_waiting_clients   PostgreSQL pool
 *   db_write_retries_total{reason}                       PostgreSQL: write transactions run again after losing a race
 *                                                        (unique | foreign_key | serialization | deadlock)
 *   process_* / nodejs_*                                 prom-client's default process metrics
 *
 * Operation names come from clients, so the label comes from a bounded set:
 * only authenticated requests name an operation ("anonymous" for every request
 * without a valid token: anonymous clients cannot choose label values); a
 * valid GraphQL name of at most 64 characters; at most MAX_OPERATIONS distinct
 * names per instance, of which one user may introduce at most
 * MAX_NEW_OPERATIONS_PER_USER ("other" beyond either); "unnamed" for an
 * operation without a name. GET /metrics needs METRICS_TOKEN when it is set.
 */
export const MAX_OPERATIONS = 200;
export const MAX_NEW_OPERATIONS_PER_USER = 20;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface GraphqlRequestSample {
  operationName: string | null;
  /** The authenticated user; null for a request without a valid token. */
  userId: string | null;
  outcome: "ok" | "error" | "aborted";
  errorCodes: string[];
  seconds: number;
}

export interface AppMetrics {
  registry: Registry;
  observeGraphqlRequest(sample: GraphqlRequestSample): void;
  /** GET /metrics */
  handler(req: Request, res: Response): Promise<void>;
}

interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The pg Pool behind TypeORM's PostgreSQL driver, if there is one. */
function pgPool(db: Database): PgPoolLike | null {
  const pool = (db.dataSource.driver as unknown as { master?: Partial<PgPoolLike> }).master;
  return pool && typeof pool.totalCount === "number" ? (pool as PgPoolLike) : null;
}

export function createMetrics(db: Database, opts: { token?: string | null } = {}): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "graphql_requests_total",
    help: "GraphQL requests by operation name and outcome.",
    labelNames: ["operation", "outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "graphql_request_duration_seconds",
    help: "GraphQL request latency (first byte of the request to the end of the response) by operation name and outcome.",
    labelNames: ["operation", "outcome"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: "graphql_errors_total",
    help: "Errors in GraphQL responses by operation name and error code.",
    labelNames: ["operation", "code"] as const,
    registers: [registry],
  });

  if (db.dialect === "sqlite") {
    new Gauge({
      name: "db_sqlite_pending_writes",
      help: "Write transactions queued for the SQLite connection (including the running one).",
      registers: [registry],
      collect() {
        this.set(db.pendingWrites);
      },
    });
  } else {
    const gauge = (name: string, help: string, read: (p: PgPoolLike) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          const pool = pgPool(db);
          this.set(pool ? read(pool) : 0);
        },
      });
    gauge("db_pool_total_connections", "PostgreSQL pool: open connections.", (p) => p.totalCount);
    gauge("db_pool_idle_connections", "PostgreSQL pool: idle connections.", (p) => p.idleCount);
    gauge("db_pool_waiting_clients", "PostgreSQL pool: requests waiting for a connection.", (p) => p.waitingCount);
    new Counter({
      name: "db_write_retries_total",
      help: "PostgreSQL write transactions run again after losing a race to a concurrent one, by the failure of the lost attempt.",
      labelNames: ["reason"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(db.writeRetries)) this.inc({ reason }, n);
      },
    });
  }

  const seen = new Set<string>();
  const introducedBy = new Map<string, number>();
  const operationLabel = (name: string | null, userId: string | null): string => {
    if (userId === null) return "anonymous";
    if (!name) return "unnamed";
    if (!NAME.test(name)) return "other";
    if (seen.has(name)) return name;
    const introduced = introducedBy.get(userId) ?? 0;
    if (seen.size >= MAX_OPERATIONS || introduced >= MAX_NEW_OPERATIONS_PER_USER) return "other";
    seen.add(name);
    introducedBy.set(userId, introduced + 1);
    return name;
  };
  const expected = opts.token ? createHash("sha256").update(opts.token).digest() : null;
  const authorized = (req: Request): boolean => {
    if (!expected) return true;
    const given = bearerToken(req.headers.authorization);
    return given !== null && timingSafeEqual(createHash("sha256").update(given).digest(), expected);
  };

  return {
    registry,
    observeGraphqlRequest({ operationName, userId, outcome, errorCodes, seconds }) {
      const operation = operationLabel(operationName, userId);
      requests.inc({ operation, outcome });
      duration.observe({ operation, outcome }, seconds);
      for (const code of errorCodes) errors.inc({ operation, code: CODE.test(code) ? code : "OTHER" });
    },
    async handler(req, res) {
      if (!authorized(req)) {
        res.status(401).setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
        res.type("text/plain").end("metrics need Authorization: Bearer <METRICS_TOKEN>\n");
        return;
      }
      try {
        const body = await registry.metrics();
        res.setHeader("Content-Type", registry.contentType);
        res.setHeader("Cache-Control", "no-store");
        res.end(body);
      } catch {
        res.status(500).type("text/plain").end("metrics unavailable\n");
      }
    },
  };
}
