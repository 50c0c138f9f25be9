import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../../graphql/node";
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { PeriodType } from "../../common/enums";
import { DateScalar } from "../../graphql/scalars";

/** A planning period. Dates are calendar dates held as "YYYY-MM-DD"; endDate is inclusive. */
@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("period")
export class Period {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Field(() => PeriodType)
  @Index()
  @Column({ type: "varchar", length: 16 })
  type: PeriodType;

  @Field(() => DateScalar)
  @Index()
  @Column({ type: "date" })
  startDate: string;

  @Field(() => DateScalar)
  @Index()
  @Column({ type: "date" })
  endDate: string;

  @Index()
  @Column({ type: "integer", nullable: true })
  parentId: number | null;

  @ManyToOne(() => Period, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "parent_id" })
  parentRef?: Period;
}
