/** The GraphQL operations the benchmark sends (Q1-Q5). */

const ACCOUNT_TREE = `
    name contacts { firstName lastName jobTitle }
    businessPlans(periodId: $period, topLevelOnly: true) {
      name status owner { name } revenueTarget rollup { wonRevenue pipelineRevenue attainment }
      children { name businessUnit territory status rollup { wonRevenue }
        objectives { name unit targetQuantity progress { actualQuantity percentComplete }
          opportunities { name revenue status } activities { subject type status dueAt } } } }
    applicableObjectives(periodId: $period) { name isGlobal progress { percentComplete } }
    activities(status: [PLANNED]) { subject dueAt followUpOf { subject } }`;

/** Authentication and nothing else: the statement-count baseline (reads no row). */
export const AUTH_ONLY = "{ __typename }";

/** Q1: the smallest authenticated request that reads a row (the per-request baseline). */
export const Q1 = "{ me { id } }";

/** Q2: one account's full tree (the account view). */
export const Q2 = `query AccountView($id: ID!, $period: ID) {
  account(id: $id) {${ACCOUNT_TREE}
  }
}`;

/** Q3: the same tree for the first 20 accounts (by name). */
export const Q3 = `query AccountsView($period: ID) {
  accounts(first: 20) { edges { node {${ACCOUNT_TREE}
  } } }
}`;

/** Q4: a page of 100 plans with their rollups. */
export const Q4 = `query PlansPage {
  businessPlans(first: 100) {
    edges { cursor node { id name status revenueTarget
      rollup { revenueTarget childrenRevenueTarget pipelineRevenue wonRevenue attainment } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Q5: the write mix, one operation per step. */
export const Q5_CREATE = `mutation CreateActivity($input: CreateActivityInput!) {
  createActivity(input: $input) { id status }
}`;
export const Q5_COMPLETE = `mutation CompleteActivity($id: ID!) {
  completeActivity(id: $id, notes: "done") { id status completedAt }
}`;
export const Q5_LINK = `mutation Link($opp: ID!, $plan: ID!) {
  linkOpportunityToPlan(opportunityId: $opp, planId: $plan) { id }
}`;
