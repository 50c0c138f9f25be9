import { Field, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";

@ObjectType({ simpleResolvers: true })
export class FieldChange {
  @Field()
  field: string;

  @Field(() => String, { nullable: true })
  oldValue: string | null;

  @Field(() => String, { nullable: true })
  newValue: string | null;
}

/** One write to a plan. `changes` holds a JSON array of FieldChange. */
@ObjectType()
@Entity("plan_audit_entry")
export class PlanAuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: "integer" })
  planId: number;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @Index()
  @Column({ type: "integer" })
  changedById: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "changed_by_id" })
  changedByRef?: User;

  @Field()
  @Column({ type: Date })
  changedAt: Date;

  @Field({ description: "What happened, e.g. CREATED, UPDATED, STATUS_CHANGED, OPPORTUNITY_LINKED." })
  @Column({ type: "varchar", length: 64 })
  action: string;

  @Column({ type: "text" })
  changesJson: string;
}
