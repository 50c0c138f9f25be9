import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import { applyDescriptions } from "./descriptions";
import { countListItems } from "./limits";
import { installGlobalIds, NodeResolver } from "./node";
import { DateScalar, DateTimeScalar } from "./scalars";

/**
 * The executable schema of the given module resolvers (src/registry.ts RESOLVERS) plus the
 * Node resolver: type-graphql build, list-size accounting, global ids and descriptions.
 * The application's schema is src/schema.ts buildAppSchema (built once per process).
 */
// biome-ignore lint/complexity/noBannedTypes: type-graphql's own resolver list type
export function buildSchemaOf(resolvers: readonly Function[]): GraphQLSchema {
  const schema = countListItems(
    buildSchemaSync({
      resolvers: [NodeResolver, ...resolvers],
      // type-graphql asks for a PubSub when a schema has subscriptions; Subscription.planChanged brings
      // its own source stream (subscribe), so topics are never used (src/http/subscriptions.ts).
      pubSub: {
        publish: () => undefined,
        subscribe: () => {
          throw new Error("topics are not used");
        },
      },
      scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
      validate: { forbidUnknownValues: false, stopAtFirstError: false },
      emitSchemaFile: false,
    }),
  );
  installGlobalIds(schema);
  applyDescriptions(schema);
  void DateScalar;
  return schema;
}

/** A schema's SDL as committed in schema.graphql (types sorted). */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
