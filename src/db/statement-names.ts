import { createHash } from "node:crypto";

/**
 * Which SQL texts PostgreSQL keeps prepared on each pooled connection (node-postgres named
 * statements: parsed and analysed once per connection, then only bound and executed). A large
 * generated statement (compiled reads' account view, ~5 KB) costs PostgreSQL more to parse and
 * plan than to answer a small query: 5.5 against 4.0 ms of backend CPU per execution at the
 * bench's M size (docs/performance.md).
 *
 * Prepared statements live as long as the connection, on the server and in the driver, so the
 * number of texts is bounded: a text is named once it has been seen twice (one-off texts never
 * are), and at most `max` texts per process are named; later ones run unnamed, as before.
 */
export class StatementNames {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly max = 64,
    private readonly remembered = 1000,
  ) {}

  /** The statement name for `sql`, or undefined to run it unnamed. */
  nameFor(sql: string): string | undefined {
    const named = this.names.get(sql);
    if (named !== undefined) return named;
    if (this.names.size >= this.max) return undefined;
    const n = (this.seen.get(sql) ?? 0) + 1;
    this.seen.delete(sql); // most recently seen last
    if (n < 2) {
      this.seen.set(sql, n);
      if (this.seen.size > this.remembered) this.seen.delete(this.seen.keys().next().value as string);
      return undefined;
    }
    const name = `p_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}`;
    this.names.set(sql, name);
    return name;
  }
}
