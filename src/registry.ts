import type { LoaderFactory } from "./loaders/loaders";
import { accountLoaders } from "./modules/accounts/accounts.loaders";
import { AccountConnectionResolver, AccountsResolver } from "./modules/accounts/accounts.resolver";
import { activityLoaders } from "./modules/activities/activities.loaders";
import { ActivitiesResolver } from "./modules/activities/activities.resolver";
import { contactLoaders } from "./modules/contacts/contacts.loaders";
import { ContactsResolver } from "./modules/contacts/contacts.resolver";
import { objectiveLoaders } from "./modules/objectives/objectives.loaders";
import { ObjectivesResolver } from "./modules/objectives/objectives.resolver";
import { opportunityLoaders } from "./modules/opportunities/opportunities.loaders";
import { OpportunitiesResolver } from "./modules/opportunities/opportunities.resolver";
import { periodLoaders } from "./modules/periods/periods.loaders";
import { PeriodsResolver } from "./modules/periods/periods.resolver";
import { PlanSummaryResolver } from "./modules/plans/plan-summary.resolver";
import { planLoaders } from "./modules/plans/plans.loaders";
import { PlanTreesResolver } from "./modules/plans/plan-trees.resolver";
import { BusinessPlanConnectionResolver, PlanAuditEntryResolver, PlansResolver, PlanStatusChangeResolver } from "./modules/plans/plans.resolver";
import { userLoaders } from "./modules/users/users.loaders";
import { DeletesResolver } from "./modules/deletes/deletes.resolver";
import { noteLoaders } from "./modules/notes/notes.loaders";
import { NotesResolver, ObjectiveNotesResolver, PlanNotesResolver } from "./modules/notes/notes.resolver";
import { planTeamLoaders } from "./modules/plans/plan-team.loaders";
import { PlanMemberResolver, PlanTeamResolver } from "./modules/plans/plan-team.resolver";
import { UsersResolver } from "./modules/users/users.resolver";
import { PlanChangeResolver } from "./modules/plans/plan-change.resolver";
import { webhookLoaders } from "./modules/webhooks/webhooks.loaders";
import { WebhooksResolver } from "./modules/webhooks/webhooks.resolver";
import { ActivityListResolver } from "./modules/activities/activity-list";
import { OpportunityListResolver } from "./modules/opportunities/opportunity-list";
import { UsersListResolver } from "./modules/users/users-list";

/**
 * The composition root's lists: every module's resolvers and loader factories.
 * A new module adds its resolver classes here and its `<name>.loaders.ts` factory
 * (services: src/services.ts; entities: src/db/entities.ts). Nothing below this
 * file (loaders/, graphql/, db/, auth/) imports a module's resolvers or loaders.
 */

/** Every module's resolver classes (graphql/schema.ts adds the Node resolver). */
// biome-ignore lint/complexity/noBannedTypes: type-graphql's own resolver list type
export const RESOLVERS: readonly Function[] = [
  UsersResolver,
  AccountsResolver,
  AccountConnectionResolver,
  ContactsResolver,
  PeriodsResolver,
  PlansResolver,
  PlanTreesResolver,
  BusinessPlanConnectionResolver,
  PlanAuditEntryResolver,
  PlanStatusChangeResolver,
  PlanSummaryResolver,
  ObjectivesResolver,
  OpportunitiesResolver,
  ActivitiesResolver,
  WebhooksResolver,
  PlanChangeResolver,
  PlanTeamResolver,
  PlanMemberResolver,
  NotesResolver,
  PlanNotesResolver,
  ObjectiveNotesResolver,
  DeletesResolver,
  // the top-level lists of issue 15
  OpportunityListResolver,
  ActivityListResolver,
  UsersListResolver,
];

/** Every module's loader factory; createLoaders (loaders/loaders.ts) runs them once per request. */
export const LOADER_FACTORIES: readonly LoaderFactory[] = [
  userLoaders,
  accountLoaders,
  contactLoaders,
  periodLoaders,
  planLoaders,
  objectiveLoaders,
  opportunityLoaders,
  activityLoaders,
  webhookLoaders,
  planTeamLoaders,
  noteLoaders,
];
