import { randomUUID } from "node:crypto";
import type { ListBudget } from "./limits";
import type { User } from "../modules/users/user.entity";
import type { Loaders } from "../loaders/loaders";
import type { Services } from "../services";

export interface Context {
  requestId: string;
  /** The caller. On an anonymous introspection-only request (see introspection-access.ts) reading it throws UNAUTHENTICATED. */
  user: User;
  loaders: Loaders;
  services: Services;
  /** True for an anonymous introspection-only request: no token, no user. */
  anonymous?: boolean;
  /** List items this request may still resolve (set by the query limits' plugin). */
  budget?: ListBudget;
}

export const newRequestId = (): string => randomUUID();
