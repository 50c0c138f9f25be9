import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Node } from "../../graphql/node";
import { Objective } from "../objectives/objective.entity";
import { BusinessPlan } from "../plans/business-plan.entity";
import { User } from "../users/user.entity";

/**
 * A remark on a plan or on an objective (exactly one of planId, objectiveId is set).
 * Notes are only ever added: there is no update and no delete (they go with their plan or objective).
 */
@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("note")
export class Note {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Index()
  @Column({ type: "integer", nullable: true })
  planId: number | null;

  @ManyToOne(() => BusinessPlan, { onDelete: "CASCADE" })
  @JoinColumn({ name: "plan_id" })
  planRef?: BusinessPlan;

  @Index()
  @Column({ type: "integer", nullable: true })
  objectiveId: number | null;

  @ManyToOne(() => Objective, { onDelete: "CASCADE" })
  @JoinColumn({ name: "objective_id" })
  objectiveRef?: Objective;

  @Index()
  @Column({ type: "integer" })
  authorId: number;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "author_id" })
  authorRef?: User;

  @Field()
  @Column({ type: "text" })
  body: string;

  @Field()
  @Column({ type: Date })
  createdAt: Date;
}
