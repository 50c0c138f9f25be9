import { Field, ObjectType } from "type-graphql";
import { User } from "./user.entity";

@ObjectType()
export class CreatedUser {
  @Field(() => User)
  user: User;

  @Field({ description: "The user's API token, shown only once." })
  token: string;
}
