/**
 * DataLoader batching: every relation field and every list under a parent
 * costs one SQL statement per level of the query, never one per parent. The
 * same deep query over 2 and over 25 accounts stays within the same bound of
 * statements (harness.statements(): every statement the data source sends,
 * counted by src/db/query-logger.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityType, ObjectiveUnit, OpportunityStatus, PlanStatus, Role } from "../src/common/enums";
import { parseDecimal } from "../src/common/money";
import { createYear, type Ref } from "./helpers/factories";
import { createHarness, expectStatementsAtMost, type Harness, type TestUser } from "./helpers/harness";
import { gid } from "./helpers/ids";

const ACCOUNTS = 25;

/** The tree query of the issue, plus totalCount. */
const DEEP_TREE = `query($n: Int) { accounts(first: $n) { totalCount edges { node {
  name owner { name } contacts { lastName }
  businessPlans { name owner { name } period { name }
    children { name
      objectives { name progress { actualQuantity }
        opportunities { name plans { name } }
        activities { subject followUps { subject } } }
      rollup { wonRevenue } } } } } } }`;

/**
 * Statements for DEEP_TREE, whatever the number of accounts:
 *   1  authentication (token hash -> user)
 *   2  accounts page (keyset query)          3  accounts totalCount
 *   4  Account.owner (users)                 5  Account.contacts
 *   6  Account.businessPlans                 7  BusinessPlan.owner (users not loaded yet: plans have another owner)
 *   8  BusinessPlan.period                   9  BusinessPlan.children
 *  10  BusinessPlan.objectives (children)   11  BusinessPlan.rollup (children)
 *  12  Objective.progress                   13  Objective.opportunities
 *  14  Objective.activities                 15  Opportunity.plans (link table joined to plans)
 *  16  Activity.followUps
 * = auth + page + count + 13 relation levels.
 */
const DEEP_TREE_BOUND = 16;
/** The query over every relation field (WIDE below): one statement per relation and level. */
const WIDE_BOUND = 38;

/** Every other relation field of the contract, over the businessPlans connection. */
const WIDE = `query($n: Int) { businessPlans(filter: { topLevelOnly: true }, first: $n) { totalCount edges { node {
  name status
  account { name owner { name } contacts { lastName account { name } } objectives { name } applicableObjectives { name }
    opportunities { name } activities { subject } businessPlans(topLevelOnly: true) { name } }
  owner { name } period { name parent { name } children { name } } parent { name } copiedFrom { name }
  contacts { lastName account { name } }
  statusHistory { to changedBy { name } }
  auditTrail(first: 3) { action changedBy { name } changes { field } }
  opportunities { name } activities { subject } objectives { name } rollup { wonRevenue pipelineRevenue childrenRevenueTarget attainment }
  children { name parent { name } contacts { lastName }
    objectives { name period { name } plan { name } account { name } contact { lastName } parent { name } children { name }
      progress { actualQuantity actualRevenue percentComplete }
      opportunities { name account { name } owner { name } objective { name } plans { name } sourceActivity { subject } activities { subject } }
      activities { subject account { name } contact { lastName } plan { name } objective { name } opportunity { name }
        owner { name } followUpOf { subject } followUps { subject followUpOf { subject } } } } }
} } } }`;

let h: Harness;
let accountOwner: TestUser;
let planOwner: TestUser;
let fy: { year: Ref; quarters: Ref[] };

interface Expected {
  name: string;
  contacts: string[];
  won: string[];
}
const expected: Expected[] = [];

const money = (s: string) => parseDecimal(s);

/** One account: 2 contacts, a plan with 2 quarterly child plans, 2 objectives per child, each with a call (completed),
 * its follow-up activity and a follow-up opportunity (WON, linked to the child plan). All through the services. */
async function buildAccount(i: number) {
  const s = h.deps.services;
  const name = `Batch ${String(i).padStart(2, "0")}`;
  const account = await s.accounts.create(accountOwner.user, { name, industry: "Test" });
  const accountId = gid("Account", account.id);
  const c1 = await s.contacts.create(planOwner.user, { accountId, firstName: "Ann", lastName: `Buyer ${i}` });
  await s.contacts.create(planOwner.user, { accountId, firstName: "Ben", lastName: `Champion ${i}` });
  const top = await s.plans.create(planOwner.user, { name: `${name} FY`, accountId, periodId: fy.year.id, revenueTarget: money("1000.00") });
  await s.plans.addContact(planOwner.user, gid("BusinessPlan", top.id), gid("Contact", c1.id));
  const won: string[] = [];
  for (let q = 0; q < 2; q++) {
    const child = await s.plans.create(planOwner.user, {
      name: `${name} Q${q + 1}`,
      accountId,
      periodId: fy.quarters[q].id,
      parentId: gid("BusinessPlan", top.id),
      revenueTarget: money("400.00"),
    });
    let childWon = 0;
    for (let k = 0; k < 2; k++) {
      const ob = await s.objectives.create(planOwner.user, {
        name: `${name} Q${q + 1} objective ${k}`,
        periodId: fy.quarters[q].id,
        planId: gid("BusinessPlan", child.id),
        contactId: gid("Contact", c1.id),
        unit: ObjectiveUnit.CALLS,
        targetQuantity: 4,
      });
      const call = await s.activities.create(planOwner.user, {
        subject: `${name} call ${q}${k}`,
        type: ActivityType.CALL,
        accountId,
        contactId: gid("Contact", c1.id),
        planId: gid("BusinessPlan", child.id),
        objectiveId: gid("Objective", ob.id),
      });
      await s.activities.complete(planOwner.user, gid("Activity", call.id), "done");
      const amount = (i + 1) * 10 + q * 2 + k;
      const opp = await s.activities.followUpOpportunity(planOwner.user, gid("Activity", call.id), { name: `${name} deal ${q}${k}`, revenue: money(`${amount}.00`) });
      await s.opportunities.update(planOwner.user, gid("Opportunity", opp.id), { status: OpportunityStatus.WON });
      await s.activities.update(planOwner.user, gid("Activity", call.id), { opportunityId: gid("Opportunity", opp.id) });
      await s.activities.followUpActivity(planOwner.user, gid("Activity", call.id), { subject: `${name} follow-up ${q}${k}`, type: ActivityType.EMAIL });
      childWon += amount;
    }
    won.push(`${childWon}.00`);
  }
  await s.plans.changeStatus(planOwner.user, gid("BusinessPlan", top.id), PlanStatus.SUBMITTED, "ready");
  expected[i] = { name, contacts: [`Buyer ${i}`, `Champion ${i}`], won };
}

beforeAll(async () => {
  h = await createHarness();
  accountOwner = await h.user(Role.ACCOUNT_MANAGER, "Account Owner");
  planOwner = await h.user(Role.ACCOUNT_MANAGER, "Plan Owner");
  fy = await createYear(h, 2092);
  // five at a time: concurrent transactions on PostgreSQL, queued on SQLite
  for (let i = 0; i < ACCOUNTS; i += 5) await Promise.all([0, 1, 2, 3, 4].map((d) => buildAccount(i + d)));
}, 180_000);
afterAll(async () => h?.close());

async function measure(query: string, n: number) {
  const before = h.statements();
  const data = await h.ok(accountOwner.token, query, { n });
  return { data, statements: h.statements() - before };
}

describe("the deep account tree", () => {
  it(`costs at most ${DEEP_TREE_BOUND} statements for 2 and for ${ACCOUNTS} accounts`, async () => {
    const few = await measure(DEEP_TREE, 2);
    const many = await measure(DEEP_TREE, ACCOUNTS);
    console.log(`deep tree: ${few.statements} statements for 2 accounts, ${many.statements} for ${ACCOUNTS}`);
    expect(few.data.accounts.edges).toHaveLength(2);
    expect(many.data.accounts.edges).toHaveLength(ACCOUNTS);
    expectStatementsAtMost(DEEP_TREE_BOUND, { few: few.statements, many: many.statements });
  });

  it("returns the whole tree, right, for every account", async () => {
    const { data } = await measure(DEEP_TREE, ACCOUNTS);
    expect(data.accounts.totalCount).toBe(ACCOUNTS);
    data.accounts.edges.forEach(({ node }: { node: any }, i: number) => {
      const e = expected[i];
      const name = e.name;
      expect(node.name).toBe(name);
      expect(node.owner).toEqual({ name: "Account Owner" });
      expect(node.contacts.map((c: { lastName: string }) => c.lastName)).toEqual(e.contacts);
      // the account's plans: the annual plan and its two children
      expect(node.businessPlans.map((p: { name: string }) => p.name)).toEqual([`${name} FY`, `${name} Q1`, `${name} Q2`]);
      const [top, q1, q2] = node.businessPlans;
      expect(top.owner).toEqual({ name: "Plan Owner" });
      expect(top.period.name).toBe(fy.year.name);
      expect([q1.period.name, q2.period.name]).toEqual([fy.quarters[0].name, fy.quarters[1].name]);
      expect(q1.children).toEqual([]);
      expect(top.children).toHaveLength(2);
      top.children.forEach((child: any, q: number) => {
        expect(child.name).toBe(`${name} Q${q + 1}`);
        expect(child.rollup).toEqual({ wonRevenue: e.won[q] });
        expect(child.objectives).toEqual(
          [0, 1].map((k) => ({
            name: `${name} Q${q + 1} objective ${k}`,
            progress: { actualQuantity: 1 },
            opportunities: [{ name: `${name} deal ${q}${k}`, plans: [{ name: `${name} Q${q + 1}` }] }],
            // the follow-up inherits the objective, so it is listed too (undated activities by creation)
            activities: [
              { subject: `${name} call ${q}${k}`, followUps: [{ subject: `${name} follow-up ${q}${k}` }] },
              { subject: `${name} follow-up ${q}${k}`, followUps: [] },
            ],
          })),
        );
      });
    });
  });

  it("the statement counter does catch N+1: with batching off, more accounts cost more statements; the answers are the same either way", async () => {
    h.config.batching = false;
    let few: Awaited<ReturnType<typeof measure>>;
    let off: Awaited<ReturnType<typeof measure>>;
    try {
      few = await measure(DEEP_TREE, 2);
      off = await measure(DEEP_TREE, ACCOUNTS);
    } finally {
      h.config.batching = true;
    }
    const on = await measure(DEEP_TREE, ACCOUNTS);
    console.log(`deep tree without batching: ${few.statements} statements for 2 accounts, ${off.statements} for ${ACCOUNTS}; with batching: ${on.statements}`);
    expect(few.statements).toBeGreaterThan(DEEP_TREE_BOUND);
    expect(off.statements).toBeGreaterThan(few.statements * 5);
    expectStatementsAtMost(DEEP_TREE_BOUND, { on: on.statements });
    // same answers either way: batching on against batching off, the whole tree of every account
    // (down to the deepest level: the last account's last follow-up is there in both)
    expect(off.data.accounts.edges).toHaveLength(ACCOUNTS);
    const deepest = (d: any) => d.accounts.edges[ACCOUNTS - 1].node.businessPlans[0].children[1].objectives[1].activities[0].followUps;
    expect(deepest(off.data)).toEqual([{ subject: `${expected[ACCOUNTS - 1].name} follow-up 11` }]);
    expect(on.data).toEqual(off.data);
  });
});

describe("every relation field", () => {
  it(`a query over all relation fields costs at most ${WIDE_BOUND} statements for 2 and for 25 plans`, async () => {
    const few = await measure(WIDE, 2);
    const many = await measure(WIDE, ACCOUNTS);
    console.log(`wide query: ${few.statements} statements for 2 plans, ${many.statements} for ${ACCOUNTS}`);
    expect(few.data.businessPlans.edges).toHaveLength(2);
    expect(many.data.businessPlans.edges).toHaveLength(ACCOUNTS);
    expectStatementsAtMost(WIDE_BOUND, { few: few.statements, many: many.statements });
    // spot checks that the data is really there (an empty level would cost nothing)
    const node = many.data.businessPlans.edges[ACCOUNTS - 1].node;
    expect(node.contacts).toHaveLength(1);
    expect(node.statusHistory).toEqual([{ to: "SUBMITTED", changedBy: { name: "Plan Owner" } }]);
    expect(node.auditTrail).toHaveLength(3);
    const ob = node.children[1].objectives[0];
    expect(ob.opportunities[0]).toMatchObject({ sourceActivity: { subject: expect.stringContaining("call") }, owner: { name: "Plan Owner" } });
    expect(ob.opportunities[0].activities).toHaveLength(2);
    expect(ob.activities[0].followUps[0].followUpOf).toEqual({ subject: ob.activities[0].subject });
    expect(ob.activities[0].opportunity).toEqual({ name: ob.opportunities[0].name });
    expect(ob.progress.percentComplete).toBe(25);
  });
});
