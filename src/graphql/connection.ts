import { type ClassType, Field, ObjectType } from "type-graphql";
import type { Page } from "../common/pagination";
import { PageInfo, pageInfoOf } from "./common-types";

/** One item of a connection page (`<Name>Edge`). */
export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * The base class of a Relay connection over `node` objects: declares `<name>Edge`
 * (cursor, node) and the `edges` and `pageInfo` fields. A module's connection extends it
 * and adds what its totalCount needs:
 *
 *   @ObjectType({ simpleResolvers: true })
 *   export class AccountConnection extends ConnectionType("Account", Account) { search: string | null }
 *
 * Descriptions of both types are in graphql/descriptions.ts, under their names.
 */
export function ConnectionType<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType implements Edge<T> {
    @Field(() => String)
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class Connection {
    @Field(() => [EdgeType])
    edges: Edge<T>[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return Connection;
}

/** A connection's edges and pageInfo from a page; `after`: the cursor the page was asked after. */
export function connectionOf<T>(page: Page<T>, after: string | null | undefined): { edges: Edge<T>[]; pageInfo: PageInfo } {
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] })),
    pageInfo: pageInfoOf(page, after),
  };
}
