/**
 * Typed configuration, read from the environment in exactly one place.
 * Nothing else in the code base reads process.env: the result of loadConfig()
 * is passed down explicitly (main.ts, scripts, tests).
 */
export type NodeEnv = "production" | "development" | "test";

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  /** PostgreSQL pool size (ignored for SQLite). */
  dbPoolSize: number;
  /** TLS to PostgreSQL. */
  databaseSsl: boolean;
  seedDemo: boolean;
  adminToken: string | undefined;
  dbLogging: boolean;
  nodeEnv: NodeEnv;
  isProduction: boolean;
  /** Introspection (on outside production, opt-in with INTROSPECTION=true in production). */
  introspection: boolean;
  /** DataLoader batching; BATCHING=false loads one key at a time (benchmark baseline only). */
  batching: boolean;
  /** How operations execute: "jit" (graphql-jit, compiled once per operation) or "graphql-js" (the reference interpreter). */
  executor: GraphqlExecutor;
  corsOrigins: string[];
  logLevel: string;
  playground: boolean;
  /** Graceful shutdown: how long in-flight requests may take to finish before their connections are closed. */
  shutdownTimeoutMs: number;
  /** Execution backstop: list items one request may resolve (QUERY_MAX_LIST_ITEMS). */
  queryMaxListItems: number;
}

export type GraphqlExecutor = "jit" | "graphql-js";

export class ConfigError extends Error {}

function executorOf(raw: string | undefined): GraphqlExecutor {
  const v = raw?.trim().toLowerCase() || "jit";
  if (v === "jit" || v === "graphql-js") return v;
  throw new ConfigError(`GRAPHQL_EXECUTOR must be jit or graphql-js, got "${raw}"`);
}

function bool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === "") return fallback;
  const v = raw.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv: NodeEnv =
    env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : "development";
  const isProduction = nodeEnv === "production";
  const databaseUrl = env.DATABASE_URL?.trim() || "sqlite:data/planning.sqlite";
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl}"`);
  }
  return {
    port: int("PORT", env.PORT, 4000, 0, 65535),
    host: env.HOST?.trim() || "127.0.0.1",
    databaseUrl,
    dbPoolSize: int("DB_POOL_SIZE", env.DB_POOL_SIZE, 10, 1, 1000),
    databaseSsl: bool("DATABASE_SSL", env.DATABASE_SSL, false),
    seedDemo: bool("SEED_DEMO", env.SEED_DEMO, true),
    adminToken: env.ADMIN_TOKEN?.trim() || undefined,
    dbLogging: bool("DB_LOGGING", env.DB_LOGGING, false),
    nodeEnv,
    isProduction,
    introspection: bool("INTROSPECTION", env.INTROSPECTION, !isProduction),
    batching: bool("BATCHING", env.BATCHING, true),
    executor: executorOf(env.GRAPHQL_EXECUTOR),
    corsOrigins: (env.CORS_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL?.trim() || (nodeEnv === "test" ? "silent" : "info"),
    playground: bool("PLAYGROUND", env.PLAYGROUND, !isProduction),
    shutdownTimeoutMs: int("SHUTDOWN_TIMEOUT_MS", env.SHUTDOWN_TIMEOUT_MS, 10_000, 0, 600_000),
    queryMaxListItems: int("QUERY_MAX_LIST_ITEMS", env.QUERY_MAX_LIST_ITEMS, 100_000, 1, 10_000_000),
  };
}
