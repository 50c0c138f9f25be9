import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "One committed change of a plan (one entry of its audit trail), as Subscription.planChanged delivers it." })
export class PlanChange {
  @Field({ description: "CREATED, UPDATED, STATUS_CHANGED, CHILD_ADDED, CHILD_REMOVED, OBJECTIVE_CHANGED, OPPORTUNITY_LINKED, ... (the audit entry's action)." })
  action: string;

  @Field({ description: "When the change was made." })
  changedAt: Date;
}
