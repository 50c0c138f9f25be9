/**
 * Every String and ID argument of the API (root field arguments and the
 * fields of their input objects), with a valid baseline call per root field,
 * so that a test can put a hostile value into one argument at a time and keep
 * everything else valid. Used by the hostile-input suite and the fuzzer.
 */
import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";
import { toGlobalId } from "../../src/common/ids";

/** Ids of records the baselines point at (all created by the ADMIN caller). */
export interface ArgFixture {
  account: string;
  period: string;
  /** A YEAR period other than `period` (copy target). */
  period2: string;
  plan: string;
  objective: string;
  opportunity: string;
  activity: string;
  contact: string;
}

type Args = Record<string, unknown>;
let seq = 0;

/** A valid call of every root field that takes arguments. A root field missing here fails the suite. */
export const BASELINES: Record<string, (f: ArgFixture) => Args> = {
  // queries
  account: (f) => ({ id: f.account }),
  accounts: () => ({ search: "a", first: 5 }),
  activity: (f) => ({ id: f.activity }),
  businessPlan: (f) => ({ id: f.plan }),
  businessPlans: () => ({ first: 5 }),
  opportunities: (f) => ({ filter: { accountId: f.account, search: "deal" }, orderBy: "NAME_ASC", first: 5 }),
  activities: (f) => ({ filter: { accountId: f.account, planId: f.plan }, orderBy: "DUE_AT_DESC", first: 5 }),
  users: () => ({ role: "ANALYST", search: "a" }),
  contact: (f) => ({ id: f.contact }),
  globalObjectives: () => ({}),
  node: (f) => ({ id: f.account }),
  nodes: (f) => ({ ids: [f.account, f.plan, f.contact] }),
  objective: (f) => ({ id: f.objective }),
  opportunity: (f) => ({ id: f.opportunity }),
  period: (f) => ({ id: f.period }),
  periods: () => ({}),
  planSummary: (f) => ({ periodId: f.period, groupBy: "OWNER" }),
  // mutations
  addPlanContact: (f) => ({ planId: f.plan, contactId: f.contact }),
  changeBusinessPlanStatus: (f) => ({ id: f.plan, status: "SUBMITTED" }),
  completeActivity: (f) => ({ id: f.activity }),
  copyBusinessPlan: (f) => ({ id: f.plan, periodId: f.period2 }),
  createAccount: () => ({ input: { name: "Hostile Co" } }),
  createActivity: (f) => ({ input: { subject: "Hostile call", type: "CALL", accountId: f.account } }),
  createBusinessPlan: (f) => ({ input: { name: "Hostile plan", accountId: f.account, periodId: f.period } }),
  createBusinessPlanTree: (f) => ({
    input: {
      name: "Hostile tree",
      accountId: f.account,
      periodId: f.period,
      children: [{ name: "Hostile child", accountId: f.account, periodId: f.period, children: [{ name: "Hostile grandchild", accountId: f.account, periodId: f.period }] }],
    },
  }),
  createContact: (f) => ({ input: { accountId: f.account, firstName: "Hos", lastName: "Tile" } }),
  createFollowUpActivity: (f) => ({ activityId: f.activity, input: { subject: "Follow-up", type: "TASK" } }),
  createFollowUpOpportunity: (f) => ({ activityId: f.activity, input: { name: "Follow-up deal", revenue: "1.00" } }),
  createObjective: (f) => ({ input: { name: "Hostile objective", periodId: f.period, planId: f.plan } }),
  createOpportunity: (f) => ({ input: { name: "Hostile deal", accountId: f.account, revenue: "10.00" } }),
  createPeriod: () => ({ input: { name: "Hostile year", type: "YEAR", startDate: "2041-01-01", endDate: "2041-12-31" } }),
  createUser: () => ({ input: { name: "Hostile user", email: `hostile.${Date.now()}.${++seq}@example.com`, role: "ANALYST" } }),
  deleteBusinessPlan: (f) => ({ id: f.plan }),
  deleteObjective: (f) => ({ id: f.objective }),
  // a public address literal (no DNS); a hostile url or event name is refused before anything is stored
  createWebhook: () => ({ input: { url: "https://203.0.113.10/hooks", events: ["plan.updated"] } }),
  deleteWebhook: () => ({ id: "V2ViaG9vazox" }),
  expireBusinessPlans: () => ({ periodEndedBefore: "2000-01-01" }),
  linkOpportunityToPlan: (f) => ({ opportunityId: f.opportunity, planId: f.plan }),
  revokeToken: () => ({ token: "not-a-token" }),
  unlinkOpportunityFromPlan: (f) => ({ opportunityId: f.opportunity, planId: f.plan }),
  updateAccount: (f) => ({ id: f.account, input: { name: "Hostile Co renamed" } }),
  updateActivity: (f) => ({ id: f.activity, input: { subject: "Hostile call renamed" } }),
  updateBusinessPlan: (f) => ({ id: f.plan, input: { name: "Hostile plan renamed" } }),
  updateObjective: (f) => ({ id: f.objective, input: { name: "Hostile objective renamed" } }),
  updateOpportunity: (f) => ({ id: f.opportunity, input: { name: "Hostile deal renamed" } }),
  // collaboration (issue 15); demo user 2 is an ACCOUNT_MANAGER who does not own the fixture's plan
  addPlanMember: (f) => ({ planId: f.plan, userId: toGlobalId("User", 2), role: "CONTRIBUTOR" }),
  removePlanMember: (f) => ({ planId: f.plan, userId: toGlobalId("User", 2) }),
  addPlanNote: (f) => ({ planId: f.plan, body: "Hostile note" }),
  addObjectiveNote: (f) => ({ objectiveId: f.objective, body: "Hostile objective note" }),
  removePlanContact: (f) => ({ planId: f.plan, contactId: f.contact }),
  deleteOpportunity: (f) => ({ id: f.opportunity }),
  deleteActivity: (f) => ({ id: f.activity }),
  deleteContact: (f) => ({ id: f.contact }),
};

export interface ArgTarget {
  root: "query" | "mutation";
  field: string;
  /** Argument name, then input-object field names. */
  path: string[];
  kind: "ID" | "String";
  /** The value is a list of that scalar. */
  list: boolean;
}

const unwrap = (t: GraphQLInputType): GraphQLInputType => (isNonNullType(t) ? (t.ofType as GraphQLInputType) : t);

function walk(type: GraphQLInputType, path: string[], out: Omit<ArgTarget, "path" | "kind" | "list">, acc: ArgTarget[], depth: number) {
  const named = getNamedType(type);
  if (named.name === "ID" || named.name === "String") {
    acc.push({ ...out, path, kind: named.name, list: isListType(unwrap(type)) });
  } else if (isInputObjectType(named) && depth < 3) {
    for (const f of Object.values(named.getFields())) walk(f.type, [...path, f.name], out, acc, depth + 1);
  }
}

/** Every String/ID argument path of every root field. */
export function argTargets(schema: GraphQLSchema): ArgTarget[] {
  const acc: ArgTarget[] = [];
  for (const root of ["query", "mutation"] as const) {
    const type = root === "query" ? schema.getQueryType() : schema.getMutationType();
    for (const field of Object.values(type?.getFields() ?? {})) {
      for (const arg of field.args) walk(arg.type, [arg.name], { root, field: field.name }, acc, 0);
    }
  }
  return acc;
}

function setPath(obj: Args, path: string[], value: unknown) {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (cur[key] === null || typeof cur[key] !== "object") cur[key] = {};
    // a list of input objects (createBusinessPlanTree's children): the value goes into its first item
    cur = (Array.isArray(cur[key]) ? ((cur[key] as Args[])[0] ??= {}) : cur[key]) as Args;
  }
  cur[path[path.length - 1]] = value;
}

export interface BuiltCall {
  query: string;
  variables: Args;
  /** A String output field of the result that should echo the value back (same name as the input field), if any. */
  echoField: string | null;
}

/**
 * The root field's baseline call with `value` at the target's path; every argument goes in as a variable.
 * `select(typeName)` may give the selection set for the field's (named) return type instead of the default.
 */
export function buildCall(schema: GraphQLSchema, t: ArgTarget, fixture: ArgFixture, value: unknown, select?: (typeName: string) => string | null): BuiltCall {
  const baseline = BASELINES[t.field];
  if (!baseline) throw new Error(`no baseline call for ${t.root} ${t.field}: add one to test/helpers/arg-targets.ts`);
  const variables = structuredClone(baseline(fixture));
  setPath(variables, t.path, t.list ? [value] : value);
  const type = t.root === "query" ? schema.getQueryType()! : schema.getMutationType()!;
  const field = type.getFields()[t.field];
  return { ...callOf(t.root, field, variables, t.list ? null : t.path[t.path.length - 1], select), variables };
}

/** `mutation($a: T!, ...) { field(a: $a, ...) { __typename <echo field> } }` for the arguments present in `variables`. */
export function callOf(
  root: "query" | "mutation",
  field: GraphQLField<unknown, unknown>,
  variables: Args,
  echoCandidate: string | null = null,
  select?: (typeName: string) => string | null,
): { query: string; echoField: string | null } {
  const used = field.args.filter((a: GraphQLArgument) => a.name in variables);
  const defs = used.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
  const args = used.map((a) => `${a.name}: $${a.name}`).join(", ");
  const ret = getNamedType(field.type);
  let echoField: string | null = null;
  let selection = "";
  if (isInterfaceType(ret)) selection = "{ __typename }";
  if (isObjectType(ret)) {
    const candidate = echoCandidate ? ret.getFields()[echoCandidate] : undefined;
    if (candidate && getNamedType(candidate.type).name === "String") echoField = candidate.name;
    selection = `{ __typename${echoField ? ` ${echoField}` : ""} }`;
  }
  const custom = select?.(ret.name);
  if (custom) selection = `{ __typename ${custom}${echoField && !new RegExp(`\\b${echoField}\\b`).test(custom) ? ` ${echoField}` : ""} }`;
  return { query: `${root}${defs ? `(${defs})` : ""} { ${field.name}${args ? `(${args})` : ""} ${selection} }`, echoField };
}
