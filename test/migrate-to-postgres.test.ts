/**
 * `npm run db:migrate-to-postgres -- --from sqlite:PATH --to postgres://...`
 * (scripts/migrate-to-postgres.ts) on the demo data, plus rows that make the
 * copy harder: a plan moved under a newer plan and an activity linked to an
 * opportunity (foreign keys pointing forward), a deleted last plan (an id gap
 * SQLite never hands out again) and an amount near the money cap.
 * Compared afterwards: row counts and primary keys per table, and the API's
 * answers (rollups included) from a server on each database.
 */
import "reflect-metadata";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { Client } from "pg";
import { IdempotencyService } from "../src/db/idempotency";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initApp } from "../src/app";
import { ActivityType, PlanMemberRole } from "../src/common/enums";
import { parseDecimal } from "../src/common/money";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/data-source";
import { entities } from "../src/db/entities";
import { createLogger } from "../src/logger";
import { BusinessPlan } from "../src/modules/plans/business-plan.entity";
import { Objective } from "../src/modules/objectives/objective.entity";
import { Opportunity } from "../src/modules/opportunities/opportunity.entity";
import { Period } from "../src/modules/periods/period.entity";
import type { User } from "../src/modules/users/user.entity";
import { freshDatabaseUrl, TEST_DB } from "./helpers/db";
import { postGql, type ServerProcess, startServerProcess } from "./helpers/server";
import { gid, keyOf } from "./helpers/ids";

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, "..", "dist", "scripts", "migrate-to-postgres.js");

async function migrateCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "test" },
      maxBuffer: 10 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** Every table the app persists, with its primary key columns (from the entity metadata). */
async function tableKeys(): Promise<Array<{ table: string; pk: string[]; generated: string | null }>> {
  const db = await openDatabase({ databaseUrl: "sqlite::memory:", dbLogging: false, dbPoolSize: 1, databaseSsl: false }, { migrate: false });
  try {
    return entities.map((e) => {
      const m = db.dataSource.getMetadata(e);
      const gen = m.primaryColumns.find((c) => c.isGenerated);
      return { table: m.tableName, pk: m.primaryColumns.map((c) => c.databaseName), generated: gen?.databaseName ?? null };
    });
  } finally {
    await db.close();
  }
}

const PLANS = `query($n: Int, $a: Int) { businessPlans(first: $n) { totalCount edges { node {
  id name type status version description businessUnit territory revenueTarget createdAt updatedAt
  account { id } owner { id } period { id } parent { id } copiedFrom { id } children { id } contacts { id }
  opportunities { id } activities { id } objectives { id notes { id body createdAt author { id } } }
  team { user { id } role addedAt } notes { id body createdAt author { id } }
  rollup { revenueTarget childrenRevenueTarget wonRevenue pipelineRevenue weightedPipelineRevenue attainment }
  statusHistory { from to comment changedAt changedBy { id } }
  auditTrail(first: $a) { action changedAt changedBy { id } changes { field oldValue newValue } }
} } } }`;
const ACCOUNTS = `query { accounts(first: 50) { totalCount edges { node {
  id name industry owner { id } contacts { id firstName lastName email jobTitle }
  objectives { id name description isGlobal targetQuantity targetRevenue unit period { id } plan { id } contact { id } parent { id } children { id }
    progress { actualQuantity actualRevenue percentComplete } }
  opportunities { id name revenue probability status closeDate objective { id } plans { id } sourceActivity { id } activities { id } owner { id } }
  activities { id subject type status dueAt completedAt notes contact { id } plan { id } objective { id } opportunity { id } followUpOf { id } followUps { id } owner { id } }
} } } }`;
const REST = `query { me { id name email role } periods { id name type startDate endDate parent { id } children { id } }
  globalObjectives { id name targetQuantity unit progress { actualQuantity actualRevenue percentComplete } } }`;
const SUMMARY_ROW = "key label plans revenueTarget wonRevenue pipelineRevenue weightedPipelineRevenue";
const SUMMARY = `query($p: ID!) { o: planSummary(periodId: $p, groupBy: OWNER) { ${SUMMARY_ROW} } t: planSummary(periodId: $p, groupBy: TERRITORY) { ${SUMMARY_ROW} }
  b: planSummary(periodId: $p, groupBy: BUSINESS_UNIT) { ${SUMMARY_ROW} } y: planSummary(periodId: $p, groupBy: TYPE) { ${SUMMARY_ROW} } s: planSummary(periodId: $p, groupBy: STATUS) { ${SUMMARY_ROW} } }`;
const ROLLUP = `query { businessPlans(first: 100) { edges { node { id name rollup { revenueTarget childrenRevenueTarget wonRevenue pipelineRevenue attainment } } } } }`;

describe.skipIf(TEST_DB !== "postgres")("db:migrate-to-postgres on the demo data", () => {
  let dir: string;
  let sqliteUrl: string;
  let target: { url: string; drop: () => Promise<void> };
  let move: { code: number; stdout: string; stderr: string };
  const extra: Record<string, number> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "move-to-pg-"));
    sqliteUrl = `sqlite:${join(dir, "planning.sqlite")}`;
    const config = { ...loadConfig({ NODE_ENV: "test" }), databaseUrl: sqliteUrl, seedDemo: true, logLevel: "silent" };
    const { deps } = await initApp(config, createLogger("silent"));
    try {
      const s = deps.services;
      const as = async (token: string) => (await s.users.authenticate(token)) as User;
      const [giulia, marco] = [await as("demo-giulia"), await as("demo-marco")];
      // a webhook (TEST-NET-3: never routed): the changes below leave pending deliveries in its outbox
      await s.webhooks.create(await as("demo-admin"), { url: "https://203.0.113.10/hooks", events: [] });
      const plan = (name: string) => deps.db.manager.findOneByOrFail(BusinessPlan, { name });
      const fy2026 = await deps.db.manager.findOneByOrFail(Period, { name: "FY2026" });
      const specialty = await plan("Globex FY2026 Specialty Sensors");
      // a plan moved under a newer plan: business_plan.parent_id points to a higher id
      // (marco's own umbrella: only a plan's editors add children to it, issue 12)
      const umbrella = await s.plans.create(marco, { name: "Globex FY2026 Umbrella", accountId: gid("Account", specialty.accountId), periodId: gid("Period", fy2026.id) });
      await s.plans.update(marco, gid("BusinessPlan", specialty.id), { parentId: gid("BusinessPlan", umbrella.id) });
      extra.umbrella = umbrella.id;
      extra.specialty = specialty.id;
      // an activity linked to an opportunity (activity is copied before opportunity)
      const opp = await deps.db.manager.findOneByOrFail(Opportunity, { name: "Predictive maintenance services" });
      const a = await s.activities.create(giulia, { subject: "Scope predictive maintenance", type: ActivityType.MEETING, accountId: gid("Account", opp.accountId), opportunityId: gid("Opportunity", opp.id) });
      extra.activity = a.id;
      extra.opportunity = opp.id;
      // an amount near the cap (90 trillion units) must arrive exactly
      const rossi = await plan("Rossi & Figli FY2026");
      await s.plans.update(giulia, gid("BusinessPlan", rossi.id), { revenueTarget: parseDecimal("89999999999999.99") });
      // a plan team and an objective's note (issue 15) travel too
      await s.planTeam.addMember(giulia, gid("BusinessPlan", rossi.id), gid("User", marco.id), PlanMemberRole.CONTRIBUTOR);
      const rossiObjective = await deps.db.manager.findOneByOrFail(Objective, { planId: rossi.id });
      await s.notes.addObjectiveNote(marco, gid("Objective", rossiObjective.id), "Second chain: volumes confirmed.");
      // the newest plan deleted: its id must not be handed out again on PostgreSQL either
      const scratch = await s.plans.create(giulia, { name: "Scratch", accountId: gid("Account", rossi.accountId), periodId: gid("Period", fy2026.id) });
      await s.plans.delete(giulia, gid("BusinessPlan", scratch.id));
      extra.deletedPlan = scratch.id;
      // a stored Idempotency-Key (with its answer) moves too
      const keys = new IdempotencyService(deps.db, deps.config.clock, deps.config);
      await keys.run(giulia.id, "before-the-move", "f".repeat(64), async () => ({ status: 200, headers: [], body: '{"data":{"ok":true}}', storable: true }));
    } finally {
      await deps.db.close();
    }
    target = await freshDatabaseUrl("postgres");
    move = await migrateCli(["--from", sqliteUrl, "--to", target.url]);
  }, 120_000);

  afterAll(async () => {
    await target?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 and prints a verified per-table summary", () => {
    expect(move.stderr).toBe("");
    expect(move.code).toBe(0);
    expect(move.stdout).toMatch(/^OK: 19 tables, \d+ rows copied and verified in \d+ ms$/m);
    expect(move.stdout).not.toContain("MISMATCH");
    expect(move.stdout).toMatch(/^business_plan\s+\d+\s+\d+\s+\d+\s+ok revenue_target_cents sum \d+\.?\d*/m);
    expect(move.stdout).toContain("set forward references in business_plan");
    expect(move.stdout).toContain("set forward references in activity");
  });

  it("every table has the same rows (counts and primary keys) on both databases", async () => {
    const sqlite = new BetterSqlite3(sqliteUrl.slice("sqlite:".length), { readonly: true });
    const pg = new Client({ connectionString: target.url });
    await pg.connect();
    try {
      const counts: Record<string, [number, number]> = {};
      for (const { table, pk } of await tableKeys()) {
        const order = pk.map((c) => `"${c}"`).join(", ");
        const a = sqlite.prepare(`SELECT ${order} FROM "${table}" ORDER BY ${order}`).raw().all() as unknown[][];
        const b = (await pg.query({ text: `SELECT ${order} FROM "${table}" ORDER BY ${order}`, rowMode: "array" })).rows as unknown[][];
        counts[table] = [a.length, b.length];
        expect(b.map((r) => r.map(Number)), table).toEqual(a.map((r) => r.map(Number)));
      }
      // the demo data set is not trivial: every table has rows
      for (const [table, [n]] of Object.entries(counts)) expect(n, table).toBeGreaterThan(0);
      const moved = (await pg.query(`SELECT parent_id FROM business_plan WHERE id = $1`, [extra.specialty])).rows[0];
      expect(moved.parent_id).toBe(extra.umbrella);
      expect((await pg.query(`SELECT opportunity_id FROM activity WHERE id = $1`, [extra.activity])).rows[0].opportunity_id).toBe(extra.opportunity);
      expect((await pg.query(`SELECT revenue_target_cents::text AS c FROM business_plan WHERE name = 'Rossi & Figli FY2026'`)).rows[0].c).toBe("8999999999999999");
    } finally {
      sqlite.close();
      await pg.end();
    }
  });

  describe("the API on each database", () => {
    let onSqlite: ServerProcess;
    let onPg: ServerProcess;
    beforeAll(async () => {
      const env = { SEED_DEMO: "false" };
      [onSqlite, onPg] = await Promise.all([
        startServerProcess({ ...env, DATABASE_URL: sqliteUrl }),
        startServerProcess({ ...env, DATABASE_URL: target.url }),
      ]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([onSqlite?.stop(), onPg?.stop()]);
    });

    const both = async (query: string, variables?: Record<string, unknown>, token = "demo-admin") => {
      const [a, b] = await Promise.all([postGql(onSqlite.url, token, query, variables), postGql(onPg.url, token, query, variables)]);
      expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
      expect(b.errors, JSON.stringify(b.errors)).toBeUndefined();
      return [a.data, b.data] as const;
    };

    it("the Globex FY2026 annual plan's rollup (and every other plan's) is the same", async () => {
      const [a, b] = await both(ROLLUP);
      expect(b).toEqual(a);
      const annual = a!.businessPlans.edges.map((e: any) => e.node).find((p: any) => p.name === "Globex FY2026 Account Plan");
      expect(annual.rollup).toEqual({
        revenueTarget: "12000000.00",
        childrenRevenueTarget: "21000000.00",
        wonRevenue: "2550000.00",
        pipelineRevenue: "1135000.00", // phase 2, predictive maintenance, and the line 3 study (a follow-up linked to Q1)
        attainment: 0.2125,
      });
      const umbrella = a!.businessPlans.edges.map((e: any) => e.node).find((p: any) => p.name === "Globex FY2026 Umbrella");
      expect(umbrella.rollup.pipelineRevenue).toBe("320000.00"); // the specialty plan moved under it
    });

    it("plans with audit trails and status history, accounts with everything under them, periods: the same answers", async () => {
      for (const [q, v] of [[PLANS, { n: 25, a: 50 }], [ACCOUNTS, undefined], [REST, undefined], [SUMMARY, { p: gid("Period", 6) }]] as const) {
        const [a, b] = await both(q, v);
        expect(b).toEqual(a);
      }
      // the demo users' tokens moved too (hashes in api_token)
      for (const token of ["demo-giulia", "demo-marco", "demo-rita", "demo-alan"]) {
        const [a, b] = await both(`{ me { id email } }`, undefined, token);
        expect(b).toEqual(a);
      }
    });

    it("new rows on PostgreSQL get fresh ids in every table (sequences set past the copied ids)", async () => {
      const pg = new Client({ connectionString: target.url });
      await pg.connect();
      const maxId = async (t: string) => Number((await pg.query(`SELECT COALESCE(MAX(id), 0) AS m FROM "${t}"`)).rows[0].m);
      try {
        const before: Record<string, number> = {};
        const generated = (await tableKeys()).filter((t) => t.generated);
        for (const t of generated) before[t.table] = await maxId(t.table);
        expect(before.business_plan).toBeLessThan(extra.deletedPlan);

        const ok = async (query: string, variables?: Record<string, unknown>, token = "demo-admin") => {
          const r = await postGql(onPg.url, token, query, variables);
          expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
          return r.data;
        };
        const user = await ok(`mutation { createUser(input: { name: "Nora New", email: "nora@new.example", role: ACCOUNT_MANAGER }) { token user { id } } }`);
        const nora = user.createUser.token;
        // a webhook (TEST-NET-3 address: public to the guard, never routed) makes the plan events below outbox rows
        const hook = await ok(`mutation { createWebhook(input: { url: "https://203.0.113.10/hooks", events: [] }) { webhook { id } } }`);
        const period = await ok(`mutation { createPeriod(input: { name: "FY2032", type: YEAR, startDate: "2032-01-01", endDate: "2032-12-31" }) { id } }`);
        const account = await ok(`mutation { createAccount(input: { name: "Umbrella Corp" }) { id } }`, undefined, nora);
        const accountId = account.createAccount.id;
        const contact = await ok(`mutation($a: ID!) { createContact(input: { accountId: $a, firstName: "Al", lastName: "Wesker" }) { id } }`, { a: accountId }, nora);
        const plan = await ok(
          `mutation($a: ID!, $p: ID!) { createBusinessPlan(input: { name: "Umbrella FY2032", accountId: $a, periodId: $p, revenueTarget: "1.00" }) { id } }`,
          { a: accountId, p: period.createPeriod.id },
          nora,
        );
        const planId = plan.createBusinessPlan.id;
        await ok(`mutation($id: ID!) { changeBusinessPlanStatus(id: $id, status: SUBMITTED) { id } }`, { id: planId }, nora);
        const objective = await ok(
          `mutation($pl: ID!, $p: ID!) { createObjective(input: { name: "Sign", planId: $pl, periodId: $p, targetQuantity: 1, unit: UNITS }) { id } }`,
          { pl: planId, p: period.createPeriod.id },
          nora,
        );
        const opp = await ok(`mutation($a: ID!) { createOpportunity(input: { name: "Deal", accountId: $a, revenue: "10.00" }) { id } }`, { a: accountId }, nora);
        const act = await ok(`mutation($a: ID!) { createActivity(input: { subject: "Call", type: CALL, accountId: $a }) { id } }`, { a: accountId }, nora);
        const note = await ok(`mutation($p: ID!) { addPlanNote(planId: $p, body: "New on PostgreSQL") { id } }`, { p: planId }, nora);
        // a mutation with an Idempotency-Key stores its key (idempotency_key)
        const keyed = await fetch(onPg.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${nora}`, "idempotency-key": "after-the-move" },
          body: JSON.stringify({ query: `mutation($a: ID!) { updateAccount(id: $a, input: { industry: "Biotech" }) { id } }`, variables: { a: accountId } }),
        });
        expect(keyed.status).toBe(200);

        const created: Record<string, string> = {
          app_user: user.createUser.user.id,
          period: period.createPeriod.id,
          account: accountId,
          contact: contact.createContact.id,
          business_plan: planId,
          objective: objective.createObjective.id,
          opportunity: opp.createOpportunity.id,
          activity: act.createActivity.id,
          webhook: hook.createWebhook.webhook.id,
          note: note.addPlanNote.id,
        };
        for (const [table, id] of Object.entries(created)) {
          expect(keyOf(id), table).toBe(table === "business_plan" ? extra.deletedPlan + 1 : before[table] + 1);
        }
        // tables written behind the scenes: token, audit entry, status change, idempotency key
        for (const t of generated) expect(await maxId(t.table), t.table).toBeGreaterThan(before[t.table]);
      } finally {
        await pg.end();
      }
    });
  });

  it("refuses a target that already holds data, and changes nothing", async () => {
    const pg = new Client({ connectionString: target.url });
    await pg.connect();
    try {
      const count = async () => Number((await pg.query(`SELECT COUNT(*) AS n FROM business_plan`)).rows[0].n);
      const n = await count();
      const again = await migrateCli(["--from", sqliteUrl, "--to", target.url]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/target database is not empty: app_user \(\d+ rows\)/);
      expect(await count()).toBe(n);
    } finally {
      await pg.end();
    }
  });

  it("rolls everything back and exits 1 when a table's count does not match", async () => {
    const other = await freshDatabaseUrl("postgres");
    try {
      // Migrate the target, then make it silently drop one audit entry on insert.
      const db = await openDatabase({ databaseUrl: other.url, dbLogging: false, dbPoolSize: 1, databaseSsl: false });
      await db.query(`CREATE FUNCTION drop_one() RETURNS trigger AS $$ BEGIN IF NEW.id = 3 THEN RETURN NULL; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await db.query(`CREATE TRIGGER drop_one BEFORE INSERT ON plan_audit_entry FOR EACH ROW EXECUTE FUNCTION drop_one()`);
      const r = await migrateCli(["--from", sqliteUrl, "--to", other.url]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^plan_audit_entry\s+(\d+)\s+(\d+)\s+\d+\s+MISMATCH/m);
      expect(r.stdout).toContain("FAILED: row counts or money sums differ; the PostgreSQL transaction was rolled back");
      for (const { table } of await tableKeys()) {
        expect(Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "${table}"`))[0].n), table).toBe(0);
      }
      await db.close();
    } finally {
      await other.drop();
    }
  });

  it("explains its usage (exit 2) and refuses a missing source file", async () => {
    const usage = await migrateCli([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run db:migrate-to-postgres -- --from sqlite:PATH --to postgres://");
    const missing = await migrateCli(["--from", `sqlite:${join(dir, "nope.sqlite")}`, "--to", target.url]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no SQLite database at");
  });
});

describe.runIf(TEST_DB !== "postgres")("db:migrate-to-postgres (needs a PostgreSQL target)", () => {
  it.skip("skipped on SQLite: runs in the postgres project, where TEST_POSTGRES_URL gives it a target server", () => {});
});
