import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, visit } from "graphql";
import { ErrorCode } from "../common/errors";

/**
 * Refuses text that is not clean Unicode anywhere in an operation's input
 * (variables and string literals), before any resolver runs: BAD_USER_INPUT,
 * HTTP 400, the same answer on both databases.
 *  - U+0000: PostgreSQL cannot store NUL in text columns (the insert fails and
 *    would surface as INTERNAL_SERVER_ERROR); SQLite would keep a value other
 *    clients truncate.
 *  - unpaired UTF-16 surrogates (JSON allows "\ud800"): they cannot be encoded
 *    as UTF-8, so the database would silently store U+FFFD instead, and
 *    validator.js (class-validator's IsEmail) throws URIError on them.
 */
export function textInputGuard(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const where = findBadText(request.variables ?? {}, "$");
          if (where) throw refuse(`Variable ${where}`);
          let literal = false;
          visit(document, {
            [Kind.STRING](node) {
              if (badText(node.value)) literal = true;
            },
          });
          if (literal) throw refuse("A string literal");
        },
      };
    },
  };
}

/** NUL, or a UTF-16 surrogate that is not half of a pair (with /u a pair is one code point and does not match). */
const BAD_TEXT = /\u0000|\p{Cs}/u;
const badText = (s: string) => BAD_TEXT.test(s);

function refuse(what: string) {
  return new GraphQLError(`${what} must be well-formed text: no NUL (\\u0000) characters or unpaired surrogates`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
  });
}

/** The path of the first bad string (keys included), or null. Iterative: no recursion limit. */
function findBadText(root: unknown, rootPath: string): string | null {
  const stack: Array<[unknown, string]> = [[root, rootPath]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      if (badText(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}[${i}]`]));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (badText(k)) return path;
        stack.push([v, path === "$" ? `$${k}` : `${path}.${k}`]);
      }
    }
  }
  return null;
}
