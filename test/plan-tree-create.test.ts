/**
 * createBusinessPlanTree: a plan and its nested children in one transaction, each checked by the
 * create path createBusinessPlan takes; all or nothing; one audit entry per plan; bounded size;
 * errors name the failing node. Real GraphQL operations, both databases.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { MAX_PLAN_TREE_DEPTH, MAX_PLAN_TREE_NODES } from "../src/common/limits";
import { dbState, expectRejected, rowCounts } from "./helpers/db-state";
import { createHarness, expectCode, type Harness } from "./helpers/harness";
import { gid, keyOf } from "./helpers/ids";
import { createPeriod, createWorld, type World } from "./helpers/factories";

const TREE = `mutation($input: CreateBusinessPlanTreeInput!) { createBusinessPlanTree(input: $input) {
  id name status version owner { id } period { id } parent { id }
  children { id name version period { id } parent { id } children { id name period { id } } }
} }`;

interface Node {
  accountId: string;
  name: string;
  periodId: string;
  ownerId?: string;
  revenueTarget?: string;
  children?: Node[];
}

describe("createBusinessPlanTree", () => {
  let h: Harness;
  let w: World;
  /** Months of the future year: months[q][m] is month m+1 of quarter q+1. */
  let months: string[][];

  beforeAll(async () => {
    h = await createHarness();
    w = await createWorld(h);
    months = [];
    for (let q = 0; q < 4; q++) {
      months.push([]);
      for (let m = 0; m < 3; m++) {
        const month = q * 3 + m + 1;
        const mm = String(month).padStart(2, "0");
        const last = new Date(Date.UTC(2099, month, 0)).getUTCDate();
        months[q].push((await createPeriod(h, { name: `M${month} 2099`, type: "MONTH", startDate: `2099-${mm}-01`, endDate: `2099-${mm}-${last}`, parentId: w.future.q[q] })).id);
      }
    }
  });
  afterAll(() => h.close());

  const node = (name: string, periodId: string, children?: Node[], extra: Partial<Node> = {}): Node => ({ accountId: w.accountId, name, periodId, ...(children ? { children } : {}), ...extra });
  const annual = (children?: Node[]) => node("FY plan", w.future.year, children ?? w.future.q.map((q, i) => node(`Q${i + 1} plan`, q)));
  const auditOf = async (planId: string) =>
    (await h.deps.db.query<{ action: string }>(`SELECT action FROM plan_audit_entry WHERE plan_id = ${h.deps.db.param(1)} ORDER BY id`, [keyOf(planId)])).map((r) => r.action);

  it("creates an annual plan with its four quarters: DRAFT, version 1, one CREATED audit entry each", async () => {
    const before = await rowCounts(h);
    const d = (await h.ok(w.owner.token, TREE, { input: annual() })).createBusinessPlanTree;
    expect(d).toMatchObject({ name: "FY plan", status: "DRAFT", version: 1, owner: { id: gid("User", w.owner.user.id) }, period: { id: w.future.year }, parent: null });
    expect(d.children.map((c: any) => c.name)).toEqual(["Q1 plan", "Q2 plan", "Q3 plan", "Q4 plan"]);
    expect(d.children.map((c: any) => c.period.id)).toEqual(w.future.q);
    for (const c of d.children) expect(c).toMatchObject({ version: 1, parent: { id: d.id }, children: [] });
    const after = await rowCounts(h);
    expect(after.business_plan - before.business_plan).toBe(5);
    expect(after.plan_audit_entry - before.plan_audit_entry).toBe(5);
    for (const id of [d.id, ...d.children.map((c: any) => c.id)]) expect(await auditOf(id)).toEqual(["CREATED"]);
  });

  it("three levels (year, quarters, months); an ADMIN may make someone else the owner of every plan", async () => {
    const input = annual([node("Q1", w.future.q[0], months[0].map((m, i) => node(`M${i + 1}`, m))), node("Q3", w.future.q[2], [node("Sep", months[2][2])])]);
    const owned = { ...input, ownerId: gid("User", w.owner.user.id), children: input.children!.map((c) => ({ ...c, ownerId: gid("User", w.owner.user.id) })) };
    const d = (await h.ok(h.admin.token, TREE, { input: owned })).createBusinessPlanTree;
    expect(d.children.map((c: any) => c.children.map((g: any) => g.name))).toEqual([["M1", "M2", "M3"], ["Sep"]]);
    expect(d.owner.id).toBe(gid("User", w.owner.user.id));
  });

  it("a bad grandchild rolls back everything and names the node (children.1.children.0.periodId)", async () => {
    // Q2's child in a month of Q1: outside its parent's period
    const input = annual([node("Q1", w.future.q[0], [node("Jan", months[0][0])]), node("Q2", w.future.q[1], [node("Jan?", months[0][0])])]);
    const err = await expectRejected(h, w.owner.token, TREE, { input }, "BAD_USER_INPUT");
    expect(err.extensions?.field).toBe("children.1.children.0.periodId");
    expect(err.message).toMatch(/^children\.1\.children\.0\.periodId: /);
  });

  it("an unknown period, account or owner deep in the tree is NOT_FOUND pointing at that field", async () => {
    const missing = gid("Period", 999_999);
    let err = await expectRejected(h, w.owner.token, TREE, { input: annual([node("Q1", w.future.q[0], [node("M", missing)])]) }, "NOT_FOUND");
    expect(err.extensions?.field).toBe("children.0.children.0.periodId");
    err = await expectRejected(h, w.owner.token, TREE, { input: annual([node("Q1", w.future.q[0], [], { accountId: gid("Account", 999_999) })]) }, "NOT_FOUND");
    expect(err.extensions?.field).toBe("children.0.accountId");
    err = await expectRejected(h, h.admin.token, TREE, { input: annual([node("Q1", w.future.q[0], [], { ownerId: gid("User", 999_999) })]) }, "NOT_FOUND");
    expect(err.extensions?.field).toBe("children.0.ownerId");
  });

  it("a child of another account is refused (children.0.accountId); a root error is createBusinessPlan's", async () => {
    let err = await expectRejected(h, w.owner.token, TREE, { input: annual([node("Q1", w.future.q[0], [], { accountId: w.otherAccountId })]) }, "BAD_USER_INPUT");
    expect(err.extensions?.field).toBe("children.0.accountId");
    err = await expectRejected(h, w.owner.token, TREE, { input: node("Root", gid("Period", 999_999)) }, "NOT_FOUND");
    expect(err.message).toBe(`Period ${gid("Period", 999_999)} not found`);
  });

  it("input validation (a blank name deep down) is BAD_USER_INPUT naming the path, nothing created", async () => {
    const err = await expectRejected(h, w.owner.token, TREE, { input: annual([node("Q1", w.future.q[0], [node("   ", months[0][0])])]) }, "BAD_USER_INPUT");
    expect(err.message).toContain("children.0.children.0.name");
  });

  it(`bounded: at most ${MAX_PLAN_TREE_NODES} plans and ${MAX_PLAN_TREE_DEPTH} levels`, async () => {
    // depth MAX levels is fine; one more level is refused at the level that is too deep
    const chain = (levels: number): Node => (levels === 1 ? node(`L`, w.future.year) : node(`L`, w.future.year, [chain(levels - 1)]));
    expect((await h.ok(w.owner.token, TREE, { input: chain(MAX_PLAN_TREE_DEPTH) })).createBusinessPlanTree.id).toBeTruthy();
    const err = await expectRejected(h, w.owner.token, TREE, { input: chain(MAX_PLAN_TREE_DEPTH + 1) }, "BAD_USER_INPUT");
    expect(err.extensions?.field).toBe(`${"children.0.".repeat(MAX_PLAN_TREE_DEPTH - 1)}children`);
    // exactly MAX nodes is fine; one more is refused
    const wide = (n: number) => node("Wide", w.future.year, Array.from({ length: n - 1 }, (_, i) => node(`W${i}`, w.future.q[i % 4])));
    const before = await rowCounts(h);
    await h.ok(w.owner.token, TREE, { input: wide(MAX_PLAN_TREE_NODES) });
    expect((await rowCounts(h)).business_plan - before.business_plan).toBe(MAX_PLAN_TREE_NODES);
    const tooWide = await expectRejected(h, w.owner.token, TREE, { input: wide(MAX_PLAN_TREE_NODES + 1) }, "BAD_USER_INPUT");
    expect(tooWide.extensions?.field).toBe("children");
  });

  it("permissions: ANALYST and REVIEWER may not create plans; only an ADMIN names another owner, at any node", async () => {
    await expectRejected(h, w.analyst.token, TREE, { input: annual() }, "FORBIDDEN");
    await expectRejected(h, w.reviewer.token, TREE, { input: annual() }, "FORBIDDEN");
    const other = gid("User", w.otherAm.user.id);
    await expectRejected(h, w.owner.token, TREE, { input: { ...annual(), ownerId: other } }, "FORBIDDEN");
    const err = await expectRejected(h, w.owner.token, TREE, { input: annual([node("Q1", w.future.q[0]), node("Q2", w.future.q[1], [], { ownerId: other })]) }, "FORBIDDEN");
    expect(err.extensions?.field).toBe("children.1");
    expectCode(await h.gql(null, TREE, { input: annual() }), "UNAUTHENTICATED");
  });

  it("property: a random tree is created exactly when every child's period lies within its parent's; otherwise nothing is, and the error names the first bad node", async () => {
    // the period pool: the year, its quarters, their months, and the past year (inside nothing of 2099)
    const pool = () => [w.future.year, ...w.future.q, ...months.flat(), w.past.year];
    const span = new Map<string, [string, string]>();
    const rows = await h.deps.db.query<{ id: number; s: string; e: string }>("SELECT id, CAST(start_date AS TEXT) AS s, CAST(end_date AS TEXT) AS e FROM period");
    for (const r of rows) span.set(gid("Period", Number(r.id)), [r.s.slice(0, 10), r.e.slice(0, 10)]);
    const within = (c: string, p: string) => span.get(c)![0] >= span.get(p)![0] && span.get(c)![1] <= span.get(p)![1];
    type Shape = { p: number; kids: readonly Shape[] };
    const shape: fc.Arbitrary<Shape> = fc.letrec<{ t: Shape }>((tie) => ({
      t: fc.record({ p: fc.nat(pool().length - 1), kids: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.constant([]), fc.array(tie("t"), { maxLength: 3 })) }),
    })).t;
    const toInput = (s: Shape, name: string): Node => node(name, pool()[s.p], s.kids.length ? s.kids.map((k, i) => toInput(k, `${name}.${i}`)) : undefined);
    /** The first node (depth first, in input order) whose period is not within its parent's, as its error field; null when valid. */
    const firstBad = (n: Node, path: string, parentPeriod: string | null, level: number): string | null => {
      if (parentPeriod && !within(n.periodId, parentPeriod)) return `${path}periodId`;
      for (const [i, c] of (n.children ?? []).entries()) {
        const bad = firstBad(c, `${path}children.${i}.`, n.periodId, level + 1);
        if (bad) return bad;
      }
      return null;
    };
    const count = (n: Node): number => 1 + (n.children ?? []).reduce((s, c) => s + count(c), 0);
    const depth = (n: Node): number => 1 + Math.max(0, ...(n.children ?? []).map(depth));
    await fc.assert(
      fc.asyncProperty(shape, async (s) => {
        const input = toInput(s, "T");
        fc.pre(depth(input) <= MAX_PLAN_TREE_DEPTH && count(input) <= MAX_PLAN_TREE_NODES);
        const before = await dbState(h);
        const res = await h.gql(w.owner.token, TREE, { input });
        const bad = firstBad(input, "", null, 1);
        if (bad === null) {
          expect(res.errors).toBeUndefined();
          const after = await rowCounts(h);
          expect(after.business_plan - before.business_plan.length).toBe(count(input));
          expect(after.plan_audit_entry - before.plan_audit_entry.length).toBe(count(input));
          const root = res.data!.createBusinessPlanTree;
          expect(root.children.map((c: any) => c.name)).toEqual((input.children ?? []).map((c) => c.name));
        } else {
          expect(expectCode(res, "BAD_USER_INPUT").extensions?.field).toBe(bad);
          expect(await dbState(h)).toEqual(before);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
