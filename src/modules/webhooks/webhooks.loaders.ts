import type { LoaderKit } from "../../loaders/loaders";
import { Webhook } from "./webhook.entity";

/** The webhooks module's per-request loaders (node(id:) for a Webhook; composed by src/registry.ts). */
export function webhookLoaders(k: LoaderKit) {
  return {
    webhook: k.byIds(Webhook),
  };
}

export type WebhookLoaders = ReturnType<typeof webhookLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends WebhookLoaders {}
}
