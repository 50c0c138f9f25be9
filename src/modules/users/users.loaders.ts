import type { LoaderKit } from "../../loaders/loaders";
import { User } from "./user.entity";

/** The users module's per-request loaders (composed by src/registry.ts). */
export function userLoaders(k: LoaderKit) {
  return {
    user: k.byIds(User),
  };
}

export type UserLoaders = ReturnType<typeof userLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends UserLoaders {}
}
