/**
 * Crash test: the compiled server (dist/src/main.js) serves writes on a SQLite
 * file and is killed with SIGKILL, 50 times, on the same file. The kill points
 * are chosen deterministically from the seed, not from the clock: run k kills
 * the server right after its n-th acknowledged write (n drawn from 1..30), with
 * the other clients' writes in flight. After every kill the file is reopened directly with better-sqlite3:
 *  - PRAGMA integrity_check is "ok" and foreign_key_check is empty;
 *  - every write acknowledged to a client (HTTP 200 with data) is there;
 *  - no half-done mutation is visible: every plan's status change has its
 *    history row and its audit row, a plan's version is 1 + its status changes
 *    + its UPDATED audit entries, its status is the last change's target, and
 *    every opportunity created with a plan has its link and its audit row.
 *
 * Speed: run 0 is a plain `node dist/src/main.js`; later runs use a launcher
 * (spawnServer's `preload`, test/helpers/server.ts) that loads the modules while the previous
 * server is still taking writes and then requires dist/src/main.js, so a
 * restart costs ~0.2 s instead of ~1.5 s. How much the kills covered (runs that
 * left a WAL to recover, writes in flight at the kill) is reported, not asserted.
 *
 * SQLite only: a PostgreSQL server's crash safety is PostgreSQL's (WAL, fsync).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { checkSqlite } from "../src/db/maintenance";
import { TEST_DB } from "./helpers/db";
import { postGql } from "./helpers/security-kit";
import { assertCompiled, ROOT, type ServerProcess, spawnServer } from "./helpers/server";
import { gid, keyOf } from "./helpers/ids";

const RUNS = 50;
const ADMIN_TOKEN = "crash-test-admin-token";
const PLANS = 6;
const CONCURRENCY = 6;
/** Each run kills the server right after its n-th acknowledged write, n in 1..MAX_ACKS_PER_RUN (seeded). */
const MAX_ACKS_PER_RUN = 30;

/** mulberry32: a seeded PRNG, so that a failing run can be replayed (the seed is in the failure message). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


describe.skipIf(TEST_DB !== "sqlite")("crash safety under SIGKILL (SQLite only: PostgreSQL's crash safety is the database server's)", () => {
  const dir = mkdtempSync(join(tmpdir(), "crash-"));
  const file = join(dir, "crash.sqlite");
  const env = {
    DATABASE_URL: `sqlite:${file}`,
    SEED_DEMO: "false",
    ADMIN_TOKEN,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    PLAYGROUND: "false",
  };
  const spares: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of spares) p.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${RUNS} SIGKILLs, each right after a seeded number of acknowledged writes: integrity ok, every acknowledged write present, nothing half-done`, { timeout: 300_000 }, async () => {
    assertCompiled(join(ROOT, "dist", "src", "app.js"));
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
    const rnd = prng(seed);
    const ctx = `(CRASH_SEED=${seed})`;

    // what the clients were told succeeded, over all runs
    const ackAccounts: string[] = [];
    const ackStatus: Array<{ plan: string; version: number; comment: string }> = [];
    const ackUpdates: Array<{ plan: string; version: number; description: string }> = [];
    const ackOpps: Array<{ id: string; plan: string }> = [];
    let amToken = "";
    let accountId = "";
    const plans: string[] = [];
    const status = new Map<string, "DRAFT" | "SUBMITTED">();
    let seq = 0;
    let runsWithAcks = 0;
    let killedWithWritesInFlight = 0;
    let walLeftBehind = 0;

    const launcher = async (preload = true) => {
      const p = await spawnServer(env, { preload });
      spares.push(p);
      return p;
    };

    async function setup(url: string) {
      const gql = async (token: string, q: string, v?: Record<string, unknown>) => {
        const r = await postGql(url, token, q, v);
        if (r.status !== 200 || r.json.errors) throw new Error(`setup failed: ${r.text}`);
        return r.json.data;
      };
      amToken = (await gql(ADMIN_TOKEN, `mutation { createUser(input: { name: "Crash AM", email: "crash.am@example.com", role: ACCOUNT_MANAGER }) { token } }`)).createUser.token;
      const period = (await gql(ADMIN_TOKEN, `mutation { createPeriod(input: { name: "FY2031", type: YEAR, startDate: "2031-01-01", endDate: "2031-12-31" }) { id } }`)).createPeriod.id;
      accountId = (await gql(amToken, `mutation { createAccount(input: { name: "Crash Corp" }) { id } }`)).createAccount.id;
      for (let i = 0; i < PLANS; i++) {
        const id = (await gql(amToken, `mutation($a: ID!, $p: ID!, $n: String!) { createBusinessPlan(input: { name: $n, accountId: $a, periodId: $p }) { id } }`, { a: accountId, p: period, n: `plan ${i}` })).createBusinessPlan.id;
        plans.push(id);
        status.set(id, "DRAFT");
      }
    }

    /**
     * Fires writes from CONCURRENCY clients and records every acknowledged one; resolves right after the
     * n-th acknowledgement of this run (in the same tick: the caller kills the server before any other
     * answer is read), with how many writes are in flight then and a promise that settles once every
     * client has seen its last answer or its connection reset.
     */
    async function writeUntilAcked(url: string, n: number): Promise<{ inFlight: number; settled: Promise<unknown> }> {
      const busy = new Set<string>();
      let inFlight = 0;
      let acks = 0;
      let stop = false;
      let reached!: () => void;
      const nth = new Promise<void>((r) => (reached = r));
      const acked = () => {
        if (++acks === n) {
          stop = true;
          reached();
        }
      };
      const client = async () => {
        while (!stop) {
          const roll = rnd();
          const n = ++seq;
          inFlight++;
          try {
            if (roll < 0.3) {
              const name = `crash account ${n}`;
              const r = await postGql(url, amToken, `mutation($n: String!) { createAccount(input: { name: $n }) { id } }`, { n: name });
              if (r.json?.data?.createAccount) {
                ackAccounts.push(name);
                acked();
              }
            } else if (roll < 0.85) {
              const free = plans.filter((p) => !busy.has(p));
              if (!free.length) continue;
              const plan = free[Math.floor(rnd() * free.length)];
              busy.add(plan);
              try {
                if (roll < 0.65) {
                  const to = status.get(plan) === "DRAFT" ? "SUBMITTED" : "DRAFT";
                  const comment = `crash change ${n}`;
                  const r = await postGql(url, amToken, `mutation($id: ID!, $s: PlanStatus!, $c: String) { changeBusinessPlanStatus(id: $id, status: $s, comment: $c) { version status } }`, { id: plan, s: to, c: comment });
                  const d = r.json?.data?.changeBusinessPlanStatus;
                  if (d) {
                    status.set(plan, d.status);
                    ackStatus.push({ plan, version: d.version, comment });
                    acked();
                  }
                } else {
                  const description = `crash update ${n}`;
                  const r = await postGql(url, amToken, `mutation($id: ID!, $d: String) { updateBusinessPlan(id: $id, input: { description: $d }) { version } }`, { id: plan, d: description });
                  const d = r.json?.data?.updateBusinessPlan;
                  if (d) {
                    ackUpdates.push({ plan, version: d.version, description });
                    acked();
                  }
                }
              } finally {
                busy.delete(plan);
              }
            } else {
              const plan = plans[Math.floor(rnd() * plans.length)];
              const r = await postGql(url, amToken, `mutation($a: ID!, $p: ID!, $n: String!) { createOpportunity(input: { name: $n, accountId: $a, revenue: "100.00", planIds: [$p] }) { id } }`, { a: accountId, p: plan, n: `crash opp ${n}` });
              const d = r.json?.data?.createOpportunity;
              if (d) {
                ackOpps.push({ id: d.id, plan });
                acked();
              }
            }
          } catch {
            // the server was killed under this request: not acknowledged
          } finally {
            inFlight--;
          }
        }
      };
      const clients = Array.from({ length: CONCURRENCY }, client);
      const settled = Promise.allSettled(clients);
      await Promise.race([nth, settled.then(() => Promise.reject(new Error(`every client stopped before the ${n}th acknowledged write`)))]);
      return { inFlight, settled };
    }

    /** Reopens the file directly and checks everything. */
    function verify(run: number) {
      const report = checkSqlite(file);
      expect(report, `run ${run} ${ctx}`).toMatchObject({ ok: true, integrity: ["ok"], foreignKeyViolations: [] });
      const db = new Sqlite(file, { fileMustExist: true });
      try {
        const accounts = new Set((db.prepare(`SELECT name FROM account`).all() as Array<{ name: string }>).map((r) => r.name));
        for (const name of ackAccounts) expect(accounts.has(name), `run ${run}: acknowledged account "${name}" is missing ${ctx}`).toBe(true);

        for (const plan of plans) {
          const p = db.prepare(`SELECT status, version FROM business_plan WHERE id = ?`).get(keyOf(plan)) as { status: string; version: number };
          const changes = db.prepare(`SELECT "to", comment FROM plan_status_change WHERE plan_id = ? ORDER BY id`).all(keyOf(plan)) as Array<{ to: string; comment: string }>;
          const audits = db.prepare(`SELECT action, changes_json FROM plan_audit_entry WHERE plan_id = ? ORDER BY id`).all(keyOf(plan)) as Array<{ action: string; changes_json: string }>;
          const statusAudits = audits.filter((a) => a.action === "STATUS_CHANGED");
          const updateAudits = audits.filter((a) => a.action === "UPDATED");
          const where = `run ${run}, plan ${plan} ${ctx}`;
          expect(statusAudits.length, `${where}: status changes vs their audit rows`).toBe(changes.length);
          for (const c of changes) expect(statusAudits.some((a) => a.changes_json.includes(`"${c.comment}"`)), `${where}: no audit row for "${c.comment}"`).toBe(true);
          expect(p.version, `${where}: version vs history`).toBe(1 + changes.length + updateAudits.length);
          expect(p.status, `${where}: status vs last change`).toBe(changes.at(-1)?.to ?? "DRAFT");
          status.set(plan, p.status as "DRAFT" | "SUBMITTED");
          const links = db.prepare(`SELECT COUNT(*) AS n FROM plan_opportunity WHERE plan_id = ?`).get(keyOf(plan)) as { n: number };
          expect(audits.filter((a) => a.action === "OPPORTUNITY_LINKED").length, `${where}: links vs their audit rows`).toBe(links.n);
        }
        for (const a of ackStatus) {
          const found = db.prepare(`SELECT 1 FROM plan_status_change WHERE plan_id = ? AND comment = ?`).get(keyOf(a.plan), a.comment);
          expect(found, `run ${run}: acknowledged status change "${a.comment}" is missing ${ctx}`).toBeDefined();
          const v = (db.prepare(`SELECT version FROM business_plan WHERE id = ?`).get(keyOf(a.plan)) as { version: number }).version;
          expect(v).toBeGreaterThanOrEqual(a.version);
        }
        for (const u of ackUpdates) {
          const found = db.prepare(`SELECT 1 FROM plan_audit_entry WHERE plan_id = ? AND action = 'UPDATED' AND changes_json LIKE ?`).get(keyOf(u.plan), `%"${u.description}"%`);
          expect(found, `run ${run}: acknowledged update "${u.description}" is missing ${ctx}`).toBeDefined();
        }
        // every opportunity created with a plan has exactly that link (no opportunity without its link)
        const opps = db.prepare(`SELECT o.id, COUNT(po.plan_id) AS links FROM opportunity o LEFT JOIN plan_opportunity po ON po.opportunity_id = o.id WHERE o.name LIKE 'crash opp %' GROUP BY o.id`).all() as Array<{ id: number; links: number }>;
        for (const o of opps) expect(o.links, `run ${run}: opportunity ${o.id} without its plan link ${ctx}`).toBe(1);
        const oppIds = new Set(opps.map((o) => gid("Opportunity", o.id)));
        for (const o of ackOpps) expect(oppIds.has(o.id), `run ${run}: acknowledged opportunity ${o.id} is missing ${ctx}`).toBe(true);
      } finally {
        db.close();
      }
    }

    // run 0: the plain entry point, cold
    let proc = await launcher(false);
    let next = await launcher();
    let url = (await proc.ready()).url;
    await setup(url);
    const started = Date.now();
    for (let run = 0; run < RUNS; run++) {
      if (run > 0) {
        proc = next;
        await proc.waitFor(/preloaded/);
        next = await launcher(); // loads while this run's server takes writes
        proc.go();
        url = (await proc.ready()).url;
      }
      const before = ackAccounts.length + ackStatus.length + ackUpdates.length + ackOpps.length;
      // the window starts once the server answers (a read), so that a busy machine does not eat it all
      await postGql(url, amToken, `{ me { id } }`);
      const { inFlight, settled } = await writeUntilAcked(url, 1 + Math.floor(rnd() * MAX_ACKS_PER_RUN));
      proc.kill();
      await proc.exited;
      if (inFlight > 0) killedWithWritesInFlight++;
      // a killed process leaves its WAL behind: reopening the file below has to recover from it
      if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) walLeftBehind++;
      if (ackAccounts.length + ackStatus.length + ackUpdates.length + ackOpps.length > before) runsWithAcks++;
      // every client has its last answer (acknowledged writes recorded) or its connection reset
      await settled;
      verify(run);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `crash test ${ctx}: ${RUNS} SIGKILL runs in ${seconds.toFixed(1)} s; acknowledged: ${ackAccounts.length} accounts, ${ackStatus.length} status changes, ${ackUpdates.length} plan updates, ${ackOpps.length} opportunities; ${runsWithAcks} runs with acknowledged writes, ${killedWithWritesInFlight} kills with writes in flight, ${walLeftBehind} with a WAL left to recover`,
    );
    // every run had its n >= 1 acknowledged writes before the kill (by construction: the kill waits for them);
    // the rest (kills with writes in flight, WALs left to recover) depends on timing and is reported above
    expect(runsWithAcks).toBe(RUNS);
  });
});
