/** The fast timestamptz parser answers what pg's own parser (postgres-date) answers, for every shape PostgreSQL sends. */
import fc from "fast-check";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { parseTimestamptz } from "../../src/db/timestamps.js";

const reference = pg.types.getTypeParser(1184, "text") as (text: string) => Date | number | null;
const time = (v: Date | number | null) => (v instanceof Date ? v.getTime() : v);
const pad = (n: number, w: number) => String(n).padStart(w, "0");

const timestamptz = fc
  .record({
    year: fc.integer({ min: 100, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.option(fc.integer({ min: 0, max: 999_999 }).chain((f) => fc.integer({ min: 1, max: 6 }).map((w) => pad(f, 6).slice(0, w)))),
    offset: fc.tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 15 }), fc.option(fc.constantFrom(15, 30, 45))),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}` +
      `${t.fraction !== null ? `.${t.fraction}` : ""}${t.offset[0]}${pad(t.offset[1], 2)}${t.offset[2] !== null ? `:${t.offset[2]}` : ""}`,
  );

describe("timestamptz parsing", () => {
  it("matches postgres-date on every timestamp PostgreSQL writes in the ISO style", () => {
    fc.assert(
      fc.property(timestamptz, (text) => {
        expect(time(parseTimestamptz(text)), text).toBe(time(reference(text)));
      }),
      { numRuns: 10_000 },
    );
  });

  it("matches it on every millisecond, and on what it leaves to the default parser", () => {
    for (let ms = 0; ms < 1000; ms++) {
      for (const frac of [pad(ms, 3), `${pad(ms, 3)}999`, pad(ms, 3).replace(/0+$/, "") || "0"]) {
        const text = `2026-11-27 16:44:47.${frac}+00`;
        expect(time(parseTimestamptz(text)), text).toBe(time(reference(text)));
      }
    }
    for (const text of ["infinity", "-infinity", "0099-01-01 00:00:00+00", "0001-01-01 00:00:00+00 BC", "2026-11-27 16:44:47+05:30:15", "2026-11-27 16:44:47Z", "12026-01-01 00:00:00+00"]) {
      expect(time(parseTimestamptz(text)), text).toBe(time(reference(text)));
    }
  });
});
