import { describe, expect, it } from "vitest";
import { StatementNames } from "../src/db/statement-names";

/** Which SQL texts are kept prepared per PostgreSQL connection (src/db/statement-names.ts). */
describe("StatementNames", () => {
  it("names a text from its second use on, the same name every time, one name per text", () => {
    const n = new StatementNames();
    expect(n.nameFor("SELECT 1")).toBeUndefined();
    const name = n.nameFor("SELECT 1");
    expect(name).toMatch(/^p_[0-9a-f]{24}$/);
    expect(n.nameFor("SELECT 1")).toBe(name);
    n.nameFor("SELECT 2");
    expect(n.nameFor("SELECT 2")).not.toBe(name);
  });

  it("names at most `max` texts; later texts run unnamed, the named ones keep their names", () => {
    const n = new StatementNames(3);
    const names = ["a", "b", "c"].map((t) => (n.nameFor(t), n.nameFor(t)));
    expect(names.every((x) => x !== undefined)).toBe(true);
    expect(n.nameFor("d")).toBeUndefined();
    expect(n.nameFor("d")).toBeUndefined();
    expect(["a", "b", "c"].map((t) => n.nameFor(t))).toEqual(names);
  });

  it("forgets one-off texts beyond `remembered`, so a stream of distinct texts does not grow it", () => {
    const n = new StatementNames(64, 10);
    n.nameFor("first");
    for (let i = 0; i < 20; i++) n.nameFor(`one-off ${i}`);
    // "first" was forgotten: its next use counts as its first again
    expect(n.nameFor("first")).toBeUndefined();
    expect(n.nameFor("first")).toBeDefined();
  });
});
