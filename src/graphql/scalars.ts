import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { DateTimeResolver, LocalDateResolver } from "graphql-scalars";
import { DomainError } from "../common/errors";
import { type Cents, formatCents, parseDecimal } from "../common/money";

const localDate = LocalDateResolver.toConfig();

const dateTime = DateTimeResolver.toConfig();

/**
 * Dates and instants are limited to years 1000-9999: graphql-scalars accepts
 * year 0000, which PostgreSQL refuses as a date and stores as 1 BC for a
 * timestamp (read back, it no longer serializes as a DateTime), and an instant
 * at the very end of 9999 becomes year 10000 in a timezone east of UTC.
 */
export const DATE_RANGE = { min: "1000-01-01", max: "9999-12-31" } as const;
export const DATETIME_RANGE = { min: "1000-01-01T00:00:00.000Z", max: "9999-12-30T00:00:00.000Z" } as const;

function outOfRange(what: string, got: string, range: { min: string; max: string }): never {
  throw new GraphQLError(`${what} must be between ${range.min} and ${range.max}, got ${got.slice(0, 40)}`, { extensions: { code: "BAD_USER_INPUT" } });
}

function storableDate(value: string): string {
  if (value < DATE_RANGE.min || value > DATE_RANGE.max) outOfRange("Date", value, DATE_RANGE);
  return value;
}

function storableDateTime(value: Date): Date {
  const t = value.getTime();
  if (!(t >= Date.parse(DATETIME_RANGE.min) && t <= Date.parse(DATETIME_RANGE.max))) outOfRange("DateTime", value.toISOString?.() ?? String(value), DATETIME_RANGE);
  return value;
}

/** Runs a scalar parser; whatever it rejects is the client's input: BAD_USER_INPUT (literals and variables alike). */
function userInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof GraphQLError && e.extensions?.code === "BAD_USER_INPUT") throw e;
    // graphql-scalars names its own types (LocalDate); the client knows them as Date / DateTime
    const message = (e instanceof Error ? e.message : "invalid value").replace(/\bLocalDate\b/g, "Date");
    throw new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
  }
}

/** Calendar date as a "YYYY-MM-DD" string (graphql-scalars' LocalDate under the contract's name), years 1000-9999. */
export const DateScalar = new GraphQLScalarType({
  ...localDate,
  name: "Date",
  description: "Calendar date, YYYY-MM-DD.",
  specifiedByURL: undefined,
  parseValue: (value) => userInput(() => storableDate(localDate.parseValue!(value) as string)),
  parseLiteral: (ast, variables) => userInput(() => storableDate(localDate.parseLiteral!(ast, variables) as string)),
});

/** UTC instant (graphql-scalars' DateTime), years 1000-9999. */
export const DateTimeScalar = new GraphQLScalarType({
  ...dateTime,
  name: "DateTime",
  description: "UTC instant, ISO-8601.",
  specifiedByURL: undefined,
  serialize: (value) => {
    const out = dateTime.serialize!(value);
    return out instanceof Date ? out.toISOString() : out;
  },
  parseValue: (value) => userInput(() => storableDateTime(dateTime.parseValue!(value) as Date)),
  parseLiteral: (ast, variables) => userInput(() => storableDateTime(dateTime.parseLiteral!(ast, variables) as Date)),
});

function toUserError(e: unknown): never {
  if (e instanceof DomainError) {
    throw new GraphQLError(e.message, { extensions: { code: e.code } });
  }
  throw e;
}

/**
 * Exact decimal amount. Internally a bigint number of cents; on the wire a
 * string with two decimals. Accepts a string or a number; more than two
 * decimals, a negative amount or a non-number is BAD_USER_INPUT.
 */
export const DecimalScalar = new GraphQLScalarType<Cents, string>({
  name: "Decimal",
  description:
    'Exact decimal amount, serialized as a string such as "1250000.00"; accepts a string or a number.',
  serialize(value) {
    if (typeof value === "bigint") return formatCents(value);
    throw new GraphQLError("Decimal values are served from cents");
  },
  parseValue(value) {
    try {
      return parseDecimal(value, "Decimal");
    } catch (e) {
      return toUserError(e);
    }
  },
  parseLiteral(ast) {
    try {
      if (ast.kind === Kind.STRING) return parseDecimal(ast.value, "Decimal");
      if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value, "Decimal");
      throw new GraphQLError("Decimal must be a string or a number", {
        extensions: { code: "BAD_USER_INPUT" },
      });
    } catch (e) {
      return toUserError(e);
    }
  },
});
