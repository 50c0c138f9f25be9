/**
 * Notes (issue 15): addPlanNote / addObjectiveNote, BusinessPlan.notes and Objective.notes (newest
 * first, the newest 100), Note as a Node, who may write (who may edit, in every status, and REVIEWERs
 * by role), the body's limits. On SQLite and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { NOTES_SHOWN } from "../src/modules/notes/notes.loaders";
import { type CollabWorld, useCollabWorld } from "./helpers/collab-kit";
import { expectBadInput, expectRejected } from "./helpers/db-state";
import type { Harness, TestUser } from "./helpers/harness";
import { gid, keyOf } from "./helpers/ids";

let h: Harness;
let kit: CollabWorld["kit"];
let year: string;
let owner: TestUser;
useCollabWorld((w) => ({ h, kit, year, owner } = w));

const PLAN_NOTE = `mutation($p: ID!, $b: String!) { addPlanNote(planId: $p, body: $b) { id body author { id name } createdAt } }`;
const OB_NOTE = `mutation($o: ID!, $b: String!) { addObjectiveNote(objectiveId: $o, body: $b) { id body author { id } } }`;

describe("addPlanNote", () => {
  it("adds notes, listed newest first; a note is a Node (node, nodes) with its author", async () => {
    const p = await kit.plan(year, owner);
    const first = (await h.ok(owner.token, PLAN_NOTE, { p: p.id, b: "  target raised after the Q1 review  " })).addPlanNote;
    expect(first).toEqual({ id: expect.any(String), body: "target raised after the Q1 review", author: { id: gid("User", owner.user.id), name: "Owner" }, createdAt: expect.any(String) });
    const second = (await h.ok(h.admin.token, PLAN_NOTE, { p: p.id, b: "agreed" })).addPlanNote;
    const d = await h.ok(owner.token, `query($p: ID!) { businessPlan(id: $p) { notes { id body } } }`, { p: p.id });
    expect(d.businessPlan.notes.map((n: any) => n.id)).toEqual([second.id, first.id]);
    const node = await h.ok(owner.token, `query($id: ID!, $ids: [ID!]!) { node(id: $id) { __typename id ... on Note { body author { id } } } nodes(ids: $ids) { id } }`, {
      id: first.id,
      ids: [second.id, first.id],
    });
    expect(node.node).toEqual({ __typename: "Note", id: first.id, body: first.body, author: { id: gid("User", owner.user.id) } });
    expect(node.nodes).toEqual([{ id: second.id }, { id: first.id }]);
  });

  it("who may write: owner, ADMIN, team members, REVIEWERs by role; in every status (notes stay open on locked plans)", async () => {
    const p = await kit.plan(year, owner);
    const contributor = await h.user(Role.ACCOUNT_MANAGER);
    const teamReviewer = await h.user(Role.ACCOUNT_MANAGER);
    const reviewer = await h.user(Role.REVIEWER);
    const other = await h.user(Role.ACCOUNT_MANAGER);
    const analyst = await h.user(Role.ANALYST);
    await kit.member(p.id, contributor, "CONTRIBUTOR");
    await kit.member(p.id, teamReviewer, "REVIEWER");
    for (const status of ["DRAFT", "SUBMITTED", "FINAL_APPROVED"] as const) {
      if (status !== "DRAFT") await kit.bring(p.id, status, status === "SUBMITTED" ? "DRAFT" : "SUBMITTED");
      for (const u of [owner, h.admin, contributor, teamReviewer, reviewer]) await h.ok(u.token, PLAN_NOTE, { p: p.id, b: `${status} note` });
      await expectRejected(h, other.token, PLAN_NOTE, { p: p.id, b: "not my plan" }, "FORBIDDEN");
      await expectRejected(h, analyst.token, PLAN_NOTE, { p: p.id, b: "read-only" }, "FORBIDDEN");
    }
    const d = await h.ok(owner.token, `query($p: ID!) { businessPlan(id: $p) { status notes { body } } }`, { p: p.id });
    expect(d.businessPlan.status).toBe("FINAL_APPROVED");
    expect(d.businessPlan.notes).toHaveLength(15);
  });

  it("refuses bad input, changing nothing: blank, too long, unknown plan", async () => {
    const p = await kit.plan(year, owner);
    await expectBadInput(h, owner.token, PLAN_NOTE, { p: p.id, b: "   " }, "body");
    await expectBadInput(h, owner.token, PLAN_NOTE, { p: p.id, b: "x".repeat(2001) }, "body");
    await h.ok(owner.token, PLAN_NOTE, { p: p.id, b: "x".repeat(2000) });
    await expectRejected(h, owner.token, PLAN_NOTE, { p: gid("BusinessPlan", 999999), b: "x" }, "NOT_FOUND");
    await expectRejected(h, owner.token, PLAN_NOTE, { p: p.accountId, b: "x" }, "NOT_FOUND");
    await expectRejected(h, owner.token, PLAN_NOTE, { p: p.id, b: "nul \u0000 inside" }, "BAD_USER_INPUT");
  });

  it(`answers the newest ${NOTES_SHOWN}`, async () => {
    const p = await kit.plan(year, owner);
    const db = h.deps.db;
    for (let i = 0; i < NOTES_SHOWN + 5; i++) {
      await db.query(`INSERT INTO note (plan_id, objective_id, author_id, body, created_at) VALUES (${db.param(1)}, NULL, ${db.param(2)}, ${db.param(3)}, ${db.param(4)})`, [
        keyOf(p.id),
        owner.user.id,
        `n${i}`,
        new Date(Date.UTC(2035, 0, 1, 0, i)).toISOString().replace("T", " ").replace("Z", ""),
      ]);
    }
    const notes = (await h.ok(owner.token, `query($p: ID!) { businessPlan(id: $p) { notes { body } } }`, { p: p.id })).businessPlan.notes;
    expect(notes).toHaveLength(NOTES_SHOWN);
    expect(notes[0].body).toBe(`n${NOTES_SHOWN + 4}`);
    expect(notes.at(-1).body).toBe("n5");
  });
});

describe("addObjectiveNote", () => {
  it("a plan's objective: as for the plan (also when locked); an account's objective: any writer; a global one: ADMIN and REVIEWER", async () => {
    const p = await kit.plan(year, owner);
    const ob = await kit.objective(year, { planId: p.id });
    const other = await h.user(Role.ACCOUNT_MANAGER);
    const reviewer = await h.user(Role.REVIEWER);
    const analyst = await h.user(Role.ANALYST);
    const n1 = (await h.ok(owner.token, OB_NOTE, { o: ob, b: "first" })).addObjectiveNote;
    await expectRejected(h, other.token, OB_NOTE, { o: ob, b: "no" }, "FORBIDDEN");
    await kit.bring(p.id, "FINAL_APPROVED");
    const n2 = (await h.ok(reviewer.token, OB_NOTE, { o: ob, b: "approved with a remark" })).addObjectiveNote;
    expect((await h.ok(owner.token, `query($o: ID!) { objective(id: $o) { notes { id author { id } } } }`, { o: ob })).objective.notes).toEqual([
      { id: n2.id, author: { id: gid("User", reviewer.user.id) } },
      { id: n1.id, author: { id: gid("User", owner.user.id) } },
    ]);
    // the plan's own notes are separate
    expect((await h.ok(owner.token, `query($p: ID!) { businessPlan(id: $p) { notes { id } } }`, { p: p.id })).businessPlan.notes).toEqual([]);

    const accountOb = await kit.objective(year, { accountId: await kit.account() });
    await h.ok(other.token, OB_NOTE, { o: accountOb, b: "any writer" });
    await expectRejected(h, analyst.token, OB_NOTE, { o: accountOb, b: "no" }, "FORBIDDEN");
    const globalOb = await kit.objective(year, {});
    await expectRejected(h, other.token, OB_NOTE, { o: globalOb, b: "no" }, "FORBIDDEN");
    await h.ok(reviewer.token, OB_NOTE, { o: globalOb, b: "reviewer" });
    await h.ok(h.admin.token, OB_NOTE, { o: globalOb, b: "admin" });
    await expectRejected(h, owner.token, OB_NOTE, { o: gid("Objective", 999999), b: "x" }, "NOT_FOUND");
    await expectBadInput(h, owner.token, OB_NOTE, { o: accountOb, b: "" }, "body");
  });

  it("notes go with their objective", async () => {
    const p = await kit.plan(year, owner);
    const ob = await kit.objective(year, { planId: p.id });
    const note = (await h.ok(owner.token, OB_NOTE, { o: ob, b: "gone soon" })).addObjectiveNote;
    await h.ok(owner.token, `mutation($id: ID!) { deleteObjective(id: $id) }`, { id: ob });
    expect((await h.ok(owner.token, `query($id: ID!) { node(id: $id) { id } }`, { id: note.id })).node).toBeNull();
  });
});
