import { Field, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { PlanMemberRole } from "../../common/enums";
import { User } from "../users/user.entity";
import { BusinessPlan } from "./business-plan.entity";

/** One user on one plan's team (BusinessPlan.team). The owner is never a member; adding a member again changes the role. */
@ObjectType({ simpleResolvers: true })
@Entity("plan_member")
export class PlanMember {
  @PrimaryColumn({ type: "integer" })
  planId: number;

  /** plansToReview: the plans where the caller is a member. */
  @Index()
  @PrimaryColumn({ type: "integer" })
  userId: number;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  userRef?: User;

  @Field(() => PlanMemberRole)
  @Column({ type: "varchar", length: 16 })
  role: PlanMemberRole;

  @Field()
  @Column({ type: Date })
  addedAt: Date;
}
