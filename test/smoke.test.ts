import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, expectCode, type Harness } from "./helpers/harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ seed: true });
});
afterAll(async () => h?.close());

describe("smoke", () => {
  it("serves the demo data to a signed-in user", async () => {
    const data = await h.ok(h.admin.token, `{ me { role } accounts { totalCount edges { node { name businessPlans(topLevelOnly: true) { name rollup { wonRevenue } } } } } }`);
    expect(data.me.role).toBe("ADMIN");
    expect(data.accounts.totalCount).toBe(2);
    const globex = data.accounts.edges.find((e: any) => e.node.name === "Globex Industries").node;
    const annual = globex.businessPlans.find((p: any) => p.name === "Globex FY2026 Account Plan");
    expect(annual.rollup.wonRevenue).toBe("2550000.00");
  });

  it("refuses an unknown token with UNAUTHENTICATED", async () => {
    expectCode(await h.gql("nope", "{ me { id } }"), "UNAUTHENTICATED");
  });
});
