/**
 * Field positions: the per-position loaders of computed figures (`ctx.loaders.rollup(position)`,
 * `ctx.loaders.progress(position)`) take one DataLoader per position of a field in the query, so that
 * the account view costs one statement per depth whatever order the database answers in.
 */

/** Resolve-info property under which the jit executor (graphql/jit-executor.ts) gives a field position's key. */
export const FIELD_POSITION_KEY = "fieldPosition";

/**
 * The position of a field in the query, without list indices: "account.businessPlans.children.rollup"
 * (graphql-js), or the key the jit executor gave this position of the compiled operation. Memoised on
 * graphql-js' path objects, which list items of the same parent share.
 */
const positions = new WeakMap<object, string>();
export function fieldPosition(info: { path: Path }): string {
  const given = (info as { [FIELD_POSITION_KEY]?: unknown })[FIELD_POSITION_KEY];
  return typeof given === "string" ? given : positionOf(info.path);
}
interface Path {
  readonly prev: Path | undefined;
  readonly key: string | number;
}
function positionOf(path: Path | undefined): string {
  if (!path) return "";
  if (typeof path.key === "number") return positionOf(path.prev);
  const hit = positions.get(path);
  if (hit !== undefined) return hit;
  const parent = positionOf(path.prev);
  const own = parent ? `${parent}.${path.key}` : path.key;
  positions.set(path, own);
  return own;
}
