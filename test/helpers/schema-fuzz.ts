/**
 * A schema-driven operation generator for fast-check: walks the GraphQLSchema
 * (buildAppSchema()) and writes random queries and mutations with random
 * arguments (as literals or variables) and random selections, mostly
 * valid-looking, sometimes deliberately wrong (unknown fields, missing or
 * mistyped arguments, variables of the wrong type, hostile strings, broken
 * syntax).
 */
import fc from "fast-check";
import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";
import { NODE_TYPES } from "../../src/common/ids";
import { gid } from "./ids";

type Gen = fc.GeneratorValue;

/** One element of `items`, drawn by index (schema objects are cyclic: never hand them to fast-check). */
const pick = <T>(g: Gen, items: readonly T[]): T => items[g(fc.integer, { min: 0, max: items.length - 1 })];
/** 1..max distinct elements of `items`, by index. */
function pickSome<T>(g: Gen, items: readonly T[], max: number): T[] {
  const arb = () => fc.uniqueArray(fc.integer({ min: 0, max: items.length - 1 }), { minLength: 1, maxLength: Math.min(max, items.length) });
  return g(arb).map((i) => items[i]);
}

export interface FuzzOperation {
  query: string;
  variables: Record<string, unknown>;
  kind: "query" | "mutation";
  field: string;
}

const HOSTILE_STRINGS = [
  "",
  " ",
  "' OR 1=1 --",
  "1; DROP TABLE business_plan; --",
  "\" OR \"\"=\"",
  "%_\\",
  "Robert'); DELETE FROM account; --",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "../../etc/passwd",
  "\u202e\u200b\ufeff",
  "𝓤𝓷𝓲𝓬𝓸𝓭𝓮 ☃",
  "\ud800",
  "a\u0000b",
  "x".repeat(201),
  "y".repeat(2001),
  "z".repeat(10_001),
];
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const HOSTILE_IDS = [
  ...["0", "-1", "1.5", "1e999", "0x10", "abc", "' OR 1=1 --", "99999999999999999999", "2147483648", "", " 1 ", "１", "1", "20"],
  // forged global ids: a key that cannot exist, an unknown type, padding, the decoded form, a SQL key
  ...[b64("Account:0"), b64("Account:2147483648"), b64("Nope:1"), `${gid("Account", 1)}=`, "Account:1", b64("Account:1 OR 1=1")],
];
/** Global ids of every node type (an argument gets ids of the right type and of others). */
const VALID_IDS = NODE_TYPES.flatMap((t) => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20].map((n) => gid(t, n)));
const DECIMALS: unknown[] = ["0", "0.00", "1.5", "1250000.00", "999999999999999.99", 100, 12.5, "1e400", "NaN", "Infinity", "-1", "1.001", "abc", 1e21, "", "9".repeat(40)];
const DATES = ["2025-01-01", "2026-06-30", "2026-12-31", "2024-02-29", "2099-12-31", "2024-02-30", "0000-01-01", "9999-12-31", "2026-13-01", "yesterday", ""];
const DATETIMES = ["2026-03-01T10:00:00Z", "2026-03-01T10:00:00.000+02:00", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "now", ""];
const INTS = [0, 1, 2, 5, 10, 50, 100, 499, 500, 501, -1, 2147483647, -2147483648];

/** A JS value for an input type: valid-looking most of the time. */
function inputValue(c: Ctx, type: GraphQLInputType, depth: number, required = false): unknown {
  const g = c.g;
  if (isNonNullType(type)) {
    if (g(fc.integer, { min: 0, max: 99 }) < 10 && breakHere(c)) return null; // null where a value is required
    return inputValue(c, type.ofType as GraphQLInputType, depth, true);
  }
  const bad = g(fc.integer, { min: 0, max: 99 }) < 30 && breakHere(c);
  if (!required && g(fc.integer, { min: 0, max: 99 }) < 8) return null;
  if (isListType(type)) {
    if (bad && g(fc.boolean)) return inputValue(c, type.ofType as GraphQLInputType, depth); // a single value where a list is expected
    const n = g(fc.integer, { min: 0, max: bad ? 12 : 3 });
    return Array.from({ length: n }, () => inputValue(c, type.ofType as GraphQLInputType, depth + 1));
  }
  const named = type as GraphQLNamedType;
  if (isEnumType(named)) {
    return bad ? g(fc.constantFrom, "NOPE", "draft", 1, "") : g(fc.constantFrom, ...named.getValues().map((v) => v.name));
  }
  if (isInputObjectType(named)) {
    if (depth > 3) return {};
    const out: Record<string, unknown> = {};
    for (const f of Object.values(named.getFields())) {
      if (isNonNullType(f.type) || g(fc.integer, { min: 0, max: 99 }) < 40) out[f.name] = inputValue(c, f.type, depth + 1);
    }
    if (bad && g(fc.boolean)) out[g(fc.constantFrom, "unknownField", "__proto__", "constructor")] = "x";
    return out;
  }
  if (bad) {
    return g(fc.constantFrom, "not the right type", 12345, -1.5, true, { nested: "object" }, [1, 2], 2 ** 40, ...HOSTILE_STRINGS.slice(0, 6));
  }
  switch (named.name) {
    case "ID":
      return g(fc.integer, { min: 0, max: 99 }) < 80 ? g(fc.constantFrom, ...VALID_IDS) : g(fc.constantFrom, ...HOSTILE_IDS);
    case "String":
      return g(fc.integer, { min: 0, max: 99 }) < 60 ? g(fc.string, { minLength: 1, maxLength: 40 }) : g(fc.constantFrom, ...HOSTILE_STRINGS);
    case "Int":
      return g(fc.integer, { min: 0, max: 99 }) < 70 ? g(fc.constantFrom, ...INTS) : g(fc.integer, { min: -2147483648, max: 2147483647 });
    case "Float":
      return g(fc.double, { noNaN: true, noDefaultInfinity: true });
    case "Boolean":
      return g(fc.boolean);
    case "Decimal":
      return g(fc.constantFrom, ...DECIMALS);
    case "Date":
      return g(fc.constantFrom, ...DATES);
    case "DateTime":
      return g(fc.constantFrom, ...DATETIMES);
    default:
      return g(fc.string, { maxLength: 10 });
  }
}

/** A GraphQL literal for a JS value (enums unquoted when the type is an enum). */
export function literal(value: unknown, type: GraphQLInputType): string {
  if (value === null || value === undefined) return "null";
  const inner = isNonNullType(type) ? (type.ofType as GraphQLInputType) : type;
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, isListType(inner) ? (inner.ofType as GraphQLInputType) : inner)).join(", ")}]`;
  if (typeof value === "object") {
    const fields = isInputObjectType(inner) ? inner.getFields() : {};
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${/^[_A-Za-z][_0-9A-Za-z]*$/.test(k) ? k : "bad_key"}: ${literal(v, fields[k]?.type ?? inner)}`)
      .join(", ")} }`;
  }
  if (isEnumType(inner) && typeof value === "string" && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "0";
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

interface Ctx {
  g: Gen;
  defs: string[];
  variables: Record<string, unknown>;
  /** Percent chance, at each point where something can go wrong, that it does. */
  wild: number;
  /** At most one deliberate mistake per operation, so that each refusal has one cause. */
  broken: boolean;
  aliases: number;
}

function breakHere(c: Ctx): boolean {
  if (c.broken || c.wild === 0) return false;
  if (c.g(fc.integer, { min: 0, max: 99 }) >= c.wild) return false;
  c.broken = true;
  return true;
}

function argsOf(c: Ctx, args: readonly GraphQLArgument[]): string {
  const out: string[] = [];
  for (const a of args) {
    const required = isNonNullType(a.type);
    const roll = c.g(fc.integer, { min: 0, max: 99 });
    if (!required && roll < 45) continue;
    if (required && roll < 20 && breakHere(c)) continue; // missing required argument
    const value = inputValue(c, a.type, 0);
    if (c.g(fc.boolean)) {
      const name = `v${c.defs.length}`;
      // sometimes declare the variable with a wrong type
      const declared = c.g(fc.integer, { min: 0, max: 99 }) < 20 && breakHere(c) ? c.g(fc.constantFrom, "Int", "String!", "ID", "[ID!]!", "Boolean") : String(a.type);
      c.defs.push(`$${name}: ${declared}`);
      if (value !== null || c.g(fc.boolean)) c.variables[name] = value;
      out.push(`${a.name}: $${name}`);
    } else {
      out.push(`${a.name}: ${literal(value, a.type)}`);
    }
  }
  if (c.g(fc.integer, { min: 0, max: 99 }) < 10 && breakHere(c)) out.push(`${c.g(fc.constantFrom, "bogus", "limit", "where")}: 1`);
  return out.length ? `(${out.join(", ")})` : "";
}

function selectionOf(c: Ctx, type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return "";
  if (!isObjectType(type)) return "{ __typename }";
  const fields = Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>;
  const picked = pickSome(c.g, fields, 5);
  const parts: string[] = [];
  for (const f of picked) {
    const named = getNamedType(f.type);
    if (!isLeafType(named) && depth >= 4) continue;
    let alias = "";
    if (c.aliases < 5 && c.g(fc.integer, { min: 0, max: 99 }) < 10) alias = `a${c.aliases++}: `;
    let directive = "";
    if (c.g(fc.integer, { min: 0, max: 99 }) < 5) directive = c.g(fc.boolean) ? " @include(if: true)" : " @skip(if: false)";
    const sub = isLeafType(named) ? "" : ` ${selectionOf(c, named, depth + 1)}`;
    parts.push(`${alias}${f.name}${argsOf(c, f.args)}${directive}${sub}`);
  }
  if (parts.length === 0 || c.g(fc.integer, { min: 0, max: 99 }) < 10) parts.push("__typename");
  if (c.g(fc.integer, { min: 0, max: 99 }) < 10 && breakHere(c)) parts.push(c.g(fc.constantFrom, "notAField", "password", "__schema { types { name } }"));
  if (c.g(fc.integer, { min: 0, max: 99 }) < 5) return `{ ... on ${type.name} { ${parts.join(" ")} } }`;
  return `{ ${parts.join(" ")} }`;
}

/**
 * One random operation. `wild` (0-100) is how often a generated piece is
 * deliberately wrong; each operation draws its own wildness so that the run
 * mixes valid operations with broken ones.
 */
export function genOperation(g: Gen, schema: GraphQLSchema): FuzzOperation {
  const kind = g(fc.integer, { min: 0, max: 99 }) < 60 ? "query" : "mutation";
  const root = kind === "query" ? schema.getQueryType()! : schema.getMutationType()!;
  const field = pick(g, Object.values(root.getFields())) as GraphQLField<unknown, unknown>;
  const c: Ctx = { g, defs: [], variables: {}, wild: g(fc.constantFrom, 0, 0, 0, 10, 30, 60), broken: false, aliases: 0 };
  const args = argsOf(c, field.args);
  const named = getNamedType(field.type);
  const selection = isLeafType(named) ? "" : ` ${selectionOf(c, named, 1)}`;
  let query = `${kind}${c.defs.length ? `(${c.defs.join(", ")})` : ""} { ${field.name}${args}${selection} }`;
  if (g(fc.integer, { min: 0, max: 99 }) < 15 && breakHere(c)) {
    query = g(fc.boolean)
      ? query.slice(0, g(fc.integer, { min: 0, max: query.length })) // truncated document
      : `${query} ${g(fc.constantFrom, "}", "{", "query", "fragment", "$", "@", "...")}`;
  }
  return { query, variables: c.variables, kind, field: field.name };
}
