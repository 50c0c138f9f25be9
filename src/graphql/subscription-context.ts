import type { Context } from "./context";

/**
 * What a subscription's context adds to a request's (src/http/subscriptions.ts builds it): loaders
 * renewed for every event (each event is answered like a new request: nothing read for an earlier
 * one is served again) and the per-user cap on open subscriptions.
 */
export interface SubscriptionContext extends Context {
  renewLoaders(): void;
  /** Takes one of the user's subscription slots; returns its release, or null when the cap is reached. */
  takeSlot(): (() => void) | null;
  subscriptionsPerUser: number;
}
