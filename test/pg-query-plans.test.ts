/**
 * The PostgreSQL query-plan rule of the benchmark (bench/pg-plan-check.ts) in the normal suite:
 * no statement of the account view (Q2), the 20-account view (Q3) or the plans page (Q4) needs to
 * read a table that grows with the data whole.
 *
 * How, on a small database: PostgreSQL rightly reads tiny tables whole (a few pages cost less than
 * index lookups), so the plans of a test database would say little about a large one. The
 * statements are therefore explained with `enable_seqscan = off`: the planner then takes an index
 * path wherever one exists, and a sequential scan of a growing table that remains means there is
 * none (a missing index, a condition no index can serve). That holds for every statement.
 *
 * The recursive statements (rollups, progress: WITH RECURSIVE) are held to more: their plan shape
 * does not depend on table sizes (every step is a LATERAL lookup behind OFFSET 0, see
 * plan-rollup.ts), so their small-database plan is their plan at any size, and it must reach every
 * growing table through an index condition: no sequential scan and no walk of a whole index
 * either. The rollups before issue 14 fail here (merge joins over the whole opportunity,
 * objective and plan_opportunity indexes, the hash joins they got at M). The other statements
 * (the loaders' `IN (...)` lookups) may walk a whole small index in PK order on a tiny table, a
 * choice the planner does not make at M and L; their real plans at M and L, with the planner's own
 * choices, are checked by `npm run bench:pg-plans` and by the benchmark (docs/performance.md).
 *
 * The data is the benchmark's generator (bench/generate.ts) at 3 accounts, in a fresh database;
 * the statements are the ones the API sends for the real GraphQL operations, observed on the
 * data source's query logger with their parameters as the driver gets them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPgPlans, isAuthentication, type LoggedStatement, REFERENCE_TABLES } from "../bench/pg-plan-check";
import { BENCH_TOKEN, fillDatabase } from "../bench/generate";
import { Q2, Q3, Q4 } from "../bench/queries";
import { createHarness, type Harness } from "./helpers/harness";
import { TEST_DB } from "./helpers/db";
import { gid } from "./helpers/ids";

describe.skipIf(TEST_DB !== "postgres")("PostgreSQL query plans of Q2, Q3 and Q4 (PostgreSQL only)", () => {
  let h: Harness;
  let account: number;
  let period: number;
  let captured: LoggedStatement[] | null = null;

  beforeAll(async () => {
    h = await createHarness();
    const stats = await fillDatabase(h.deps.db, 3);
    account = stats.lastAccountId;
    period = stats.currentPeriodId;
    await h.deps.db.query("ANALYZE");
    const logger = h.deps.db.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      captured?.push({ sql: query, params: parameters ?? [] });
      logQuery(query, parameters, runner);
    };
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  async function statementsOf(query: string, variables: Record<string, unknown>): Promise<LoggedStatement[]> {
    captured = [];
    const r = await h.gql(BENCH_TOKEN, query, variables);
    const out = captured;
    captured = null;
    expect(r.errors).toBeUndefined();
    return out.filter((s) => !isAuthentication(s.sql));
  }

  const QUERIES = {
    Q2: () => statementsOf(Q2, { id: gid("Account", account), period: gid("Period", period) }),
    Q3: () => statementsOf(Q3, { period: gid("Period", period) }),
    Q4: () => statementsOf(Q4, {}),
  };

  for (const [name, run] of Object.entries(QUERIES)) {
    it(`${name}: every statement has an index path to every growing table; the recursive ones use it for every table`, async () => {
      const statements = await run();
      expect(statements.length).toBeGreaterThan(1);
      const checks = await checkPgPlans(h.config.databaseUrl, statements, ["enable_seqscan = off"]);
      const recursive = (sql: string) => /^WITH RECURSIVE/.test(sql);
      const failures = checks
        .map((c) => ({ sql: c.sql, bad: recursive(c.sql) ? c.seqScans : c.seqScans.filter((x) => !x.includes("full index")) }))
        .filter((c) => c.bad.length)
        .map((c) => `${c.bad.join(", ")} <- ${c.sql}`);
      expect(failures).toEqual([]);
      expect(checks.filter((c) => recursive(c.sql)).length).toBeGreaterThan(0);
      // the check does look at the tables: the statements read growing tables through indexes
      const tables = new Set(checks.flatMap((c) => c.scans.map((s) => s.split(" ").pop() as string)));
      expect([...tables].filter((t) => !REFERENCE_TABLES.has(t)).length).toBeGreaterThan(name === "Q4" ? 1 : 5);
    });
  }

  it("the check sees a sequential scan where no index path exists", async () => {
    const checks = await checkPgPlans(h.config.databaseUrl, [{ sql: "SELECT COUNT(*) FROM activity WHERE subject LIKE $1", params: ["%call%"] }], ["enable_seqscan = off"]);
    expect(checks[0].seqScans).toEqual([expect.stringMatching(/^activity \(\d+ rows\)$/)]);
  });
});
