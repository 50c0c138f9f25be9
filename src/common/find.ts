import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from "typeorm";
import { notFound } from "./errors";
import { parseId } from "./ids";

/** Loads a record by its GraphQL id or throws NOT_FOUND (also for ids that cannot exist). */
export async function mustFind<T extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<T>,
  rawId: string | number,
  label: string,
): Promise<T> {
  const id = parseId(rawId);
  const row = id === null ? null : await em.findOne(entity, { where: { id } as unknown as FindOptionsWhere<T> });
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
