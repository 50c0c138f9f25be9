import type { LoaderKit } from "../../loaders/loaders";
import { Account } from "./account.entity";

/** The accounts module's per-request loaders (composed by src/registry.ts). */
export function accountLoaders(k: LoaderKit) {
  return {
    account: k.byIds(Account),
  };
}

export type AccountLoaders = ReturnType<typeof accountLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends AccountLoaders {}
}
