import { describe, expect, it } from "vitest";
import { formatMoney, Money, parseMoney, roundMoney, sumMoney } from "../../src/shared/money.js";

describe("money", () => {
  it.each([
    ["3.335", "3.34"],
    ["2.345", "2.34"],
    ["10.005", "10.00"],
    ["10.015", "10.02"],
    ["-2.435", "-2.44"],
    ["-2.425", "-2.42"],
    ["21.897", "21.90"],
    ["0", "0.00"],
    ["2.5", "2.50"],
  ])("rounds %s half-even to %s", (input, expected) => {
    expect(roundMoney(new Money(input)).toFixed(2)).toBe(expected);
    expect(formatMoney(input)).toBe(expected);
  });

  it("sums exactly, with no float drift", () => {
    expect(sumMoney(["0.10", "0.20", "1.05"].map((s) => new Money(s))).toFixed(2)).toBe("1.35");
    const many = Array.from({ length: 1000 }, () => new Money("0.01"));
    expect(sumMoney(many).toFixed(2)).toBe("10.00");
  });

  it("parses amounts written as digits with at most two decimal places, exactly, and refuses the rest", () => {
    expect(parseMoney("12.3")?.toFixed(2)).toBe("12.30");
    expect(parseMoney("12")?.toFixed(2)).toBe("12.00");
    expect(parseMoney("-5.05")?.toFixed(2)).toBe("-5.05");
    expect(parseMoney("-0")?.toFixed(2)).toBe("0.00");
    expect(parseMoney("9999999999999999.99")?.toFixed(2)).toBe("9999999999999999.99");
    for (const bad of [
      "5.555",
      "-0.001",
      "1e1",
      "1E1",
      "+3",
      ".5",
      "5.",
      " 7 ",
      "7 ",
      "- 7",
      "--7",
      "1_000",
      12.5,
      10,
      "",
      "abc",
      "1,5",
      "NaN",
      "Infinity",
      "1e400",
      "12.3.4",
      "0x10",
      null,
      true,
      {},
      "99999999999999999",
    ]) {
      expect(parseMoney(bad), String(bad)).toBeNull();
    }
  });
});
