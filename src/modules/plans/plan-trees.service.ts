import type { EntityManager } from "typeorm";
import { badInput, DomainError, ErrorCode } from "../../common/errors";
import { toGlobalId } from "../../common/ids";
import { MAX_PLAN_TREE_DEPTH, MAX_PLAN_TREE_NODES } from "../../common/limits";
import type { Database } from "../../db/data-source";
import type { User } from "../users/user.entity";
import type { BusinessPlan } from "./business-plan.entity";
import type { CreateBusinessPlanTreeInput } from "./plans.inputs";
import type { PlansService } from "./plans.service";

/** The input field a failed lookup of this type was for (mustFind's NOT_FOUND names the type, not the field). */
const LOOKUP_FIELD: Record<string, string> = { Account: "accountId", Period: "periodId", User: "ownerId" };

/**
 * The error of the node at `path` ("children.2.children.0."), pointing at it: the message starts
 * with the path and `extensions.field` is the path of the failing input field. The root's errors
 * are those createBusinessPlan gives. A child's account must be its parent's: the create path's
 * parentId refusal is about the child's accountId here.
 */
function atNode(err: unknown, path: string): unknown {
  if (!(err instanceof DomainError) || path === "") return err;
  let field = typeof err.details?.field === "string" ? err.details.field : undefined;
  if (field === "parentId") field = "accountId";
  if (field === undefined && err.code === ErrorCode.NOT_FOUND) field = LOOKUP_FIELD[err.message.split(" ", 1)[0]];
  return new DomainError(err.code, `${path}${err.message}`, { ...err.details, field: field ? `${path}${field}` : path.slice(0, -1) });
}

/** Refuses a tree deeper than MAX_PLAN_TREE_DEPTH levels or with more than MAX_PLAN_TREE_NODES plans, before any database work. */
function assertBounded(root: CreateBusinessPlanTreeInput): void {
  let nodes = 0;
  const walk = (node: CreateBusinessPlanTreeInput, path: string, level: number) => {
    nodes++;
    if (nodes > MAX_PLAN_TREE_NODES) throw badInput("children", `a plan tree may hold at most ${MAX_PLAN_TREE_NODES} plans`);
    const children = node.children ?? [];
    if (children.length && level >= MAX_PLAN_TREE_DEPTH) {
      throw badInput(`${path}children`, `a plan tree may be at most ${MAX_PLAN_TREE_DEPTH} levels deep (the plan, its children, their children, ...)`);
    }
    children.forEach((child, i) => walk(child, `${path}children.${i}.`, level + 1));
  };
  walk(root, "", 1);
}

/**
 * createBusinessPlanTree: a plan and its nested children in ONE transaction, all or nothing. Each
 * plan goes through PlansService.createIn, the path createBusinessPlan takes (role, ownership,
 * account, the period inside the parent's, the plan-tree rules), depth first in input order; the
 * first refusal rolls everything back and names the node. One audit entry (CREATED) per plan: a
 * child added to a plan created in the same call is part of that plan's creation.
 */
export class PlanTreesService {
  constructor(
    private readonly db: Database,
    private readonly plans: PlansService,
  ) {}

  async createTree(actor: User, input: CreateBusinessPlanTreeInput): Promise<BusinessPlan> {
    this.plans.assertMayCreate(actor);
    assertBounded(input);
    return this.db.write((em) => this.createNode(em, actor, input, null, ""));
  }

  private async createNode(em: EntityManager, actor: User, node: CreateBusinessPlanTreeInput, parent: BusinessPlan | null, path: string): Promise<BusinessPlan> {
    const { children, ...fields } = node;
    let plan: BusinessPlan;
    try {
      plan = await this.plans.createIn(em, actor, { ...fields, parentId: parent ? toGlobalId("BusinessPlan", parent.id) : null }, { parentIsNew: parent != null });
    } catch (err) {
      throw atNode(err, path);
    }
    for (const [i, child] of (children ?? []).entries()) await this.createNode(em, actor, child, plan, `${path}children.${i}.`);
    return plan;
  }
}
