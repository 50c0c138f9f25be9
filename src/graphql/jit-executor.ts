import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  BREAK,
  type DocumentNode,
  execute,
  type FragmentDefinitionNode,
  Kind,
  GraphQLError,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  getNamedType,
  getVariableValues,
  isInputObjectType,
  type OperationDefinitionNode,
  printSchema,
  type TypeNode,
  visit,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { CompiledReads } from "./compiled-reads";
import type { Context } from "./context";

/** Compiled operations kept per process (least recently used out first). */
const CACHE_SIZE = 1000;

/**
 * graphql-jit writes the literal arguments of a document into the code it
 * generates as JSON, then turns its own markers ("__MAGIC_DATE__<uuid>...")
 * back into JavaScript (`new Date(...)`, NaN, Infinity) with a regular
 * expression. A client string literal that carries such a marker would be
 * turned into code too: remote code execution (0.8.9, the latest release).
 * Documents with a string literal containing the markers' prefix are never
 * compiled; graphql-js runs them. Variables are not affected (graphql-jit
 * reads them at run time, never as code). Nor are documents with a field
 * answered as "__proto__" (`__proto__: id`): graphql-jit builds its results
 * as object literals, where that key sets the prototype instead of a field.
 */
const JIT_MARKER = "__MAGIC_";

function mustNotCompile(document: DocumentNode, recursiveInputs: ReadonlySet<string>): boolean {
  let found = false;
  visit(document, {
    VariableDefinition(node) {
      if (!recursiveInputs.has(namedTypeOf(node.type))) return undefined;
      found = true;
      return BREAK;
    },
    StringValue(node) {
      if (!node.value.includes(JIT_MARKER)) return undefined;
      found = true;
      return BREAK;
    },
    Field(node) {
      if ((node.alias ?? node.name).value !== "__proto__") return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

const fragmentsOf = (document: DocumentNode): Record<string, FragmentDefinitionNode> => {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
};

const namedTypeOf = (t: TypeNode): string => (t.kind === "NamedType" ? t.name.value : namedTypeOf(t.type));

/**
 * The input types that contain themselves, directly or deeper (CreateBusinessPlanTreeInput.children),
 * and those that contain such a type: graphql-jit 0.8.9 generates the parser of a variable of such a
 * type without end (the process runs out of memory). Operations with such a variable run on graphql-js.
 */
export function recursiveInputTypes(schema: GraphQLSchema): Set<string> {
  const reach = new Map<string, Set<string>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    const seen = new Set<string>();
    const stack: GraphQLInputObjectType[] = [type];
    while (stack.length) {
      for (const field of Object.values(stack.pop()!.getFields())) {
        const named = getNamedType(field.type);
        if (isInputObjectType(named) && !seen.has(named.name)) {
          seen.add(named.name);
          stack.push(named);
        }
      }
    }
    reach.set(type.name, seen);
  }
  const cyclic = [...reach].filter(([name, seen]) => seen.has(name)).map(([name]) => name);
  return new Set([...reach].filter(([, seen]) => cyclic.some((c) => seen.has(c))).map(([name]) => name).concat(cyclic));
}

/**
 * Executes operations with graphql-jit (the operation compiled once into a
 * JavaScript function, then run for every request) instead of graphql-js'
 * interpreter: a third less CPU per request on the account view
 * (docs/performance.md). Plugged into Apollo Server through its public
 * executor interface (`gateway`): Apollo still parses, validates (all the
 * query limits), runs the plugins and formats the errors; only execution
 * changes.
 *
 * What stays exactly as with graphql-js:
 * - variables are coerced by graphql-js first (same messages, same
 *   BAD_USER_INPUT / HTTP 400 for a bad variable);
 * - errors are graphql-js GraphQLErrors (message, locations, path, the
 *   original error for the error formatter);
 * - an operation graphql-jit cannot compile, no operation at all (an
 *   unknown operationName), or a document graphql-jit must not compile
 *   (mustNotCompile below: markers, `__proto__`, a variable of a recursive
 *   input type), runs on graphql-js.
 */
export function jitGateway(schema: GraphQLSchema, compiledReads?: CompiledReads): GatewayInterface {
  const compiled = new Map<string, CompiledQuery | null>();
  const recursiveInputs = recursiveInputTypes(schema);

  const compiledFor = (key: string, compile: () => CompiledQuery | null): CompiledQuery | null => {
    let q = compiled.get(key);
    if (q !== undefined) {
      compiled.delete(key); // most recently used last
      compiled.set(key, q);
      return q;
    }
    q = compile();
    compiled.set(key, q);
    if (compiled.size > CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
    return q;
  };

  const executor: GatewayExecutor = async (rc) => {
    const inputs = rc.request.variables ?? {};
    // The operation name as the client sent it (rc.operationName is the name of the operation Apollo resolved).
    const operationName = rc.request.operationName;
    const graphqlJs = () => execute({ schema, document: rc.document, operationName, variableValues: inputs, contextValue: rc.context });
    // No operation to run (unknown or ambiguous operationName): graphql-js' own error, which Apollo turns into
    // OPERATION_RESOLUTION_FAILURE.
    const operation = rc.operation as OperationDefinitionNode | undefined;
    if (!operation) return graphqlJs();
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
    if (coerced.errors) return { errors: coerced.errors };
    if (compiledReads && operation.operation === "query") {
      const answer = await compiledReads.execute(operation, fragmentsOf(rc.document), coerced.coerced, rc.context as Context);
      if (answer) return answer;
    }

    const q = compiledFor(`${rc.queryHash}:${operationName ?? ""}`, () => {
      if (mustNotCompile(rc.document, recursiveInputs)) return null;
      try {
        const c = compileQuery(schema, rc.document, operationName, { disablingCapturingStackErrors: true });
        return isCompiledQuery(c) ? c : null;
      } catch {
        return null;
      }
    });
    if (q === null) return graphqlJs();
    const result = await q.query(undefined, rc.context, inputs);
    if (!result.errors?.length) return result;
    return { ...result, errors: result.errors.map(asGraphqlJsError) };
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors inherit from GraphQLError but leave `extensions`
 * undefined, which Apollo's error handling does not expect: rebuild each as
 * a graphql-js GraphQLError with the same message, locations, path and
 * original error.
 */
function asGraphqlJsError(e: GraphQLError): GraphQLError {
  const out = new GraphQLError(e.message, {
    path: e.path,
    originalError: e.originalError ?? undefined,
    extensions: e.extensions ?? undefined,
  });
  if (e.locations?.length) (out as { locations?: GraphQLError["locations"] }).locations = e.locations;
  return out;
}
