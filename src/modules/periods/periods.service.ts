import { assertAdmin } from "../../auth/policy";
import type { PeriodType } from "../../common/enums";
import { badInput } from "../../common/errors";
import { findOptional } from "../../common/find";
import type { Database } from "../../db/data-source";
import type { User } from "../users/user.entity";
import { Period } from "./period.entity";
import type { CreatePeriodInput } from "./periods.inputs";

/** true when period `inner` lies within `outer` (dates inclusive, "YYYY-MM-DD" compare as strings). */
export const within = (inner: { startDate: string; endDate: string }, outer: { startDate: string; endDate: string }) =>
  inner.startDate >= outer.startDate && inner.endDate <= outer.endDate;

export class PeriodsService {
  constructor(private readonly db: Database) {}

  async create(actor: User, input: CreatePeriodInput): Promise<Period> {
    assertAdmin(actor, "create periods");
    if (input.endDate <= input.startDate) throw badInput("endDate", "must be after startDate");
    return this.db.write(async (em) => {
      const parent = await findOptional(em, Period, input.parentId, "Period");
      if (parent && !within(input, parent)) {
        throw badInput("parentId", `the period must lie within its parent ${parent.name} (${parent.startDate}..${parent.endDate})`);
      }
      const { name, type, startDate, endDate } = input;
      return em.save(em.create(Period, { name: name.trim(), type, startDate, endDate, parentId: parent?.id ?? null }));
    });
  }

  list(type: PeriodType | null | undefined): Promise<Period[]> {
    return this.db.manager.find(Period, {
      where: type ? { type } : {},
      order: { startDate: "ASC", endDate: "DESC", id: "ASC" },
    });
  }
}
