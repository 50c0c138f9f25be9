import { Client, type ClientConfig, type Notification } from "pg";
import type { DataSource, EntityManager } from "typeorm";
import { afterCommit, type Database } from "../../db/data-source";

/** One committed change of a plan (one plan audit entry), as subscribers receive it. */
export interface PlanChangeEvent {
  /** The audit entry's id: increases with every change, the resume point after a lost connection. */
  auditId: number;
  planId: number;
  accountId: number;
  action: string;
  changedById: number;
  changedAt: Date;
}

/** The PostgreSQL channel the plan changes of every process go through. */
export const PLAN_CHANNEL = "apa_plan_changed";
/** application_name of the listening connection (pg_stat_activity shows it). */
export const LISTENER_APPLICATION_NAME = "apa-plan-events";
/** After a lost connection, audit entries this far below the last one seen are read again (a transaction can commit after a later one). */
const RESUME_WINDOW = 1_000;
/** Audit ids remembered as delivered, so a resume delivers nothing twice. */
const SEEN_LIMIT = 20_000;

/** SQLite: the bus of each database this process serves (changes are delivered in process, after the commit). */
const localBuses = new WeakMap<DataSource, PlanChangeBus>();

/**
 * Called by recordAudit (plan-audit.ts) inside the change's transaction. PostgreSQL: a NOTIFY, which
 * the server delivers to every listening process only when (and if) the transaction commits. SQLite:
 * an afterCommit callback to this process's bus. A rolled-back transaction delivers nothing either way.
 */
export async function publishPlanChange(em: EntityManager, e: Omit<PlanChangeEvent, "accountId">): Promise<void> {
  if (em.connection.options.type === "postgres") {
    const head = `${e.auditId}|${e.planId}|${e.changedById}|${e.changedAt.getTime()}|${e.action}|`;
    await em.query(`SELECT pg_notify('${PLAN_CHANNEL}', $1::text || account_id::text) FROM business_plan WHERE id = $2`, [head, e.planId]);
    return;
  }
  const ds = em.connection;
  afterCommit(em, () => localBuses.get(ds)?.committedLocally(e));
}

function parsePayload(payload: string | undefined): PlanChangeEvent | null {
  const parts = (payload ?? "").split("|");
  if (parts.length !== 6) return null;
  const [auditId, planId, changedById, at, action, accountId] = parts;
  return { auditId: Number(auditId), planId: Number(planId), changedById: Number(changedById), changedAt: new Date(Number(at)), action, accountId: Number(accountId) };
}

export interface PlanChangeBusOptions {
  /** First reconnection delay of the PostgreSQL listener; doubles per failure up to maxReconnectMs. */
  reconnectMs: number;
  maxReconnectMs: number;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

type Listener = (e: PlanChangeEvent) => void;

/**
 * The per-process fan-out of committed plan changes to the subscriptions of this process
 * (Subscription.planChanged). PostgreSQL: one dedicated connection LISTENs on PLAN_CHANNEL; it
 * reconnects with exponential backoff and then reads the audit entries it may have missed
 * (resume from the last audit id seen), so a database restart loses nothing. SQLite: in process.
 */
export class PlanChangeBus {
  private readonly listeners = new Map<number, Set<Listener>>();
  private readonly seen = new Set<number>();
  private lastSeen: number | null = null;
  private client: Client | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** SQLite: plan -> account (a plan never moves to another account). */
  private readonly accountOf = new Map<number, number>();
  private chain: Promise<void> = Promise.resolve();
  /** Resolves when the listener is connected (and caught up); tests and the bench wait for it. */
  connected = false;
  /** Connections made by the listener since start (the first one included). */
  connects = 0;

  private opts: PlanChangeBusOptions = { reconnectMs: 500, maxReconnectMs: 30_000 };

  constructor(private readonly db: Database) {}

  /** Subscribers in this process. */
  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  subscribe(accountId: number, fn: Listener): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size && this.listeners.get(accountId) === set) this.listeners.delete(accountId);
    };
  }

  async start(opts?: PlanChangeBusOptions): Promise<void> {
    if (!this.stopped) return;
    if (opts) this.opts = opts;
    this.stopped = false;
    if (this.db.dialect === "sqlite") {
      localBuses.set(this.db.dataSource, this);
      this.connected = true;
      return;
    }
    let ready!: () => void;
    const first = new Promise<void>((r) => (ready = r));
    this.loop = this.listenLoop(ready);
    await first;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    localBuses.delete(this.db.dataSource);
    this.wake?.();
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
    await this.loop;
  }

  /** SQLite: a committed change of this process. */
  committedLocally(e: Omit<PlanChangeEvent, "accountId">): void {
    if (!this.listeners.size) return;
    // in commit order, also when the plan's account must be read first
    this.chain = this.chain.then(async () => {
      let accountId = this.accountOf.get(e.planId);
      if (accountId === undefined) {
        const rows = await this.db.query<{ account_id: number }>("SELECT account_id FROM business_plan WHERE id = ?", [e.planId]);
        if (!rows.length) return;
        accountId = Number(rows[0].account_id);
        this.accountOf.set(e.planId, accountId);
      }
      this.dispatch({ ...e, accountId });
    }).catch(() => undefined);
  }

  private dispatch(e: PlanChangeEvent): void {
    if (this.seen.has(e.auditId)) return;
    this.seen.add(e.auditId);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value as number);
    if (this.lastSeen === null || e.auditId > this.lastSeen) this.lastSeen = e.auditId;
    for (const fn of [...(this.listeners.get(e.accountId) ?? [])]) {
      try {
        fn(e);
      } catch {
        // one subscriber's failure is not the others'
      }
    }
  }

  private async listenLoop(ready: () => void): Promise<void> {
    let delay = this.opts.reconnectMs;
    const opts = this.db.dataSource.options as { url?: string; ssl?: ClientConfig["ssl"] };
    while (!this.stopped) {
      const client = new Client({ connectionString: opts.url, ssl: opts.ssl, application_name: LISTENER_APPLICATION_NAME });
      const ended = new Promise<void>((resolve) => {
        client.on("error", () => resolve());
        client.on("end", () => resolve());
      });
      let buffered: PlanChangeEvent[] | null = [];
      client.on("notification", (m: Notification) => {
        const e = parsePayload(m.payload);
        if (!e) return;
        if (buffered) buffered.push(e);
        else this.dispatch(e);
      });
      try {
        this.client = client;
        await client.connect();
        this.connects++;
        await client.query(`LISTEN ${PLAN_CHANNEL}`);
        if (this.lastSeen === null) {
          const r = await client.query<{ max: number | null }>("SELECT max(id) AS max FROM plan_audit_entry");
          this.lastSeen = r.rows[0].max ?? 0;
        } else {
          // what was committed while no connection listened (and what a slow commit put below the last id seen)
          const r = await client.query<{ id: number; plan_id: number; account_id: number; changed_by_id: number; changed_at: Date; action: string }>(
            `SELECT a.id, a.plan_id, p.account_id, a.changed_by_id, a.changed_at, a.action
             FROM plan_audit_entry a JOIN business_plan p ON p.id = a.plan_id WHERE a.id > $1 ORDER BY a.id`,
            [Math.max(0, this.lastSeen - RESUME_WINDOW)],
          );
          for (const row of r.rows) {
            this.dispatch({ auditId: row.id, planId: row.plan_id, accountId: row.account_id, changedById: row.changed_by_id, changedAt: row.changed_at, action: row.action });
          }
          if (r.rows.length) this.opts.log?.info({ resumed: r.rows.length }, "plan events: resumed from the audit trail");
        }
        for (const e of buffered) this.dispatch(e);
        buffered = null;
        this.connected = true;
        delay = this.opts.reconnectMs;
        ready();
        await ended;
      } catch (err) {
        this.opts.log?.warn({ err }, "plan events: listener connection failed");
        ready(); // the server starts anyway; the loop keeps trying and resumes from the audit trail
      }
      this.connected = false;
      this.client = null;
      await client.end().catch(() => undefined);
      if (this.stopped) break;
      this.opts.log?.warn({ retryInMs: delay }, "plan events: listener connection lost; reconnecting");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
      delay = Math.min(delay * 2, this.opts.maxReconnectMs);
    }
    ready();
  }
}
