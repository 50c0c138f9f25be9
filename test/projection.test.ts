import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLObjectType } from "graphql";
import { createHarness, type GqlResult, type Harness } from "./helpers/harness";
import { gid } from "./helpers/ids";

/**
 * The list loaders read only the columns their field's selection needs
 * (src/loaders/projection.ts). Checked on the SQL the real server sends for
 * the account view, and on the two safety nets: a field resolver that is not
 * listed reads every column, and outside production an entity throws when a
 * listed resolver reads a column the list forgot.
 */
const ACCOUNT_VIEW = `query AccountView($id: ID!) {
  account(id: $id) {
    name contacts { firstName lastName jobTitle }
    businessPlans(topLevelOnly: true) {
      name status owner { name } revenueTarget rollup { wonRevenue }
      children { name status objectives { name unit targetQuantity progress { percentComplete }
        opportunities { name revenue status } activities { subject type status dueAt } } } }
    applicableObjectives { name isGlobal }
    activities(status: [PLANNED]) { subject dueAt followUpOf { subject } }
  }
}`;

/** The columns a field resolver declares (@Extensions({ needs })), read and written on the served schema. */
const needsOf = (h: Harness, type: string, field: string) => (h.deps.schema.getType(type) as GraphQLObjectType).getFields()[field].extensions as { needs?: readonly string[] };

describe("column projections", () => {
  let h: Harness;
  let sql: string[] = [];
  beforeAll(async () => {
    // the loaders' projections, which compiled reads (PostgreSQL) do not use: the resolvers answer here
    h = await createHarness({ seed: true, env: { COMPILED_READS: "false" } });
    const logger = h.deps.db.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      sql.push(query);
      logQuery(query, parameters, runner);
    };
  });
  afterAll(async () => h?.close());

  const run = async (query: string, variables?: Record<string, unknown>) => {
    sql = [];
    const r = await h.gql("demo-giulia", query, variables);
    return { r, sql: [...sql] };
  };
  const selectOf = (statements: string[], pattern: RegExp) => {
    const found = statements.filter((s) => pattern.test(s));
    expect(found, `one statement matching ${pattern}`).toHaveLength(1);
    return found[0].slice(0, found[0].indexOf(" FROM "));
  };

  it("the account view's list statements read the selected columns, the ids and the loader keys only", async () => {
    const { r, sql: statements } = await run(ACCOUNT_VIEW, { id: gid("Account", 1) });
    expect(r.errors ?? []).toEqual([]);
    expect(r.data.account.businessPlans[0].children[0].objectives[0].activities.length).toBeGreaterThan(0);

    const activities = selectOf(statements, /FROM "activity" "t" WHERE "t"\."objective_id" IN/);
    for (const col of ["id", "subject", "type", "status", "dueAt", "objectiveId"]) expect(activities).toContain(`AS "${col}"`);
    for (const col of ["notes", "createdAt", "updatedAt", "completedAt", "ownerId", "accountId"]) expect(activities).not.toContain(`AS "${col}"`);

    const opportunities = selectOf(statements, /FROM "opportunity" "t" WHERE "t"\."objective_id" IN/);
    expect(opportunities).toContain(`AS "revenue"`);
    expect(opportunities).not.toContain(`AS "closeDate"`);

    // progress needs unit, quantities and the revenue target; the selection itself names unit and targetQuantity
    const objectives = selectOf(statements, /FROM "objective" "t" WHERE "t"\."plan_id" IN/);
    for (const col of ["unit", "manualQuantity", "targetQuantity", "targetRevenue", "planId"]) expect(objectives).toContain(`AS "${col}"`);
    expect(objectives).not.toContain(`AS "description"`);

    // followUpOf needs the follow-up column; owner needs ownerId; rollup needs the plan's revenue target
    expect(selectOf(statements, /FROM "activity" "t" WHERE "t"\."account_id" IN/)).toContain(`AS "followUpOfId"`);
    const plans = selectOf(statements, /FROM "business_plan" "t" WHERE "t"\."account_id" IN/);
    for (const col of ["ownerId", "revenueTarget", "status"]) expect(plans).toContain(`AS "${col}"`);
    expect(plans).not.toContain(`AS "description"`);
  });

  it("fragments and inline fragments count: their fields are read too", async () => {
    const { r, sql: statements } = await run(
      `fragment A on Activity { notes } query { account(id: "${gid("Account", 1)}") { businessPlans { children { objectives { activities { id ...A ... on Activity { completedAt } } } } } } }`,
    );
    expect(r.errors ?? []).toEqual([]);
    const activities = selectOf(statements, /FROM "activity" "t" WHERE "t"\."objective_id" IN/);
    expect(activities).toContain(`AS "notes"`);
    expect(activities).toContain(`AS "completedAt"`);
    expect(activities).not.toContain(`AS "subject"`);
  });

  it("positions listing the same relation with different selections share one statement, with the union of the columns", async () => {
    const { r, sql: statements } = await run(`{ a: account(id: "${gid("Account", 1)}") { contacts { firstName } } b: account(id: "${gid("Account", 2)}") { contacts { lastName email } } }`);
    expect(r.errors ?? []).toEqual([]);
    const contacts = selectOf(statements, /FROM "contact" "t" WHERE "t"\."account_id" IN/);
    for (const col of ["firstName", "lastName", "email", "accountId"]) expect(contacts).toContain(`AS "${col}"`);
    expect(contacts).not.toContain(`AS "jobTitle"`);
    expect(r.data.a.contacts.every((c: any) => typeof c.firstName === "string")).toBe(true);
    expect(r.data.b.contacts.every((c: any) => typeof c.lastName === "string")).toBe(true);
  });

  it("a key read earlier with fewer columns than a later position needs is read again, and answers right", async () => {
    // a third level: a territory plan under one of Globex's child plans
    const plans = await h.ok("demo-giulia", `{ account(id: "${gid("Account", 1)}") { businessPlans { id parent { id } period { id } } } }`);
    const child = plans.account.businessPlans.find((p: any) => p.parent !== null);
    // (Globex's demo tree is FINAL_APPROVED, which locks its structure: a DRAFT tree of its own)
    const mk = async (name: string, parentId?: string) =>
      (
        await h.ok(h.admin.token, `mutation($input: CreateBusinessPlanInput!) { createBusinessPlan(input: $input) { id } }`, {
          input: { name, accountId: gid("Account", 1), periodId: child.period.id, parentId, territory: "North" },
        })
      ).createBusinessPlan.id as string;
    await mk("Globex north territory", await mk("Globex north region", await mk("Globex north")));
    // every plan's children at level 1 (only ids needed), then the grandchildren's names: the
    // grandchildren's keys were read at level 1 with fewer columns
    const { r, sql: statements } = await run(`{ account(id: "${gid("Account", 1)}") { businessPlans { id children { id children { id name territory } } } } }`);
    expect(r.errors ?? []).toEqual([]);
    const childReads = statements.filter((x) => /FROM "business_plan" "t" WHERE "t"\."parent_id" IN/.test(x));
    expect(childReads).toHaveLength(2);
    expect(childReads[1]).toContain(`AS "name"`);
    const grandchildren = r.data.account.businessPlans.flatMap((p: any) => p.children.flatMap((c: any) => c.children));
    expect(grandchildren.length).toBeGreaterThan(0);
    for (const g of grandchildren) {
      const { businessPlan } = await h.ok("demo-giulia", `query($id: ID!) { businessPlan(id: $id) { name territory } }`, { id: g.id });
      expect({ name: g.name, territory: g.territory }).toEqual(businessPlan);
    }
  });

  it("a field resolver that is not listed reads every column (safe by default)", async () => {
    const ext = needsOf(h, "Activity", "followUpOf");
    const saved = ext.needs;
    delete ext.needs;
    try {
      const { r, sql: statements } = await run(`{ account(id: "${gid("Account", 1)}") { activities(status: [PLANNED]) { subject followUpOf { subject } } } }`);
      expect(r.errors ?? []).toEqual([]);
      const activities = selectOf(statements, /FROM "activity" "t" WHERE "t"\."account_id" IN/);
      expect(activities).toContain(`AS "notes"`);
      expect(activities).toContain(`AS "createdAt"`);
    } finally {
      ext.needs = saved;
    }
  });

  it("outside production, a resolver reading a column its list forgot fails loudly instead of answering wrong", async () => {
    expect(h.deps.db.strictProjections).toBe(true);
    const ext = needsOf(h, "Objective", "isGlobal");
    const saved = ext.needs;
    ext.needs = ["planId"]; // forgets accountId
    let broken: GqlResult;
    try {
      broken = await h.gql("demo-giulia", `{ account(id: "${gid("Account", 1)}") { businessPlans { objectives { name isGlobal } } } }`);
    } finally {
      ext.needs = saved;
    }
    // (another document: projections are memoised per parsed document)
    const fixed = await h.gql("demo-giulia", `{ account(id: "${gid("Account", 1)}") { businessPlans { objectives { id name isGlobal } } } }`);
    expect(fixed.errors ?? []).toEqual([]);
    const plans = fixed.data.account.businessPlans as Array<{ objectives: Array<{ isGlobal: boolean }> }>;
    expect(plans.flatMap((p) => p.objectives).every((o) => o.isGlobal === false)).toBe(true);
    // one masked error per objective read, each at that objective's isGlobal, and nothing else
    const expected = plans.flatMap((p, i) => p.objectives.map((_, j) => ["account", "businessPlans", i, "objectives", j, "isGlobal"]));
    expect(expected.length).toBeGreaterThan(0);
    expect(broken.errors?.map((e) => e.path)).toEqual(expected);
    expect(broken.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(expected.map(() => ["Internal server error", "INTERNAL_SERVER_ERROR"]));
  });
});
