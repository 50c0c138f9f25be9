import { LessThanOrEqual } from "typeorm";
import type { AppConfig } from "../config";
import type { Clock } from "../common/clock";
import type { Database } from "./data-source";
import { IdempotencyKey } from "./entities";

/** An answer as the HTTP layer sends it. `storable`: a final answer (not an internal error, nothing a retry could change). */
export interface CapturedAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  storable: boolean;
}

export type KeyedOutcome =
  /** The request ran now (and its answer was stored, unless it was not storable). */
  | { kind: "ran"; answer: CapturedAnswer }
  /** The key was used before with the same request: its stored answer. */
  | { kind: "replay"; status: number; body: string }
  /** The key was used before with a different request. */
  | { kind: "reused" }
  /** A request with the key is still running after the wait bound. */
  | { kind: "busy" };

/** Thrown out of the request transaction to roll it back while keeping the answer to send (not stored). */
class NotStored extends Error {
  constructor(readonly answer: CapturedAnswer) {
    super("answer not stored");
  }
}

/** PostgreSQL lock_not_available: the bounded wait (lock_timeout) for the first request with the key ran out. */
const isLockTimeout = (err: unknown) => {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  return e?.driverError?.code === "55P03" || e?.code === "55P03";
};

export type IdempotencySettings = Pick<AppConfig, "idempotencyTtlSeconds" | "idempotencyWaitMs">;

/**
 * Idempotent requests (docs/api.md "Idempotent requests"); the key rows are the entity
 * src/modules/idempotency/idempotency-key.entity.ts, the HTTP side is src/http/idempotency.ts. A keyed request runs inside ONE
 * database transaction (Database.requestTransaction) that first inserts the key row, then runs
 * the whole GraphQL request (every write of it joins as a savepoint), then stores the answer in
 * the key row and commits: the key, the effects and the answer commit together or not at all.
 *
 * A repeat finds the committed row and gets the stored answer. A repeat that arrives while the
 * first is still running (any process) waits: on PostgreSQL its insert of the same (user, key)
 * blocks on the unique index until the first commits (then the unique violation runs the
 * transaction again, and it finds the row) or rolls back (then it runs itself), bounded by
 * lock_timeout = idempotencyWaitMs (then "busy"); on SQLite writes are serial in the process, so
 * it waits in the write queue. An internal error is not stored: the transaction rolls back,
 * effects included, and a retry with the same key runs again.
 */
export class IdempotencyService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: IdempotencySettings,
  ) {}

  async run(userId: number, key: string, fingerprint: string, execute: () => Promise<CapturedAnswer>): Promise<KeyedOutcome> {
    try {
      return await this.db.requestTransaction(async (em): Promise<KeyedOutcome> => {
        const now = this.clock.now();
        const pg = this.db.dialect === "postgres";
        // Bounded wait for a concurrent first request with this key (its uncommitted row): lock_timeout.
        if (pg) await em.query(`SET LOCAL lock_timeout = ${Math.round(this.settings.idempotencyWaitMs)}`);
        const found = await em.findOne(IdempotencyKey, { where: { userId, key } });
        if (found && found.expiresAt > now) {
          if (found.fingerprint !== fingerprint) return { kind: "reused" };
          if (found.responseStatus == null || found.responseBody == null) return { kind: "busy" };
          return { kind: "replay", status: found.responseStatus, body: found.responseBody };
        }
        if (found) await em.delete(IdempotencyKey, { id: found.id }); // expired: the key is free again
        await em.insert(IdempotencyKey, {
          userId,
          key,
          fingerprint,
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.settings.idempotencyTtlSeconds * 1000),
          responseStatus: null,
          responseBody: null,
        });
        if (pg) await em.query("SET LOCAL lock_timeout TO DEFAULT");
        const answer = await execute();
        if (!answer.storable) throw new NotStored(answer);
        await em.update(IdempotencyKey, { userId, key }, { responseStatus: answer.status, responseBody: answer.body });
        return { kind: "ran", answer };
      });
    } catch (err) {
      if (err instanceof NotStored) return { kind: "ran", answer: err.answer };
      if (isLockTimeout(err)) return { kind: "busy" };
      throw err;
    }
  }

  /** Deletes the keys that expired by `now`; returns how many. */
  async purgeExpired(now: Date = this.clock.now()): Promise<number> {
    return this.db.write(async (em) => (await em.delete(IdempotencyKey, { expiresAt: LessThanOrEqual(now) })).affected ?? 0);
  }
}

/**
 * The periodic purge of expired keys (every IDEMPOTENCY_PURGE_INTERVAL_SECONDS; an expired key is
 * treated as unused before that anyway). Several processes may each run it: a DELETE of what
 * expired is harmless to repeat. The timer does not keep the process alive; `stop()` ends it.
 */
export function startIdempotencyPurge(
  db: Database,
  clock: Clock,
  config: IdempotencySettings & Pick<AppConfig, "idempotencyPurgeIntervalSeconds">,
  onError: (err: unknown) => void,
): { stop(): void } {
  const service = new IdempotencyService(db, clock, config);
  const timer = setInterval(() => {
    service.purgeExpired().catch(onError);
  }, config.idempotencyPurgeIntervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
