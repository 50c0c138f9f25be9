import { createHash, randomBytes } from "node:crypto";

/** A new API token: 32 random bytes, url-safe, with a recognisable prefix. */
export function newToken(): string {
  return `apt_${randomBytes(32).toString("base64url")}`;
}

/** Tokens are stored as SHA-256 hex digests; the token itself is never stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Extracts the token from an `Authorization: Bearer <token>` header value. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return m ? m[1] : null;
}
