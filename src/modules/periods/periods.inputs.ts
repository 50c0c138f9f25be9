import { IsEnum } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { PeriodType } from "../../common/enums";
import { DateScalar } from "../../graphql/scalars";
import { NameField } from "../../graphql/input-fields";
@InputType()
export class CreatePeriodInput {
  @NameField()
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
