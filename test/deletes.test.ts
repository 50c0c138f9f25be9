/**
 * The deletes users need (issue 15): removePlanContact, deleteOpportunity, deleteActivity,
 * deleteContact. Each refused with PLAN_LOCKED where it would change a locked plan (the plan itself
 * or any plan above it FINAL_APPROVED or EXPIRED), audited on every plan it touches, permissions as
 * for the matching edits, follow-up links kept sensible. On SQLite and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { type CollabWorld, useCollabWorld } from "./helpers/collab-kit";
import { expectRejected } from "./helpers/db-state";
import type { Harness, TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

let h: Harness;
let kit: CollabWorld["kit"];
let year: string;
let owner: TestUser;
useCollabWorld((w) => ({ h, kit, year, owner } = w));

const REMOVE_CONTACT = `mutation($p: ID!, $c: ID!) { removePlanContact(planId: $p, contactId: $c) { id contacts { id } } }`;
const DEL_OPP = `mutation($id: ID!) { deleteOpportunity(id: $id) }`;
const DEL_ACT = `mutation($id: ID!) { deleteActivity(id: $id) }`;
const DEL_CONTACT = `mutation($id: ID!) { deleteContact(id: $id) }`;
const actions = async (planId: string, prefix: string) => (await kit.audit(planId)).filter((e) => e.action.startsWith(prefix));

describe("removePlanContact", () => {
  it("removes the contact from the plan (audited); NOT_FOUND when not on it; PLAN_LOCKED on a locked plan; FORBIDDEN for others", async () => {
    const p = await kit.plan(year, owner);
    const c = await kit.contact(p.accountId);
    const c2 = await kit.contact(p.accountId);
    for (const x of [c, c2]) await h.ok(owner.token, `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c: x });
    await expectRejected(h, (await h.user(Role.ACCOUNT_MANAGER)).token, REMOVE_CONTACT, { p: p.id, c }, "FORBIDDEN");
    expect((await h.ok(owner.token, REMOVE_CONTACT, { p: p.id, c })).removePlanContact.contacts).toEqual([{ id: c2 }]);
    expect(await actions(p.id, "CONTACT_REMOVED")).toEqual([{ action: "CONTACT_REMOVED", changes: [{ field: "contactId", oldValue: c, newValue: null }] }]);
    await expectRejected(h, owner.token, REMOVE_CONTACT, { p: p.id, c }, "NOT_FOUND");
    await expectRejected(h, owner.token, REMOVE_CONTACT, { p: p.id, c: gid("Contact", 999999) }, "NOT_FOUND");
    await kit.bring(p.id, "FINAL_APPROVED");
    await expectRejected(h, owner.token, REMOVE_CONTACT, { p: p.id, c: c2 }, "PLAN_LOCKED");
    // the contact itself is still there
    expect((await h.ok(owner.token, `query($c: ID!) { contact(id: $c) { id } }`, { c })).contact).toEqual({ id: c });
  });
});

describe("deleteOpportunity", () => {
  it("deletes it, audited on every plan it is linked to and on its objective's plan; activities about it stay", async () => {
    const p = await kit.plan(year, owner);
    const p2 = await kit.plan(year, owner, { accountId: p.accountId });
    const p3 = await kit.plan(year, owner, { accountId: p.accountId });
    const ob = await kit.objective(year, { planId: p3.id });
    const opp = await kit.opportunity(owner.token, p.accountId, { planIds: [p.id, p2.id], objectiveId: ob });
    const act = await kit.activity(owner.token, p.accountId, { opportunityId: opp });
    await expectRejected(h, (await h.user(Role.ACCOUNT_MANAGER)).token, DEL_OPP, { id: opp }, "FORBIDDEN");
    expect((await h.ok(owner.token, DEL_OPP, { id: opp })).deleteOpportunity).toBe(opp);
    for (const x of [p, p2, p3]) {
      expect((await actions(x.id, "OPPORTUNITY_DELETED")).map((e) => e.changes[0])).toEqual([{ field: "opportunityId", oldValue: opp, newValue: null }]);
    }
    const d = await h.ok(owner.token, `query($o: ID!, $a: ID!, $p: ID!) { opportunity(id: $o) { id } activity(id: $a) { id opportunity { id } } businessPlan(id: $p) { opportunities { id } } }`, { o: opp, a: act, p: p.id });
    expect(d).toEqual({ opportunity: null, activity: { id: act, opportunity: null }, businessPlan: { opportunities: [] } });
    await expectRejected(h, owner.token, DEL_OPP, { id: opp }, "NOT_FOUND");
  });

  it("PLAN_LOCKED when a plan it counts in is locked: linked to it, to a plan below an approved one, or tied to its objective", async () => {
    const top = await kit.plan(year, owner);
    const child = await kit.plan(year, owner, { accountId: top.accountId, parentId: top.id });
    const linkedToTop = await kit.opportunity(owner.token, top.accountId, { planIds: [top.id] });
    const linkedToChild = await kit.opportunity(owner.token, top.accountId, { planIds: [child.id] });
    const ob = await kit.objective(year, { planId: top.id });
    const viaObjective = await kit.opportunity(owner.token, top.accountId, { objectiveId: ob });
    const free = await kit.opportunity(owner.token, top.accountId);
    await kit.bring(top.id, "FINAL_APPROVED");
    for (const id of [linkedToTop, linkedToChild, viaObjective]) await expectRejected(h, owner.token, DEL_OPP, { id }, "PLAN_LOCKED");
    await expectRejected(h, h.admin.token, DEL_OPP, { id: linkedToChild }, "PLAN_LOCKED");
    await h.ok(owner.token, DEL_OPP, { id: free });
  });
});

describe("deleteActivity", () => {
  it("deletes it, audited on its plan and its objective's plan; follow-ups and opportunities made from it stay, unlinked", async () => {
    const p = await kit.plan(year, owner);
    const p2 = await kit.plan(year, owner, { accountId: p.accountId });
    const ob = await kit.objective(year, { planId: p2.id });
    const act = await kit.activity(owner.token, p.accountId, { planId: p.id, objectiveId: ob });
    const follow = (await h.ok(owner.token, `mutation($id: ID!) { createFollowUpActivity(activityId: $id, input: { subject: "next", type: TASK }) { id } }`, { id: act })).createFollowUpActivity.id;
    const deal = (await h.ok(owner.token, `mutation($id: ID!) { createFollowUpOpportunity(activityId: $id, input: { name: "deal", revenue: "5.00" }) { id } }`, { id: act })).createFollowUpOpportunity.id;
    await expectRejected(h, (await h.user(Role.REVIEWER)).token, DEL_ACT, { id: act }, "FORBIDDEN");
    expect((await h.ok(owner.token, DEL_ACT, { id: act })).deleteActivity).toBe(act);
    for (const x of [p, p2]) expect((await actions(x.id, "ACTIVITY_DELETED")).map((e) => e.changes[0])).toEqual([{ field: "activityId", oldValue: act, newValue: null }]);
    const d = await h.ok(owner.token, `query($f: ID!, $o: ID!, $a: ID!) { activity(id: $a) { id } f: activity(id: $f) { id followUpOf { id } plan { id } } opportunity(id: $o) { id sourceActivity { id } } }`, { a: act, f: follow, o: deal });
    expect(d).toEqual({ activity: null, f: { id: follow, followUpOf: null, plan: { id: p.id } }, opportunity: { id: deal, sourceActivity: null } });
  });

  it("PLAN_LOCKED under a locked plan's tree or on a locked plan's objective", async () => {
    const top = await kit.plan(year, owner);
    const child = await kit.plan(year, owner, { accountId: top.accountId, parentId: top.id });
    const ob = await kit.objective(year, { planId: top.id });
    const onChild = await kit.activity(owner.token, top.accountId, { planId: child.id });
    const onObjective = await kit.activity(owner.token, top.accountId, { objectiveId: ob });
    const free = await kit.activity(owner.token, top.accountId);
    await kit.bring(top.id, "FINAL_APPROVED");
    for (const id of [onChild, onObjective]) await expectRejected(h, owner.token, DEL_ACT, { id }, "PLAN_LOCKED");
    await h.ok(owner.token, DEL_ACT, { id: free });
  });
});

describe("deleteContact", () => {
  it("a contact on no plan: any writer; activities with it stay, without it", async () => {
    const acct = await kit.account();
    const c = await kit.contact(acct);
    const act = await kit.activity(owner.token, acct, { contactId: c });
    await expectRejected(h, (await h.user(Role.ANALYST)).token, DEL_CONTACT, { id: c }, "FORBIDDEN");
    expect((await h.ok((await h.user(Role.REVIEWER)).token, DEL_CONTACT, { id: c })).deleteContact).toBe(c);
    expect((await h.ok(owner.token, `query($a: ID!) { activity(id: $a) { contact { id } } }`, { a: act })).activity.contact).toBeNull();
    await expectRejected(h, owner.token, DEL_CONTACT, { id: c }, "NOT_FOUND");
  });

  it("on a plan: an edit of the plan (owner, team, ADMIN; audited CONTACT_DELETED); an objective's contact: a change of its plan", async () => {
    const p = await kit.plan(year, owner);
    const c = await kit.contact(p.accountId);
    await h.ok(owner.token, `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: p.id, c });
    const ob = await kit.objective(year, { planId: p.id, contactId: c });
    await expectRejected(h, (await h.user(Role.ACCOUNT_MANAGER)).token, DEL_CONTACT, { id: c }, "FORBIDDEN");
    const contributor = await h.user(Role.ACCOUNT_MANAGER);
    await kit.member(p.id, contributor, "CONTRIBUTOR");
    const v = await kit.version(p.id);
    await h.ok(contributor.token, DEL_CONTACT, { id: c });
    expect(await kit.version(p.id)).toBe(v + 1);
    expect(await actions(p.id, "CONTACT_DELETED")).toEqual([
      { action: "CONTACT_DELETED", changes: [{ field: "contactId", oldValue: c, newValue: null }, { field: "contactOfObjective", oldValue: ob, newValue: null }] },
    ]);
    expect((await h.ok(owner.token, `query($o: ID!) { objective(id: $o) { contact { id } } }`, { o: ob })).objective.contact).toBeNull();
  });

  it("PLAN_LOCKED: on a locked plan, or the contact of an objective in a locked tree", async () => {
    const top = await kit.plan(year, owner);
    const child = await kit.plan(year, owner, { accountId: top.accountId, parentId: top.id });
    const onPlan = await kit.contact(top.accountId);
    await h.ok(owner.token, `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: top.id, c: onPlan });
    const ofObjective = await kit.contact(top.accountId);
    await kit.objective(year, { planId: child.id, contactId: ofObjective });
    await kit.bring(top.id, "FINAL_APPROVED");
    await expectRejected(h, owner.token, DEL_CONTACT, { id: onPlan }, "PLAN_LOCKED");
    await expectRejected(h, h.admin.token, DEL_CONTACT, { id: ofObjective }, "PLAN_LOCKED");
  });
});

describe("deleteBusinessPlan", () => {
  const DEL_PLAN = `mutation($id: ID!) { deleteBusinessPlan(id: $id) }`;
  it("refuses a plan under whose objectives another plan's objectives hang (a plan moved out from under it keeps them); deletes it once they are gone", async () => {
    const top = await kit.plan(year, owner);
    const child = await kit.plan(year, owner, { accountId: top.accountId, parentId: top.id });
    const goal = await kit.objective(year, { planId: top.id });
    const sub = await kit.objective(year, { planId: child.id, parentId: goal });
    // the child leaves the tree; its objective still hangs under the former parent's
    await h.ok(owner.token, `mutation($id: ID!) { updateBusinessPlan(id: $id, input: { parentId: null }) { id } }`, { id: child.id });
    const refused = await expectRejected(h, owner.token, DEL_PLAN, { id: top.id }, "BAD_USER_INPUT");
    expect(refused.message).toContain(sub);
    expect(refused.message).toContain(child.id);
    await h.ok(owner.token, `mutation($id: ID!) { deleteObjective(id: $id) }`, { id: sub });
    expect((await h.ok(owner.token, DEL_PLAN, { id: top.id })).deleteBusinessPlan).toBe(top.id);
  });
});
