/** Largest id an INTEGER primary key can hold (2^31 - 1). */
export const MAX_ID = 2_147_483_647;

/** Ids are positive integers in the database and opaque strings in GraphQL. */
export function parseId(raw: string | number | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw).trim();
  if (!/^[1-9]\d{0,14}$/.test(s)) return null;
  const n = Number(s);
  // ids are SQL INTEGER (PostgreSQL int4): a larger number cannot exist, and binding it would fail
  return n <= MAX_ID ? n : null;
}
