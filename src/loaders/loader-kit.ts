import DataLoader from "dataloader";
import type { ProjectionKey } from "./projection";

export interface LoaderOptions {
  /** false: one key per batch (the naive N+1 baseline, for benchmarks only). */
  batching: boolean;
  /** false: list loaders read every column (benchmark comparison only). */
  projections?: boolean;
}

function options<K, V>(o: LoaderOptions): DataLoader.Options<K, V, K> {
  return o.batching ? {} : { maxBatchSize: 1 };
}

/** One row (or null) per key; rows come back in key order through a map. */
export function oneLoader<V>(
  o: LoaderOptions,
  fetch: (keys: readonly number[]) => Promise<V[]>,
  keyOf: (row: V) => number,
): DataLoader<number, V | null> {
  return new DataLoader<number, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const map = new Map<number, V>();
    for (const r of rows) map.set(keyOf(r), r);
    return keys.map((k) => map.get(k) ?? null);
  }, options(o));
}

/** Many rows per key (`[]` for a key without rows), in the order the fetch returned them. */
export function manyLoader<V>(
  o: LoaderOptions,
  fetch: (keys: readonly number[]) => Promise<V[]>,
  keyOf: (row: V) => number,
): DataLoader<number, V[]> {
  return new DataLoader<number, V[]>(async (keys) => {
    const rows = await fetch(keys);
    const map = new Map<number, V[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const list = map.get(k);
      if (list) list.push(r);
      else map.set(k, [r]);
    }
    return keys.map((k) => map.get(k) ?? []);
  }, options(o));
}

/** A value computed per key (e.g. a rollup), batched. */
export function valueLoader<V, K extends number | string = number>(
  o: LoaderOptions,
  fetch: (keys: readonly K[]) => Promise<Map<K, V>>,
  fallback: (key: K) => V,
): DataLoader<K, V> {
  return new DataLoader<K, V>(async (keys) => {
    const map = await fetch(keys);
    return keys.map((k) => map.get(k) ?? fallback(k));
  }, options(o));
}

/**
 * Loaders for list fields that take arguments (status filters etc.): one
 * loader per distinct argument set, created on first use within the request.
 */
export function family<A, L>(make: (args: A) => L): (args: A) => L {
  const cache = new Map<string, L>();
  return (args: A) => {
    const key = JSON.stringify(args ?? null);
    let l = cache.get(key);
    if (!l) {
      l = make(args);
      cache.set(key, l);
    }
    return l;
  };
}

/**
 * Loaders whose rows carry only some columns (loaders/projection.ts), one DataLoader per argument set,
 * so every position of the query that lists the same relation with the same arguments shares batches
 * and cache, as without projections. Each load says which columns it needs (null: all); a batch reads
 * every column asked for so far in the request (`columnsFor(keys)` inside the fetch); a key read
 * earlier with fewer columns than a later load needs is read again.
 */
export function columnFamily<A, V>(
  make: (args: A, columnsFor: (keys: readonly number[]) => ProjectionKey) => DataLoader<number, V>,
): (args: A, need: ProjectionKey) => { load(key: number): Promise<V> } {
  const perArgs = family((args: A) => {
    /** Every column asked for so far; null once a load wanted all of them. */
    let union: Set<string> | null = new Set();
    /** The columns each key was read with (set when its batch starts). */
    const readWith = new Map<number, ReadonlySet<string> | null>();
    const columnsFor = (keys: readonly number[]): ProjectionKey => {
      const cols = union === null ? null : new Set(union);
      for (const k of keys) readWith.set(k, cols);
      return cols === null ? null : [...cols].sort().join(",");
    };
    const loader = make(args, columnsFor);
    const split = new Map<string, string[]>();
    return (key: number, need: ProjectionKey): Promise<V> => {
      let cols: string[] | null = null;
      if (need !== null) {
        cols = split.get(need) ?? need.split(",");
        split.set(need, cols);
      }
      const had = readWith.get(key);
      if (had !== undefined && had !== null && (cols === null || !cols.every((c) => had.has(c)))) {
        loader.clear(key);
        readWith.delete(key);
      }
      if (union !== null) {
        if (cols === null) union = null;
        else for (const c of cols) union.add(c);
      }
      return loader.load(key);
    };
  });
  return (args, need) => {
    const load = perArgs(args);
    return { load: (key: number) => load(key, need) };
  };
}

/** Many values per key where the fetch returns (key, value) pairs, e.g. through a link table. */
export function pairLoader<V>(
  o: LoaderOptions,
  fetch: (keys: readonly number[]) => Promise<Array<[number, V]>>,
): DataLoader<number, V[]> {
  return new DataLoader<number, V[]>(async (keys) => {
    const pairs = await fetch(keys);
    const map = new Map<number, V[]>();
    for (const [k, v] of pairs) {
      const list = map.get(k);
      if (list) list.push(v);
      else map.set(k, [v]);
    }
    return keys.map((k) => map.get(k) ?? []);
  }, options(o));
}
