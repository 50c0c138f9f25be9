import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from "type-graphql";
import { DomainError, ErrorCode, notFound } from "../../common/errors";
import { echo } from "../../common/errors";
import { parseId } from "../../common/ids";
import type { Context } from "../../graphql/context";
import type { SubscriptionContext } from "../../graphql/subscription-context";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";
import { PlanChange } from "./plan-change.types";
import type { PlanChangeEvent } from "./plan-changes";

/** Events held for a subscriber that has not taken them yet; beyond this its subscription ends (the client resubscribes and refetches). */
const MAX_QUEUED = 10_000;

/** The events of one account as an async iterator (graphql-js drives it; return() unsubscribes). */
function accountEvents(ctx: SubscriptionContext, accountId: number, release: () => void): AsyncIterableIterator<PlanChangeEvent> {
  const queue: PlanChangeEvent[] = [];
  let waiting: ((r: IteratorResult<PlanChangeEvent>) => void) | null = null;
  let done = false;
  const unsubscribe = ctx.services.planChanges.subscribe(accountId, (e) => {
    if (done) return;
    if (waiting) {
      const w = waiting;
      waiting = null;
      ctx.renewLoaders();
      w({ value: e, done: false });
    } else if (queue.length < MAX_QUEUED) queue.push(e);
    else {
      // a subscriber that stopped reading: end its subscription rather than hold events without bound
      queue.length = 0;
      finish();
    }
  });
  const finish = () => {
    if (done) return;
    done = true;
    unsubscribe();
    release();
    waiting?.({ value: undefined, done: true });
    waiting = null;
  };
  return {
    next() {
      if (queue.length) {
        ctx.renewLoaders();
        return Promise.resolve({ value: queue.shift()!, done: false });
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(err: unknown) {
      finish();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Subscription.planChanged's source stream: checks the account and the cap before anything is sent. */
async function subscribePlanChanges(ctx: SubscriptionContext, rawAccountId: unknown): Promise<AsyncIterable<PlanChangeEvent>> {
  if (!ctx.takeSlot) {
    throw new DomainError(ErrorCode.BAD_USER_INPUT, "subscriptions run over WebSocket (graphql-ws protocol) on /graphql, not over HTTP");
  }
  void ctx.user; // anonymous contexts throw UNAUTHENTICATED here
  const raw = typeof rawAccountId === "string" ? rawAccountId : String(rawAccountId);
  const accountId = parseId(raw, "Account");
  if (accountId === null || !(await ctx.loaders.account.load(accountId))) throw notFound("Account", echo(raw));
  const release = ctx.takeSlot();
  if (!release) {
    throw new DomainError(ErrorCode.RATE_LIMITED, `at most ${ctx.subscriptionsPerUser} open subscriptions per user; complete one first`);
  }
  return accountEvents(ctx, accountId, release);
}

@Resolver(() => PlanChange)
export class PlanChangeResolver {
  @Subscription(() => PlanChange, {
    description: "Every committed change to a plan of this account (or to its objectives, links and team), from any server process.",
    subscribe: ({ args, context }) => subscribePlanChanges(context as SubscriptionContext, (args as { accountId: unknown }).accountId),
  })
  planChanged(
    @Arg("accountId", () => ID, { description: "The account whose plans to watch." }) _accountId: string,
    @Root() change: PlanChangeEvent,
  ): PlanChangeEvent {
    return change;
  }

  @FieldResolver(() => BusinessPlan, { description: "The plan as it is when the event is delivered." })
  async plan(@Root() e: PlanChangeEvent, @Ctx() ctx: Context): Promise<BusinessPlan> {
    const plan = await ctx.loaders.plan.load(e.planId);
    if (!plan) throw notFound("BusinessPlan", e.planId);
    return plan;
  }

  @FieldResolver(() => User, { description: "Who made the change." })
  async changedBy(@Root() e: PlanChangeEvent, @Ctx() ctx: Context): Promise<User> {
    const user = await ctx.loaders.user.load(e.changedById);
    if (!user) throw notFound("User", e.changedById);
    return user;
  }
}
