import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from "typeorm";
import { notFound } from "./errors";
import { parseId } from "./ids";

export interface FindOpts {
  /**
   * Read-modify-write: lock the row until the transaction ends (SELECT ... FOR UPDATE on
   * PostgreSQL, where other transactions run at the same time; SQLite's writes are already
   * serialised). The checks that follow then see the row as it is when this transaction
   * changes it, not as it was before a concurrent change committed: the same as a serial order.
   */
  forUpdate?: boolean;
  /**
   * The row must go on existing until the transaction ends (SELECT ... FOR KEY SHARE on PostgreSQL:
   * a concurrent delete waits, updates of its fields do not). Lock rows in the order a delete
   * reaches them (parent before the rows pointing at it), or transactions deadlock.
   */
  keyShare?: boolean;
}

/** Loads a record by its GraphQL id or throws NOT_FOUND (also for ids that cannot exist). */
export async function mustFind<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  rawId: string | number,
  label: string,
  opts: FindOpts = {},
): Promise<T> {
  const id = parseId(rawId);
  const mode = opts.forUpdate ? ("pessimistic_write" as const) : opts.keyShare ? ("for_key_share" as const) : null;
  const lock = mode && em.connection.driver.options.type === "postgres" ? { mode } : undefined;
  const row = id === null ? null : await em.findOne(entity, { where: { id } as unknown as FindOptionsWhere<T>, ...(lock ? { lock } : {}) });
  if (!row) throw notFound(label, rawId);
  return row;
}

/** Like mustFind, for optional references: undefined/null pass through. */
export async function findOptional<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  rawId: string | number | null | undefined,
  label: string,
): Promise<T | null> {
  if (rawId === null || rawId === undefined) return null;
  return mustFind(em, entity, rawId, label);
}
