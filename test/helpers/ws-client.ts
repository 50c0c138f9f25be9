/**
 * A graphql-ws client for tests (Subscription.planChanged over WebSocket on /graphql), with a queue
 * per subscription: `next()` waits for the next result (the bound is only a failure bound).
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface Ended {
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
  code?: number;
  completed?: boolean;
}

export interface Received {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

export interface TestSubscription {
  /** The next result, in arrival order (rejects with the error/close reason, or after `ms`). */
  next(ms?: number): Promise<Received>;
  /** Results received and not yet taken. */
  pending(): number;
  /**
   * Resolves when the subscription ends: `errors` from an error message (or from a last result with
   * errors and no data, as graphql-ws sends a refusal of the source stream), `code` for a closed socket.
   */
  ended: Promise<Ended>;
  complete(): void;
}

export interface TestWsClient {
  client: Client;
  subscribe(query: string, variables?: Record<string, unknown>): TestSubscription;
  close(): Promise<void>;
}

/** `httpUrl`: http://host:port/graphql (or the origin); `token`: null for none. */
export function wsClient(httpUrl: string, token: string | null, params: Record<string, unknown> = {}): TestWsClient {
  const u = new URL(httpUrl);
  const url = `ws://${u.host}/graphql`;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token === null ? params : { authorization: `Bearer ${token}`, ...params },
  });
  return {
    client,
    subscribe(query, variables) {
      const queue: Received[] = [];
      const waiters: Array<{ ok: (r: Received) => void; fail: (e: unknown) => void }> = [];
      let failure: unknown = null;
      let endedResolve!: (e: Ended) => void;
      const ended = new Promise<Ended>((r) => (endedResolve = r));
      let lastErrors: Received["errors"];
      const dispose = client.subscribe<any>(
        { query, variables },
        {
          next: (r) => {
            if (r.errors?.length && r.data == null) lastErrors = r.errors as Received["errors"];
            const w = waiters.shift();
            if (w) w.ok(r as Received);
            else queue.push(r as Received);
          },
          error: (e) => {
            failure = e ?? new Error("subscription failed");
            const code = (e as { code?: unknown } | null)?.code;
            endedResolve(Array.isArray(e) ? { errors: e } : { code: typeof code === "number" ? code : undefined });
            for (const w of waiters.splice(0)) w.fail(failure);
          },
          complete: () => {
            failure ??= new Error("subscription completed");
            endedResolve({ completed: true, errors: lastErrors });
            for (const w of waiters.splice(0)) w.fail(failure);
          },
        },
      );
      return {
        next(ms = 15_000) {
          if (queue.length) return Promise.resolve(queue.shift()!);
          if (failure) return Promise.reject(failure);
          return new Promise<Received>((ok, fail) => {
            const w = {
              ok: (r: Received) => {
                clearTimeout(t);
                ok(r);
              },
              fail: (e: unknown) => {
                clearTimeout(t);
                fail(e);
              },
            };
            const t = setTimeout(() => {
              waiters.splice(waiters.indexOf(w), 1);
              fail(new Error(`no subscription event within ${ms} ms`));
            }, ms);
            waiters.push(w);
          });
        },
        pending: () => queue.length,
        ended,
        complete: dispose,
      };
    },
    async close() {
      await client.dispose();
    },
  };
}
