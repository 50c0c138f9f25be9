import { IsEnum, Length, Matches } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { PeriodType } from "../../common/enums";
import { LIMITS } from "../../graphql/common-types";
import { DateScalar } from "../../graphql/scalars";

@InputType()
export class CreatePeriodInput {
  @Field()
  @Length(1, LIMITS.name)
  @Matches(/\S/, { message: "$property must not be blank" })
  name: string;

  @Field(() => PeriodType)
  @IsEnum(PeriodType)
  type: PeriodType;

  @Field(() => DateScalar)
  startDate: string;

  @Field(() => DateScalar)
  endDate: string;

  @Field(() => ID, { nullable: true })
  parentId?: string | null;
}
