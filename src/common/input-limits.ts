/**
 * @deprecated The limits live in src/common/limits.ts; this re-export only keeps branches written
 * before the move compiling. Import from "./limits".
 */
export { filterValues, MAX_FILTER_VALUES } from "./limits";
