import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectCode, type Harness } from "./helpers/harness";

// A value our scalars reject is the client's input, written as a literal or sent as a variable: BAD_USER_INPUT.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const countPeriods = async () => (await h.ok(h.admin.token, "{ periods { id } }")).periods.length as number;

describe("Date and DateTime inputs", () => {
  it.each(["2030-02-30", "2030-13-01", "30/01/2030", "0000-01-01"])("Date literal %s is BAD_USER_INPUT and creates nothing", async (bad) => {
    const before = await countPeriods();
    const r = await h.gql(h.admin.token, `mutation { createPeriod(input: { name: "X", type: YEAR, startDate: "${bad}", endDate: "2031-12-31" }) { id } }`);
    expect(expectCode(r, "BAD_USER_INPUT").message).toMatch(/Date|date/);
    const v = await h.gql(h.admin.token, `mutation($s: Date!) { createPeriod(input: { name: "X", type: YEAR, startDate: $s, endDate: "2031-12-31" }) { id } }`, { s: bad });
    expectCode(v, "BAD_USER_INPUT");
    expect(await countPeriods()).toBe(before);
  });

  it.each(["yesterday", "2030-01-01T25:00:00Z", "0000-01-01T00:00:00Z"])("DateTime literal %s is BAD_USER_INPUT", async (bad) => {
    const acc = await h.ok(h.admin.token, `mutation { createAccount(input: { name: "Scalar Co" }) { id } }`);
    const r = await h.gql(h.admin.token, `mutation { createActivity(input: { subject: "S", type: CALL, accountId: "${acc.createAccount.id}", dueAt: "${bad}" }) { id } }`);
    expectCode(r, "BAD_USER_INPUT");
    const list = await h.ok(h.admin.token, `query($id: ID!) { account(id: $id) { activities { id } } }`, { id: acc.createAccount.id });
    expect(list.account.activities).toEqual([]);
  });

  it("a valid Date literal still works", async () => {
    const r = await h.ok(h.admin.token, `mutation { createPeriod(input: { name: "FY2032", type: YEAR, startDate: "2032-01-01", endDate: "2032-12-31" }) { startDate endDate } }`);
    expect(r.createPeriod).toEqual({ startDate: "2032-01-01", endDate: "2032-12-31" });
  });
});
