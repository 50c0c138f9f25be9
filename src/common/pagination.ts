import { badInput } from "./errors";

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** Validates `first`: default 50, at most 500, never negative. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0) throw badInput("first", "must be a non-negative integer");
  if (first > MAX_PAGE) throw badInput("first", `must be at most ${MAX_PAGE}`);
  return first;
}

/** Description of the optional `first` of a nested (unpaginated) list. */
export const NESTED_FIRST_DESCRIPTION = `At most this many, in the list's order (0 to ${MAX_PAGE}); all of them when left out (the query's size estimate then assumes a typical number).`;

/**
 * The optional `first` of a nested list: validated like a page size (BAD_USER_INPUT
 * when negative or above 500), applied to the loaded list; null keeps the whole list.
 */
export function nestedFirst(first: number | null | undefined): <T>(items: T[]) => T[] {
  if (first === null || first === undefined) return (items) => items;
  const n = pageSize(first);
  return (items) => (items.length > n ? items.slice(0, n) : items);
}

/** Opaque cursors: base64url of a JSON array of the sort key values. */
export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined, shape: Array<"string" | "number">): Array<string | number> | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    if (cursor.length > 1000) throw new Error("too long");
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== shape.length) throw new Error("shape");
    v.forEach((x, i) => {
      if (typeof x !== shape[i]) throw new Error("type");
      // numbers in cursors are ids: a forged float or out-of-range value would reach SQL otherwise
      if (typeof x === "number" && !(Number.isInteger(x) && x >= 0 && x <= 2_147_483_647)) throw new Error("range");
    });
    return v;
  } catch {
    throw badInput("after", "is not a cursor returned by this API");
  }
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
}
