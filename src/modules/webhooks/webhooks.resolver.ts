import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../graphql/context";
import { eventsOf, Webhook } from "./webhook.entity";
import { CreateWebhookInput } from "./webhooks.inputs";
import { CreatedWebhook } from "./webhooks.types";

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
