import "reflect-metadata";
import { afterAll, beforeAll } from "vitest";
import type { ApolloServer } from "@apollo/server";
import { GraphQLError } from "graphql";
import { initApp } from "../../src/app";
import type { Clock } from "../../src/common/clock";
import { type AppConfig, loadConfig } from "../../src/config";
import { Role } from "../../src/common/enums";
import type { Context } from "../../src/graphql/context";
import { type AppDeps, buildContext, createApolloServer } from "../../src/graphql/server";
import { createLogger } from "../../src/logger";
import type { User } from "../../src/modules/users/user.entity";
import { freshDatabaseUrl, TEST_DB } from "./db";

export interface GqlResult<T = any> {
  data?: T | null;
  errors?: Array<{ message: string; path?: readonly (string | number)[]; extensions?: Record<string, any> }>;
}

export interface TestUser {
  user: User;
  token: string;
}

export interface Harness {
  deps: AppDeps;
  apollo: ApolloServer<Context>;
  dialect: "sqlite" | "postgres";
  config: AppConfig;
  /** Runs an operation as the holder of `token` through the real context (auth, loaders) and schema. */
  gql<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  /** Like gql, with an operation name. */
  gqlRequest<T = any>(token: string | null, request: { query: string; variables?: Record<string, unknown>; operationName?: string }): Promise<GqlResult<T>>;
  /** Like gql but throws when there are errors; returns data. */
  ok<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Creates a user with a token. */
  user(role: Role, name?: string): Promise<TestUser>;
  admin: TestUser;
  /** SQL statements sent so far (all connections). */
  statements(): number;
  /** The services' clock: the system time until pinned. */
  clock: TestClock;
  close(): Promise<void>;
}

/** A clock that follows the system time until a test pins it (then "today" cannot flip under the test). */
export interface TestClock extends Clock {
  /** From now on the services read this instant (ISO 8601). */
  pin(iso: string): void;
  /** Back to the system time. */
  release(): void;
}

export function testClock(): TestClock {
  let pinned: Date | null = null;
  return {
    now: () => (pinned ? new Date(pinned) : new Date()),
    pin(iso) {
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) throw new Error(`not an instant: ${iso}`);
      pinned = d;
    },
    release() {
      pinned = null;
    },
  };
}

let userSeq = 0;

/**
 * Boots the real application (migrations, services, schema) on a fresh database
 * for one test file. `seed: true` loads the demo data.
 */
export async function createHarness(opts: { seed?: boolean; env?: Record<string, string> } = {}): Promise<Harness> {
  const { url, drop } = await freshDatabaseUrl();
  const clock = testClock();
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: "test", ...opts.env }),
    databaseUrl: url,
    seedDemo: opts.seed ?? false,
    logLevel: "silent",
    clock,
  };
  const logger = createLogger("silent");
  const { deps } = await initApp(config, logger);
  const apollo = createApolloServer(deps);
  await apollo.start();

  const gqlRequest = async <T>(
    token: string | null,
    request: { query: string; variables?: Record<string, unknown>; operationName?: string },
  ): Promise<GqlResult<T>> => {
    let contextValue: Context;
    try {
      contextValue = await buildContext(deps, token === null ? undefined : `Bearer ${token}`);
    } catch (e) {
      if (e instanceof GraphQLError) return { errors: [{ message: e.message, extensions: e.extensions as Record<string, any> }] };
      throw e;
    }
    const res = await apollo.executeOperation<T>(request, { contextValue });
    if (res.body.kind !== "single") throw new Error("unexpected incremental result");
    return res.body.singleResult as GqlResult<T>;
  };
  const gql = <T>(token: string | null, query: string, variables?: Record<string, unknown>) => gqlRequest<T>(token, { query, variables });

  const ok = async <T>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<T> => {
    const r = await gql<T>(token, query, variables);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  };

  const user = async (role: Role, name?: string): Promise<TestUser> => {
    const n = ++userSeq;
    const label = name ?? `${role.toLowerCase()} ${n}`;
    return deps.services.users.createUserUnchecked({
      name: label,
      email: `${role.toLowerCase()}.${n}.${Date.now()}@test.example`,
      role,
    });
  };

  const admin = await user(Role.ADMIN, "Test Admin");

  return {
    deps,
    apollo,
    dialect: TEST_DB,
    config,
    gql,
    gqlRequest,
    ok,
    user,
    admin,
    statements: () => deps.db.statements,
    clock,
    async close() {
      await apollo.stop();
      await deps.db.close();
      await drop();
    },
  };
}

/**
 * Expects exactly one error, with the given contract code; returns it. A second
 * error (say an INTERNAL_SERVER_ERROR next to the expected one) fails: a test
 * that expects several errors asserts them all explicitly.
 */
export function expectCode(result: GqlResult, code: string) {
  const errs = result.errors ?? [];
  if (errs.length === 0) throw new Error(`expected ${code} but the operation succeeded: ${JSON.stringify(result.data)}`);
  if (errs.length !== 1 || errs[0].extensions?.code !== code) {
    throw new Error(`expected exactly one error, ${code}; got ${errs.length}: ${JSON.stringify(errs)}`);
  }
  return errs[0];
}

/**
 * A view of a value that exists only once a hook has run: every property read or
 * write goes to `get()`'s current result. Lets a test file write `const h = useHarness()`
 * at the top instead of `let h` plus the beforeAll/afterAll that fill and close it.
 */
export function lazy<T extends object>(get: () => T): T {
  return new Proxy({} as T, {
    get: (_t, k) => Reflect.get(get(), k),
    set: (_t, k, v) => Reflect.set(get(), k, v),
    has: (_t, k) => Reflect.has(get(), k),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, k) => ({ ...Reflect.getOwnPropertyDescriptor(get(), k), configurable: true }),
  });
}

/** The file's harness: created in beforeAll, closed in afterAll. */
export function useHarness(opts: Parameters<typeof createHarness>[0] = {}): Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await createHarness(opts);
  });
  afterAll(async () => h?.close());
  return lazy(() => h ?? (() => { throw new Error("useHarness: used before beforeAll ran"); })());
}

/**
 * Statement counts measured at different data sizes are all at most `bound`: a bound
 * that does not grow with the data (no N+1), without pinning the exact count (a
 * change that saves a statement passes; one that adds a statement per row fails).
 */
export function expectStatementsAtMost(bound: number, counts: Record<string, number>) {
  const over = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > bound));
  if (Object.keys(over).length) throw new Error(`more than ${bound} statements: ${JSON.stringify(counts)}`);
}
