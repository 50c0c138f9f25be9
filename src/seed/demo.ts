import { ActivityType, ObjectiveUnit, OpportunityStatus, PeriodType, PlanStatus, PlanType, Role } from "../common/enums";
import { toGlobalId as gid } from "../common/ids";
import { parseDecimal } from "../common/money";
import type { Database } from "../db/data-source";
import type { User } from "../modules/users/user.entity";
import { User as UserEntity } from "../modules/users/user.entity";
import type { Services } from "../services";

/**
 * Demo users have fixed, documented tokens so that the README, the playground
 * and the examples work out of the box. Never use SEED_DEMO in production.
 */
export const DEMO_USERS = [
  { key: "admin", name: "Ada Admin", email: "admin@demo.example", role: Role.ADMIN, token: "demo-admin" },
  { key: "giulia", name: "Giulia Rossi", email: "giulia.rossi@demo.example", role: Role.ACCOUNT_MANAGER, token: "demo-giulia" },
  { key: "marco", name: "Marco Bianchi", email: "marco.bianchi@demo.example", role: Role.ACCOUNT_MANAGER, token: "demo-marco" },
  { key: "rita", name: "Rita Reviewer", email: "rita.reviewer@demo.example", role: Role.REVIEWER, token: "demo-rita" },
  { key: "alan", name: "Alan Analyst", email: "alan.analyst@demo.example", role: Role.ANALYST, token: "demo-alan" },
] as const;

const money = (s: string) => parseDecimal(s);

/** Loads the demo data set into an empty database; returns the demo tokens (also when it was loaded before). */
export async function seedDemo(db: Database, services: Services): Promise<Record<string, string> | null> {
  const tokens = Object.fromEntries(DEMO_USERS.map((u) => [`${u.name} (${u.role})`, u.token]));
  if ((await db.manager.count(UserEntity)) > 0) {
    const demo = await db.manager.findOne(UserEntity, { where: { email: DEMO_USERS[0].email } });
    return demo ? tokens : null;
  }
  const users: Record<string, User> = {};
  for (const u of DEMO_USERS) {
    const { user, token: randomToken } = await services.users.createUserUnchecked({ name: u.name, email: u.email, role: u.role });
    // demo users answer to their documented token only
    await services.users.revokeToken(randomToken);
    await services.users.issueToken(user.id, u.token);
    users[u.key] = user;
  }
  const { admin, giulia, marco } = users;
  const s = services;

  // Periods: three fiscal years with quarters.
  const years: Record<number, { id: string; q: string[] }> = {};
  for (const y of [2025, 2026, 2027]) {
    const year = await s.periods.create(admin, { name: `FY${y}`, type: PeriodType.YEAR, startDate: `${y}-01-01`, endDate: `${y}-12-31` });
    const q: string[] = [];
    const bounds = [["01-01", "03-31"], ["04-01", "06-30"], ["07-01", "09-30"], ["10-01", "12-31"]];
    for (let i = 0; i < 4; i++) {
      const p = await s.periods.create(admin, {
        name: `Q${i + 1} FY${y}`,
        type: PeriodType.QUARTER,
        startDate: `${y}-${bounds[i][0]}`,
        endDate: `${y}-${bounds[i][1]}`,
        parentId: gid("Period", year.id),
      });
      q.push(gid("Period", p.id));
    }
    years[y] = { id: gid("Period", year.id), q };
  }

  // Accounts and contacts.
  const globex = await s.accounts.create(giulia, { name: "Globex Industries", industry: "Industrial manufacturing", ownerId: gid("User", giulia.id) });
  const rossi = await s.accounts.create(giulia, { name: "Rossi & Figli", industry: "Family-owned food distribution", ownerId: gid("User", giulia.id) });
  const contact = (accountId: number, firstName: string, lastName: string, jobTitle: string, email: string) =>
    s.contacts.create(giulia, { accountId: gid("Account", accountId), firstName, lastName, jobTitle, email });
  const cfo = await contact(globex.id, "Hannah", "Schmidt", "Chief Financial Officer", "h.schmidt@globex.example");
  const cpo = await contact(globex.id, "Luca", "Ferri", "Head of Procurement", "l.ferri@globex.example");
  await contact(globex.id, "Amira", "Haddad", "Plant Manager, Torino", "a.haddad@globex.example");
  const owner = await contact(rossi.id, "Paolo", "Rossi", "Owner", "paolo@rossiefigli.example");

  // Globex: the general account manager's annual plan, quarterly children, BU and territory sub-plans.
  const g = gid("Account", globex.id);
  const annual = await s.plans.create(giulia, {
    name: "Globex FY2026 Account Plan",
    accountId: g,
    periodId: years[2026].id,
    type: PlanType.ACCOUNT,
    description: "Grow share of wallet in automation and services; keep the core components business.",
    revenueTarget: money("12000000.00"),
  });
  const quarters = [];
  for (let i = 0; i < 4; i++) {
    quarters.push(
      await s.plans.create(giulia, {
        name: `Globex Q${i + 1} FY2026`,
        accountId: g,
        periodId: years[2026].q[i],
        parentId: gid("BusinessPlan", annual.id),
        revenueTarget: money(["2500000.00", "3000000.00", "3000000.00", "3500000.00"][i]),
      }),
    );
  }
  const bu = await s.plans.create(giulia, {
    name: "Globex Industrial Automation BU",
    accountId: g,
    periodId: years[2026].id,
    parentId: gid("BusinessPlan", annual.id),
    type: PlanType.MARKET_SEGMENT,
    businessUnit: "Industrial Automation",
    revenueTarget: money("4000000.00"),
  });
  const emea = await s.plans.create(giulia, {
    name: "Globex EMEA Territory",
    accountId: g,
    periodId: years[2026].id,
    parentId: gid("BusinessPlan", annual.id),
    type: PlanType.REGIONAL,
    territory: "EMEA",
    revenueTarget: money("5000000.00"),
  });
  await s.plans.addContact(giulia, gid("BusinessPlan", annual.id), gid("Contact", cfo.id));
  await s.plans.addContact(giulia, gid("BusinessPlan", annual.id), gid("Contact", cpo.id));

  // A second account manager's specialty-products plan for the same period.
  const specialty = await s.plans.create(marco, {
    name: "Globex FY2026 Specialty Sensors",
    accountId: g,
    periodId: years[2026].id,
    type: PlanType.BRAND,
    businessUnit: "Specialty Sensors",
    revenueTarget: money("1500000.00"),
  });

  // Last year's plan, rolled over and expired.
  const lastYear = await s.plans.create(giulia, { name: "Globex FY2025 Account Plan", accountId: g, periodId: years[2025].id, revenueTarget: money("9000000.00") });

  // A family business with one simple plan.
  const rossiPlan = await s.plans.create(giulia, {
    name: "Rossi & Figli FY2026",
    accountId: gid("Account", rossi.id),
    periodId: years[2026].id,
    type: PlanType.LOCAL,
    revenueTarget: money("250000.00"),
  });

  // Objectives.
  const calls = await s.objectives.create(giulia, {
    name: "20 sales calls with plant managers",
    periodId: years[2026].q[0],
    planId: gid("BusinessPlan", quarters[0].id),
    unit: ObjectiveUnit.CALLS,
    targetQuantity: 20,
  });
  const automationDeal = await s.objectives.create(giulia, {
    name: "Win the Torino line automation retrofit",
    periodId: years[2026].q[1],
    planId: gid("BusinessPlan", quarters[1].id),
    contactId: gid("Contact", cpo.id),
    targetRevenue: money("1200000.00"),
  });
  await s.objectives.create(giulia, {
    name: "Automation pilots installed",
    periodId: years[2026].id,
    planId: gid("BusinessPlan", bu.id),
    unit: ObjectiveUnit.UNITS,
    targetQuantity: 5,
  });
  await s.objectives.create(giulia, {
    name: "Quarterly executive sponsor meetings",
    periodId: years[2026].id,
    accountId: g,
    contactId: gid("Contact", cfo.id),
    unit: ObjectiveUnit.MEETINGS,
    targetQuantity: 4,
  });
  const qbr = await s.objectives.create(admin, {
    name: "Business review with every key account",
    description: "Applies to all accounts.",
    periodId: years[2026].id,
    unit: ObjectiveUnit.MEETINGS,
    targetQuantity: 1,
  });
  await s.objectives.create(admin, { name: "Introduce the 2026 price list", periodId: years[2026].q[0], unit: ObjectiveUnit.UNITS, targetQuantity: 1 });
  await s.objectives.create(giulia, { name: "Listing in two new regional chains", periodId: years[2026].id, planId: gid("BusinessPlan", rossiPlan.id), targetRevenue: money("80000.00") });

  // Opportunities.
  const opp = (name: string, accountId: number, revenue: string, status: OpportunityStatus, objectiveId: string | null, planIds: string[], closeDate: string, by = giulia) =>
    s.opportunities.create(by, { name, accountId: gid("Account", accountId), revenue: money(revenue), status, objectiveId, planIds, closeDate });
  await opp("Torino line retrofit, phase 1", globex.id, "750000.00", OpportunityStatus.WON, gid("Objective", automationDeal.id), [gid("BusinessPlan", quarters[1].id)], "2026-05-15");
  await opp("Torino line retrofit, phase 2", globex.id, "450000.00", OpportunityStatus.OPEN, gid("Objective", automationDeal.id), [gid("BusinessPlan", quarters[1].id), gid("BusinessPlan", bu.id)], "2026-09-30");
  await opp("Spare parts framework agreement", globex.id, "1800000.00", OpportunityStatus.WON, null, [gid("BusinessPlan", quarters[0].id), gid("BusinessPlan", emea.id)], "2026-02-28");
  await opp("Predictive maintenance services", globex.id, "600000.00", OpportunityStatus.OPEN, null, [gid("BusinessPlan", emea.id)], "2026-11-30");
  await opp("Vision sensors for packaging", globex.id, "320000.00", OpportunityStatus.OPEN, null, [gid("BusinessPlan", specialty.id)], "2026-07-31", marco);
  await opp("Cold-chain logistics upgrade", rossi.id, "60000.00", OpportunityStatus.OPEN, null, [gid("BusinessPlan", rossiPlan.id)], "2026-06-30");

  // Activities with follow-ups.
  const act = (subject: string, type: ActivityType, accountId: number, extra: Record<string, string | Date | null> = {}) =>
    s.activities.create(giulia, { subject, type, accountId: gid("Account", accountId), ...extra });
  const c1 = await act("Intro call with Torino plant", ActivityType.CALL, globex.id, {
    planId: gid("BusinessPlan", quarters[0].id),
    objectiveId: gid("Objective", calls.id),
    dueAt: new Date("2026-01-20T09:00:00Z"),
  });
  await s.activities.complete(giulia, gid("Activity", c1.id), "Interest in retrofitting line 3; wants a proposal.");
  const c2 = await act("Call with Milan plant manager", ActivityType.CALL, globex.id, {
    planId: gid("BusinessPlan", quarters[0].id),
    objectiveId: gid("Objective", calls.id),
    dueAt: new Date("2026-02-03T10:00:00Z"),
  });
  await s.activities.complete(giulia, gid("Activity", c2.id), null);
  await act("Call with Lyon plant manager", ActivityType.CALL, globex.id, {
    planId: gid("BusinessPlan", quarters[0].id),
    objectiveId: gid("Objective", calls.id),
    dueAt: new Date("2026-03-10T10:00:00Z"),
  });
  await s.activities.followUpActivity(giulia, gid("Activity", c1.id), {
    subject: "Send retrofit proposal to Torino",
    type: ActivityType.EMAIL,
    dueAt: new Date("2026-01-27T17:00:00Z"),
  });
  await s.activities.followUpOpportunity(giulia, gid("Activity", c1.id), { name: "Line 3 retrofit study", revenue: money("85000.00"), probability: 40, closeDate: "2026-04-30" });
  const qbrMeeting = await act("FY2026 business review with Globex", ActivityType.MEETING, globex.id, {
    objectiveId: gid("Objective", qbr.id),
    contactId: gid("Contact", cfo.id),
    dueAt: new Date("2026-03-25T14:00:00Z"),
  });
  await s.activities.complete(giulia, gid("Activity", qbrMeeting.id), "Agreed on the annual targets.");
  await act("Visit Rossi & Figli warehouse", ActivityType.MEETING, rossi.id, {
    planId: gid("BusinessPlan", rossiPlan.id),
    contactId: gid("Contact", owner.id),
    dueAt: new Date("2026-04-14T08:30:00Z"),
  });

  // Approval workflow: submit, review, approve.
  await s.plans.changeStatus(giulia, gid("BusinessPlan", annual.id), PlanStatus.SUBMITTED, "Ready for review");
  await s.plans.changeStatus(giulia, gid("BusinessPlan", annual.id), PlanStatus.FINAL_APPROVED, "Approved after review with sales leadership");
  await s.plans.changeStatus(giulia, gid("BusinessPlan", quarters[0].id), PlanStatus.SUBMITTED, null);
  await s.plans.changeStatus(giulia, gid("BusinessPlan", quarters[0].id), PlanStatus.FINAL_APPROVED, null);
  await s.plans.changeStatus(giulia, gid("BusinessPlan", quarters[1].id), PlanStatus.SUBMITTED, "Q2 draft for review");
  await s.plans.changeStatus(giulia, gid("BusinessPlan", lastYear.id), PlanStatus.SUBMITTED, null);
  await s.plans.changeStatus(giulia, gid("BusinessPlan", lastYear.id), PlanStatus.FINAL_APPROVED, null);
  await s.plans.changeStatus(giulia, gid("BusinessPlan", lastYear.id), PlanStatus.EXPIRED, "FY2025 closed");

  // A reviewer's remark on the approved annual plan (notes stay open on locked plans; a note is not an edit).
  await s.notes.addPlanNote(users.rita, gid("BusinessPlan", annual.id), "Approved. Watch the Torino retrofit phase 2 close date: it carries most of the Q3 pipeline.");
  return tokens;
}
