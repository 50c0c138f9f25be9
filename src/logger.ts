import pino, { type Logger } from "pino";

export type AppLogger = Logger;

/** Structured JSON logs. Never log tokens: the Authorization header is redacted. */
export function createLogger(level: string): AppLogger {
  return pino({
    level,
    redact: { paths: ["req.headers.authorization", "authorization", "token", "*.token"], censor: "[redacted]" },
    base: undefined,
  });
}
