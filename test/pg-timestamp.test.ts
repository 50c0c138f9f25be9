import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePgUtcTimestamp } from "../src/db/pg-timestamp";

/** The parser it replaces (src/db/data-source.ts before): an ISO string through Date's parser. */
const stringParser = (s: string) => (s.includes("infinity") ? null : new Date(`${s.replace(" ", "T")}Z`));
const millis = (d: Date | null) => (d === null ? null : Number.isNaN(d.getTime()) ? "invalid" : d.getTime());
const pad = (n: number, w: number) => String(n).padStart(w, "0");

describe("PostgreSQL TIMESTAMP text -> Date (UTC)", () => {
  it("gives the instant the string parser gives, for every PostgreSQL text of an instant in years 1000-9999 with 0-6 fraction digits", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 6 }), (t, micro, digits) => {
        const d = new Date(t);
        const fraction = pad(d.getUTCMilliseconds() * 1000 + micro, 6).slice(0, digits);
        const s = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}${digits ? `.${fraction}` : ""}`;
        expect(millis(parsePgUtcTimestamp(s))).toBe(millis(stringParser(s)));
      }),
      { numRuns: 2000 },
    );
  });

  it("leaves the other forms to the string parser", () => {
    for (const s of ["infinity", "-infinity", "0099-01-01 00:00:00", "0044-03-15 12:00:00 BC", "2026-05-04 10:00:00.", "2024-02-29 12:00:00", "2026-05-04T10:00:00", "12026-05-04 10:00:00"]) {
      expect(millis(parsePgUtcTimestamp(s)), s).toBe(millis(stringParser(s)));
    }
    expect(parsePgUtcTimestamp("2026-05-04 10:00:00.123456")?.toISOString()).toBe("2026-05-04T10:00:00.123Z");
  });
});
