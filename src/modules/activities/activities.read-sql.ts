import { byFirst, rowByKey, rowsByParent, rowsThroughLink } from "../../graphql/read-sql";
import { SQL_BY_ID } from "../../loaders/loaders";
import { SQL_ACTIVITY_ORDER } from "./activities.loaders";

/**
 * The Activity and Opportunity fields' compiled reads (graphql/compiled-reads.ts), declared on
 * their resolvers: the same rows and order as the resolvers' loaders.
 */
export const ACTIVITY_SQL = {
  account: rowByKey("account", "account_id"),
  contact: rowByKey("contact", "contact_id"),
  plan: rowByKey("business_plan", "plan_id"),
  objective: rowByKey("objective", "objective_id"),
  opportunity: rowByKey("opportunity", "opportunity_id"),
  owner: rowByKey("app_user", "owner_id"),
  followUpOf: rowByKey("activity", "follow_up_of_id"),
  followUps: rowsByParent("activity", "follow_up_of_id", SQL_ACTIVITY_ORDER),
  followUpOpportunities: rowsByParent("opportunity", "source_activity_id", SQL_BY_ID),
};

export const OPPORTUNITY_SQL = {
  account: rowByKey("account", "account_id"),
  owner: rowByKey("app_user", "owner_id"),
  objective: rowByKey("objective", "objective_id"),
  sourceActivity: rowByKey("activity", "source_activity_id"),
  activities: rowsByParent("activity", "opportunity_id", SQL_ACTIVITY_ORDER, byFirst),
  /** Linked through plan_opportunity, by plan id. */
  plans: rowsThroughLink("business_plan", { table: "plan_opportunity", parent: "opportunity_id", target: "plan_id" }, SQL_BY_ID, byFirst),
};

export const CONTACT_SQL = {
  account: rowByKey("account", "account_id"),
};
