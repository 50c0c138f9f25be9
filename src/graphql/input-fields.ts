import { IsOptional, Length, Matches, Max, MaxLength, Min } from "class-validator";
import { Field, Int } from "type-graphql";
import { LIMITS } from "../common/limits";

interface FieldOptions {
  nullable?: boolean;
  description?: string;
}

const apply = (target: object, key: string | symbol, decorators: PropertyDecorator[]) => {
  // in the order TypeScript applies stacked decorators (bottom first)
  for (const d of [...decorators].reverse()) d(target, key);
};

/**
 * A name-like text input (name, subject, title): 1 to LIMITS.name characters, not blank.
 * Required unless `nullable` (then null or left out means "unchanged" or "none", as the service says).
 */
export function NameField(opts: FieldOptions = {}): PropertyDecorator {
  return (target, key) =>
    apply(target, key, [
      Field(() => String, opts),
      ...(opts.nullable ? [IsOptional()] : []),
      Length(1, LIMITS.name),
      Matches(/\S/, { message: "$property must not be blank" }),
    ]);
}

/** An optional text input of at most `max` characters (LIMITS.short, LIMITS.text, ...). */
export function TextField(max: number, opts: Omit<FieldOptions, "nullable"> = {}): PropertyDecorator {
  return (target, key) => apply(target, key, [Field(() => String, { nullable: true, ...opts }), IsOptional(), MaxLength(max)]);
}

/** An optional whole number from `min` to `max` (a probability, a quantity). */
export function IntRangeField(min: number, max: number, opts: Omit<FieldOptions, "nullable"> = {}): PropertyDecorator {
  return (target, key) => apply(target, key, [Field(() => Int, { nullable: true, ...opts }), IsOptional(), Min(min), Max(max)]);
}
