import { z } from "zod";

/**
 * Typed configuration, read from the environment in exactly one place.
 * Nothing else in the code base reads process.env: the result of loadConfig()
 * is passed down explicitly (main.ts, scripts, tests). The environment is
 * validated with a zod schema; every variable that is wrong gets one message
 * naming it, all of them in one ConfigError.
 */
import { type Clock, systemClock } from "./common/clock";

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
  /** Column projections of list loaders; PROJECTIONS=false reads every column (benchmark comparison only). */
  projections: boolean;
  /** Compiled reads on PostgreSQL (graphql/compiled-reads.ts); COMPILED_READS=false answers every query through the resolvers. */
  compiledReads: boolean;
  /** How operations execute: "jit" (graphql-jit, compiled once per operation) or "graphql-js" (the reference interpreter). */
  executor: GraphqlExecutor;
  corsOrigins: string[];
  logLevel: string;
  playground: boolean;
  /** Graceful shutdown: how long in-flight requests may take to finish before their connections are closed. */
  shutdownTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (above a load balancer's idle timeout, so the client side closes first). */
  httpKeepAliveSeconds: number;
  /** Where the services read "now" (not from the environment: the system clock; tests pin it). */
  clock: Clock;
  /** Execution backstop: list items one request may resolve (QUERY_MAX_LIST_ITEMS). */
  queryMaxListItems: number;
  /** Failed authentications per client address and window before RATE_LIMITED (AUTH_FAILURES_PER_WINDOW). */
  authFailuresPerWindow: number;
  /** Optional quota: requests per token and window; null = off (RATE_LIMIT_PER_MINUTE). */
  rateLimitPerWindow: number | null;
  /** The window of both limits in seconds (RATE_LIMIT_WINDOW_SECONDS, default 60). */
  rateLimitWindowSeconds: number;
  /** Shared limiter store for several API processes (REDIS_URL); null = in memory, per process. */
  redisUrl: string | null;
  /** Prefix of the limiter keys (RATE_LIMIT_KEY_PREFIX): processes with the same prefix share one budget. */
  rateLimitKeyPrefix: string;
  /** Bearer token for GET /metrics (METRICS_TOKEN); null = open. */
  metricsToken: string | null;
  /** How long an Idempotency-Key and its stored answer are kept (IDEMPOTENCY_TTL_SECONDS, default 24 h). */
  idempotencyTtlSeconds: number;
  /** How long a repeat waits for the first request with its key to finish before CONFLICT (IDEMPOTENCY_WAIT_MS). */
  idempotencyWaitMs: number;
  /** How often expired Idempotency-Keys are deleted (IDEMPOTENCY_PURGE_INTERVAL_SECONDS). */
  idempotencyPurgeIntervalSeconds: number;
  /** Open GraphQL subscriptions per user and process (SUBSCRIPTIONS_PER_USER). */
  subscriptionsPerUser: number;
  /** First reconnection delay of the PostgreSQL LISTEN connection (PLAN_EVENTS_RECONNECT_MS); doubles up to 30 s. */
  planEventsReconnectMs: number;
  /** Webhook URLs may resolve to loopback/private/link-local addresses (WEBHOOK_ALLOW_PRIVATE; tests, closed networks). */
  webhookAllowPrivate: boolean;
  /** How often the delivery worker looks for due deliveries (WEBHOOK_INTERVAL_MS). */
  webhookIntervalMs: number;
  /** A receiver's answer must arrive within this (WEBHOOK_TIMEOUT_MS). */
  webhookTimeoutMs: number;
  /** First retry delay, doubled per attempt (WEBHOOK_RETRY_BASE_MS). */
  webhookRetryBaseMs: number;
  /** Attempts before a delivery counts as failed (WEBHOOK_MAX_ATTEMPTS). */
  webhookMaxAttempts: number;
}

/** The demo users' tokens: public (README, playground), so never on a production server unless asked for. */
export const PUBLIC_DEMO_TOKENS = ["demo-admin", "demo-giulia", "demo-marco", "demo-rita", "demo-alan"] as const;

/** ADMIN_TOKEN in production: at least this many characters. */
export const MIN_PRODUCTION_ADMIN_TOKEN = 32;

export type GraphqlExecutor = "jit" | "graphql-js";

export class ConfigError extends Error {}

/** "" and whitespace mean "not set". */
const unset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);

const TRUE = ["1", "true", "yes", "on"];
const FALSE = ["0", "false", "no", "off"];
const bool = (name: string) =>
  z.preprocess(
    (v) => {
      const t = unset(v);
      return typeof t === "string" ? t.toLowerCase() : t;
    },
    z.enum([...TRUE, ...FALSE], { error: `${name} must be true or false` }).transform((v) => TRUE.includes(v)).optional(),
  );
/** An integer in [min, max], with one message for every way a value can miss that. */
const intIn = (name: string, min: number, max: number) => {
  const error = `${name} must be an integer between ${min} and ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const int = (name: string, fallback: number, min: number, max: number) => z.preprocess(unset, intIn(name, min, max).default(fallback));
const optionalInt = (name: string, min: number, max: number) => z.preprocess(unset, intIn(name, min, max).optional());

const text = () => z.preprocess(unset, z.string().optional());

const EnvSchema = z
  .object({
    NODE_ENV: z.preprocess(
      unset,
      z.enum(["production", "development", "test"], { error: "NODE_ENV must be production, development or test" }).default("development"),
    ),
    PORT: int("PORT", 4000, 0, 65535),
    HOST: text(),
    DATABASE_URL: z.preprocess(
      unset,
      z
        .string()
        .regex(/^(sqlite:|postgres(ql)?:\/\/)/, { error: "DATABASE_URL must start with sqlite: or postgres://" })
        .default("sqlite:data/planning.sqlite"),
    ),
    DB_POOL_SIZE: int("DB_POOL_SIZE", 10, 1, 1000),
    DATABASE_SSL: bool("DATABASE_SSL"),
    SEED_DEMO: bool("SEED_DEMO"),
    ADMIN_TOKEN: text(),
    DB_LOGGING: bool("DB_LOGGING"),
    INTROSPECTION: bool("INTROSPECTION"),
    BATCHING: bool("BATCHING"),
    PROJECTIONS: bool("PROJECTIONS"),
    COMPILED_READS: bool("COMPILED_READS"),
    GRAPHQL_EXECUTOR: z.preprocess(
      (v) => {
        const t = unset(v);
        return typeof t === "string" ? t.toLowerCase() : t;
      },
      z.enum(["jit", "graphql-js"], { error: "GRAPHQL_EXECUTOR must be jit or graphql-js" }).default("jit"),
    ),
    CORS_ORIGINS: text(),
    LOG_LEVEL: z.preprocess(
      unset,
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent" }).optional(),
    ),
    PLAYGROUND: bool("PLAYGROUND"),
    SHUTDOWN_TIMEOUT_MS: int("SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
    HTTP_KEEP_ALIVE_SECONDS: int("HTTP_KEEP_ALIVE_SECONDS", 65, 1, 3600),
    QUERY_MAX_LIST_ITEMS: int("QUERY_MAX_LIST_ITEMS", 100_000, 1, 10_000_000),
    AUTH_FAILURES_PER_WINDOW: int("AUTH_FAILURES_PER_WINDOW", 20, 1, 1_000_000),
    RATE_LIMIT_PER_MINUTE: optionalInt("RATE_LIMIT_PER_MINUTE", 1, 1_000_000),
    RATE_LIMIT_WINDOW_SECONDS: int("RATE_LIMIT_WINDOW_SECONDS", 60, 1, 3600),
    REDIS_URL: z.preprocess(unset, z.string().regex(/^rediss?:\/\//, { error: "REDIS_URL must start with redis:// or rediss://" }).optional()),
    RATE_LIMIT_KEY_PREFIX: z.preprocess(
      unset,
      z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, { error: "RATE_LIMIT_KEY_PREFIX must be 1-100 letters, digits, ':', '_' or '-'" }).default("apa"),
    ),
    METRICS_TOKEN: text(),
    IDEMPOTENCY_TTL_SECONDS: int("IDEMPOTENCY_TTL_SECONDS", 86_400, 1, 30 * 86_400),
    IDEMPOTENCY_WAIT_MS: int("IDEMPOTENCY_WAIT_MS", 10_000, 100, 600_000),
    IDEMPOTENCY_PURGE_INTERVAL_SECONDS: int("IDEMPOTENCY_PURGE_INTERVAL_SECONDS", 3600, 1, 86_400),
    SUBSCRIPTIONS_PER_USER: int("SUBSCRIPTIONS_PER_USER", 20, 1, 10_000),
    PLAN_EVENTS_RECONNECT_MS: int("PLAN_EVENTS_RECONNECT_MS", 500, 10, 60_000),
    WEBHOOK_ALLOW_PRIVATE: bool("WEBHOOK_ALLOW_PRIVATE"),
    WEBHOOK_INTERVAL_MS: int("WEBHOOK_INTERVAL_MS", 1_000, 10, 3_600_000),
    WEBHOOK_TIMEOUT_MS: int("WEBHOOK_TIMEOUT_MS", 10_000, 50, 120_000),
    // 30 s, 1, 2, 4, 8, 16, 32 min: the 8th attempt comes 63.5 min after the first
    WEBHOOK_RETRY_BASE_MS: int("WEBHOOK_RETRY_BASE_MS", 30_000, 1, 3_600_000),
    WEBHOOK_MAX_ATTEMPTS: int("WEBHOOK_MAX_ATTEMPTS", 8, 1, 100),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.ADMIN_TOKEN !== undefined && env.ADMIN_TOKEN.length < MIN_PRODUCTION_ADMIN_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_TOKEN"],
        message: `ADMIN_TOKEN must have at least ${MIN_PRODUCTION_ADMIN_TOKEN} characters in production (it has ${env.ADMIN_TOKEN.length}); e.g. openssl rand -hex 32`,
      });
    }
    if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN.length < MIN_PRODUCTION_ADMIN_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["METRICS_TOKEN"],
        message: `METRICS_TOKEN must have at least ${MIN_PRODUCTION_ADMIN_TOKEN} characters in production (it has ${env.METRICS_TOKEN.length})`,
      });
    }
  });

/** Every environment variable the server reads (the keys of the schema above). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

/** A value as echoed in a configuration message (secrets never). */
function shown(name: string, raw: unknown): string {
  if (raw === undefined) return "";
  if (/TOKEN|PASSWORD|SECRET/.test(name)) return "";
  const s = String(raw);
  const masked = s.replace(/\/\/[^@/]*@/, "//***@");
  return `, got "${masked.length > 80 ? `${masked.slice(0, 80)}...` : masked}"`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return `${issue.message}${issue.code === "custom" ? "" : shown(name, env[name])}`;
    });
    throw new ConfigError(lines.length === 1 ? lines[0] : `Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const nodeEnv: NodeEnv = e.NODE_ENV;
  const isProduction = nodeEnv === "production";
  return {
    port: e.PORT,
    host: e.HOST ?? "127.0.0.1",
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.DB_POOL_SIZE,
    databaseSsl: e.DATABASE_SSL ?? false,
    // the demo users' tokens are public: never loaded in production unless SEED_DEMO=true says so
    seedDemo: e.SEED_DEMO ?? !isProduction,
    adminToken: e.ADMIN_TOKEN,
    dbLogging: e.DB_LOGGING ?? false,
    nodeEnv,
    isProduction,
    introspection: e.INTROSPECTION ?? !isProduction,
    batching: e.BATCHING ?? true,
    projections: e.PROJECTIONS ?? true,
    compiledReads: e.COMPILED_READS ?? true,
    executor: e.GRAPHQL_EXECUTOR,
    corsOrigins: (e.CORS_ORIGINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL ?? (nodeEnv === "test" ? "silent" : "info"),
    playground: e.PLAYGROUND ?? !isProduction,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    httpKeepAliveSeconds: e.HTTP_KEEP_ALIVE_SECONDS,
    queryMaxListItems: e.QUERY_MAX_LIST_ITEMS,
    authFailuresPerWindow: e.AUTH_FAILURES_PER_WINDOW,
    rateLimitPerWindow: e.RATE_LIMIT_PER_MINUTE ?? null,
    rateLimitWindowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
    redisUrl: e.REDIS_URL ?? null,
    rateLimitKeyPrefix: e.RATE_LIMIT_KEY_PREFIX,
    metricsToken: e.METRICS_TOKEN ?? null,
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    idempotencyWaitMs: e.IDEMPOTENCY_WAIT_MS,
    idempotencyPurgeIntervalSeconds: e.IDEMPOTENCY_PURGE_INTERVAL_SECONDS,
    subscriptionsPerUser: e.SUBSCRIPTIONS_PER_USER,
    planEventsReconnectMs: e.PLAN_EVENTS_RECONNECT_MS,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE ?? false,
    webhookIntervalMs: e.WEBHOOK_INTERVAL_MS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    clock: systemClock,
  };
}
