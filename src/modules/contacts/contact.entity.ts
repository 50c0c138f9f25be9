import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../../graphql/node";
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Account } from "../accounts/account.entity";

@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("contact")
export class Contact {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  firstName: string;

  @Field()
  @Column({ type: "varchar", length: 200 })
  lastName: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 320, nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 200, nullable: true })
  jobTitle: string | null;

  @Index()
  @Column({ type: "integer" })
  accountId: number;

  @ManyToOne(() => Account, { onDelete: "CASCADE" })
  @JoinColumn({ name: "account_id" })
  accountRef?: Account;

  @CreateDateColumn()
  createdAt: Date;
}
