import { Field, ObjectType } from "type-graphql";
import { Webhook } from "./webhook.entity";

@ObjectType({ description: "A new webhook and its signing secret." })
export class CreatedWebhook {
  @Field(() => Webhook, { description: "The webhook." })
  webhook: Webhook;

  @Field({ description: "HMAC-SHA256 key for the X-Signature header of every delivery, shown only once." })
  secret: string;
}
