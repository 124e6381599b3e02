/**
 * The Decimal and DateTimeISO scalars pass text already in their output's form through as it is
 * (history pages read amounts and times as PostgreSQL's text): the same answer as from the value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { formatMoney, Money } from "../../src/shared/money.js";
import { DateTimeISOScalar, DecimalScalar } from "../../src/shared/scalars.js";

describe("scalars", () => {
  it("DateTimeISO writes a time given as its toISOString exactly as it writes the Date", () => {
    const dates = fc.date({ min: new Date("0000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z") });
    fc.assert(
      fc.property(dates, (d) => {
        fc.pre(!Number.isNaN(d.getTime()));
        const iso = d.toISOString();
        expect(DateTimeISOScalar.serialize(iso)).toBe(DateTimeISOScalar.serialize(d));
        expect(DateTimeISOScalar.serialize(iso)).toBe(iso);
      }),
      { numRuns: 2000 },
    );
  });

  it("DateTimeISO still turns other ISO-8601 text into its own form, as graphql-scalars does", () => {
    for (const text of [
      "2020-01-10T14:17:24Z",
      "2020-01-10T14:17:24.1Z",
      "2020-01-10T15:17:24.099+01:00",
      "2020-01-10T14:17:24.099123Z",
    ]) {
      expect(DateTimeISOScalar.serialize(text)).toBe(GraphQLDateTimeISO.serialize(text));
    }
    expect(DateTimeISOScalar.serialize("2020-01-10T15:17:24.099+01:00")).toBe("2020-01-10T14:17:24.099Z");
    expect(() => DateTimeISOScalar.serialize("yesterday")).toThrow();
  });

  it("Decimal writes an amount given as a decimal(18,2) column's text exactly as it writes the amount", () => {
    const cents = fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n });
    fc.assert(
      fc.property(cents, (c) => {
        const value = new Money(c.toString()).dividedBy(100);
        const text = value.toFixed(2); // PostgreSQL's text of a numeric(18,2): no "-0.00", no leading zeros
        expect(DecimalScalar.serialize(text)).toBe(DecimalScalar.serialize(value));
        expect(DecimalScalar.serialize(text)).toBe(formatMoney(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("Decimal still writes other text in its own form", () => {
    expect(DecimalScalar.serialize("-0.00")).toBe("0.00");
    expect(DecimalScalar.serialize("007.50")).toBe("7.50");
    expect(DecimalScalar.serialize("7.5")).toBe("7.50");
    expect(DecimalScalar.serialize("2.345")).toBe("2.34");
    expect(DecimalScalar.serialize("-0.05")).toBe("-0.05");
  });
});
