import { Ctx, Extensions, Field, ID, Int, ObjectType } from "type-graphql";
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
import { ObjectiveUnit } from "../../common/enums";
import { type Cents, centsTransformer } from "../../common/money";
import type { Context } from "../../graphql/context";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";
import { Account } from "../accounts/account.entity";
import { Contact } from "../contacts/contact.entity";
import { Period } from "../periods/period.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";
import { rowByKey } from "../../graphql/read-sql";

@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("objective")
// Global objectives are looked up by (account_id IS NULL AND plan_id IS NULL): without this index that
// walked every account objective (plan_id IS NULL), growing with the number of accounts.
@Index(["accountId", "planId"])
export class Objective {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description: string | null;

  @Index()
  @Column({ type: "integer" })
  periodId: number;

  @ManyToOne(() => Period, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "period_id" })
  periodRef?: Period;

  @Index()
  @Column({ type: "integer", nullable: true })
  planId: number | null;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @Index()
  @Column({ type: "integer", nullable: true })
  accountId: number | null;

  @ManyToOne(() => Account, { onDelete: "CASCADE" })
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
  parentId: number | null;

  @ManyToOne(() => Objective, { onDelete: "CASCADE" })
  @JoinColumn({ name: "parent_id" })
  parentRef?: Objective;

  @Field(() => DecimalScalar, { nullable: true })
  @Column({ type: "bigint", name: "target_revenue_cents", nullable: true, transformer: centsTransformer })
  targetRevenue: Cents | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: "integer", nullable: true })
  targetQuantity: number | null;

  @Field(() => ObjectiveUnit, { nullable: true })
  @Column({ type: "varchar", length: 16, nullable: true })
  unit: ObjectiveUnit | null;

  /** Progress entered by hand for UNITS objectives. */
  @Column({ type: "integer", nullable: true })
  manualQuantity: number | null;

  @Field(() => DateScalar, { description: "Defaults to the end of the objective's period." })
  @Column({ type: "date" })
  dueDate: string;

  @Index()
  @Column({ type: "integer", nullable: true })
  ownerId: number | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "owner_id" })
  ownerRef?: User;

  @Field(() => User, { nullable: true, description: "Who answers for the objective; defaults to its plan's owner, or to its creator." })
  @Extensions({ needs: ["ownerId"], sql: rowByKey("app_user", "owner_id") })
  owner(@Ctx() ctx: Context): Promise<User | null> | null {
    return this.ownerId == null ? null : ctx.loaders.user.load(this.ownerId);
  }

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
