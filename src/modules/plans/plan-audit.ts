import type { EntityManager } from "typeorm";
import { type NodeType, toGlobalId } from "../../common/ids";
import { type Cents, formatCents } from "../../common/money";
import { enqueueEvent, planEventOf } from "../webhooks/webhook-events";
import { PlanAuditEntry } from "./plan-audit-entry.entity";
import { publishPlanChange } from "./plan-changes";

export interface Change {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

type Value = string | number | bigint | boolean | Date | null | undefined;

const show = (v: Value): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return formatCents(v as Cents);
  if (v instanceof Date) return v.toISOString();
  return String(v);
};

/** A reference as the audit trail shows it: the global id clients know (null stays null). */
export const ref = (type: NodeType, id: number | null | undefined): string | null => (id == null ? null : toGlobalId(type, id));

/**
 * The changed fields between two records, as audit changes. `refs` names the fields that hold
 * references and the type they point at: their values are shown as global ids.
 */
export function diff<T extends object>(
  before: Partial<T>,
  after: Partial<T>,
  fields: Array<keyof T & string>,
  refs: Readonly<Partial<Record<string, NodeType>>> = {},
): Change[] {
  const out: Change[] = [];
  const value = (rec: Partial<T>, f: keyof T & string): string | null => {
    const v = (rec as Record<string, unknown>)[f] as Value;
    const type = refs[f];
    return type && typeof v === "number" ? ref(type, v) : show(v);
  };
  for (const f of fields) {
    const a = value(before, f);
    const b = value(after, f);
    if (a !== b) out.push({ field: f, oldValue: a, newValue: b });
  }
  return out;
}

export const change = (field: string, oldValue: Value, newValue: Value): Change => ({
  field,
  oldValue: show(oldValue),
  newValue: show(newValue),
});

/**
 * Appends an audit entry in the caller's transaction. The audit trail is the one source of plan
 * events: the same transaction publishes the change to Subscription.planChanged (plan-changes.ts:
 * delivered after the commit, never for a rollback) and writes the webhook event to the outbox
 * (webhooks/webhook-events.ts).
 */
export async function recordAudit(
  em: EntityManager,
  planId: number,
  actorId: number,
  action: string,
  changes: Change[],
  at = new Date(),
): Promise<void> {
  const res = await em.insert(PlanAuditEntry, { planId, changedById: actorId, changedAt: at, action, changesJson: JSON.stringify(changes) });
  const auditId = Number(res.identifiers[0].id);
  await publishPlanChange(em, { auditId, planId, action, changedById: actorId, changedAt: at });
  await enqueueEvent(
    em,
    planEventOf(action),
    `BusinessPlan:${planId}`,
    { plan: { id: toGlobalId("BusinessPlan", planId) }, action, changedBy: { id: toGlobalId("User", actorId) }, changedAt: at.toISOString(), changes },
    at,
  );
}
