import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchemaOf, printSortedSchema } from "./graphql/schema";
import { RESOLVERS } from "./registry";

let cached: GraphQLSchema | null = null;

/** The executable schema (built once per process) from every module's resolvers (src/registry.ts). */
export function buildAppSchema(): GraphQLSchema {
  cached ??= buildSchemaOf(RESOLVERS);
  return cached;
}

/** The SDL committed as schema.graphql. */
export function printAppSchema(): string {
  return printSortedSchema(buildAppSchema());
}
