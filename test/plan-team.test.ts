/**
 * Plan teams (issue 15): addPlanMember / removePlanMember, BusinessPlan.team, the team roles in the
 * edit rule (CONTRIBUTOR edits like the owner, never status or team; team REVIEWER edits while
 * SUBMITTED and sends back to DRAFT), plansToReview, the audit trail of team changes, and the
 * team/notes loaders' statement bound. On SQLite and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { type CollabWorld, useCollabWorld } from "./helpers/collab-kit";
import { expectRejected } from "./helpers/db-state";
import type { Harness, TestUser } from "./helpers/harness";
import { gid, keyOf } from "./helpers/ids";

let h: Harness;
let kit: CollabWorld["kit"];
let year: string;
let owner: TestUser;
useCollabWorld((w) => ({ h, kit, year, owner } = w));

const ADD = `mutation($p: ID!, $u: ID!, $r: PlanMemberRole!) { addPlanMember(planId: $p, userId: $u, role: $r) { id version team { user { id name } role addedAt } } }`;
const REMOVE = `mutation($p: ID!, $u: ID!) { removePlanMember(planId: $p, userId: $u) { id team { user { id } role } } }`;
const UPDATE = `mutation($id: ID!, $n: String!) { updateBusinessPlan(id: $id, input: { name: $n }) { id name } }`;
const STATUS = `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id status } }`;
const uid = (u: TestUser) => gid("User", u.user.id);

describe("addPlanMember / removePlanMember", () => {
  it("the owner adds members, changes a role by adding again, removes them; every change is audited and bumps the version", async () => {
    const p = await kit.plan(year, owner);
    const c = await h.user(Role.ACCOUNT_MANAGER, "Carla Contributor");
    const r = await h.user(Role.REVIEWER, "Rolf Reviewer");
    const v0 = await kit.version(p.id);
    let d = (await h.ok(owner.token, ADD, { p: p.id, u: uid(c), r: "CONTRIBUTOR" })).addPlanMember;
    expect(d.team).toEqual([{ user: { id: uid(c), name: "Carla Contributor" }, role: "CONTRIBUTOR", addedAt: expect.any(String) }]);
    d = (await h.ok(owner.token, ADD, { p: p.id, u: uid(r), r: "REVIEWER" })).addPlanMember;
    expect(d.team.map((m: any) => [m.user.id, m.role])).toEqual([[uid(c), "CONTRIBUTOR"], [uid(r), "REVIEWER"]]);
    // the same role again changes nothing
    const same = (await h.ok(owner.token, ADD, { p: p.id, u: uid(c), r: "CONTRIBUTOR" })).addPlanMember;
    expect(same.version).toBe(v0 + 2);
    // another role: a role change, same addedAt
    const changed = (await h.ok(h.admin.token, ADD, { p: p.id, u: uid(c), r: "REVIEWER" })).addPlanMember;
    expect(changed.team[0]).toEqual({ ...d.team[0], role: "REVIEWER" });
    const removed = (await h.ok(owner.token, REMOVE, { p: p.id, u: uid(r) })).removePlanMember;
    expect(removed.team).toEqual([{ user: { id: uid(c) }, role: "REVIEWER" }]);
    expect(await kit.version(p.id)).toBe(v0 + 4);
    const audit = (await kit.audit(p.id)).filter((e) => e.action.startsWith("MEMBER_"));
    expect(audit).toEqual([
      { action: "MEMBER_ADDED", changes: [{ field: "userId", oldValue: null, newValue: uid(c) }, { field: "role", oldValue: null, newValue: "CONTRIBUTOR" }] },
      { action: "MEMBER_ADDED", changes: [{ field: "userId", oldValue: null, newValue: uid(r) }, { field: "role", oldValue: null, newValue: "REVIEWER" }] },
      { action: "MEMBER_ROLE_CHANGED", changes: [{ field: "userId", oldValue: null, newValue: uid(c) }, { field: "role", oldValue: "CONTRIBUTOR", newValue: "REVIEWER" }] },
      { action: "MEMBER_REMOVED", changes: [{ field: "userId", oldValue: uid(r), newValue: null }, { field: "role", oldValue: "REVIEWER", newValue: null }] },
    ]);
  });

  it("refuses, changing nothing: the owner as member, an ANALYST, unknown ids, callers other than owner/ADMIN, locked plans, removing a non-member", async () => {
    const p = await kit.plan(year, owner);
    const other = await h.user(Role.ACCOUNT_MANAGER);
    const analyst = await h.user(Role.ANALYST);
    const contributor = await h.user(Role.ACCOUNT_MANAGER);
    await kit.member(p.id, contributor, "CONTRIBUTOR");
    await expectRejected(h, owner.token, ADD, { p: p.id, u: uid(owner), r: "CONTRIBUTOR" }, "BAD_USER_INPUT");
    await expectRejected(h, owner.token, ADD, { p: p.id, u: uid(analyst), r: "REVIEWER" }, "BAD_USER_INPUT");
    await expectRejected(h, owner.token, ADD, { p: p.id, u: gid("User", 999999), r: "CONTRIBUTOR" }, "NOT_FOUND");
    await expectRejected(h, owner.token, ADD, { p: gid("BusinessPlan", 999999), u: uid(other), r: "CONTRIBUTOR" }, "NOT_FOUND");
    await expectRejected(h, owner.token, ADD, { p: p.id, u: p.accountId, r: "CONTRIBUTOR" }, "NOT_FOUND"); // an id of another type
    await expectRejected(h, other.token, ADD, { p: p.id, u: uid(other), r: "CONTRIBUTOR" }, "FORBIDDEN");
    await expectRejected(h, contributor.token, ADD, { p: p.id, u: uid(other), r: "CONTRIBUTOR" }, "FORBIDDEN"); // a member never changes the team
    await expectRejected(h, contributor.token, REMOVE, { p: p.id, u: uid(contributor) }, "FORBIDDEN");
    await expectRejected(h, analyst.token, ADD, { p: p.id, u: uid(other), r: "CONTRIBUTOR" }, "FORBIDDEN");
    await expectRejected(h, owner.token, REMOVE, { p: p.id, u: uid(other) }, "NOT_FOUND");
    await kit.bring(p.id, "FINAL_APPROVED");
    await expectRejected(h, owner.token, ADD, { p: p.id, u: uid(other), r: "CONTRIBUTOR" }, "PLAN_LOCKED");
    await expectRejected(h, h.admin.token, REMOVE, { p: p.id, u: uid(contributor) }, "PLAN_LOCKED");
  });

  it("a deleted plan takes its team with it", async () => {
    const p = await kit.plan(year, owner);
    await kit.member(p.id, await h.user(Role.REVIEWER), "REVIEWER");
    const members = async () => Number((await h.deps.db.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM plan_member WHERE plan_id = ${h.deps.db.param(1)}`, [keyOf(p.id)]))[0].n);
    expect(await members()).toBe(1);
    await h.ok(owner.token, `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`, { id: p.id });
    expect(await members()).toBe(0);
  });
});

describe("team roles in the edit rule", () => {
  it("a CONTRIBUTOR edits fields, contacts, objectives and child plans, but changes neither status nor team, and cannot delete the plan", async () => {
    const p = await kit.plan(year, owner);
    const c = await h.user(Role.ACCOUNT_MANAGER);
    const outsider = await h.user(Role.ACCOUNT_MANAGER);
    await expectRejected(h, c.token, UPDATE, { id: p.id, n: "before joining" }, "FORBIDDEN");
    await kit.member(p.id, c, "CONTRIBUTOR");
    expect((await h.ok(c.token, UPDATE, { id: p.id, n: "by a contributor" })).updateBusinessPlan.name).toBe("by a contributor");
    const contact = await kit.contact(p.accountId);
    await h.ok(c.token, `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c: contact });
    await h.ok(c.token, `mutation($p: ID!, $c: ID!) { removePlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c: contact });
    const ob = (await h.ok(c.token, `mutation($i: CreateObjectiveInput!) { createObjective(input: $i) { id } }`, { i: { name: "o", periodId: year, planId: p.id } })).createObjective.id;
    await h.ok(c.token, `mutation($id: ID!) { updateObjective(id: $id, input: { name: "o2" }) { id } }`, { id: ob });
    const child = (await h.ok(c.token, `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id parent { id } } }`, { i: { name: "child", accountId: p.accountId, periodId: year, parentId: p.id } })).createBusinessPlan;
    expect(child.parent.id).toBe(p.id);
    await h.ok(c.token, `mutation($id: ID!) { deleteObjective(id: $id) }`, { id: ob });
    await expectRejected(h, c.token, STATUS, { id: p.id, s: "SUBMITTED" }, "FORBIDDEN");
    await expectRejected(h, c.token, `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`, { id: p.id }, "FORBIDDEN"); // deleting the plan itself is its owner's (or an ADMIN's)
    await expectRejected(h, c.token, ADD, { p: p.id, u: uid(outsider), r: "CONTRIBUTOR" }, "FORBIDDEN");
    await expectRejected(h, outsider.token, UPDATE, { id: p.id, n: "outsider" }, "FORBIDDEN");
    await kit.bring(p.id, "SUBMITTED");
    await h.ok(c.token, UPDATE, { id: p.id, n: "while submitted" });
    await expectRejected(h, c.token, STATUS, { id: p.id, s: "DRAFT" }, "FORBIDDEN");
    await expectRejected(h, c.token, STATUS, { id: p.id, s: "FINAL_APPROVED" }, "FORBIDDEN");
    await kit.bring(p.id, "FINAL_APPROVED", "SUBMITTED");
    await expectRejected(h, c.token, UPDATE, { id: p.id, n: "locked" }, "PLAN_LOCKED");
  });

  it("a team REVIEWER edits only while SUBMITTED and may send the plan back to DRAFT, never approve it", async () => {
    const p = await kit.plan(year, owner);
    const r = await h.user(Role.ACCOUNT_MANAGER, "Team reviewer");
    await kit.member(p.id, r, "REVIEWER");
    await expectRejected(h, r.token, UPDATE, { id: p.id, n: "draft edit" }, "FORBIDDEN");
    await expectRejected(h, r.token, STATUS, { id: p.id, s: "SUBMITTED" }, "FORBIDDEN");
    await kit.bring(p.id, "SUBMITTED");
    await h.ok(r.token, UPDATE, { id: p.id, n: "reviewed" });
    await expectRejected(h, r.token, STATUS, { id: p.id, s: "FINAL_APPROVED" }, "FORBIDDEN");
    expect((await h.ok(r.token, STATUS, { id: p.id, s: "DRAFT" })).changeBusinessPlanStatus.status).toBe("DRAFT");
    await expectRejected(h, r.token, UPDATE, { id: p.id, n: "draft again" }, "FORBIDDEN");
  });

  it("removing a member takes the right away at once", async () => {
    const p = await kit.plan(year, owner);
    const c = await h.user(Role.ACCOUNT_MANAGER);
    await kit.member(p.id, c, "CONTRIBUTOR");
    await h.ok(c.token, UPDATE, { id: p.id, n: "in" });
    await h.ok(owner.token, REMOVE, { p: p.id, u: uid(c) });
    await expectRejected(h, c.token, UPDATE, { id: p.id, n: "out" }, "FORBIDDEN");
  });

  it("membership is per plan: a contributor of the parent does not edit a child plan owned by someone else", async () => {
    const p = await kit.plan(year, owner);
    const childOwner = await h.user(Role.ACCOUNT_MANAGER);
    const child = await kit.plan(year, childOwner, { accountId: p.accountId, parentId: p.id });
    const c = await h.user(Role.ACCOUNT_MANAGER);
    await kit.member(p.id, c, "CONTRIBUTOR");
    await expectRejected(h, c.token, UPDATE, { id: child.id, n: "not mine" }, "FORBIDDEN");
  });
});

describe("plansToReview", () => {
  const Q = `{ plansToReview { id status } }`;
  it("lists the SUBMITTED plans where the caller is a team REVIEWER; a REVIEWER by role sees every SUBMITTED plan", async () => {
    const teamReviewer = await h.user(Role.ACCOUNT_MANAGER);
    const contributor = await h.user(Role.ACCOUNT_MANAGER);
    const roleReviewer = await h.user(Role.REVIEWER);
    const a = await kit.plan(year, owner);
    const b = await kit.plan(year, owner);
    const draft = await kit.plan(year, owner);
    const approved = await kit.plan(year, owner);
    for (const p of [a, draft, approved]) await kit.member(p.id, teamReviewer, "REVIEWER");
    await kit.member(b.id, teamReviewer, "CONTRIBUTOR");
    await kit.member(a.id, contributor, "CONTRIBUTOR");
    await kit.bring(a.id, "SUBMITTED");
    await kit.bring(b.id, "SUBMITTED");
    await kit.bring(approved.id, "FINAL_APPROVED");
    expect((await h.ok(teamReviewer.token, Q)).plansToReview).toEqual([{ id: a.id, status: "SUBMITTED" }]);
    expect((await h.ok(contributor.token, Q)).plansToReview).toEqual([]);
    const all = (await h.ok(roleReviewer.token, Q)).plansToReview.map((p: any) => p.id);
    const submitted = (await h.deps.db.query<{ id: number }>(`SELECT id FROM business_plan WHERE status = 'SUBMITTED' ORDER BY id`)).map((r) => gid("BusinessPlan", Number(r.id)));
    expect(all).toEqual(submitted);
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    // back to DRAFT: no longer waiting
    await h.ok(teamReviewer.token, STATUS, { id: a.id, s: "DRAFT" });
    expect((await h.ok(teamReviewer.token, Q)).plansToReview).toEqual([]);
  });
});

describe("loaders: team and notes of many plans in a constant number of statements", () => {
  it("the same statements for 3 and for 12 plans", async () => {
    const acct = await kit.account(owner);
    const period = await kit.period("FY2037", "2037-01-01", "2037-12-31");
    const member = await h.user(Role.REVIEWER);
    const Q = `query($a: ID!, $per: ID!) { businessPlans(filter: { accountId: $a, periodId: $per }, first: 50) { edges { node { id team { user { id name } role } notes { id body author { name } } objectives { id notes { id author { id } } } } } } }`;
    const measure = async () => {
      const before = h.statements();
      const d = await h.ok(h.admin.token, Q, { a: acct, per: period });
      return { n: h.statements() - before, plans: d.businessPlans.edges.length };
    };
    const grow = async (k: number) => {
      for (let i = 0; i < k; i++) {
        const p = await kit.plan(period, owner, { accountId: acct });
        await kit.member(p.id, member, "REVIEWER");
        await h.ok(owner.token, `mutation($p: ID!) { addPlanNote(planId: $p, body: "n") { id } }`, { p: p.id });
        const ob = await kit.objective(period, { planId: p.id });
        await h.ok(owner.token, `mutation($o: ID!) { addObjectiveNote(objectiveId: $o, body: "o") { id } }`, { o: ob });
      }
    };
    await grow(3);
    const small = await measure();
    await grow(9);
    const large = await measure();
    expect([small.plans, large.plans]).toEqual([3, 12]);
    expect(large.n).toBe(small.n);
    expect(large.n).toBeLessThanOrEqual(10);
  });
});
