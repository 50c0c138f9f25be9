/**
 * Typed domain errors. Services throw these; src/graphql/errors.ts maps them to
 * client errors in one place. Anything that is not a DomainError is unexpected
 * and is masked as INTERNAL_SERVER_ERROR.
 */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  CONFLICT = "CONFLICT",
  PLAN_LOCKED = "PLAN_LOCKED",
  INVALID_STATUS_TRANSITION = "INVALID_STATUS_TRANSITION",
  /** The operation would build a bigger answer than the server allows (HTTP 400). */
  QUERY_TOO_LARGE = "QUERY_TOO_LARGE",
  /** Too many requests or failed sign-ins from this client (HTTP 429 with Retry-After). */
  RATE_LIMITED = "RATE_LIMITED",
  /** An Idempotency-Key sent again with a different request (HTTP 422). */
  IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED",
  /** An Idempotency-Key header that is not 1-255 printable ASCII characters (HTTP 400). */
  IDEMPOTENCY_KEY_INVALID = "IDEMPOTENCY_KEY_INVALID",
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** A client-supplied value as echoed in an error message: at most 64 characters (a 100 kB "id" is not sent back twice). */
export function echo(value: string | number): string {
  const s = String(value);
  return s.length > 64 ? `${s.slice(0, 64)}... (${s.length} characters)` : s;
}

export const notFound = (what: string, id: string | number) =>
  new DomainError(ErrorCode.NOT_FOUND, `${what} ${echo(id)} not found`, { id: echo(id) });
export const forbidden = (message: string) => new DomainError(ErrorCode.FORBIDDEN, message);
export const badInput = (field: string, message: string) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });
export const conflict = (message: string) => new DomainError(ErrorCode.CONFLICT, message);
export const planLocked = (message: string) => new DomainError(ErrorCode.PLAN_LOCKED, message);
export const unauthenticated = (message = "Missing or unknown bearer token") =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);
