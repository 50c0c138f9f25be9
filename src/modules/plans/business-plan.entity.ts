import { Field, ID, Int, ObjectType } from "type-graphql";
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
import { PlanStatus, PlanType } from "../../common/enums";
import { type Cents, centsTransformer } from "../../common/money";
import { DecimalScalar } from "../../graphql/scalars";
import { Account } from "../accounts/account.entity";
import { Period } from "../periods/period.entity";
import { User } from "../users/user.entity";

@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("business_plan")
// Query.businessPlans(orderBy): one (key, id) index per order on the plan (plan-list.ts; PERIOD_START_DESC uses period's)
@Index(["name", "id"])
@Index(["updatedAt", "id"])
// the CSV export reads a period's plans in id order, page by page (plan-export.ts)
@Index(["periodId", "id"])
export class BusinessPlan {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Field(() => PlanType)
  @Column({ type: "varchar", length: 32 })
  type: PlanType;

  @Field(() => PlanStatus)
  @Index()
  @Column({ type: "varchar", length: 32 })
  status: PlanStatus;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description: string | null;

  @Index()
  @Column({ type: "integer" })
  accountId: number;

  @ManyToOne(() => Account, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "account_id" })
  accountRef?: Account;

  @Index()
  @Column({ type: "integer" })
  ownerId: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "owner_id" })
  ownerRef?: User;

  @Index()
  @Column({ type: "integer" })
  periodId: number;

  @ManyToOne(() => Period, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "period_id" })
  periodRef?: Period;

  @Index()
  @Column({ type: "integer", nullable: true })
  parentId: number | null;

  @ManyToOne(() => BusinessPlan, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "parent_id" })
  parentRef?: BusinessPlan;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 200, nullable: true })
  businessUnit: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 200, nullable: true })
  territory: string | null;

  /** Cents. */
  @Field(() => DecimalScalar, { nullable: true })
  @Column({ type: "bigint", name: "revenue_target_cents", nullable: true, transformer: centsTransformer })
  revenueTarget: Cents | null;

  @Index()
  @Column({ type: "integer", nullable: true })
  copiedFromId: number | null;

  @ManyToOne(() => BusinessPlan, { onDelete: "SET NULL" })
  @JoinColumn({ name: "copied_from_id" })
  copiedFromRef?: BusinessPlan;

  @Field(() => Int, { description: "Increases by one on every change; pass it back as expectedVersion." })
  @Column({ type: "integer", default: 1 })
  version: number;

  @Field()
  @CreateDateColumn()
  createdAt: Date;

  @Field()
  @UpdateDateColumn()
  updatedAt: Date;
}
