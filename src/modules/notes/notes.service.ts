import { assertAdmin, assertCanWrite, assertMayNotePlan } from "../../auth/policy";
import { Role } from "../../common/enums";
import { badInput } from "../../common/errors";
import { mustFind } from "../../common/find";
import { LIMITS } from "../../common/limits";
import type { Database } from "../../db/data-source";
import { Objective } from "../objectives/objective.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { planAccessFor } from "../plans/plan-team";
import type { User } from "../users/user.entity";
import { Note } from "./note.entity";

/** Longest note body (characters). */
export const NOTE_MAX_LENGTH = LIMITS.comment;

/**
 * Notes on plans and objectives: only ever added (no edit, no delete). Who may write one is
 * policy.ts mayNotePlan: whoever may edit the plan, whatever its status (a remark is not an
 * edit, so notes stay open on locked plans), and REVIEWERs by role.
 */
export class NotesService {
  constructor(private readonly db: Database) {}

  async addPlanNote(actor: User, rawPlanId: string, rawBody: string): Promise<Note> {
    assertCanWrite(actor);
    const body = checkBody(rawBody);
    return this.db.write(async (em) => {
      const plan = await mustFind(em, BusinessPlan, rawPlanId, "BusinessPlan");
      assertMayNotePlan(actor, await planAccessFor(em, actor, plan));
      return em.save(em.create(Note, { planId: plan.id, objectiveId: null, authorId: actor.id, body, createdAt: new Date() }));
    });
  }

  /**
   * A plan's objective: as for a note on the plan. An account's objective (no plan): any user who may
   * write, as for its edits. A global objective: ADMIN users (who edit it) and REVIEWERs.
   */
  async addObjectiveNote(actor: User, rawObjectiveId: string, rawBody: string): Promise<Note> {
    assertCanWrite(actor);
    const body = checkBody(rawBody);
    return this.db.write(async (em) => {
      const ob = await mustFind(em, Objective, rawObjectiveId, "Objective");
      if (ob.planId != null) {
        const plan = await em.findOneByOrFail(BusinessPlan, { id: ob.planId });
        assertMayNotePlan(actor, await planAccessFor(em, actor, plan));
      } else if (ob.accountId == null && actor.role !== Role.REVIEWER) {
        assertAdmin(actor, "add notes to global objectives (ADMIN and REVIEWER users may)");
      }
      return em.save(em.create(Note, { planId: null, objectiveId: ob.id, authorId: actor.id, body, createdAt: new Date() }));
    });
  }
}

function checkBody(raw: string): string {
  if (raw.length > NOTE_MAX_LENGTH) throw badInput("body", `must be at most ${NOTE_MAX_LENGTH} characters`);
  const body = raw.trim();
  if (!body) throw badInput("body", "must not be blank");
  return body;
}
