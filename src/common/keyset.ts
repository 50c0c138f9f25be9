import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { badInput } from "./errors";
import type { Page } from "./pagination";

/**
 * Keyset pagination under a chosen sort order, the same on SQLite and PostgreSQL.
 *
 * The list is ordered by one sort key, then by id in the same direction (the tie-break that makes
 * the order total, so a cursor points between two rows exactly). A nullable key puts its nulls last
 * in either direction; those rows come in id order (same direction). A page is read in at most two
 * statements: the rows with a key (`(key, id) > (:v, :id)`, a range of the (key, id)
 * index), then, when the page is not full yet, the rows without one (`key IS NULL AND id > :id`).
 *
 * Cursors are opaque: base64url of the JSON array [order name, key value or null, id]. A cursor of
 * another order, a tampered one or one of another shape is BAD_USER_INPUT.
 */
export type KeyKind = "text" | "date" | "timestamp" | "cents" | "id";

export interface KeysetOrder {
  /** The order's name (the GraphQL enum value): part of every cursor. */
  name: string;
  /** SQL expression of the sort key, quoted, e.g. `"o"."close_date"`. */
  key: string;
  /** What the key holds: how a cursor's key is checked before it reaches SQL. */
  kind: KeyKind;
  dir: "ASC" | "DESC";
  nullable: boolean;
  /** SQL expression of the row's id (the tie-break), quoted, e.g. `"o"."id"`. */
  id: string;
}

const MAX_CURSOR = 1000;

/**
 * A key in a cursor is the database's own text of the value (`CAST(key AS TEXT)`), and goes back as
 * a parameter compared with the column: exact on both dialects (PostgreSQL timestamps keep their
 * microseconds, SQLite compares its stored text), whatever JavaScript would round.
 */
const KEY_SHAPES: Record<KeyKind, RegExp> = {
  text: /^[\s\S]{0,400}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/,
  cents: /^-?\d{1,16}$/,
  id: /^\d{1,10}$/,
};

export function encodeKeysetCursor(order: string, key: string | null, id: number): string {
  return Buffer.from(JSON.stringify([order, key, id]), "utf8").toString("base64url");
}

/** The decoded cursor, or BAD_USER_INPUT naming `field`. */
export function decodeKeysetCursor(cursor: string | null | undefined, order: KeysetOrder, field = "after"): { key: string | null; id: number } | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    if (cursor.length > MAX_CURSOR) throw new Error("too long");
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 3) throw new Error("shape");
    const [name, key, id] = v as unknown[];
    if (name !== order.name) throw new Error("another order");
    if (!(typeof id === "number" && Number.isInteger(id) && id >= 0 && id <= 2_147_483_647)) throw new Error("id");
    if (key === null) {
      if (!order.nullable) throw new Error("null key");
      return { key: null, id };
    }
    if (typeof key !== "string" || !KEY_SHAPES[order.kind].test(key)) throw new Error("key");
    if (order.kind === "cents" && !Number.isSafeInteger(Number(key))) throw new Error("cents");
    return { key, id };
  } catch {
    throw badInput(field, `is not a cursor returned by this API for this order (${order.name})`);
  }
}

/**
 * One page after `after` (a cursor of this order), `size` rows. `base()` builds the filtered query
 * (a fresh builder each call). At most two statements (see above).
 */
export async function keysetPage<E extends ObjectLiteral>(
  base: () => SelectQueryBuilder<E>,
  order: KeysetOrder,
  size: number,
  after: string | null | undefined,
): Promise<Page<E>> {
  const cursor = decodeKeysetCursor(after, order);
  const cmp = order.dir === "ASC" ? ">" : "<";
  const want = size + 1;
  const rows: Array<{ row: E; key: string | null }> = [];
  const read = async (qb: SelectQueryBuilder<E>, keyed: boolean, limit: number) => {
    if (keyed) qb.addSelect(`CAST(${order.key} AS TEXT)`, "ks_key");
    const { entities, raw } = await qb.limit(limit).getRawAndEntities();
    const keys = new Map<number, string | null>(raw.map((r: Record<string, unknown>) => [Number(r[`${qb.alias}_id`]), keyed ? String(r.ks_key) : null]));
    for (const e of entities) rows.push({ row: e, key: keys.get((e as unknown as { id: number }).id) ?? null });
  };
  // 1. rows with a key (skipped when the cursor is already among the rows without one)
  if (cursor === null || cursor.key !== null) {
    const qb = base();
    if (order.nullable) qb.andWhere(`${order.key} IS NOT NULL`);
    // a row-value comparison: one range condition on the (key, id) index on both dialects, so a deep page
    // starts where the cursor points instead of filtering its way there
    if (cursor) qb.andWhere(`(${order.key}, ${order.id}) ${cmp} (:ksKey, :ksId)`, { ksKey: cursor.key, ksId: cursor.id });
    await read(qb.orderBy(order.key, order.dir).addOrderBy(order.id, order.dir), true, want);
  }
  // 2. rows without a key, after those with one
  if (order.nullable && rows.length < want) {
    const qb = base().andWhere(`${order.key} IS NULL`);
    if (cursor && cursor.key === null) qb.andWhere(`${order.id} ${cmp} :ksId`, { ksId: cursor.id });
    await read(qb.orderBy(order.id, order.dir), false, want - rows.length);
  }
  const page = rows.slice(0, size);
  return {
    nodes: page.map((r) => r.row),
    cursors: page.map((r) => encodeKeysetCursor(order.name, r.key, (r.row as unknown as { id: number }).id)),
    hasNextPage: rows.length > size,
  };
}

/** Escapes LIKE wildcards so that a search for "50%" finds "50%": a pattern for `LOWER(col) LIKE :p ESCAPE '\'`. */
export function containsPattern(s: string): string {
  return `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

