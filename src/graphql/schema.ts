import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import { AccountConnectionResolver, AccountsResolver } from "../modules/accounts/accounts.resolver";
import { ActivitiesResolver } from "../modules/activities/activities.resolver";
import { ContactsResolver } from "../modules/contacts/contacts.resolver";
import { ObjectivesResolver } from "../modules/objectives/objectives.resolver";
import { OpportunitiesResolver } from "../modules/opportunities/opportunities.resolver";
import { PeriodsResolver } from "../modules/periods/periods.resolver";
import {
  BusinessPlanConnectionResolver,
  PlanAuditEntryResolver,
  PlansResolver,
  PlanStatusChangeResolver,
} from "../modules/plans/plans.resolver";
import { PlanTreesResolver } from "../modules/plans/plan-trees.resolver";
import { UsersResolver } from "../modules/users/users.resolver";
import { applyDescriptions } from "./descriptions";
import { countListItems } from "./limits";
import { installGlobalIds, NodeResolver } from "./node";
import { DateScalar, DateTimeScalar } from "./scalars";

let cached: GraphQLSchema | null = null;

/** The executable schema (built once per process). */
export function buildAppSchema(): GraphQLSchema {
  if (cached) return cached;
  cached = countListItems(buildSchemaSync({
    resolvers: [
      NodeResolver,
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
      ObjectivesResolver,
      OpportunitiesResolver,
      ActivitiesResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    emitSchemaFile: false,
  }));
  installGlobalIds(cached);
  applyDescriptions(cached);
  void DateScalar;
  return cached;
}

/** The SDL committed as schema.graphql. */
export function printAppSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildAppSchema()))}\n`;
}
