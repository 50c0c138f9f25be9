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
import { OpportunityStatus } from "../../common/enums";
import { type Cents, centsTransformer } from "../../common/money";
import { DateScalar, DecimalScalar } from "../../graphql/scalars";
import { Account } from "../accounts/account.entity";
import { Activity } from "../activities/activity.entity";
import { Objective } from "../objectives/objective.entity";
import { User } from "../users/user.entity";

@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("opportunity")
// Objective progress (objective-progress.ts): the WON opportunities per objective, narrowed to an account.
@Index(["objectiveId", "status", "accountId"])
// Query.opportunities: one (key, id) index per order, and "open deals closing this quarter" (opportunity-list.ts)
@Index(["closeDate", "id"])
@Index(["revenue", "id"])
@Index(["name", "id"])
@Index(["status", "closeDate"])
export class Opportunity {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

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
  @Column({ type: "integer", nullable: true })
  objectiveId: number | null;

  @ManyToOne(() => Objective, { onDelete: "SET NULL" })
  @JoinColumn({ name: "objective_id" })
  objectiveRef?: Objective;

  @Field(() => DecimalScalar)
  @Column({ type: "bigint", name: "revenue_cents", transformer: centsTransformer })
  revenue: Cents;

  @Field(() => Int)
  @Column({ type: "integer", default: 10 })
  probability: number;

  @Field(() => OpportunityStatus)
  @Index()
  @Column({ type: "varchar", length: 16 })
  status: OpportunityStatus;

  @Field(() => DateScalar, { nullable: true })
  @Column({ type: "date", nullable: true })
  closeDate: string | null;

  @Index()
  @Column({ type: "integer", nullable: true })
  sourceActivityId: number | null;

  @ManyToOne(() => Activity, { onDelete: "SET NULL", createForeignKeyConstraints: true })
  @JoinColumn({ name: "source_activity_id" })
  sourceActivityRef?: Activity;

  @CreateDateColumn()
  createdAt: Date;

  @UpdateDateColumn()
  updatedAt: Date;
}
