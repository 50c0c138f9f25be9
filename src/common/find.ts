import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from "typeorm";
import { notFound } from "./errors";
import { type NodeType, parseId } from "./ids";

export interface FindOpts {
  /**
   * Read-modify-write: lock the row until the transaction ends (SELECT ... FOR UPDATE on
   * PostgreSQL, where other transactions run at the same time; SQLite's writes are already
   * serialised). The checks that follow then see the row as it is when this transaction
   * changes it, not as it was before a concurrent change committed: the same as a serial order.
   */
  forUpdate?: boolean;
}

/**
 * The find option that locks the rows read until the transaction ends, on PostgreSQL (other
 * write transactions run at the same time there; SQLite's are serialised and TypeORM has no
 * row locks for it). "update": SELECT ... FOR UPDATE, for read-modify-write. "keyShare":
 * SELECT ... FOR KEY SHARE, the row goes on existing (a delete waits) while updates of its
 * fields do not wait. Lock rows in the order a delete reaches them (a parent before the rows
 * that point at it), or transactions deadlock.
 */
export function rowLock(em: EntityManager, mode: "update" | "keyShare"): { lock?: { mode: "pessimistic_write" | "for_key_share" } } {
  if (em.connection.driver.options.type !== "postgres") return {};
  return { lock: { mode: mode === "update" ? "pessimistic_write" : "for_key_share" } };
}

/**
 * Loads a record by its GraphQL (global) id or throws NOT_FOUND, also for ids that cannot exist:
 * malformed, or the id of another type (`label` is the GraphQL type the id must be of).
 * A number is a database key (internal callers that follow a row's foreign key).
 */
export async function mustFind<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  rawId: string | number,
  label: NodeType,
  opts: FindOpts = {},
): Promise<T> {
  // a number is a database key from the server's own rows; a string is a GraphQL (global) id
  const id = typeof rawId === "number" ? rawId : parseId(rawId, label);
  const lock = opts.forUpdate ? rowLock(em, "update") : {};
  const row = id === null ? null : await em.findOne(entity, { where: { id } as unknown as FindOptionsWhere<T>, ...lock });
  if (!row) throw notFound(label, rawId);
  return row;
}

/** Like mustFind, for optional references: undefined/null pass through. */
export async function findOptional<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  rawId: string | number | null | undefined,
  label: NodeType,
): Promise<T | null> {
  if (rawId === null || rawId === undefined) return null;
  return mustFind(em, entity, rawId, label);
}
