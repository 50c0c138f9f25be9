/**
 * Global ids in tests: `gid("Account", 1)` is the id the API serves for Account 1 (the server's
 * own codec, src/common/ids.ts). Use it wherever a test builds an id from a database key or a
 * number it knows (demo data, rows created through services); ids read from responses are
 * already global.
 */
export { fromGlobalId, toGlobalId as gid } from "../../src/common/ids";

import { fromGlobalId } from "../../src/common/ids";

/** The database key behind a global id the API served (for SQL in tests); throws on anything else. */
export function keyOf(id: string): number {
  const g = fromGlobalId(id);
  if (!g) throw new Error(`not a global id: ${JSON.stringify(id)}`);
  return g.id;
}
