/** Ids are positive integers in the database and opaque strings in GraphQL. */
export function parseId(raw: string | number | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw).trim();
  if (!/^[1-9]\d{0,14}$/.test(s)) return null;
  return Number(s);
}
