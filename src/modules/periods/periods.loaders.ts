import type { LoaderKit } from "../../loaders/loaders";
import { Period } from "./period.entity";

/** The documented period order (start date, id), for alias "t". */
const SQL_PERIOD_ORDER = `"t"."start_date" ASC, "t"."id" ASC`;

/** The periods module's per-request loaders (composed by src/registry.ts). */
export function periodLoaders(k: LoaderKit) {
  return {
    period: k.byIds(Period),
    periodChildren: k.byColumn(Period, "parent_id", (r) => r.parentId, SQL_PERIOD_ORDER),
  };
}

export type PeriodLoaders = ReturnType<typeof periodLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends PeriodLoaders {}
}
