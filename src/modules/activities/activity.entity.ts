import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../../graphql/node";
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from "typeorm";
import { ActivityStatus, ActivityType } from "../../common/enums";
import { DateTimeScalar } from "../../graphql/scalars";
import { Account } from "../accounts/account.entity";
import { Contact } from "../contacts/contact.entity";
import { Objective } from "../objectives/objective.entity";
import type { Opportunity } from "../opportunities/opportunity.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";

@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("activity")
// Objective progress (objective-progress.ts): the COMPLETED activities of one type per objective,
// narrowed to an account, counted from the index alone.
@Index(["objectiveId", "status", "type", "accountId"])
// An account's activities of some statuses (Account.activities(status:), the account view's PLANNED
// ones): without it PostgreSQL intersected the status index (80,000 PLANNED at the bench's M size).
@Index(["accountId", "status"])
// Query.activities: the due order (both directions) and "my activities due this week" (activity-list.ts)
@Index(["dueAt", "id"])
@Index(["ownerId", "dueAt"])
export class Activity {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  subject: string;

  @Field(() => ActivityType)
  @Index()
  @Column({ type: "varchar", length: 16 })
  type: ActivityType;

  @Field(() => ActivityStatus)
  @Index()
  @Column({ type: "varchar", length: 16 })
  status: ActivityStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  @Column({ type: Date, nullable: true })
  dueAt: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  @Column({ type: Date, nullable: true })
  completedAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  notes: string | null;

  @Index()
  @Column({ type: "integer" })
  accountId: number;

  @ManyToOne(() => Account, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  accountRef?: Account;

  @Index()
  @Column({ type: "integer", nullable: true })
  contactId: number | null;

  @ManyToOne(() => Contact, { onDelete: "SET NULL" })
  @JoinColumn({ name: "contact_id" })
  contactRef?: Contact;

  @Index()
  @Column({ type: "integer", nullable: true })
  planId: number | null;

  @ManyToOne(() => BusinessPlan, { onDelete: "SET NULL" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @Index()
  @Column({ type: "integer", nullable: true })
  objectiveId: number | null;

  @ManyToOne(() => Objective, { onDelete: "SET NULL" })
  @JoinColumn({ name: "objective_id" })
  objectiveRef?: Objective;

  @Index()
  @Column({ type: "integer", nullable: true })
  opportunityId: number | null;

  @ManyToOne("Opportunity", { onDelete: "SET NULL" })
  @JoinColumn({ name: "opportunity_id" })
  opportunityRef?: Opportunity;

  @Index()
  @Column({ type: "integer" })
  ownerId: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "owner_id" })
  ownerRef?: User;

  @Index()
  @Column({ type: "integer", nullable: true })
  followUpOfId: number | null;

  @ManyToOne(() => Activity, { onDelete: "SET NULL" })
  @JoinColumn({ name: "follow_up_of_id" })
  followUpOfRef?: Activity;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
