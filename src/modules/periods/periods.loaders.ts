import { manyLoader } from "../../loaders/loader-kit";
import type { LoaderKit } from "../../loaders/loaders";
import { Period } from "./period.entity";

/** The documented period order (start date, id), for alias "t". */
const SQL_PERIOD_ORDER = `"t"."start_date" ASC, "t"."id" ASC`;

/** The periods module's per-request loaders (composed by src/registry.ts). */
export function periodLoaders(k: LoaderKit) {
  const { o, raw } = k;
  return {
    period: k.byIds(Period),
    periodChildren: manyLoader<Period>(
      o,
      (ids) => raw(Period).whereIn("parent_id", ids, SQL_PERIOD_ORDER),
      (r) => r.parentId ?? 0,
    ),
  };
}

export type PeriodLoaders = ReturnType<typeof periodLoaders>;
declare module "../../loaders/loaders" {
  interface Loaders extends PeriodLoaders {}
}
