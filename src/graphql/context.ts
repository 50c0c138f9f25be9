import { randomUUID } from "node:crypto";
import type { ListBudget } from "./limits";
import type { User } from "../db/entities";
import type { Loaders } from "../loaders/loaders";

/**
 * The application's services as resolvers see them (`ctx.services`). Empty here: src/services.ts
 * adds createServices' services to it (interface merging), so this layer imports no module.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by src/services.ts
export interface ContextServices {}

export interface Context {
  requestId: string;
  /** The caller. On an anonymous introspection-only request (see introspection-access.ts) reading it throws UNAUTHENTICATED. */
  user: User;
  loaders: Loaders;
  services: ContextServices;
  /** True for an anonymous introspection-only request: no token, no user. */
  anonymous?: boolean;
  /** List items this request may still resolve (set by the query limits' plugin). */
  budget?: ListBudget;
}

export const newRequestId = (): string => randomUUID();
