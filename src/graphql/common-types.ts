import { Field, ObjectType } from "type-graphql";

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export const LIMITS = {
  name: 200,
  short: 200,
  email: 320,
  text: 10_000,
  comment: 2_000,
  search: 200,
  listIds: 50,
} as const;
