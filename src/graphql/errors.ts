import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import type { ValidationError } from "class-validator";
import { DomainError, ErrorCode } from "../common/errors";

export interface ErrorLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

/** Codes that Apollo / graphql-js / our scalars produce for bad requests: passed through as they are. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

function flatten(errors: ValidationError[], prefix = ""): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const msg of Object.values(e.constraints ?? {})) out.push(`${path}: ${msg}`);
    if (e.children?.length) out.push(...flatten(e.children, path));
  }
  return out;
}

export interface FormatErrorOptions {
  /** Production: drop graphql-js "Did you mean ...?" suggestions, which reveal schema names. */
  hideSuggestions?: boolean;
}

/** graphql-js suggestion suffixes: ` Did you mean "x"?`, ` Did you mean the enum value "X"?`, `... "a", "b", or "c"?` */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * The one error formatter. Domain errors keep their code and message;
 * validation errors become BAD_USER_INPUT naming field and rule; anything else
 * is masked as INTERNAL_SERVER_ERROR with the request id, and logged in full.
 */
export function makeFormatError(log: ErrorLogger, requestIdOf: () => string | undefined, opts: FormatErrorOptions = {}) {
  const format = makeFormatter(log, requestIdOf);
  if (!opts.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = format(formatted, error);
    return out.message.includes("Did you mean") ? { ...out, message: out.message.replace(SUGGESTION, "") } : out;
  };
}

function makeFormatter(log: ErrorLogger, requestIdOf: () => string | undefined) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof DomainError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...(original.details ?? {}) } };
    }
    if (original instanceof ArgumentValidationError) {
      const rules = flatten(original.extensions.validationErrors);
      return {
        ...base,
        message: `Invalid input: ${rules.join("; ")}`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, rules },
      };
    }
    let code = formatted.extensions?.code;
    // A literal our scalars reject (e.g. Decimal 1e400 written in the query) fails during validation;
    // the scalar's own code (BAD_USER_INPUT) wins over GRAPHQL_VALIDATION_FAILED.
    const cause = original instanceof GraphQLError ? original.originalError : undefined;
    if (code === "GRAPHQL_VALIDATION_FAILED" && cause instanceof GraphQLError && cause.extensions?.code === ErrorCode.BAD_USER_INPUT) {
      code = ErrorCode.BAD_USER_INPUT;
    }
    if (typeof code === "string" && CLIENT_CODES.has(code)) {
      let message = formatted.message.replace(/^Context creation failed: /, "");
      // Every graphql-js parse error starts "Syntax Error:"; anything else is the parser running out of
      // stack on a deeply nested document (a RangeError): say that, not the engine's text.
      if (code === "GRAPHQL_PARSE_FAILED" && !message.startsWith("Syntax Error:")) message = "Syntax Error: the document is nested too deeply";
      return { ...base, message, extensions: { code } };
    }
    const requestId = requestIdOf();
    log.error({ err: original, requestId, path: formatted.path }, "unexpected error");
    return {
      ...base,
      message: "Internal server error",
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
    };
  };
}

