import { Field, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { PlanStatus } from "../../common/enums";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";

@ObjectType()
@Entity("plan_status_change")
export class PlanStatusChange {
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: "integer" })
  planId: number;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @Field(() => PlanStatus, { nullable: true })
  @Column({ type: "varchar", length: 32, nullable: true })
  from: PlanStatus | null;

  @Field(() => PlanStatus)
  @Column({ type: "varchar", length: 32 })
  to: PlanStatus;

  @Index()
  @Column({ type: "integer" })
  changedById: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "changed_by_id" })
  changedByRef?: User;

  @Field()
  @Column({ type: Date })
  changedAt: Date;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  comment: string | null;
}
