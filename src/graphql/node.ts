import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { isInterfaceType, isObjectType } from "graphql";
import { Arg, Ctx, Field, ID, InterfaceType, Query, Resolver } from "type-graphql";
import { Role } from "../common/enums";
import { badInput } from "../common/errors";
import { MAX_NODES } from "../common/limits";
import { fromGlobalId, NODE_TYPES, type NodeType, toGlobalId } from "../common/ids";
import type { Loaders } from "../loaders/loaders";
import type { Context } from "./context";


/** The type of each object node/nodes answered (the loaders' rows carry no GraphQL type). */
const typeOfNode = new WeakMap<object, NodeType>();

/**
 * Relay's Node interface (global object identification). Every entity type implements it
 * (`@ObjectType({ implements: Node })`) and is listed in NODE_TYPES (src/common/ids.ts).
 */
@InterfaceType({
  description:
    "An object with a global id (Relay's global object identification): the id is opaque, unique across all types, and can be passed to `node(id:)` or `nodes(ids:)` to fetch the object again.",
})
export abstract class Node {
  @Field(() => ID, { description: "The object's global id: opaque and unique across all types. Never build or parse it; store it and send it back as it is." })
  id: string;
}

/** The per-request loader that reads objects of each node type by key (one statement per type and batch). */
const NODE_LOADERS: { [T in NodeType]: (l: Loaders) => { load(id: number): Promise<object | null> } } = {
  Account: (l) => l.account,
  Activity: (l) => l.activity,
  BusinessPlan: (l) => l.plan,
  Contact: (l) => l.contact,
  Note: (l) => l.note,
  Objective: (l) => l.objective,
  Opportunity: (l) => l.opportunity,
  Period: (l) => l.period,
  User: (l) => l.user,
  Webhook: (l) => l.webhook,
};

/** The object behind a global id, through the request's loaders; null for an id that does not exist. */
export async function resolveNode(ctx: Context, rawId: string): Promise<object | null> {
  const g = fromGlobalId(rawId);
  if (!g) return null;
  // webhooks (URLs, failure counts) are ADMIN-only, like Query.webhooks
  if (g.type === "Webhook" && ctx.user.role !== Role.ADMIN) return null;
  const row = await NODE_LOADERS[g.type](ctx.loaders).load(g.id);
  if (row) typeOfNode.set(row, g.type);
  return row;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: "Any object by its global id (the `id` of any type that implements Node); null when no object has that id, including a malformed id.",
  })
  node(@Arg("id", () => ID, { description: "A global id, as the API served it." }) id: string, @Ctx() ctx: Context): Promise<object | null> {
    return resolveNode(ctx, id);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: `At most ${MAX_NODES} ids; null for an id that does not exist. In the order of \`ids\`; the objects are read with one statement per type.`,
    complexity: ({ args, childComplexity }) => 1 + (Array.isArray(args.ids) ? Math.min(args.ids.length, MAX_NODES) : 1) * Math.max(childComplexity, 1),
  })
  nodes(
    @Arg("ids", () => [ID], { description: `Global ids, at most ${MAX_NODES}; they may be of different types and may repeat.` }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<Array<object | null>> {
    if (ids.length > MAX_NODES) throw badInput("ids", `at most ${MAX_NODES} ids`);
    return Promise.all(ids.map((id) => resolveNode(ctx, id)));
  }
}

/**
 * Serves every node type's `id` as its global id: the one place where database keys become
 * GraphQL ids (the entities keep their integer `id`), and resolves Node to the type node/nodes
 * read. Called once on the built schema.
 */
export function installGlobalIds(schema: GraphQLSchema): void {
  const node = schema.getType("Node");
  if (!isInterfaceType(node)) throw new Error("the schema has no Node interface");
  // synchronous (type-graphql's own resolveType is async, which graphql-jit does not await)
  node.resolveType = (value: unknown) => (typeof value === "object" && value !== null ? typeOfNode.get(value) : undefined);
  for (const name of NODE_TYPES) {
    const type = schema.getType(name);
    if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === "Node")) {
      throw new Error(`${name} is listed in NODE_TYPES but does not implement Node`);
    }
    type.getFields().id.resolve = (source: { id: number }) => toGlobalId(name, source.id);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node") && !(NODE_TYPES as readonly string[]).includes(type.name)) {
      throw new Error(`${type.name} implements Node but is not listed in NODE_TYPES (src/common/ids.ts)`);
    }
  }
}
