import { ArrayMaxSize, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { MAX_WEBHOOK_URL } from "./url-guard";
import { WEBHOOK_EVENTS } from "./webhook-events";
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
