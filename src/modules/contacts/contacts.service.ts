import { In } from "typeorm";
import { assertCanWrite } from "../../auth/policy";
import { mustFind, rowLock } from "../../common/find";
import { toGlobalId } from "../../common/ids";
import type { Database } from "../../db/data-source";
import { Account } from "../accounts/account.entity";
import { Objective } from "../objectives/objective.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { change, recordAudit, ref } from "../plans/plan-audit";
import { PlanContact } from "../plans/plan-contact.entity";
import type { PlansService } from "../plans/plans.service";
import type { User } from "../users/user.entity";
import { Contact } from "./contact.entity";
import type { CreateContactInput } from "./contacts.inputs";

export class ContactsService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlansService,
  ) {}

  async create(actor: User, input: CreateContactInput): Promise<Contact> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const account = await mustFind(em, Account, input.accountId, "Account");
      return em.save(
        em.create(Contact, {
          accountId: account.id,
          firstName: input.firstName.trim(),
          lastName: input.lastName.trim(),
          email: input.email?.trim().toLowerCase() ?? null,
          jobTitle: input.jobTitle ?? null,
        }),
      );
    });
  }

  /**
   * Deletes the contact. Where it is on a plan (addPlanContact) that is an edit of the plan, as
   * removePlanContact: refused on a locked plan (PLAN_LOCKED) or without the right to edit it
   * (FORBIDDEN). Where an objective is about it, the objective loses its contact: a change of the
   * objective's plan, as updateObjective (PLAN_LOCKED in a locked tree). Every such plan records
   * CONTACT_DELETED. Activities with the contact stay, without it (contact_id SET NULL).
   */
  async delete(actor: User, rawId: string): Promise<string> {
    assertCanWrite(actor);
    return this.db.write(async (em) => {
      const contact = await mustFind(em, Contact, rawId, "Contact", { forUpdate: true });
      const what = `delete Contact ${toGlobalId("Contact", contact.id)}`;
      const onPlans = (await em.find(PlanContact, { where: { contactId: contact.id } })).map((l) => l.planId);
      const objectives = await em.find(Objective, { where: { contactId: contact.id }, order: { id: "ASC" } });
      const objectivePlans = new Set(objectives.map((o) => o.planId).filter((id): id is number => id != null));
      const ids = [...new Set([...onPlans, ...objectivePlans])].sort((a, b) => a - b);
      // locked (PostgreSQL, in id order): an approval running at the same time waits for this delete or is seen by it
      const plans = ids.length ? await em.find(BusinessPlan, { where: { id: In(ids) }, order: { id: "ASC" }, ...rowLock(em, "update") }) : [];
      for (const plan of plans) {
        if (onPlans.includes(plan.id)) await this.plans.assertEditable(em, actor, plan, what);
        if (objectivePlans.has(plan.id)) await this.plans.assertStructureEditable(em, actor, plan, what);
      }
      await em.delete(Contact, { id: contact.id });
      for (const plan of plans) {
        const changes = [
          change("contactId", ref("Contact", contact.id), null),
          ...objectives.filter((o) => o.planId === plan.id).map((o) => change("contactOfObjective", ref("Objective", o.id), null)),
        ];
        if (objectivePlans.has(plan.id)) await this.plans.recordStructureChange(em, actor, plan, "CONTACT_DELETED", changes);
        else await recordAudit(em, plan.id, actor.id, "CONTACT_DELETED", changes);
      }
      return toGlobalId("Contact", contact.id);
    });
  }
}
