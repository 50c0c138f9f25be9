import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Database } from "../../db/data-source";
import { isIP } from "node:net";
import { guardedLookup, isPrivateAddress } from "./url-guard";

export interface WebhookWorkerOptions {
  /** WEBHOOK_INTERVAL_MS: how often the worker looks for due deliveries. */
  intervalMs: number;
  /** WEBHOOK_TIMEOUT_MS: a receiver that has not answered by then counts as a failed attempt. */
  timeoutMs: number;
  /** WEBHOOK_RETRY_BASE_MS: the first retry waits this long, each further one twice as long. */
  retryBaseMs: number;
  /** WEBHOOK_MAX_ATTEMPTS: after this many failed attempts the delivery is FAILED (Webhook.failedDeliveries). */
  maxAttempts: number;
  /** WEBHOOK_ALLOW_PRIVATE */
  allowPrivate: boolean;
  log?: { warn(obj: object, msg: string): void };
}

/** Deliveries claimed per round. */
const BATCH = 50;
/** Rounds per tick (each round can release the next delivery of the same plan). */
const ROUNDS = 20;

interface Claimed {
  id: number;
  webhook_id: number;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
}

/** The X-Signature value of a body: `sha256=` and the hex HMAC-SHA256 of the raw body with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Backoff before attempt `attempts + 1`: base, 2 x base, 4 x base, ... */
export const retryDelay = (retryBaseMs: number, attempts: number) => retryBaseMs * 2 ** Math.max(0, attempts - 1);

/**
 * The outbox's delivery worker (one per server process). Each round claims due deliveries with a lease
 * (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two processes never claim the same delivery), POSTs them,
 * and records the outcome. A delivery is only claimable when no earlier delivery of the same webhook and
 * order key (the plan) is still pending: per plan, events arrive in the order of their commits' outbox
 * rows. Failures are retried with exponential backoff; after WEBHOOK_MAX_ATTEMPTS the delivery is FAILED.
 * A process that dies mid-POST leaves a lease that expires: the delivery is POSTed again with the same
 * event id (at-least-once; receivers deduplicate by X-Webhook-Id).
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Finished ticks (tests wait on it). */
  ticks = 0;

  constructor(
    private readonly db: Database,
    private readonly opts: WebhookWorkerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((err) => this.opts.log?.warn({ err }, "webhook worker: tick failed"))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: deliver everything that is due (tests can call it directly). */
  async tick(): Promise<void> {
    for (let round = 0; round < ROUNDS && !this.stopped; round++) {
      const claimed = await this.claim();
      if (!claimed.length) break;
      await Promise.all(claimed.map((d) => this.deliver(d)));
    }
    this.ticks++;
  }

  private async claim(): Promise<Array<Claimed & { lease: number }>> {
    const pg = this.db.dialect === "postgres";
    const p = (n: number) => this.db.param(n);
    const now = Date.now();
    const lease = now + this.opts.timeoutMs + 30_000;
    // nothing due (the usual case): a plain read, no write transaction (SQLite has one writer)
    const due = await this.db.query(`SELECT 1 AS due FROM webhook_delivery WHERE status = 'PENDING' AND next_attempt_at <= ${p(1)} LIMIT 1`, [now]);
    if (!due.length) return [];
    return this.db.write(async (em) => {
      const rows = (await em.query(
        `UPDATE webhook_delivery SET lease_until = ${p(1)} WHERE id IN (
           SELECT d.id FROM webhook_delivery d
           WHERE d.status = 'PENDING' AND d.next_attempt_at <= ${p(2)} AND (d.lease_until IS NULL OR d.lease_until < ${p(3)})
             AND NOT EXISTS (SELECT 1 FROM webhook_delivery e
               WHERE e.webhook_id = d.webhook_id AND e.order_key = d.order_key AND e.status = 'PENDING' AND e.id < d.id)
           ORDER BY d.id LIMIT ${BATCH}${pg ? " FOR UPDATE SKIP LOCKED" : ""})
         RETURNING id, webhook_id, event_id, event_type, body, attempts`,
        [lease, now, now],
      )) as Array<Omit<Claimed, "url" | "secret">> | [Array<Omit<Claimed, "url" | "secret">>, number];
      // node-postgres' UPDATE ... RETURNING comes back as [rows, count] through TypeORM
      const list = (pg ? (rows as [Array<Omit<Claimed, "url" | "secret">>, number])[0] : rows) as Array<Omit<Claimed, "url" | "secret">>;
      if (!list.length) return [];
      const hookIds = [...new Set(list.map((r) => Number(r.webhook_id)))];
      const hooks = (await em.query(`SELECT id, url, secret FROM webhook WHERE id IN ${this.db.inList(hookIds.length)}`, hookIds)) as Array<{
        id: number;
        url: string;
        secret: string;
      }>;
      const byId = new Map(hooks.map((h) => [Number(h.id), h]));
      return list
        .filter((r) => byId.has(Number(r.webhook_id)))
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((r) => ({ ...r, id: Number(r.id), webhook_id: Number(r.webhook_id), attempts: Number(r.attempts), url: byId.get(Number(r.webhook_id))!.url, secret: byId.get(Number(r.webhook_id))!.secret, lease }));
    });
  }

  private async deliver(d: Claimed & { lease: number }): Promise<void> {
    let error: string | null = null;
    try {
      const status = await this.post(d);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message?.slice(0, 300) || "delivery failed";
    }
    const p = (n: number) => this.db.param(n);
    const attempts = d.attempts + 1;
    await this.db.write(async (em) => {
      if (error === null) {
        await em.query(`UPDATE webhook_delivery SET status = 'DELIVERED', attempts = ${p(1)}, lease_until = NULL, last_error = NULL WHERE id = ${p(2)} AND lease_until = ${p(3)}`, [
          attempts,
          d.id,
          d.lease,
        ]);
      } else if (attempts >= this.opts.maxAttempts) {
        await em.query(`UPDATE webhook_delivery SET status = 'FAILED', attempts = ${p(1)}, lease_until = NULL, last_error = ${p(2)} WHERE id = ${p(3)} AND lease_until = ${p(4)}`, [
          attempts,
          error,
          d.id,
          d.lease,
        ]);
        await em.query(`UPDATE webhook SET failed_deliveries = failed_deliveries + 1 WHERE id = ${p(1)}`, [d.webhook_id]);
      } else {
        const next = Date.now() + retryDelay(this.opts.retryBaseMs, attempts);
        await em.query(
          `UPDATE webhook_delivery SET attempts = ${p(1)}, next_attempt_at = ${p(2)}, lease_until = NULL, last_error = ${p(3)} WHERE id = ${p(4)} AND lease_until = ${p(5)}`,
          [attempts, next, error, d.id, d.lease],
        );
      }
    });
    if (error !== null) this.opts.log?.warn({ webhookDelivery: d.id, eventId: d.event_id, attempts, error }, "webhook delivery failed");
  }

  /** POSTs the body; resolves with the HTTP status, rejects on a network error, a refused address or the timeout. */
  private post(d: Claimed): Promise<number> {
    const url = new URL(d.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const body = Buffer.from(d.body, "utf8");
    // an address literal is connected to without a lookup: check it here
    const literal = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(literal) && !this.opts.allowPrivate && isPrivateAddress(literal)) {
      return Promise.reject(new Error(`${literal} is a private address: refused`));
    }
    return new Promise<number>((resolve, reject) => {
      const req = send(
        url,
        {
          method: "POST",
          lookup: guardedLookup(this.opts.allowPrivate) as never,
          headers: {
            "content-type": "application/json",
            "content-length": String(body.length),
            "user-agent": "account-planning-api-webhooks",
            "x-webhook-id": d.event_id,
            "x-webhook-event": d.event_type,
            "x-webhook-timestamp": String(Math.floor(Date.now() / 1000)),
            "x-signature": signature(d.secret, d.body),
          },
        },
        (res) => {
          res.resume(); // the answer's body is not read, only drained
          res.on("end", () => {
            clearTimeout(timer);
            resolve(res.statusCode ?? 0);
          });
          res.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      req.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end(body);
    });
  }
}
