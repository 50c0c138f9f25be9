/** Largest id an INTEGER primary key can hold (2^31 - 1). */
export const MAX_ID = 2_147_483_647;

/**
 * The GraphQL types whose objects are Relay nodes (`implements Node`, resolvable by `node(id:)`).
 * A new entity type: add its name here, `implements: Node` on its ObjectType and its loader in
 * NODE_LOADERS (src/graphql/node.ts).
 */
export const NODE_TYPES = ["Account", "Activity", "BusinessPlan", "Contact", "Note", "Objective", "Opportunity", "Period", "User", "Webhook"] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** Types whose ids are derived from other ids (computed objects: cache keys only, not nodes). */
export type DerivedIdType = "PlanRollup" | "ObjectiveProgress";

const NODE_TYPE_SET: ReadonlySet<string> = new Set(NODE_TYPES);
/** Longest id string worth decoding ("BusinessPlan:2147483647" is 32 characters in base64url). */
const MAX_GLOBAL_ID_LENGTH = 64;

/**
 * Global object identification (the Relay specification): every id the API serves is opaque and
 * unique across types, the base64url (no padding) of "Type:key", e.g. Account 1 is "QWNjb3VudDox"
 * (`Account:1`). Clients must not build or parse them; the server is the only place that does
 * (this file). Derived ids (PlanRollup, ObjectiveProgress) use the same encoding with a composite key.
 */
export function toGlobalId(type: NodeType | DerivedIdType, key: number | string): string {
  return Buffer.from(`${type}:${key}`, "utf8").toString("base64url");
}

/** The type and key of a global id, or null when it is not one this API serves (the exact encoding only). */
export function fromGlobalId(raw: unknown): { type: NodeType; id: number } | null {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_GLOBAL_ID_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  const text = Buffer.from(raw, "base64url").toString("utf8");
  // one spelling per object: reject non-canonical encodings (trailing bits, padding variants)
  if (Buffer.from(text, "utf8").toString("base64url") !== raw) return null;
  const m = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(text);
  if (!m || !NODE_TYPE_SET.has(m[1])) return null;
  const id = Number(m[2]);
  // ids are SQL INTEGER (PostgreSQL int4): a larger number cannot exist, and binding it would fail
  return id <= MAX_ID ? { type: m[1] as NodeType, id } : null;
}

/**
 * The database key of a GraphQL id of type `type`, or null when the value is not an id of that
 * type (malformed, another type's id, a key that cannot exist): callers answer NOT_FOUND (mutations,
 * mustFind), null (single-record queries, node) or nothing (filters).
 */
export function parseId(raw: string | number | null | undefined, type: NodeType): number | null {
  const g = fromGlobalId(raw);
  return g !== null && g.type === type ? g.id : null;
}

/** A key that no row has: what an id filter compares with when the id given is not one of that type. */
export const NO_KEY = -1;

/**
 * An optional id argument used as a filter: null when absent (no filter), the database key of an
 * id of type `type`, or NO_KEY (matches nothing) for a value that is not such an id.
 */
export function filterKey(raw: string | null | undefined, type: NodeType): number | null {
  return raw == null ? null : (parseId(raw, type) ?? NO_KEY);
}

/** PlanRollup.id: the rollup's figures are the plan's, wherever in a query it is read. */
export const rollupId = (planId: number): string => toGlobalId("PlanRollup", planId);

/**
 * ObjectiveProgress.id: the objective's, and the account the progress is narrowed to when it is
 * (a global objective's progress differs per account), so that the same figures have the same key.
 */
export const progressId = (objectiveId: number, accountId?: number | null): string =>
  toGlobalId("ObjectiveProgress", accountId == null ? objectiveId : `${objectiveId}:${accountId}`);
