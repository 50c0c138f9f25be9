import { Field, Int, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "../../graphql/node";
import { User } from "../users/user.entity";

/**
 * A receiver of event deliveries (ADMIN-managed). `eventFilter` holds the subscribed event names as
 * ",a,b," (one SQL LIKE matches a name), or "" for every event. `secret` is the HMAC key of the
 * X-Signature header, kept in plain text because the worker must sign with it (docs/security.md, "Webhooks").
 */
@ObjectType({ simpleResolvers: true, implements: Node, description: "A URL that receives a signed POST for every event it subscribes to (docs/api.md, Webhooks)." })
@Entity("webhook")
export class Webhook {
  @PrimaryGeneratedColumn()
  id: number;

  @Field({ description: "The http(s) URL that receives the deliveries." })
  @Column({ type: "varchar", length: 2048 })
  url: string;

  @Column({ type: "varchar", length: 1024, default: "" })
  eventFilter: string;

  @Column({ type: "varchar", length: 128 })
  secret: string;

  @Field({ description: "When the webhook was created." })
  @Column({ type: Date })
  createdAt: Date;

  @Index()
  @Column({ type: "integer" })
  createdById: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "created_by_id" })
  createdByRef?: User;

  @Field(() => Int, { description: "Deliveries that failed every retry." })
  @Column({ type: "integer", default: 0 })
  failedDeliveries: number;
}

/** The subscribed event names of a webhook (empty: every event). */
export const eventsOf = (w: Pick<Webhook, "eventFilter">): string[] => w.eventFilter.split(",").filter(Boolean);
