import type { EntityManager } from "typeorm";
import { type Cents, formatCents } from "../../common/money";
import { PlanAuditEntry } from "./plan-audit-entry.entity";

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

/** The changed fields between two records, as audit changes. */
export function diff<T extends object>(before: Partial<T>, after: Partial<T>, fields: Array<keyof T & string>): Change[] {
  const out: Change[] = [];
  for (const f of fields) {
    const a = show((before as Record<string, unknown>)[f] as Value);
    const b = show((after as Record<string, unknown>)[f] as Value);
    if (a !== b) out.push({ field: f, oldValue: a, newValue: b });
  }
  return out;
}

export const change = (field: string, oldValue: Value, newValue: Value): Change => ({
  field,
  oldValue: show(oldValue),
  newValue: show(newValue),
});

/** Appends an audit entry in the caller's transaction. */
export async function recordAudit(
  em: EntityManager,
  planId: number,
  actorId: number,
  action: string,
  changes: Change[],
  at = new Date(),
): Promise<void> {
  await em.insert(PlanAuditEntry, { planId, changedById: actorId, changedAt: at, action, changesJson: JSON.stringify(changes) });
}
