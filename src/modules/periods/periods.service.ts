import { assertAdmin } from "../../auth/policy";
import type { PeriodType } from "../../common/enums";
import { badInput, notFound } from "../../common/errors";
import type { Database } from "../../db/data-source";
import type { User } from "../users/user.entity";
import { Period } from "./period.entity";

export interface NewPeriod {
  name: string;
  type: PeriodType;
  startDate: string;
  endDate: string;
  parentId?: number | null;
  rawParentId?: string | null;
}

/** true when period `inner` lies within `outer` (dates inclusive, "YYYY-MM-DD" compare as strings). */
export const within = (inner: { startDate: string; endDate: string }, outer: { startDate: string; endDate: string }) =>
  inner.startDate >= outer.startDate && inner.endDate <= outer.endDate;

export class PeriodsService {
  constructor(private readonly db: Database) {}

  async create(actor: User, input: NewPeriod): Promise<Period> {
    assertAdmin(actor, "create periods");
    if (input.endDate <= input.startDate) throw badInput("endDate", "must be after startDate");
    return this.db.write(async (em) => {
      let parentId: number | null = null;
      if (input.rawParentId != null) {
        const parent = input.parentId ? await em.findOne(Period, { where: { id: input.parentId } }) : null;
        if (!parent) throw notFound("Period", input.rawParentId);
        if (!within(input, parent)) {
          throw badInput("parentId", `the period must lie within its parent ${parent.name} (${parent.startDate}..${parent.endDate})`);
        }
        parentId = parent.id;
      }
      return em.save(em.create(Period, { ...input, name: input.name.trim(), parentId }));
    });
  }

  list(type: PeriodType | null | undefined): Promise<Period[]> {
    return this.db.manager.find(Period, {
      where: type ? { type } : {},
      order: { startDate: "ASC", endDate: "DESC", id: "ASC" },
    });
  }
}
