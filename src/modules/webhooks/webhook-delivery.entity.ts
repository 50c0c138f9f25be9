import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Webhook } from "./webhook.entity";

/** Epoch milliseconds in a BIGINT column (node-postgres reads BIGINT as a string). */
const epochMs = { to: (v: number | null | undefined) => v, from: (v: string | number | null) => (v == null ? null : Number(v)) };

/**
 * The outbox: one row per event and webhook, written in the transaction of the change
 * (webhook-events.ts), delivered by the worker (webhook-worker.ts). Times are epoch milliseconds, so the
 * worker's SQL compares numbers on both dialects.
 */
@Entity("webhook_delivery")
@Index(["status", "nextAttemptAt"])
@Index(["webhookId", "orderKey", "id"])
export class WebhookDelivery {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "integer" })
  webhookId: number;

  @ManyToOne(() => Webhook, { onDelete: "CASCADE" })
  @JoinColumn({ name: "webhook_id" })
  webhookRef?: Webhook;

  /** The event's id (a UUID), the same for every webhook: the receiver's deduplication key. */
  @Column({ type: "varchar", length: 36 })
  eventId: string;

  @Column({ type: "varchar", length: 64 })
  eventType: string;

  /** Deliveries with the same key go out one after another, in id order (e.g. "BusinessPlan:12"). */
  @Column({ type: "varchar", length: 64 })
  orderKey: string;

  /** The JSON body, exactly as POSTed and signed. */
  @Column({ type: "text" })
  body: string;

  /** PENDING, DELIVERED or FAILED. */
  @Column({ type: "varchar", length: 16 })
  status: string;

  @Column({ type: "integer", default: 0 })
  attempts: number;

  @Column({ type: "bigint", transformer: epochMs })
  nextAttemptAt: number;

  /** A worker holds the delivery until then (it is being POSTed); null when free. */
  @Column({ type: "bigint", nullable: true, transformer: epochMs })
  leaseUntil: number | null;

  @Column({ type: "bigint", transformer: epochMs })
  createdAt: number;

  @Column({ type: "varchar", length: 300, nullable: true })
  lastError: string | null;
}
