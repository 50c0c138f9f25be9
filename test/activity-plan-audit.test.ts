import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectStatementsAtMost, type Harness, useHarness } from "./helpers/harness";
import { createPlan, M, useWorld, type World } from "./helpers/factories";
import { gid } from "./helpers/ids";

// Linking an activity to a plan is a write to the plan: it shows in the plan's audit trail.
const h = useHarness();
const w = useWorld(h);

const trail = async (planId: string) =>
  (
    await h.ok(w.owner.token, `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 50) { action changedBy { id } changes { field oldValue newValue } } } }`, {
      id: planId,
    })
  ).businessPlan.auditTrail as Array<{ action: string; changedBy: { id: string }; changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>;

describe("activity links in the plan audit trail", () => {
  it("records create, move and follow-up links on the plans involved", async () => {
    const p1 = await createPlan(h, w);
    const p2 = await createPlan(h, w);
    const created = await h.ok(w.owner.token, M.createActivity, {
      input: { subject: "Kick-off call", type: "CALL", accountId: w.accountId, planId: p1 },
    });
    const activityId = created.createActivity.id as string;
    let t1 = await trail(p1);
    expect(t1[0]).toMatchObject({ action: "ACTIVITY_LINKED", changedBy: { id: gid("User", w.owner.user.id) } });
    expect(t1[0].changes).toEqual([{ field: "activityId", oldValue: null, newValue: activityId }]);

    await h.ok(w.owner.token, M.updateActivity, { id: activityId, input: { planId: p2 } });
    t1 = await trail(p1);
    expect(t1[0].action).toBe("ACTIVITY_UNLINKED");
    expect(t1[0].changes).toEqual([{ field: "activityId", oldValue: activityId, newValue: null }]);
    const t2 = await trail(p2);
    expect(t2[0].action).toBe("ACTIVITY_LINKED");

    // an update that does not move the activity records nothing on the plan
    const before = (await trail(p2)).length;
    await h.ok(w.owner.token, M.updateActivity, { id: activityId, input: { subject: "Kick-off call (moved)" } });
    expect((await trail(p2)).length).toBe(before);

    const fu = await h.ok(w.owner.token, `mutation($a: ID!) { createFollowUpActivity(activityId: $a, input: { subject: "Send notes", type: EMAIL }) { id plan { id } } }`, {
      a: activityId,
    });
    expect(fu.createFollowUpActivity.plan.id).toBe(p2);
    const t2b = await trail(p2);
    expect(t2b[0]).toMatchObject({ action: "ACTIVITY_LINKED", changes: [{ field: "activityId", oldValue: null, newValue: fu.createFollowUpActivity.id }] });
  });

  it("loads the audit trails of many plans in one statement, newest first and bounded per plan", async () => {
    const q = `query($n: Int) { businessPlans(first: $n) { edges { node { id auditTrail(first: 2) { action changes { field } } } } } }`;
    const cost = async (n: number) => {
      const before = h.statements();
      const d = await h.ok(w.owner.token, q, { n });
      return { statements: h.statements() - before, plans: d.businessPlans.edges as Array<{ node: { auditTrail: unknown[] } }> };
    };
    const one = await cost(1);
    const many = await cost(500);
    expect(many.plans.length).toBeGreaterThan(1);
    for (const e of many.plans) expect(e.node.auditTrail.length).toBeLessThanOrEqual(2);
    // auth + page + audit entries (no totalCount, no users asked for), whatever the number of plans
    expectStatementsAtMost(3, { one: one.statements, many: many.statements });
  });
});
