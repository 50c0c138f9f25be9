import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../src/seed/demo";
import { type Example, findExamplesFile, parseExamples } from "../src/graphql/examples";
import { buildAppSchema } from "../src/schema";
import { createHarness, type Harness } from "./helpers/harness";
import { gid } from "./helpers/ids";
import { selectionsWithoutId } from "./helpers/id-selections";

const file = resolve(__dirname, "..", "examples.graphql");
const text = readFileSync(file, "utf8");
const examples = parseExamples(text);
const queries = examples.filter((e) => e.kind === "query");
const mutations = examples.filter((e) => e.kind === "mutation");
const demoTokens = new Set<string>(DEMO_USERS.map((u) => u.token));

/** A top-level field's value counts as a result when it is not null, not an empty list, not an empty connection. */
function emptyFields(data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .filter(([, v]) => {
      if (v === null || v === undefined) return true;
      if (Array.isArray(v)) return v.length === 0;
      if (typeof v === "object" && "edges" in v) return (v as { edges: unknown[] }).edges.length === 0;
      return false;
    })
    .map(([k]) => k);
}

describe("examples.graphql", () => {
  it("is found where the playground looks for it", () => {
    expect(findExamplesFile(resolve(__dirname, "..", "src", "graphql"))).toBe(file);
  });

  it("covers every step of a planning cycle, with variables and a demo token for each operation", () => {
    const names = examples.map((e) => e.name);
    for (const step of [
      "CreateAnnualPlan",
      "CreateQuarterPlan",
      "SubmitPlan",
      "ReviewPlan",
      "SendBackPlan",
      "ApprovePlan",
      "AddObjective",
      "LogCall",
      "FollowUpActivity",
      "FollowUpOpportunity",
      "PlanProgress",
      "ExpireAtPeriodEnd",
      "RollForward",
      "AccountView",
    ]) {
      expect(names).toContain(step);
    }
    expect(new Set(names).size).toBe(names.length);
    for (const e of examples) {
      expect(e.as, `${e.name}: # as: <demo token>`).not.toBeNull();
      expect(demoTokens.has(e.as!), `${e.name}: ${e.as} is a demo token`).toBe(true);
      expect(e.source, `${e.name}: comment block kept`).toMatch(/^# /);
      const declared = [...e.source.matchAll(/\$(\w+)\s*:\s*[\w[\]!]*!/g)].map((m) => m[1]);
      for (const v of declared) expect(e.variables, `${e.name}: variables give required $${v}`).toHaveProperty(v);
    }
  });

  it("contains the account view query verbatim", () => {
    const accountView = `query AccountView($id: ID!, $period: ID) {
  account(id: $id) { id
    name contacts { id firstName lastName jobTitle }
    businessPlans(periodId: $period, topLevelOnly: true) { id
      name status owner { id name } revenueTarget rollup { id wonRevenue pipelineRevenue attainment }
      children { id name businessUnit territory status rollup { id wonRevenue }
        objectives { id name unit targetQuantity progress { id actualQuantity percentComplete }
          opportunities { id name revenue status } activities { id subject type status dueAt } } } }
    applicableObjectives(periodId: $period) { id name isGlobal progress { id percentComplete } }
    activities(status: [PLANNED]) { id subject dueAt followUpOf { id subject } }
  }
}`;
    expect(text).toContain(accountView);
  });

  it("validates every operation against the schema, the whole file and each operation alone", () => {
    const schema = buildAppSchema();
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
    for (const e of examples) {
      expect(validate(schema, parse(e.source)).map((x) => `${e.name}: ${x.message}`)).toEqual([]);
    }
  });

  it("selects `id` on every object that has one (normalized caches key records by it)", () => {
    expect(selectionsWithoutId(buildAppSchema(), text)).toEqual([]);
    // the check can fail
    expect(selectionsWithoutId(buildAppSchema(), "query Q { me { name } accounts { edges { node { id owner { id } contacts { name: firstName } } } } }")).toEqual([
      "Q: me (User)",
      "Q: accounts.edges.node.contacts (Contact)",
    ]);
  });

  it("the validation would catch a broken operation (the check can fail)", () => {
    const [broken] = parseExamples(`# t\n# as: demo-giulia\n# variables: {}\nquery Broken { account(id: "1") { nameX } }`);
    expect(validate(buildAppSchema(), parse(broken.source)).length).toBeGreaterThan(0);
    expect(() => parseExamples(`# variables: {nope}\nquery Q { me { id } }`)).toThrow(/not valid JSON/);
    expect(emptyFields({ a: [], b: null, c: { edges: [] }, d: { name: "x" } })).toEqual(["a", "b", "c"]);
  });

  describe("against the demo data", () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness({ seed: true });
    });
    afterAll(async () => h?.close());

    it.each(queries.map((q) => [q.name, q] as [string, Example]))("query %s runs with 0 errors and non-empty results", async (_name, q) => {
      const r = await h.gql(q.as, q.source, q.variables);
      expect(r.errors ?? []).toEqual([]);
      expect(r.data).toBeTruthy();
      expect(emptyFields(r.data as Record<string, unknown>)).toEqual([]);
    });

    it("AccountView shows the Globex FY2026 plans, children, objectives and open activities", async () => {
      const q = examples.find((e) => e.name === "AccountView")!;
      const { account } = await h.ok(q.as, q.source, q.variables);
      expect(account.name).toBe("Globex Industries");
      expect(account.businessPlans.map((p: any) => p.name)).toEqual(
        expect.arrayContaining(["Globex FY2026 Account Plan", "Globex FY2026 Specialty Sensors"]),
      );
      const annual = account.businessPlans.find((p: any) => p.name === "Globex FY2026 Account Plan");
      expect(annual.children.length).toBeGreaterThanOrEqual(4);
      expect(account.applicableObjectives.some((o: any) => o.isGlobal)).toBe(true);
      expect(account.activities.length).toBeGreaterThan(0);
    });
  });

  describe("the planning cycle, top to bottom on a fresh demo database", () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness({ seed: true });
    });
    afterAll(async () => h?.close());

    it("runs every operation in file order with its documented token and variables, 0 errors", async () => {
      const results: Record<string, any> = {};
      for (const e of examples) {
        const r = await h.gql(e.as, e.source, e.variables);
        expect(r.errors ?? [], `${e.name} (${e.kind})`).toEqual([]);
        results[e.name] = r.data;
      }
      expect(mutations.length).toBeGreaterThanOrEqual(12);
      // The ids the comments promise are the ids the mutations returned.
      expect(results.CreateAnnualPlan.createBusinessPlan.id).toBe(gid("BusinessPlan", 11));
      expect(results.CreateQuarterPlan.createBusinessPlan.id).toBe(gid("BusinessPlan", 12));
      expect(results.AddObjective.createObjective.id).toBe(gid("Objective", 8));
      expect(results.LogCall.createActivity.id).toBe(gid("Activity", 7));
      expect(results.FollowUpOpportunity.createFollowUpOpportunity.id).toBe(gid("Opportunity", 8));
      for (const id of [gid("BusinessPlan", 11), gid("BusinessPlan", 12), gid("Objective", 8), gid("Activity", 7), gid("Opportunity", 8)]) {
        expect(text, "the comments name the ids the mutations return").toContain(id);
      }
      expect(results.ApprovePlan.changeBusinessPlanStatus.status).toBe("FINAL_APPROVED");
      expect(results.ReviewPlan.updateBusinessPlan.revenueTarget).toBe("320000.00");
      expect(results.SendBackPlan.changeBusinessPlanStatus.status).toBe("DRAFT");
      expect(results.CompleteCall.completeActivity.objective.progress.actualQuantity).toBe(1);
      expect(results.WinOpportunity.updateOpportunity.plans[0].rollup.wonRevenue).toBe("45000.00");
      expect(results.ExpireAtPeriodEnd.expireBusinessPlans.map((p: any) => p.name)).toEqual(["Globex Q1 FY2026", "Globex Q2 FY2026"]);
      const copy = results.RollForward.copyBusinessPlan;
      expect(copy.status).toBe("DRAFT");
      expect(copy.period.name).toBe("FY2027");
      expect(copy.children.map((c: any) => c.period.name)).toEqual(expect.arrayContaining(["Q1 FY2027", "Q4 FY2027"]));
    });
  });
});
