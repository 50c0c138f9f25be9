/**
 * Model-based property test (fast-check `fc.commands` + `fc.asyncModelRun`) of the team rules:
 * random sequences of team changes (addPlanMember, removePlanMember), field edits (fields, a contact),
 * structural edits (an objective, a child plan), status changes and notes, by random actors (the owner, an ADMIN, two
 * ACCOUNT_MANAGERs and a REVIEWER who may or may not be on the team, an ANALYST), against the real
 * API. The model below is written from the contract's words, independently of src/: who may edit,
 * who may change status and team, who may write notes, what is locked. After every command the
 * API's answer (OK or the error code) must be the model's, and the plan's team, version and audit
 * trail of team changes must be what the model says.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { collabKit } from "./helpers/collab-kit";
import { TEST_DB } from "./helpers/db";
import { createHarness, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

type Actor = "owner" | "admin" | "amA" | "amB" | "reviewer" | "analyst";
type TeamRole = "CONTRIBUTOR" | "REVIEWER";
type Status = "DRAFT" | "SUBMITTED" | "FINAL_APPROVED";
type Code = "OK" | "FORBIDDEN" | "PLAN_LOCKED" | "BAD_USER_INPUT" | "NOT_FOUND" | "INVALID_STATUS_TRANSITION";

const ACTORS: Actor[] = ["owner", "admin", "amA", "amB", "reviewer", "analyst"];
const ROLE: Record<Actor, Role> = { owner: Role.ACCOUNT_MANAGER, admin: Role.ADMIN, amA: Role.ACCOUNT_MANAGER, amB: Role.ACCOUNT_MANAGER, reviewer: Role.REVIEWER, analyst: Role.ANALYST };

// ---------- the model ----------

interface Model {
  status: Status;
  team: Map<Actor, TeamRole>;
  version: number;
  /** MEMBER_* audit entries so far. */
  teamChanges: number;
  notes: number;
}

const locked = (m: Model) => m.status === "FINAL_APPROVED";
const mayEdit = (m: Model, a: Actor) =>
  a === "owner" || a === "admin" || m.team.get(a) === "CONTRIBUTOR" || ((a === "reviewer" || m.team.get(a) === "REVIEWER") && m.status === "SUBMITTED");

function editCode(m: Model, a: Actor): Code {
  if (a === "analyst") return "FORBIDDEN";
  if (locked(m)) return "PLAN_LOCKED";
  return mayEdit(m, a) ? "OK" : "FORBIDDEN";
}
function teamCode(m: Model, by: Actor, who: Actor, adding: boolean): Code {
  if (by === "analyst") return "FORBIDDEN";
  if (locked(m)) return "PLAN_LOCKED";
  if (by !== "owner" && by !== "admin") return "FORBIDDEN";
  if (!adding) return m.team.has(who) ? "OK" : "NOT_FOUND";
  return who === "owner" || who === "analyst" ? "BAD_USER_INPUT" : "OK";
}
/** The workflow's rows for the statuses this test visits (no expiry: the period has not ended). */
const TRANSITIONS: Record<Status, Partial<Record<Status, (m: Model, a: Actor) => boolean>>> = {
  DRAFT: { SUBMITTED: (_m, a) => a === "owner" || a === "admin" },
  SUBMITTED: {
    DRAFT: (m, a) => a === "owner" || a === "admin" || a === "reviewer" || m.team.get(a) === "REVIEWER",
    FINAL_APPROVED: (_m, a) => a === "owner" || a === "admin",
  },
  FINAL_APPROVED: {},
};
function statusCode(m: Model, a: Actor, to: Status): Code {
  if (a === "analyst") return "FORBIDDEN";
  const row = TRANSITIONS[m.status][to];
  if (!row) return "INVALID_STATUS_TRANSITION";
  return row(m, a) ? "OK" : "FORBIDDEN";
}
function noteCode(m: Model, a: Actor): Code {
  if (a === "analyst") return "FORBIDDEN";
  return a === "owner" || a === "admin" || a === "reviewer" || m.team.has(a) ? "OK" : "FORBIDDEN";
}

// ---------- the real system ----------

let h: Harness;
let kit: ReturnType<typeof collabKit>;
let year: string;
let users: Record<Actor, TestUser>;

interface Real {
  planId: string;
  accountId: string;
}

const codeOf = (r: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }): Code => {
  const errs = r.errors ?? [];
  if (errs.length > 1) throw new Error(`more than one error: ${JSON.stringify(errs)}`);
  return errs.length ? (String(errs[0].extensions?.code) as Code) : "OK";
};

async function checkPlan(m: Model, r: Real) {
  const d = await h.ok(h.admin.token, `query($id: ID!) { businessPlan(id: $id) { status version team { user { id } role } notes { id } auditTrail(first: 500) { action } } }`, { id: r.planId });
  const p = d.businessPlan;
  expect(p.status).toBe(m.status);
  expect(p.version).toBe(m.version);
  const team = Object.fromEntries(p.team.map((t: any) => [t.user.id, t.role]));
  expect(team).toEqual(Object.fromEntries([...m.team].map(([a, role]) => [gid("User", users[a].user.id), role])));
  expect(p.auditTrail.filter((e: any) => e.action.startsWith("MEMBER_")).length).toBe(m.teamChanges);
  expect(p.notes.length).toBe(m.notes);
}

abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check() {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
  protected async expectCode(m: Model, r: Real, want: Code, query: string, variables: Record<string, unknown>, by: Actor) {
    const res = await h.gql(users[by].token, query, variables);
    expect(codeOf(res), `${this.toString()}: ${JSON.stringify(res.errors ?? res.data)}`).toBe(want);
  }
}

class AddMember extends Cmd {
  constructor(readonly by: Actor, readonly who: Actor, readonly role: TeamRole) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = teamCode(m, this.by, this.who, true);
    await this.expectCode(m, r, want, `mutation($p: ID!, $u: ID!, $r: PlanMemberRole!) { addPlanMember(planId: $p, userId: $u, role: $r) { id } }`, { p: r.planId, u: gid("User", users[this.who].user.id), r: this.role }, this.by);
    if (want === "OK" && m.team.get(this.who) !== this.role) {
      m.team.set(this.who, this.role);
      m.version++;
      m.teamChanges++;
    }
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} adds ${this.who} as ${this.role}`;
  }
}
class RemoveMember extends Cmd {
  constructor(readonly by: Actor, readonly who: Actor) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = teamCode(m, this.by, this.who, false);
    await this.expectCode(m, r, want, `mutation($p: ID!, $u: ID!) { removePlanMember(planId: $p, userId: $u) { id } }`, { p: r.planId, u: gid("User", users[this.who].user.id) }, this.by);
    if (want === "OK") {
      m.team.delete(this.who);
      m.version++;
      m.teamChanges++;
    }
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} removes ${this.who}`;
  }
}
class Edit extends Cmd {
  constructor(readonly by: Actor) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = editCode(m, this.by);
    await this.expectCode(m, r, want, `mutation($id: ID!, $n: String!) { updateBusinessPlan(id: $id, input: { name: $n }) { id } }`, { id: r.planId, n: `v${m.version + 1}` }, this.by);
    if (want === "OK") m.version++;
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} edits`;
  }
}
class AddObjective extends Cmd {
  constructor(readonly by: Actor) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = editCode(m, this.by);
    await this.expectCode(m, r, want, `mutation($p: ID!, $y: ID!) { createObjective(input: { name: "o", periodId: $y, planId: $p }) { id } }`, { p: r.planId, y: year }, this.by);
    if (want === "OK") m.version++;
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} adds an objective`;
  }
}
/** A child plan under the plan: a structural edit of it (creating a plan also needs the ACCOUNT_MANAGER or ADMIN role). */
class AddChildPlan extends Cmd {
  constructor(readonly by: Actor) {
    super();
  }
  async run(m: Model, r: Real) {
    const want: Code = this.by === "reviewer" ? "FORBIDDEN" : editCode(m, this.by);
    await this.expectCode(m, r, want, `mutation($a: ID!, $y: ID!, $p: ID!) { createBusinessPlan(input: { name: "child", accountId: $a, periodId: $y, parentId: $p }) { id } }`, { a: r.accountId, y: year, p: r.planId }, this.by);
    if (want === "OK") m.version++;
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} adds a child plan`;
  }
}
/** A contact added to the plan: a field edit through another path (no version bump, audited). */
class AddContact extends Cmd {
  constructor(readonly by: Actor) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = editCode(m, this.by);
    const c = await kit.contact(r.accountId);
    await this.expectCode(m, r, want, `mutation($p: ID!, $c: ID!) { addPlanContact(planId: $p, contactId: $c) { id } }`, { p: r.planId, c }, this.by);
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} adds a contact`;
  }
}
class ChangeStatus extends Cmd {
  constructor(readonly by: Actor, readonly to: Status) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = statusCode(m, this.by, this.to);
    await this.expectCode(m, r, want, `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id: r.planId, s: this.to }, this.by);
    if (want === "OK") {
      m.status = this.to;
      m.version++;
    }
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} sets ${this.to}`;
  }
}
class AddNote extends Cmd {
  constructor(readonly by: Actor) {
    super();
  }
  async run(m: Model, r: Real) {
    const want = noteCode(m, this.by);
    await this.expectCode(m, r, want, `mutation($p: ID!) { addPlanNote(planId: $p, body: "remark") { id } }`, { p: r.planId }, this.by);
    if (want === "OK") m.notes++;
    await checkPlan(m, r);
  }
  toString() {
    return `${this.by} adds a note`;
  }
}

const actor = fc.constantFrom(...ACTORS);
// team changes mostly by those who may make them, so that teams actually form
const manager = fc.constantFrom<Actor>("owner", "owner", "admin", "amA", "reviewer", "analyst");
const candidate = fc.constantFrom<Actor>("amA", "amB", "reviewer", "amA", "amB", "reviewer", "owner", "analyst");
const teamRole = fc.constantFrom<TeamRole>("CONTRIBUTOR", "REVIEWER");
const COMMANDS = [
  fc.tuple(manager, candidate, teamRole).map(([b, w, role]) => new AddMember(b, w, role)),
  fc.tuple(manager, candidate).map(([b, w]) => new RemoveMember(b, w)),
  actor.map((a) => new Edit(a)),
  actor.map((a) => new AddObjective(a)),
  actor.map((a) => new AddChildPlan(a)),
  actor.map((a) => new AddContact(a)),
  fc.tuple(actor, fc.constantFrom<Status>("SUBMITTED", "DRAFT", "FINAL_APPROVED")).map(([a, s]) => new ChangeStatus(a, s)),
  actor.map((a) => new AddNote(a)),
];

const NUM_RUNS = Number(process.env.TEAM_MODEL_RUNS ?? (TEST_DB === "postgres" ? 40 : 150));

beforeAll(async () => {
  h = await createHarness();
  kit = collabKit(h);
  year = await kit.period("FY2036", "2036-01-01", "2036-12-31");
  users = { owner: await h.user(Role.ACCOUNT_MANAGER), admin: h.admin, amA: await h.user(Role.ACCOUNT_MANAGER), amB: await h.user(Role.ACCOUNT_MANAGER), reviewer: await h.user(Role.REVIEWER), analyst: await h.user(Role.ANALYST) };
  for (const a of ACTORS) expect(users[a].user.role).toBe(ROLE[a]);
});
afterAll(async () => h?.close());

describe("plan team rules as a model (fast-check commands against the real API)", () => {
  it(`agrees with the model over ${NUM_RUNS} random sequences of team changes, edits, status changes and notes`, async () => {
    let commandsRun = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: 30 }), async (cmds) => {
        const plan = await kit.plan(year, users.owner);
        const model: Model = { status: "DRAFT", team: new Map(), version: 1, teamChanges: 0, notes: 0 };
        await fc.asyncModelRun(() => ({ model, real: { planId: plan.id, accountId: plan.accountId } }), cmds);
        commandsRun += [...cmds].length;
      }),
      { numRuns: NUM_RUNS },
    );
    console.log(`team model: ${NUM_RUNS} runs, ${commandsRun} commands`);
  }, 600_000);
});
