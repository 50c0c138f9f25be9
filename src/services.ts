import { type Clock, systemClock } from "./common/clock";
import type { Database } from "./db/data-source";
import { AccountsService } from "./modules/accounts/accounts.service";
import { ActivitiesService } from "./modules/activities/activities.service";
import { ContactsService } from "./modules/contacts/contacts.service";
import { ObjectivesService } from "./modules/objectives/objectives.service";
import { OpportunitiesService } from "./modules/opportunities/opportunities.service";
import { PeriodsService } from "./modules/periods/periods.service";
import { PlanCopyService } from "./modules/plans/plan-copy";
import { PlanSummaryService } from "./modules/plans/plan-summary";
import { PlansService } from "./modules/plans/plans.service";
import { PlanTreesService } from "./modules/plans/plan-trees.service";
import { UsersService } from "./modules/users/users.service";
import { PlanChangeBus } from "./modules/plans/plan-changes";
import { type WebhookOptions, WebhooksService } from "./modules/webhooks/webhooks.service";
import { NotesService } from "./modules/notes/notes.service";
import { PlanTeamService } from "./modules/plans/plan-team.service";
import { ActivityListService } from "./modules/activities/activity-list";
import { OpportunityListService } from "./modules/opportunities/opportunity-list";
import { UserListService } from "./modules/users/users-list";

/** The application's services: stateless, created once per process. `clock`: where rules read "today". */
export function createServices(db: Database, clock: Clock = systemClock, webhooks: WebhookOptions = { allowPrivate: false }) {
  const plans = new PlansService(db, clock);
  const objectives = new ObjectivesService(db, plans, clock);
  const opportunities = new OpportunitiesService(db);
  return {
    users: new UsersService(db),
    accounts: new AccountsService(db),
    contacts: new ContactsService(db, plans),
    periods: new PeriodsService(db),
    plans,
    planSummary: new PlanSummaryService(db),
    objectives,
    planCopy: new PlanCopyService(db, plans, objectives),
    planTrees: new PlanTreesService(db, plans),
    opportunities,
    activities: new ActivitiesService(db, opportunities),
    webhooks: new WebhooksService(db, webhooks),
    /** Committed plan changes fanned out to this process's subscriptions (started by startApp). */
    planChanges: new PlanChangeBus(db),
    planTeam: new PlanTeamService(db, plans),
    notes: new NotesService(db),
    // the top-level lists (issue 15)
    opportunityList: new OpportunityListService(db),
    activityList: new ActivityListService(db),
    userList: new UserListService(db),
  };
}

export type Services = ReturnType<typeof createServices>;

// Resolvers see these services as `ctx.services` (graphql/context.ts imports no module).
declare module "./graphql/context" {
  interface ContextServices extends Services {}
}
