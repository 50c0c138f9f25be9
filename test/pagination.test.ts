/**
 * Cursor connections (accounts, businessPlans): page sizes, opaque cursors
 * that walk every item exactly once in a stable order, totalCount, search,
 * and bad arguments (BAD_USER_INPUT naming the argument).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../src/common/enums";
import { createYear, type Ref } from "./helpers/factories";
import { createHarness, expectCode, type Harness, type TestUser } from "./helpers/harness";
import { fromGlobalId, gid } from "./helpers/ids";

interface Edge {
  cursor: string;
  node: { id: string; name: string };
}
interface Conn {
  totalCount: number;
  edges: Edge[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const ACCOUNTS = `query($s: String, $first: Int, $after: String, $last: Int, $before: String) {
  accounts(search: $s, first: $first, after: $after, last: $last, before: $before) {
  totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const PLANS = `query($f: BusinessPlanFilter, $first: Int, $after: String) { businessPlans(filter: $f, first: $first, after: $after) {
  totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");

let h: Harness;
let am: TestUser;
const NUMBERED = 510;
const SEARCHABLE = ["Globex Industries", "GLOBEX logistics", "globex", "Glob ex Partners", "50% Off Stores", "500 Club", "Under_score Ltd", "UnderXscore Ltd", "Back\\slash Co", "Backslash Co"];
const DUPLICATES = 3;
let total: number;
let fy: { year: Ref; quarters: Ref[] };
const planIds: string[] = [];
let planAccounts: { a: string; b: string };

async function accounts(vars: { s?: string; first?: number; after?: string; last?: number; before?: string }): Promise<Conn> {
  return (await h.ok(am.token, ACCOUNTS, vars)).accounts;
}
async function plans(vars: { f?: Record<string, unknown>; first?: number; after?: string }): Promise<Conn> {
  return (await h.ok(am.token, PLANS, vars)).businessPlans;
}

/** Follows endCursor until hasNextPage is false; returns the nodes in order. */
async function walk(fetch: (after?: string) => Promise<Conn>, onPage?: (page: number) => Promise<void>): Promise<Edge["node"][]> {
  const out: Edge["node"][] = [];
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const c = await fetch(after);
    out.push(...c.edges.map((e) => e.node));
    if (c.edges.length) expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);
    if (!c.pageInfo.hasNextPage) return out;
    after = c.pageInfo.endCursor!;
    await onPage?.(page);
  }
  throw new Error("walk did not end");
}

const idsOf = (nodes: Array<{ id: string }>) => nodes.map((n) => n.id);

beforeAll(async () => {
  h = await createHarness();
  am = await h.user(Role.ACCOUNT_MANAGER, "Paging AM");
  const svc = h.deps.services;
  // numbered accounts created in a scrambled order, so that id order differs from name order
  const order = Array.from({ length: NUMBERED }, (_, i) => (i * 7919) % NUMBERED);
  expect(new Set(order).size).toBe(NUMBERED);
  for (const i of order) await svc.accounts.create(am.user, { name: `Acct ${String(i).padStart(4, "0")}` });
  for (const name of SEARCHABLE) await svc.accounts.create(am.user, { name });
  for (let i = 0; i < DUPLICATES; i++) await svc.accounts.create(am.user, { name: "Dup Name" });
  total = NUMBERED + SEARCHABLE.length + DUPLICATES;

  fy = await createYear(h, 2093);
  const a = await svc.accounts.create(am.user, { name: "Acct 9998 plans A" });
  const b = await svc.accounts.create(am.user, { name: "Acct 9999 plans B" });
  total += 2;
  planAccounts = { a: gid("Account", a.id), b: gid("Account", b.id) };
  for (let i = 0; i < 130; i++) {
    const p = await svc.plans.create(am.user, { name: `Plan ${i}`, accountId: gid("Account", i % 3 === 0 ? b.id : a.id), periodId: i % 2 ? fy.year.id : fy.quarters[i % 4].id });
    planIds.push(gid("BusinessPlan", p.id));
  }
});
afterAll(async () => h?.close());

describe("accounts connection", () => {
  it("returns 50 by default, with totalCount and pageInfo", async () => {
    const c = await accounts({});
    expect(c.edges).toHaveLength(50);
    expect(c.totalCount).toBe(total);
    expect(c.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: c.edges[0].cursor, endCursor: c.edges[49].cursor });
  });

  it("first: 500 is allowed; first: 0 returns no edges", async () => {
    const c = await accounts({ first: 500 });
    expect(c.edges).toHaveLength(500);
    expect(c.pageInfo.hasNextPage).toBe(true);
    const z = await accounts({ first: 0 });
    expect(z.edges).toEqual([]);
    expect(z.pageInfo.endCursor).toBeNull();
    expect(z.totalCount).toBe(total);
  });

  it("first above 500 or negative is BAD_USER_INPUT naming first", async () => {
    for (const first of [501, 10_000, -1, -50]) {
      const err = expectCode(await h.gql(am.token, ACCOUNTS, { first }), "BAD_USER_INPUT");
      expect(err.message).toMatch(/^first: /);
      expect(err.message).toMatch(first < 0 ? /non-negative/ : /at most 500/);
      expectCode(await h.gql(am.token, `{ accounts(first: ${first}) { totalCount } }`), "BAD_USER_INPUT");
    }
  });

  it("cursors walk every account exactly once, ordered by name then id, the same way at any page size", async () => {
    const small = await walk((after) => accounts({ first: 7, after }));
    expect(small).toHaveLength(total);
    expect(new Set(idsOf(small)).size).toBe(total);
    const big = await walk((after) => accounts({ first: 500, after }));
    expect(idsOf(big)).toEqual(idsOf(small));
    const again = await walk((after) => accounts({ first: 23, after }));
    expect(idsOf(again)).toEqual(idsOf(small));

    // the numbered accounts (same case, same width) come in name order, whatever their ids
    const numbered = small.filter((n) => /^Acct \d{4}$/.test(n.name)).map((n) => n.name);
    expect(numbered).toEqual(Array.from({ length: NUMBERED }, (_, i) => `Acct ${String(i).padStart(4, "0")}`));
    // equal names: by id
    const dups = small.filter((n) => n.name === "Dup Name").map((n) => fromGlobalId(n.id)!.id);
    expect(dups).toHaveLength(DUPLICATES);
    expect(dups).toEqual([...dups].sort((x, y) => x - y));
  });

  it("any edge's cursor continues right after that edge", async () => {
    const first = await accounts({ first: 100 });
    const next = await accounts({ first: 10, after: first.edges[41].cursor });
    expect(idsOf(next.edges.map((e) => e.node))).toEqual(idsOf(first.edges.slice(42, 52).map((e) => e.node)));
    expect(next.totalCount).toBe(total);
  });

  it("the order is stable while accounts are added: nothing is skipped or repeated", async () => {
    const before = await walk((after) => accounts({ first: 500, after }));
    let added: string[] = [];
    const seen = await walk(
      (after) => accounts({ first: 25, after }),
      async (page) => {
        if (page !== 3) return;
        // one sorts before the pages already read, one after
        const early = await h.deps.services.accounts.create(am.user, { name: "Acct 0000 added early" });
        const late = await h.deps.services.accounts.create(am.user, { name: "zzz added late" });
        added = [gid("Account", early.id), gid("Account", late.id)];
      },
    );
    const seenIds = idsOf(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(seenIds.filter((id) => !added.includes(id))).toEqual(idsOf(before));
    expect(seenIds).not.toContain(added[0]);
    expect(seenIds.at(-1)).toBe(added[1]);
    total += 2;
  });

  it("a garbage or forged `after` is BAD_USER_INPUT naming after", async () => {
    const plansCursor = (await plans({ first: 1 })).edges[0].cursor;
    const garbage = [
      "garbage",
      "",
      "!!!",
      "x".repeat(2000),
      b64([]),
      b64(["Acct 0001"]),
      b64([1]),
      b64([1, "Acct"]),
      b64(["Acct", 1, 2]),
      b64({ name: "Acct", id: 1 }),
      b64(["Acct", 1.5]),
      b64(["Acct", -1]),
      b64(["Acct", 1e20]),
      Buffer.from("not json").toString("base64url"),
      plansCursor,
    ];
    for (const after of garbage) {
      const err = expectCode(await h.gql(am.token, ACCOUNTS, { first: 5, after }), "BAD_USER_INPUT");
      expect(err.message).toMatch(/^after: /);
    }
  });

  it("last/before pages backward: the same accounts, in the same order, as paging forward", async () => {
    const forward = await walk((after) => accounts({ first: 97, after }));
    const backward: Edge["node"][] = [];
    let before: string | undefined;
    for (let page = 0; ; page++) {
      expect(page).toBeLessThan(1000);
      const c = await accounts({ last: 97, before });
      backward.unshift(...c.edges.map((e) => e.node));
      if (c.edges.length) {
        expect(c.pageInfo.startCursor).toBe(c.edges[0].cursor);
        expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);
      }
      expect(c.pageInfo.hasNextPage).toBe(before !== undefined);
      if (!c.pageInfo.hasPreviousPage) break;
      before = c.pageInfo.startCursor!;
    }
    expect(idsOf(backward)).toEqual(idsOf(forward));
    // any edge's cursor as `before` gives the edges right before it
    const all = await accounts({ first: 100 });
    const prev = await accounts({ last: 10, before: all.edges[42].cursor });
    expect(idsOf(prev.edges.map((e) => e.node))).toEqual(idsOf(all.edges.slice(32, 42).map((e) => e.node)));
    expect(prev.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    // the first page going forward knows nothing comes before it; a later one says something does
    expect((await accounts({ first: 5 })).pageInfo.hasPreviousPage).toBe(false);
    expect((await accounts({ first: 5, after: all.edges[3].cursor })).pageInfo.hasPreviousPage).toBe(true);
    const tail = await accounts({ last: 3 });
    expect(idsOf(tail.edges.map((e) => e.node))).toEqual(idsOf(forward.slice(-3)));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("last above 500 or negative, a bad `before`, or first/after mixed with last/before is BAD_USER_INPUT naming the argument", async () => {
    const c = (await accounts({ first: 2 })).edges[1].cursor;
    for (const [vars, field] of [
      [{ last: 501 }, "last"],
      [{ last: -1 }, "last"],
      [{ before: "garbage" }, "before"],
      [{ last: 2, before: b64(["Acct", 1.5]) }, "before"],
      [{ first: 2, last: 2 }, "last"],
      [{ after: c, before: c }, "before"],
      [{ first: 2, before: c }, "before"],
    ] as Array<[Record<string, unknown>, string]>) {
      const err = expectCode(await h.gql(am.token, ACCOUNTS, vars), "BAD_USER_INPUT");
      expect(err.message, JSON.stringify(vars)).toMatch(new RegExp(`^${field}: `));
    }
  });

  describe("search", () => {
    const names = (c: Conn) => c.edges.map((e) => e.node.name).sort();

    it("matches names case-insensitively, and totalCount counts the matches", async () => {
      for (const s of ["globex", "GLOBEX", "GloBex"]) {
        const c = await accounts({ s });
        expect(names(c)).toEqual(["GLOBEX logistics", "Globex Industries", "globex"].sort());
        expect(c.totalCount).toBe(3);
      }
      const c = await accounts({ s: "LOGISTICS" });
      expect(names(c)).toEqual(["GLOBEX logistics"]);
    });

    it('"%" and "_" (and "\\\\") are literal characters, not wildcards', async () => {
      expect(names(await accounts({ s: "%" }))).toEqual(["50% Off Stores"]);
      expect(names(await accounts({ s: "50%" }))).toEqual(["50% Off Stores"]);
      expect(names(await accounts({ s: "_" }))).toEqual(["Under_score Ltd"]);
      expect(names(await accounts({ s: "under_" }))).toEqual(["Under_score Ltd"]);
      expect(names(await accounts({ s: "\\" }))).toEqual(["Back\\slash Co"]);
      expect((await accounts({ s: "%" })).totalCount).toBe(1);
    });

    it("no match gives an empty page; an empty search gives everything", async () => {
      const none = await accounts({ s: "no such account" });
      expect(none).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
      expect((await accounts({ s: "" })).totalCount).toBe(total);
    });

    it("search results paginate with cursors too, each match once", async () => {
      const walked = await walk((after) => accounts({ s: "acct 00", first: 30, after }));
      expect(walked.map((n) => n.name)).toEqual(Array.from({ length: 100 }, (_, i) => `Acct ${String(i).padStart(4, "0")}`).concat("Acct 0000 added early").sort());
      expect((await accounts({ s: "acct 00", first: 1 })).totalCount).toBe(101);
    });
  });
});

describe("businessPlans connection", () => {
  it("returns 50 by default; first: 500 returns all 130; totalCount", async () => {
    const c = await plans({});
    expect(c.edges).toHaveLength(50);
    expect(c.totalCount).toBe(130);
    expect(c.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: c.edges[0].cursor, endCursor: c.edges[49].cursor });
    const all = await plans({ first: 500 });
    expect(idsOf(all.edges.map((e) => e.node))).toEqual(planIds);
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it("first above 500 or negative is BAD_USER_INPUT naming first", async () => {
    for (const first of [501, -1]) {
      const err = expectCode(await h.gql(am.token, PLANS, { first }), "BAD_USER_INPUT");
      expect(err.message).toMatch(/^first: /);
    }
  });

  it("cursors walk every plan exactly once in creation order", async () => {
    for (const size of [1, 9, 50, 129, 130]) {
      const walked = await walk((after) => plans({ first: size, after }));
      expect(idsOf(walked)).toEqual(planIds);
    }
  });

  it("filters and cursors combine; totalCount follows the filter", async () => {
    const f = { accountId: planAccounts.b, periodId: fy.year.id };
    const expected = planIds.filter((_, i) => i % 3 === 0 && i % 2 === 1);
    const walked = await walk((after) => plans({ f, first: 4, after }));
    expect(idsOf(walked)).toEqual(expected);
    expect((await plans({ f, first: 1 })).totalCount).toBe(expected.length);
  });

  it("a garbage or forged `after` is BAD_USER_INPUT naming after", async () => {
    const accountCursor = (await accounts({ first: 1 })).edges[0].cursor;
    for (const after of ["garbage", "", b64([]), b64(["1"]), b64([1, 2]), b64([1.5]), b64([-3]), b64([2 ** 31]), accountCursor]) {
      const err = expectCode(await h.gql(am.token, PLANS, { after }), "BAD_USER_INPUT");
      expect(err.message).toMatch(/^after: /);
    }
  });
});
