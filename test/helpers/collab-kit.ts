/**
 * Fixtures for the collaboration tests (plan teams, notes, deletes): records made through the API by
 * the harness's ADMIN, owned by whoever is given.
 */
import { afterAll, beforeAll } from "vitest";
import { Role } from "../../src/common/enums";
import { createHarness, type Harness, type TestUser } from "./harness";
import { gid } from "./ids";

export type Status = "DRAFT" | "SUBMITTED" | "FINAL_APPROVED" | "EXPIRED";

export function collabKit(h: Harness) {
  const A = () => h.admin.token;
  let n = 0;
  const kit = {
    async period(name: string, start: string, end: string): Promise<string> {
      return (await h.ok(A(), `mutation($i: CreatePeriodInput!) { createPeriod(input: $i) { id } }`, { i: { name: `${name}-${++n}`, type: "YEAR", startDate: start, endDate: end } })).createPeriod.id;
    },
    async account(owner?: TestUser): Promise<string> {
      return (await h.ok(A(), `mutation($o: ID) { createAccount(input: { name: "acct", ownerId: $o }) { id } }`, { o: owner ? gid("User", owner.user.id) : null })).createAccount.id;
    },
    async contact(accountId: string): Promise<string> {
      return (await h.ok(A(), `mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "C", lastName: "T" }) { id } }`, { a: accountId })).createContact.id;
    },
    /** A plan owned by `owner` (ADMIN or ACCOUNT_MANAGER; default the ADMIN) in `periodId`. */
    async plan(periodId: string, owner?: TestUser, extra: Record<string, unknown> = {}): Promise<{ id: string; accountId: string }> {
      const accountId = (extra.accountId as string | undefined) ?? (await kit.account(owner));
      const id = (
        await h.ok(A(), `mutation($i: CreateBusinessPlanInput!) { createBusinessPlan(input: $i) { id } }`, {
          i: { name: `plan ${++n}`, periodId, ownerId: owner ? gid("User", owner.user.id) : null, ...extra, accountId },
        })
      ).createBusinessPlan.id;
      return { id, accountId };
    },
    /** Moves a plan along DRAFT -> SUBMITTED -> FINAL_APPROVED (-> EXPIRED) as the ADMIN. */
    async bring(planId: string, to: Status, from: Status = "DRAFT"): Promise<void> {
      const path: Status[] = ["DRAFT", "SUBMITTED", "FINAL_APPROVED", "EXPIRED"];
      for (const s of path.slice(path.indexOf(from) + 1, path.indexOf(to) + 1)) {
        await h.ok(A(), `mutation($id: ID!, $s: PlanStatus!) { changeBusinessPlanStatus(id: $id, status: $s) { id } }`, { id: planId, s });
      }
    },
    async member(planId: string, user: TestUser, role: "CONTRIBUTOR" | "REVIEWER"): Promise<void> {
      await h.ok(A(), `mutation($p: ID!, $u: ID!, $r: PlanMemberRole!) { addPlanMember(planId: $p, userId: $u, role: $r) { id } }`, { p: planId, u: gid("User", user.user.id), r: role });
    },
    async objective(periodId: string, input: Record<string, unknown>): Promise<string> {
      return (await h.ok(A(), `mutation($i: CreateObjectiveInput!) { createObjective(input: $i) { id } }`, { i: { name: `ob ${++n}`, periodId, ...input } })).createObjective.id;
    },
    async opportunity(token: string, accountId: string, input: Record<string, unknown> = {}): Promise<string> {
      return (await h.ok(token, `mutation($i: CreateOpportunityInput!) { createOpportunity(input: $i) { id } }`, { i: { name: `opp ${++n}`, accountId, revenue: "10.00", ...input } })).createOpportunity.id;
    },
    async activity(token: string, accountId: string, input: Record<string, unknown> = {}): Promise<string> {
      return (await h.ok(token, `mutation($i: CreateActivityInput!) { createActivity(input: $i) { id } }`, { i: { subject: `act ${++n}`, type: "CALL", accountId, ...input } })).createActivity.id;
    },
    /** The plan's audit actions, oldest first. */
    async audit(planId: string): Promise<Array<{ action: string; changes: Array<{ field: string; oldValue: string | null; newValue: string | null }> }>> {
      const d = await h.ok(A(), `query($id: ID!) { businessPlan(id: $id) { auditTrail(first: 500) { action changes { field oldValue newValue } } } }`, { id: planId });
      return [...d.businessPlan.auditTrail].reverse();
    },
    async version(planId: string): Promise<number> {
      return (await h.ok(A(), `query($id: ID!) { businessPlan(id: $id) { version } }`, { id: planId })).businessPlan.version;
    },
  };
  return kit;
}

export interface CollabWorld {
  h: Harness;
  kit: ReturnType<typeof collabKit>;
  /** The FY2035 period (2035-01-01 to 2035-12-31). */
  year: string;
  /** An ACCOUNT_MANAGER who owns the file's plans. */
  owner: TestUser;
}

/**
 * One harness per test file with the collaboration fixtures: a fresh database, the kit, the FY2035
 * period and an owner, handed to `set` before the file's tests run (closed after them).
 */
export function useCollabWorld(set: (w: CollabWorld) => void): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await createHarness();
    const kit = collabKit(h);
    set({ h, kit, year: await kit.period("FY2035", "2035-01-01", "2035-12-31"), owner: await h.user(Role.ACCOUNT_MANAGER, "Owner") });
  });
  afterAll(async () => h?.close());
}
