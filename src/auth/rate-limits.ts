import { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { AppConfig } from "../config";
import type { AppLogger } from "../logger";
import { hashToken } from "./tokens";

/**
 * Sign-in throttling and the optional per-token quota (rate-limiter-flexible).
 *
 * - Failed authentications (a bearer token that is unknown or revoked) count
 *   per client address: past AUTH_FAILURES_PER_WINDOW in RATE_LIMIT_WINDOW_SECONDS
 *   a wrong token is answered 429 RATE_LIMITED with Retry-After. A valid token
 *   is always accepted: a colleague's typos behind the same address (NAT) never
 *   lock anyone out.
 * - RATE_LIMIT_PER_MINUTE (off by default): requests per token and window.
 *
 * In memory (per process) by default; with REDIS_URL every process with the
 * same RATE_LIMIT_KEY_PREFIX shares one budget. When Redis is unreachable the
 * limits fall back to per-process memory (insurance limiter) instead of
 * failing requests.
 */
export interface RateLimits {
  /** Records a failed authentication from `client`; returns seconds to wait when the client is now over the limit. */
  authFailed(client: string): Promise<number | null>;
  /** Counts one request of `token` against the quota; returns seconds to wait when over it (null: within it, or no quota). */
  tokenRequest(token: string): Promise<number | null>;
  close(): Promise<void>;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

async function consume(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (e) {
    if (e instanceof RateLimiterRes) return retryAfter(e);
    throw e;
  }
}

export function createRateLimits(config: AppConfig, logger: AppLogger): RateLimits {
  const duration = config.rateLimitWindowSeconds;
  let redis: Redis | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
    let warned = false;
    redis.on("error", (err) => {
      if (warned) return;
      warned = true;
      logger.warn({ err: err.message }, "rate limits: Redis unreachable; counting in this process until it is back");
    });
    redis.on("ready", () => (warned = false));
  }
  const limiter = (name: string, points: number): RateLimiterAbstract => {
    const keyPrefix = `${config.rateLimitKeyPrefix}:${name}`;
    const memory = new RateLimiterMemory({ points, duration, keyPrefix });
    if (!redis) return memory;
    return new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  };
  const failures = limiter("auth-fail", config.authFailuresPerWindow);
  const quota = config.rateLimitPerWindow ? limiter("token", config.rateLimitPerWindow) : null;
  return {
    authFailed: (client) => consume(failures, client),
    // keyed by the token's hash: the token itself is never stored, not even in Redis
    tokenRequest: (token) => (quota ? consume(quota, hashToken(token)) : Promise.resolve(null)),
    async close() {
      if (redis) redis.disconnect();
    },
  };
}
