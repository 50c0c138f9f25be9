import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { User } from "../users/user.entity";

/**
 * An Idempotency-Key a user sent with a mutation, the fingerprint of that request and the answer it
 * got. Written in the same transaction as the mutation's effects (src/db/idempotency.ts), so both
 * or neither survive a crash. Not served through GraphQL.
 */
@Entity("idempotency_key")
@Index(["userId", "key"], { unique: true })
export class IdempotencyKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: "integer" })
  userId: number;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;

  /** The client's key, 1-255 printable ASCII characters. */
  @Column({ type: "varchar", length: 255 })
  key: string;

  /** SHA-256 (hex) of the request: operation text, operation name, variables. */
  @Column({ type: "varchar", length: 64 })
  fingerprint: string;

  @Column({ type: Date })
  createdAt: Date;

  /** After this instant the key is forgotten (treated as unused, purged by the periodic job). */
  @Index()
  @Column({ type: Date })
  expiresAt: Date;

  /** The stored answer's HTTP status; null only inside the transaction that is still running the request. */
  @Column({ type: "integer", nullable: true })
  responseStatus: number | null;

  /** The stored answer's body, byte for byte. */
  @Column({ type: "text", nullable: true })
  responseBody: string | null;
}
