import { ArrayMaxSize, MaxLength } from "class-validator";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { MAX_WEBHOOK_URL } from "./url-guard";
import { WEBHOOK_EVENTS } from "./webhook-events";
import { eventsOf, Webhook } from "./webhook.entity";

@InputType({ description: "A webhook to create." })
export class CreateWebhookInput {
  @Field({ description: `http(s) URL that receives a POST per event (at most ${MAX_WEBHOOK_URL} characters; it must resolve to a public address).` })
  @MaxLength(MAX_WEBHOOK_URL)
  url: string;

  @Field(() => [String], { description: `Event names, e.g. plan.status_changed, plan.updated, opportunity.won, activity.completed; empty: all. Known: ${WEBHOOK_EVENTS.join(", ")}.` })
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @MaxLength(64, { each: true })
  events: string[];
}

@ObjectType({ description: "A new webhook and its signing secret." })
export class CreatedWebhook {
  @Field(() => Webhook, { description: "The webhook." })
  webhook: Webhook;

  @Field({ description: "HMAC-SHA256 key for the X-Signature header of every delivery, shown only once." })
  secret: string;
}

@Resolver(() => Webhook)
export class WebhooksResolver {
  @Query(() => [Webhook], { description: "Every webhook, oldest first (ADMIN only)." })
  webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    return ctx.services.webhooks.list(ctx.user);
  }

  @Mutation(() => CreatedWebhook, { description: "Registers a webhook (ADMIN only). The secret is shown in this answer only." })
  createWebhook(@Arg("input", () => CreateWebhookInput, { description: "URL and events." }) input: CreateWebhookInput, @Ctx() ctx: Context): Promise<CreatedWebhook> {
    return ctx.services.webhooks.create(ctx.user, input);
  }

  @Mutation(() => ID, { description: "Deletes a webhook and its pending deliveries (ADMIN only); answers its id." })
  deleteWebhook(@Arg("id", () => ID, { description: "The webhook's id." }) id: string, @Ctx() ctx: Context): Promise<string> {
    return ctx.services.webhooks.delete(ctx.user, id);
  }

  @FieldResolver(() => [String], { description: "The subscribed event names; empty: every event." })
  events(@Root() w: Webhook): string[] {
    return eventsOf(w);
  }
}
