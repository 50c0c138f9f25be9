import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request values that code outside the GraphQL context needs (the error formatter, logs). */
export interface RequestScope {
  requestId: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
export const currentRequestId = (): string | undefined => requestScope.getStore()?.requestId;
