import { type GraphQLSchema, getNamedType, isInterfaceType, isObjectType, parse, TypeInfo, visit, visitWithTypeInfo } from "graphql";

/**
 * The selections of `source` on an object (or interface) type with an `id` field that do not
 * select `id` (unaliased), as "Operation: path (Type)". Apollo's and urql's normalized caches key
 * records by `__typename` + `id`: an object read without its id is stored under its parent and
 * never updated by a mutation's answer.
 */
export function selectionsWithoutId(schema: GraphQLSchema, source: string): string[] {
  const typeInfo = new TypeInfo(schema);
  const missing: string[] = [];
  const path: string[] = [];
  let operation = "";
  visit(
    parse(source),
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: { enter: (node) => void (operation = node.name?.value ?? "(anonymous)") },
      FragmentDefinition: { enter: (node) => void (operation = node.name.value) },
      Field: { enter: (node) => void path.push((node.alias ?? node.name).value), leave: () => void path.pop() },
      SelectionSet(node) {
        const type = getNamedType(typeInfo.getType() ?? typeInfo.getParentType());
        if (!type || !(isObjectType(type) || isInterfaceType(type)) || !type.getFields().id) return;
        if (path.length === 0) return; // the operation's root (Query, Mutation) has no id
        const selectsId = node.selections.some((s) => s.kind === "Field" && s.name.value === "id" && !s.alias);
        if (!selectsId) missing.push(`${operation}: ${path.join(".")} (${type.name})`);
      },
    }),
  );
  return missing;
}
