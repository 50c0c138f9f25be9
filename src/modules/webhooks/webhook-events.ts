import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { toGlobalId } from "../../common/ids";
import { type Cents, formatCents } from "../../common/money";

/**
 * The events a webhook can subscribe to (docs/api.md, "Webhooks"). Plan events come from the plan
 * audit trail (plan-audit.ts: every audited change is one event), so they cannot disagree with it.
 */
export const WEBHOOK_EVENTS = [
  "plan.created",
  "plan.updated",
  "plan.status_changed",
  "opportunity.won",
  "activity.completed",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The webhook event of a plan audit action: CREATED, STATUS_CHANGED, and every other change is plan.updated. */
export function planEventOf(action: string): WebhookEvent {
  return action === "CREATED" ? "plan.created" : action === "STATUS_CHANGED" ? "plan.status_changed" : "plan.updated";
}

const isPostgres = (em: EntityManager) => em.connection.options.type === "postgres";

/**
 * Writes an event to the outbox in the caller's transaction: one PENDING delivery per webhook that
 * subscribes to `type`, all in one INSERT ... SELECT (no row, and nothing else, without webhooks).
 * Committed with the change or rolled back with it. `orderKey`: deliveries with the same key and
 * webhook are POSTed in this order ("BusinessPlan:<id>" for plan events).
 */
export async function enqueueEvent(em: EntityManager, type: WebhookEvent, orderKey: string, data: Record<string, unknown>, at = new Date()): Promise<void> {
  const id = randomUUID();
  const body = JSON.stringify({ id, type, createdAt: at.toISOString(), data });
  const now = at.getTime();
  const pg = isPostgres(em);
  const p = (n: number, cast = "") => (pg ? `$${n}${cast}` : "?");
  await em.query(
    `INSERT INTO webhook_delivery (webhook_id, event_id, event_type, order_key, body, status, attempts, next_attempt_at, created_at)
     SELECT w.id, ${p(1, "::varchar")}, ${p(2, "::varchar")}, ${p(3, "::varchar")}, ${p(4, "::text")}, 'PENDING', 0, ${p(5, "::bigint")}, ${p(6, "::bigint")}
     FROM webhook w WHERE w.event_filter = '' OR w.event_filter LIKE ${p(7)}`,
    [id, type, orderKey, body, now, now, `%,${type},%`],
  );
}

/** opportunity.won, in the transaction that made the opportunity WON. */
export function opportunityWon(em: EntityManager, actor: { id: number }, o: { id: number; accountId: number; revenue: bigint; name: string }): Promise<void> {
  return enqueueEvent(em, "opportunity.won", `Opportunity:${o.id}`, {
    opportunity: { id: toGlobalId("Opportunity", o.id), name: o.name, revenue: formatCents(o.revenue as Cents), account: { id: toGlobalId("Account", o.accountId) } },
    changedBy: { id: toGlobalId("User", actor.id) },
  });
}

/** activity.completed, in the transaction that completed the activity. */
export function activityCompleted(em: EntityManager, actor: { id: number }, a: { id: number; accountId: number; planId: number | null; subject: string }): Promise<void> {
  return enqueueEvent(em, "activity.completed", `Activity:${a.id}`, {
    activity: {
      id: toGlobalId("Activity", a.id),
      subject: a.subject,
      account: { id: toGlobalId("Account", a.accountId) },
      plan: a.planId == null ? null : { id: toGlobalId("BusinessPlan", a.planId) },
    },
    changedBy: { id: toGlobalId("User", actor.id) },
  });
}
