import { registerEnumType } from "type-graphql";

export enum Role {
  ADMIN = "ADMIN",
  ACCOUNT_MANAGER = "ACCOUNT_MANAGER",
  REVIEWER = "REVIEWER",
  ANALYST = "ANALYST",
}
export enum PlanStatus {
  DRAFT = "DRAFT",
  SUBMITTED = "SUBMITTED",
  FINAL_APPROVED = "FINAL_APPROVED",
  EXPIRED = "EXPIRED",
}
export enum PlanType {
  ACCOUNT = "ACCOUNT",
  LOCAL = "LOCAL",
  REGIONAL = "REGIONAL",
  NATIONAL = "NATIONAL",
  MARKET_SEGMENT = "MARKET_SEGMENT",
  ENGAGEMENT = "ENGAGEMENT",
  BRAND = "BRAND",
}
export enum PeriodType {
  YEAR = "YEAR",
  QUARTER = "QUARTER",
  MONTH = "MONTH",
}
export enum ObjectiveUnit {
  CALLS = "CALLS",
  MEETINGS = "MEETINGS",
  UNITS = "UNITS",
}
export enum OpportunityStatus {
  OPEN = "OPEN",
  WON = "WON",
  LOST = "LOST",
}
export enum ActivityType {
  CALL = "CALL",
  MEETING = "MEETING",
  TASK = "TASK",
  EMAIL = "EMAIL",
}
export enum ActivityStatus {
  PLANNED = "PLANNED",
  COMPLETED = "COMPLETED",
  CANCELLED = "CANCELLED",
}

/** A user's role in one plan's team (plan_member); the plan's owner is not a member. */
export enum PlanMemberRole {
  CONTRIBUTOR = "CONTRIBUTOR",
  REVIEWER = "REVIEWER",
}

registerEnumType(Role, { name: "Role" });
registerEnumType(PlanStatus, { name: "PlanStatus" });
registerEnumType(PlanType, { name: "PlanType" });
registerEnumType(PeriodType, { name: "PeriodType" });
registerEnumType(ObjectiveUnit, { name: "ObjectiveUnit" });
registerEnumType(OpportunityStatus, { name: "OpportunityStatus" });
registerEnumType(ActivityType, { name: "ActivityType" });
registerEnumType(ActivityStatus, { name: "ActivityStatus" });
registerEnumType(PlanMemberRole, { name: "PlanMemberRole" });
