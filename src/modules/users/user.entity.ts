import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../../graphql/node";
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Role } from "../../common/enums";

@ObjectType({ simpleResolvers: true, implements: Node })
@Entity("app_user")
// Query.users: by name, then id (users-list.ts)
@Index(["name", "id"])
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn()
  id: number;

  @Field()
  @Column({ type: "varchar", length: 200 })
  name: string;

  @Field()
  @Index({ unique: true })
  @Column({ type: "varchar", length: 320 })
  email: string;

  @Field(() => Role)
  @Index()
  @Column({ type: "varchar", length: 32 })
  role: Role;

  @CreateDateColumn()
  createdAt: Date;
}
