/**
 * Every type, field, argument, input field and enum value of the served schema has a description
 * (docs explorers and generated client types show them); src/graphql/descriptions.ts holds the
 * ones the decorators do not give.
 */
import { type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType } from "graphql";
import { describe, expect, it } from "vitest";
import { applyDescriptions, DESCRIPTIONS } from "../src/graphql/descriptions";
import { buildAppSchema } from "../src/schema";

const BUILT_IN = new Set(["String", "Int", "Float", "Boolean", "ID"]);

/** Everything without a description (or with one of fewer than 3 characters), as "Type", "Type.field", "Type.field(arg)" or "Enum.VALUE". */
function undescribed(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  const bad = (d: string | null | undefined) => !d || d.trim().length < 3;
  for (const t of Object.values(schema.getTypeMap())) {
    if (t.name.startsWith("__") || (isScalarType(t) && BUILT_IN.has(t.name))) continue;
    if (bad(t.description)) out.push(t.name);
    if (isObjectType(t) || isInterfaceType(t)) {
      for (const f of Object.values(t.getFields())) {
        if (bad(f.description)) out.push(`${t.name}.${f.name}`);
        for (const a of f.args) if (bad(a.description)) out.push(`${t.name}.${f.name}(${a.name})`);
      }
    }
    if (isInputObjectType(t)) for (const f of Object.values(t.getFields())) if (bad(f.description)) out.push(`${t.name}.${f.name}`);
    if (isEnumType(t)) for (const v of t.getValues()) if (bad(v.description)) out.push(`${t.name}.${v.name}`);
  }
  return out;
}

describe("schema descriptions", () => {
  it("every type, field, argument, input field and enum value has one", () => {
    expect(undescribed(buildAppSchema())).toEqual([]);
  });

  it("the check finds a missing one (it can fail), and a description for a name the schema lacks stops the build", async () => {
    const { buildSchema } = await import("graphql");
    const bare = buildSchema(`"The root" type Query { "A field" a(x: Int): E } enum E { "One value" ONE TWO } input I { y: Int }`);
    expect(undescribed(bare)).toEqual(["Query.a(x)", "E", "E.TWO", "I", "I.y"]);
    const other = buildSchema(`type Query { nope: Int }`);
    expect(() => applyDescriptions(other)).toThrow(/descriptions for names the schema does not have: .*\bQuery\.me\b/);
    expect(Object.keys(DESCRIPTIONS).length).toBeGreaterThan(300);
  });

  it("the committed schema.graphql carries them (what clients and codegen read)", async () => {
    const { readFileSync } = await import("node:fs");
    const { buildSchema } = await import("graphql");
    const committed = buildSchema(readFileSync(`${__dirname}/../schema.graphql`, "utf8"));
    expect(undescribed(committed)).toEqual([]);
  });
});
