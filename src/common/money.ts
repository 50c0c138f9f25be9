import { badInput } from "./errors";

/**
 * Money is held as integer minor units (cents) in a JS bigint and stored as a
 * SQL BIGINT, so that sums are exact in SQL and in code. It is exposed as the
 * contract's Decimal: a string with exactly two decimals.
 */
export type Cents = bigint;

/**
 * Largest single amount we accept (every Decimal input: revenues, targets): 90 trillion currency
 * units, 9 * 10^15 cents. Why: better-sqlite3 returns a BIGINT column as a JS number, exact only up
 * to 2^53 (~9.007e15 cents), so a larger amount would be stored but could not be read back exactly.
 * Sums of amounts are not bounded by it: they are computed with sumSql/sumOf below, which cannot
 * overflow SQLite's 64-bit integers (nor PostgreSQL's), whatever the number of rows.
 */
export const MAX_CENTS = 9n * 10n ** 15n;

const DECIMAL_RE = /^(\d{1,18})(?:\.(\d{1,2}))?$/;

/** Parses a user-supplied decimal (string or number) into cents, or throws BAD_USER_INPUT. */
export function parseDecimal(value: unknown, field = "amount"): Cents {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw badInput(field, "must be a finite number");
    // Numbers arrive already rounded by JSON; their shortest round-trip form is what the client wrote.
    text = String(value);
    if (/e/i.test(text)) throw badInput(field, "must be a plain decimal with at most 2 decimal places");
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    throw badInput(field, "must be a decimal number given as a string or a number");
  }
  if (text.startsWith("-")) throw badInput(field, "must not be negative");
  const m = DECIMAL_RE.exec(text);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(text)) throw badInput(field, "must have at most 2 decimal places");
    throw badInput(field, `must be a decimal number such as "1250.00", got "${text.slice(0, 40)}"`);
  }
  const cents = BigInt(m[1]) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
  if (cents > MAX_CENTS) throw badInput(field, `must be at most ${formatCents(MAX_CENTS)}`);
  return cents;
}

/** Formats cents as "1250000.00". */
export function formatCents(cents: Cents): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const units = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, "0");
  return `${neg ? "-" : ""}${units}.${frac}`;
}

/** Converts what a driver returns for a BIGINT / SUM (number, string, bigint, null) to cents. */
export function toCents(raw: unknown): Cents {
  if (raw === null || raw === undefined) return 0n;
  if (typeof raw === "bigint") return raw;
  if (typeof raw === "number") {
    if (!Number.isSafeInteger(raw)) throw new Error(`unsafe integer amount from the database: ${raw}`);
    return BigInt(raw);
  }
  if (typeof raw === "string") return BigInt(raw.includes(".") ? raw.slice(0, raw.indexOf(".")) : raw);
  throw new Error(`unexpected amount from the database: ${typeof raw}`);
}

/** TypeORM transformer for nullable BIGINT cents columns. */
export const centsTransformer = {
  to: (value: Cents | null | undefined): string | null | undefined =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: unknown): Cents | null => (value === null || value === undefined ? null : toCents(value)),
};

/** ratio a/b as a float, or null when b is null/0 */
export function ratio(a: Cents, b: Cents | null): number | null {
  if (b === null || b === 0n) return null;
  // scale to keep 6 significant decimals exactly before the float conversion
  return Number((a * 1_000_000n) / b) / 1_000_000;
}

/** Amounts are summed in two parts, units of 10^9 cents and the rest, so that no SUM overflows 64 bits. */
const SPLIT = 1_000_000_000n;

/**
 * SQL for the exact sum of a non-negative cents expression, without overflow on either dialect:
 * SQLite's SUM over integers fails with "integer overflow" past 2^63 - 1 (~9.2e18 cents, reached
 * by 1,025 amounts of MAX_CENTS). Each row contributes at most 9 * 10^6 to the high part and less
 * than 10^9 to the low part, so the partial sums stay exact for billions of rows. The result is
 * TEXT "high:low" (NULL for no rows); sumOf combines it in bigint.
 */
export const sumSql = (expr: string): string => partsText(sumPartsSql(expr));

/**
 * The two partial sums of sumSql as separate integer SQL expressions (high: units of 10^9 cents,
 * low: the rest). Partial sums of partial sums stay exact, so figures summed per group and then
 * summed again over groups (planSummary over rollups) add up like the rows themselves.
 */
export const sumPartsSql = (expr: string): { hi: string; lo: string } => ({
  hi: `SUM((${expr}) / ${SPLIT})`,
  lo: `SUM((${expr}) % ${SPLIT})`,
});

/** The "high:low" TEXT of sumSql from two partial-sum SQL expressions (NULL when they are). */
export const partsText = (p: { hi: string; lo: string }): string => `(CAST(${p.hi} AS TEXT) || ':' || CAST(${p.lo} AS TEXT))`;

/** The high and low parts (as sumPartsSql splits them) of a stored cents SQL expression. */
export const splitCentsSql = (expr: string): { hi: string; lo: string } => ({ hi: `((${expr}) / ${SPLIT})`, lo: `((${expr}) % ${SPLIT})` });

/**
 * An opportunity's weighted revenue in cents: revenue x probability / 100, rounded half up to the
 * cent (both non-negative, so integer division rounds down and +50 makes it half up). Weighted
 * pipeline figures are sums of these per-opportunity amounts, so they add up exactly: a plan
 * tree's figure is the sum of its opportunities' and a summary group's the sum of its trees'.
 * At most MAX_CENTS x 100 + 50 < 2^63 before the division: no overflow on either dialect.
 */
export const weightedCentsSql = (revenueCents: string, probability: string): string => `((${revenueCents} * ${probability} + 50) / 100)`;

/** weightedCentsSql in code (tests, models). */
export const weightedCents = (revenue: Cents, probability: number): Cents => (revenue * BigInt(probability) + 50n) / 100n;

/** The cents of a sumSql column. */
export function sumOf(raw: unknown): Cents {
  if (raw === null || raw === undefined) return 0n;
  const [hi, lo] = String(raw).split(":");
  if (lo === undefined) return toCents(raw);
  return toCents(hi) * SPLIT + toCents(lo);
}
