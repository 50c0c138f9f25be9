import { IdempotencyKey } from "../modules/idempotency/idempotency-key.entity";
import { Account } from "../modules/accounts/account.entity";
import { Activity } from "../modules/activities/activity.entity";
import { Contact } from "../modules/contacts/contact.entity";
import { Objective } from "../modules/objectives/objective.entity";
import { Opportunity } from "../modules/opportunities/opportunity.entity";
import { PlanOpportunity } from "../modules/opportunities/plan-opportunity.entity";
import { Period } from "../modules/periods/period.entity";
import { BusinessPlan } from "../modules/plans/business-plan.entity";
import { PlanAuditEntry } from "../modules/plans/plan-audit-entry.entity";
import { PlanFrozenRollup } from "../modules/plans/plan-frozen-rollup.entity";
import { PlanContact } from "../modules/plans/plan-contact.entity";
import { PlanMember } from "../modules/plans/plan-member.entity";
import { Note } from "../modules/notes/note.entity";
import { PlanStatusChange } from "../modules/plans/plan-status-change.entity";
import { ApiToken } from "../modules/users/api-token.entity";
import { User } from "../modules/users/user.entity";
import { WebhookDelivery } from "../modules/webhooks/webhook-delivery.entity";
import { Webhook } from "../modules/webhooks/webhook.entity";

export {
  Account,
  Activity,
  ApiToken,
  BusinessPlan,
  Contact,
  IdempotencyKey,
  Objective,
  Opportunity,
  Period,
  PlanAuditEntry,
  PlanContact,
  PlanFrozenRollup,
  PlanOpportunity,
  PlanStatusChange,
  User,
};

/**
 * The entity registry: the one file below src/modules that imports module internals (the entity
 * classes). Lower layers (db, auth, graphql, loaders, http) take entity classes from here.
 *
 * Every persisted entity, in dependency order (used by copy/verification tools too). */
export const entities = [
  User,
  ApiToken,
  Account,
  Contact,
  Period,
  BusinessPlan,
  PlanContact,
  PlanStatusChange,
  PlanAuditEntry,
  Objective,
  Activity,
  Opportunity,
  PlanOpportunity,
  PlanFrozenRollup,
  IdempotencyKey,
  Webhook,
  WebhookDelivery,
  PlanMember,
  Note,
];
