import pino, { type DestinationStream, type Logger } from "pino";

export type AppLogger = Logger;

/** Structured JSON logs (stdout, or `destination`). Never log tokens: the Authorization header is redacted. */
export function createLogger(level: string, destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      redact: { paths: ["req.headers.authorization", "authorization", "token", "*.token"], censor: "[redacted]" },
      base: undefined,
    },
    destination,
  );
}
