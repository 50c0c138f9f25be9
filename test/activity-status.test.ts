/**
 * Property test (fast-check) of the activity status table (src/modules/activities/activity-status.ts):
 * random sequences of `updateActivity(input: { status })` and `completeActivity` on a fresh activity,
 * against a model of the table written here independently of src/. After every command the API's
 * answer (accepted, or BAD_USER_INPUT with nothing changed) and the activity's status and
 * completedAt are the model's.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./helpers/harness";

type Status = "PLANNED" | "COMPLETED" | "CANCELLED";
const STATUSES: Status[] = ["PLANNED", "COMPLETED", "CANCELLED"];

/** Where each status may move: COMPLETED is final, a CANCELLED activity may be planned again but not completed. */
const MODEL: Record<Status, Status[]> = { PLANNED: ["COMPLETED", "CANCELLED"], CANCELLED: ["PLANNED"], COMPLETED: [] };

type Command = { op: "update"; to: Status } | { op: "complete" };

const READ = `query($id: ID!) { node(id: $id) { ... on Activity { status completedAt notes } } }`;

describe("activity status table (model-based)", () => {
  let h: Harness;
  let accountId: string;

  beforeAll(async () => {
    h = await createHarness();
    accountId = (await h.ok(h.admin.token, `mutation { createAccount(input: { name: "Status model" }) { id } }`)).createAccount.id;
  });
  afterAll(() => h?.close());

  it("updateActivity(status) and completeActivity answer what the table says, and a refusal changes nothing", async () => {
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({ op: fc.constant("update" as const), to: fc.constantFrom(...STATUSES) }),
      fc.constant({ op: "complete" as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 8 }), async (commands) => {
        const id = (
          await h.ok(h.admin.token, `mutation($a: ID!) { createActivity(input: { subject: "s", type: CALL, accountId: $a }) { id } }`, { a: accountId })
        ).createActivity.id;
        let status: Status = "PLANNED";
        for (const c of commands) {
          const to: Status = c.op === "complete" ? "COMPLETED" : c.to;
          // an update to the status it has is no change; completing needs a move to COMPLETED
          const allowed = c.op === "update" && to === status ? true : MODEL[status].includes(to);
          const r =
            c.op === "complete"
              ? await h.gql(h.admin.token, `mutation($id: ID!) { completeActivity(id: $id, notes: "done") { status } }`, { id })
              : await h.gql(h.admin.token, `mutation($id: ID!, $s: ActivityStatus) { updateActivity(id: $id, input: { status: $s }) { status } }`, { id, s: to });
          if (allowed) {
            expect(r.errors).toBeUndefined();
            status = to;
          } else {
            expect(r.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
          }
          const now = (await h.ok(h.admin.token, READ, { id })).node;
          expect(now.status).toBe(status);
          expect(now.completedAt !== null).toBe(status === "COMPLETED");
        }
      }),
      { numRuns: 25 },
    );
  });
});
