import type DataLoader from "dataloader";
import type { GraphQLResolveInfo } from "graphql";
import type { ObjectLiteral } from "typeorm";
import type { Database } from "../db/data-source";
import { columnFamily, type LoaderOptions, manyLoader, oneLoader } from "./loader-kit";
import { type ProjectionKey, projector } from "./projection";
import { type RawTable, rawTable } from "./raw-rows";

/**
 * All DataLoaders of one request (`ctx.loaders`). Empty here: each module adds
 * its own loaders to this interface in its `<name>.loaders.ts` (interface
 * merging: `declare module "../../loaders/loaders" { interface Loaders extends
 * PlanLoaders {} }`), and the composition root (src/registry.ts) lists the
 * module factories that createLoaders runs. So this folder never imports a
 * module, and a resolver sees every module's loaders with their types.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules (see above)
export interface Loaders {}

/** `"t"."id" ASC`: the order of by-id reads and of most lists (alias "t", see raw-rows.ts). */
export const SQL_BY_ID = `"t"."id" ASC`;

/** What a module's loader factory gets: the request's database access and the generic loader builders. */
export interface LoaderKit {
  db: Database;
  o: LoaderOptions;
  /** asOf of the live figures this request answers. */
  requestTime: Date;
  /** Rows of an entity through RawTable (one SELECT, no TypeORM hydration; see raw-rows.ts). */
  raw<T extends ObjectLiteral>(entity: new () => T): RawTable<T>;
  /** One row per id, in one statement per batch. */
  byIds<T extends ObjectLiteral & { id: number }>(entity: new () => T): DataLoader<number, T | null>;
  /**
   * A list loader that reads only the columns the selections asking for it need (loaders/projection.ts,
   * loader-kit.ts columnFamily): one DataLoader per argument set, shared by every position of the query
   * that lists this relation. Without `info`, every column.
   */
  projected<A, T extends ObjectLiteral>(
    entity: new () => T,
    keyProp: string | null,
    make: (args: A, columnsFor: (keys: readonly number[]) => ProjectionKey) => DataLoader<number, T[]>,
  ): (args: A, info?: GraphQLResolveInfo) => { load(key: number): Promise<T[]> };
  /** The rows whose `column` (database name) is one of the keys, in `orderBy` order (default by id), grouped by `keyOf`. */
  byColumn<T extends ObjectLiteral>(entity: new () => T, column: string, keyOf: (row: T) => number | null, orderBy?: string): DataLoader<number, T[]>;
  /** ` "t"."col" IN (...)` with parameters from number `start` on (an `extra` condition of RawTable.whereIn). */
  inFilter(column: string, values: readonly unknown[]): (start: number) => { sql: string; params: unknown[] };
}

/** A module's loaders: called once per request with the kit. */
export type LoaderFactory = (kit: LoaderKit) => object;

export function loaderKit(db: Database, o: LoaderOptions): LoaderKit {
  const raw = <T extends ObjectLiteral>(entity: new () => T) => rawTable(db, entity);
  return {
    db,
    o,
    requestTime: new Date(),
    raw,
    byIds: <T extends ObjectLiteral & { id: number }>(entity: new () => T) =>
      oneLoader<T>(o, (ids) => raw(entity).whereIn("id", ids, SQL_BY_ID), (r) => r.id),
    byColumn: <T extends ObjectLiteral>(entity: new () => T, column: string, keyOf: (row: T) => number | null, orderBy = SQL_BY_ID) =>
      manyLoader<T>(o, (ids) => raw(entity).whereIn(column, ids, orderBy), (r) => keyOf(r) ?? 0),
    projected: <A, T extends ObjectLiteral>(
      entity: new () => T,
      keyProp: string | null,
      make: (args: A, columnsFor: (keys: readonly number[]) => ProjectionKey) => DataLoader<number, T[]>,
    ) => {
      const loaders = columnFamily(make);
      const projectionOf = projector(raw(entity).columns, keyProp ? ["id", keyProp] : ["id"]);
      return (args: A, info?: GraphQLResolveInfo) => loaders(args, info && o.projections !== false ? projectionOf(info) : null);
    },
    inFilter: (column, values) => (start) => ({
      sql: `"t"."${column}" IN ${db.inList(values.length, start)}`,
      params: [...values],
    }),
  };
}

/**
 * All DataLoaders of one request, from every module's factory (the list is in
 * src/registry.ts). Built by the context function for every request and never
 * shared: field resolvers only call `ctx.loaders.x.load(id)`.
 */
export function createLoaders(db: Database, o: LoaderOptions, factories: readonly LoaderFactory[]): Loaders {
  const kit = loaderKit(db, o);
  const all: Record<string, unknown> = {};
  for (const make of factories) {
    for (const [name, loader] of Object.entries(make(kit))) {
      if (name in all) throw new Error(`Two modules define the loader "${name}"`);
      all[name] = loader;
    }
  }
  return all as unknown as Loaders;
}
