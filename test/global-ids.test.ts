/**
 * Global object identification (Relay): every id the API serves is opaque and unique across
 * types, `node(id:)` / `nodes(ids:)` resolve any of them through the loaders, and every input
 * refuses an id of the wrong type or a malformed one with NOT_FOUND (never a 500).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_TYPES } from "../src/common/ids";
import { MAX_NODES } from "../src/common/limits";
import { expectRejected } from "./helpers/db-state";
import { createHarness, expectCode, type Harness } from "./helpers/harness";
import { fromGlobalId, gid } from "./helpers/ids";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("global ids", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ seed: true });
  });
  afterAll(async () => h?.close());

  it("the codec: one opaque spelling per object, unique across types; anything else is not an id", () => {
    const ids = NODE_TYPES.map((t) => gid(t, 1));
    expect(new Set(ids).size).toBe(NODE_TYPES.length);
    for (const t of NODE_TYPES) expect(fromGlobalId(gid(t, 2147483647))).toEqual({ type: t, id: 2147483647 });
    expect(gid("Account", 1)).not.toMatch(/1$|Account/);
    for (const bad of ["1", "", "Account:1", `${gid("Account", 1)}=`, b64("Account:0"), b64("Account:01"), b64("Account:2147483648"), b64("Nope:1"), b64("Account:1 "), "QWNjb3VudDox\n", "x".repeat(65)]) {
      expect(fromGlobalId(bad), JSON.stringify(bad)).toBeNull();
    }
    // a non-canonical spelling of the same bytes (other trailing bits) is not the same id
    expect(fromGlobalId("QWNjb3VudDoy")).toEqual({ type: "Account", id: 2 });
    expect(fromGlobalId("QWNjb3VudDoz")).toEqual({ type: "Account", id: 3 });
    expect(fromGlobalId("UGVyaW9kOjY")).toEqual({ type: "Period", id: 6 });
    expect(fromGlobalId("UGVyaW9kOjZ")).toBeNull();
  });

  it("every id served is the global id of the object's own type, and node(id:) gives the object back", async () => {
    const r = await h.ok(
      "demo-giulia",
      `{ me { id } account(id: "${gid("Account", 1)}") { id owner { id } contacts { id account { id } }
          businessPlans { id period { id } objectives { id } opportunities { id } activities { id } notes { id } } } }`,
    );
    const a = r.account;
    const seen: Array<[string, string]> = [
      ["User", r.me.id],
      ["Account", a.id],
      ["User", a.owner.id],
      ...a.contacts.map((c: any) => ["Contact", c.id] as [string, string]),
      ...a.businessPlans.flatMap((p: any) => [
        ["BusinessPlan", p.id],
        ["Period", p.period.id],
        ...p.objectives.map((o: any) => ["Objective", o.id]),
        ...p.opportunities.map((o: any) => ["Opportunity", o.id]),
        ...p.activities.map((o: any) => ["Activity", o.id]),
        ...p.notes.map((o: any) => ["Note", o.id]),
      ]),
    ];
    // webhooks are ADMIN-only (node answers null to others)
    const hook = await h.ok("demo-admin", `mutation { createWebhook(input: { url: "https://203.0.113.10/h", events: [] }) { webhook { id } } }`);
    seen.push(["Webhook", hook.createWebhook.webhook.id]);
    expect(new Set(seen.map(([t]) => t))).toEqual(new Set(NODE_TYPES));
    for (const [type, id] of seen) expect(fromGlobalId(id)?.type, id).toBe(type);
    for (const [type, id] of seen) {
      const n = await h.ok(type === "Webhook" ? "demo-admin" : "demo-alan", `query($id: ID!) { node(id: $id) { __typename id } }`, { id });
      expect(n.node).toEqual({ __typename: type, id });
    }
  });

  it("node answers null for an id that does not exist, of an unknown type, or malformed; single-record queries too", async () => {
    for (const id of [gid("Account", 999999), b64("Nope:1"), "1", "", "abc", b64("Account:0")]) {
      const r = await h.ok("demo-giulia", `query($id: ID!) { node(id: $id) { id } account(id: $id) { id } }`, { id });
      expect(r, id).toEqual({ node: null, account: null });
    }
    // the id of another type is not an account
    expect((await h.ok("demo-giulia", `{ account(id: "${gid("BusinessPlan", 1)}") { id } }`)).account).toBeNull();
    expect((await h.ok("demo-giulia", `{ businessPlan(id: "${gid("Account", 1)}") { id } }`)).businessPlan).toBeNull();
  });

  it(`nodes: mixed types in the order asked, null where nothing exists, ${MAX_NODES} ids in one statement per type`, async () => {
    const ids = NODE_TYPES.flatMap((t) => Array.from({ length: 13 }, (_, i) => gid(t, i + 1))).slice(0, MAX_NODES);
    expect(ids).toHaveLength(MAX_NODES);
    const q = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
    const s0 = h.statements();
    await h.ok("demo-alan", q, { ids: [] });
    const baseline = h.statements() - s0;
    const s1 = h.statements();
    const r = await h.ok("demo-alan", q, { ids });
    const statements = h.statements() - s1 - baseline;
    expect(statements).toBeLessThanOrEqual(new Set(ids.map((id) => fromGlobalId(id)!.type)).size);
    expect(r.nodes).toHaveLength(MAX_NODES);
    r.nodes.forEach((n: any, i: number) => {
      if (n !== null) expect(n).toEqual({ __typename: fromGlobalId(ids[i])!.type, id: ids[i] });
    });
    expect(r.nodes.filter((n: any) => n !== null).length).toBeGreaterThan(40);
    expect(r.nodes.some((n: any) => n === null)).toBe(true);
    // repeated and invalid ids
    const rep = await h.ok("demo-alan", q, { ids: [gid("Account", 1), "junk", gid("Account", 1)] });
    expect(rep.nodes).toEqual([{ __typename: "Account", id: gid("Account", 1) }, null, { __typename: "Account", id: gid("Account", 1) }]);
  });

  it(`nodes refuses more than ${MAX_NODES} ids with BAD_USER_INPUT`, async () => {
    const r = await h.gql("demo-alan", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: MAX_NODES + 1 }, (_, i) => gid("Account", i + 1)) });
    expectCode(r, "BAD_USER_INPUT");
  });

  it("every input refuses an id of the wrong type, a malformed one or an old numeric one with NOT_FOUND, and changes nothing", async () => {
    const plan = gid("BusinessPlan", 8); // DRAFT, Marco's
    for (const id of [gid("Account", 2), "2", b64("BusinessPlan:2") + "=", b64("BusinessPlan:2147483648"), "'; DROP TABLE business_plan; --"]) {
      await expectRejected(h, "demo-giulia", `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { name: "x" }) { id } }`, { id }, "NOT_FOUND");
    }
    for (const input of [
      { accountId: gid("BusinessPlan", 1), periodId: gid("Period", 6) },
      { accountId: gid("Account", 1), periodId: gid("Account", 6) },
      { accountId: gid("Account", 1), periodId: gid("Period", 6), parentId: gid("Objective", 1) },
      { accountId: "1", periodId: "6" },
    ]) {
      await expectRejected(h, "demo-giulia", `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, { i: { name: "x", ...input } }, "NOT_FOUND");
    }
    await expectRejected(h, "demo-admin", `mutation($c: ID!) { addPlanContact(planId: "${plan}", contactId: $c) { id } }`, { c: gid("User", 1) }, "NOT_FOUND");
  });

  it("deletes answer the deleted object's global id; the audit trail shows references as global ids", async () => {
    const create = async (name: string, parentId?: string) =>
      (
        await h.ok("demo-giulia", `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, {
          i: { name, accountId: gid("Account", 1), periodId: gid("Period", 6), parentId },
        })
      ).createBusinessPlan.id as string;
    // (the demo tree is FINAL_APPROVED, which locks its structure: a DRAFT parent of its own)
    const top = await create("Scratch top");
    const id = await create("Scratch", top);
    const trail = await h.ok("demo-giulia", `{ businessPlan(id: "${id}") { auditTrail { changes { field newValue } } } }`);
    const changes = Object.fromEntries(trail.businessPlan.auditTrail[0].changes.map((c: any) => [c.field, c.newValue]));
    expect(changes).toMatchObject({ accountId: gid("Account", 1), periodId: gid("Period", 6), parentId: top });
    const deleted = await h.ok("demo-giulia", `mutation { deleteBusinessPlan(id: "${id}") }`);
    expect(deleted.deleteBusinessPlan).toBe(id);
    expect(fromGlobalId(deleted.deleteBusinessPlan)?.type).toBe("BusinessPlan");
    // the parent's structural entries (issue 12) name the child by its global id too
    const parentTrail = await h.ok("demo-giulia", `{ businessPlan(id: "${top}") { auditTrail { action changes { field oldValue newValue } } } }`);
    expect(parentTrail.businessPlan.auditTrail.slice(0, 2)).toEqual([
      { action: "CHILD_REMOVED", changes: [{ field: "childId", oldValue: id, newValue: null }, { field: "deleted", oldValue: null, newValue: "true" }] },
      { action: "CHILD_ADDED", changes: [{ field: "childId", oldValue: null, newValue: id }] },
    ]);
    await h.ok("demo-giulia", `mutation { deleteBusinessPlan(id: "${top}") }`);
  });

  it("computed figures have stable ids: the same plan's rollup (or objective's progress) has the same id at any depth, another has another", async () => {
    const r = await h.ok(
      "demo-giulia",
      `{ a: businessPlan(id: "${gid("BusinessPlan", 1)}") { rollup { id wonRevenue } children { id rollup { id wonRevenue } objectives { id progress { id percentComplete } } } }
         b: businessPlan(id: "${gid("BusinessPlan", 2)}") { rollup { id wonRevenue } parent { rollup { id wonRevenue } } objectives { id progress { id percentComplete } } } }`,
    );
    const q1 = r.a.children.find((c: any) => c.id === gid("BusinessPlan", 2));
    expect(q1.rollup).toEqual(r.b.rollup);
    expect(r.b.parent.rollup).toEqual(r.a.rollup);
    expect(r.a.rollup.id).not.toBe(r.b.rollup.id);
    const progressIds = r.a.children.flatMap((c: any) => c.objectives.map((o: any) => o.progress.id));
    expect(progressIds.length).toBeGreaterThan(1);
    expect(new Set(progressIds).size).toBe(progressIds.length);
    expect(r.b.objectives.map((o: any) => o.progress)).toEqual(q1.objectives.map((o: any) => o.progress));
    // neither is a Node id: node() does not resolve them, and they never equal an object's id
    expect((await h.ok("demo-giulia", `{ node(id: "${r.a.rollup.id}") { id } }`)).node).toBeNull();
    expect(r.a.rollup.id).not.toBe(gid("BusinessPlan", 1));
  });

  it("a global objective's progress per account has its own id: progress(accountId:) and Account.applicableObjectives agree, the total differs", async () => {
    const [a1, a2] = [gid("Account", 1), gid("Account", 2)];
    const r = await h.ok(
      "demo-giulia",
      `{ globalObjectives { id all: progress { id } one: progress(accountId: "${a1}") { id } two: progress(accountId: "${a2}") { id } again: progress(accountId: "${a1}") { id } }
         account(id: "${a1}") { applicableObjectives { id isGlobal progress { id } } } }`,
    );
    expect(r.globalObjectives.length).toBeGreaterThan(0);
    for (const o of r.globalObjectives) {
      expect(new Set([o.all.id, o.one.id, o.two.id]).size).toBe(3);
      expect(o.again.id).toBe(o.one.id);
      const listed = r.account.applicableObjectives.find((x: any) => x.id === o.id);
      if (listed) expect(listed.progress.id).toBe(o.one.id);
    }
    expect(r.account.applicableObjectives.some((x: any) => x.isGlobal)).toBe(true);
  });

  it("ancestors: parent first, up to the top-level plan, for plans at any depth, in one statement per level of the query", async () => {
    const mk = async (name: string, parentId: string) =>
      (await h.ok("demo-giulia", `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, {
        i: { name, accountId: gid("Account", 1), periodId: gid("Period", 6), parentId },
      })).createBusinessPlan.id as string;
    // (the demo tree is FINAL_APPROVED, which locks its structure: a DRAFT tree of its own)
    const top = (await h.ok("demo-giulia", `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, {
      i: { name: "Depth 1", accountId: gid("Account", 1), periodId: gid("Period", 6) },
    })).createBusinessPlan.id as string;
    const child = await mk("Depth 2", top);
    const grandchild = await mk("Depth 3", child);
    const q = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on BusinessPlan { id ancestors { id } } } }`;
    const s0 = h.statements();
    const r = await h.ok("demo-giulia", q, { ids: [top, child, grandchild, gid("BusinessPlan", 2)] });
    const used = h.statements() - s0;
    expect(r.nodes.map((n: any) => n.ancestors.map((a: any) => a.id))).toEqual([[], [top], [child, top], [gid("BusinessPlan", 1)]]);
    // nodes (1 statement for the plans), one recursive statement for every plan's ancestors, one for the ancestors' rows, plus the request's own
    const s1 = h.statements();
    await h.ok("demo-giulia", `query($ids: [ID!]!) { nodes(ids: $ids) { ... on BusinessPlan { id } } }`, { ids: [top, child, grandchild, gid("BusinessPlan", 2)] });
    expect(used - (h.statements() - s1)).toBeLessThanOrEqual(2);
    await h.ok("demo-giulia", `mutation { deleteBusinessPlan(id: "${grandchild}") }`);
    await h.ok("demo-giulia", `mutation { deleteBusinessPlan(id: "${child}") }`);
    await h.ok("demo-giulia", `mutation { deleteBusinessPlan(id: "${top}") }`);
  });
});
