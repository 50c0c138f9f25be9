import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { DateTimeResolver, LocalDateResolver } from "graphql-scalars";
import { DomainError } from "../common/errors";
import { type Cents, formatCents, parseDecimal } from "../common/money";

/** Calendar date as a "YYYY-MM-DD" string (graphql-scalars' LocalDate under the contract's name). */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: "Date",
  description: "Calendar date, YYYY-MM-DD.",
  specifiedByURL: undefined,
});

/** UTC instant (graphql-scalars' DateTime). */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  name: "DateTime",
  description: "UTC instant, ISO-8601.",
  specifiedByURL: undefined,
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
