import { badInput } from "./errors";
import { DEFAULT_PAGE, MAX_PAGE } from "./limits";

/** Validates `first` (or `last`, named by `field`): default 50, at most 500, never negative. */
export function pageSize(first: number | null | undefined, field = "first"): number {
  if (first === null || first === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0) throw badInput(field, "must be a non-negative integer");
  if (first > MAX_PAGE) throw badInput(field, `must be at most ${MAX_PAGE}`);
  return first;
}

/** Description of the optional `first` of a nested (unpaginated) list. */
export const NESTED_FIRST_DESCRIPTION = `At most this many, in the list's order (0 to ${MAX_PAGE}); all of them when left out (the query's size estimate then assumes a typical number).`;

/**
 * The optional `first` of a nested list: validated like a page size (BAD_USER_INPUT
 * when negative or above 500), applied to the loaded list; null keeps the whole list.
 */
export function nestedFirst(first: number | null | undefined): <T>(items: T[]) => T[] {
  const n = nestedLimit(first);
  if (n === null) return (items) => items;
  return (items) => (items.length > n ? items.slice(0, n) : items);
}

/** How many items a nested list's `first` keeps: null (all) when left out; validated like a page size. */
export function nestedLimit(first: unknown): number | null {
  return first === null || first === undefined ? null : pageSize(first as number);
}

/** Opaque cursors: base64url of a JSON array of the sort key values. */
export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(
  cursor: string | null | undefined,
  shape: Array<"string" | "number">,
  field = "after",
): Array<string | number> | null {
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
    throw badInput(field, "is not a cursor returned by this API");
  }
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  /**
   * Whether items come before this page. Paging forward (first/after) it is not computed (Relay
   * allows that): pageInfoOf then answers whether `after` was given.
   */
  hasPreviousPage?: boolean;
}

/** The arguments of a connection that pages both ways (Relay): first/after forward, last/before backward. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Direction, size and cursor of a page request; mixing first/after with last/before is BAD_USER_INPUT. */
export function pageRequest(
  args: PageArgs,
  shape: Array<"string" | "number">,
): { backward: boolean; size: number; cursor: Array<string | number> | null } {
  const backward = args.last != null || args.before != null;
  if (backward && (args.first != null || args.after != null)) {
    throw badInput(args.last != null ? "last" : "before", "page with first/after or with last/before, not both");
  }
  return backward
    ? { backward, size: pageSize(args.last, "last"), cursor: decodeCursor(args.before, shape, "before") }
    : { backward, size: pageSize(args.first, "first"), cursor: decodeCursor(args.after, shape, "after") };
}
