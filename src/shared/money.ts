/**
 * Money is decimal.js from the database to the wire: two places, rounded half-even, in `roundMoney`
 * and nowhere else. No JavaScript number ever holds an amount.
 */
import Decimal from "decimal.js";

/** A decimal.js constructor of our own, so that no other library's settings leak in. */
export const Money = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type Money = Decimal;

/** Largest magnitude a decimal(18,2) column holds. */
const LIMIT = new Money("1e16");

export const ZERO: Money = new Money(0);

/** Anything decimal-like (decimal.js of any copy, Prisma.Decimal, a numeric string) as our Money. */
export function toMoney(value: Decimal.Value): Money {
  return value instanceof Money ? value : new Money(value);
}

/** The one rounding function: two places, half-even (3.335 → 3.34, 2.345 → 2.34). */
export function roundMoney(value: Money): Money {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
}

/** "33.00": how amounts go on the wire. */
export function formatMoney(value: Decimal.Value): string {
  const money = toMoney(value);
  // Amounts read from decimal(18,2) columns already have two places: nothing to round.
  return twoPlaces(money) ?? roundMoney(money).toFixed(2);
}

const ZEROS = "0000000";

/**
 * The text of a value with at most two decimal places, exactly as `toFixed(2)` writes it, or null
 * when it has more (or is not finite). Every amount on the wire goes through here, so it reads
 * decimal.js's documented representation (digits `d` in base 1e7 words, the first word holding the
 * digits up to and including the exponent's place, exponent `e`, sign `s`) instead of letting
 * toFixed copy and round a value that needs no rounding (a page of 100 orders with every field
 * writes ~1,400 amounts; what that costs either way is in BENCHMARKS.md). A property test checks it
 * against toFixed, so a decimal.js that changed its representation fails the suite, not the answers.
 */
export function twoPlaces(x: Money): string | null {
  const d = x.d;
  if (!d) return null;
  const e = x.e;
  if (e >= 0 && e < 7 && d.length <= 2) {
    // Below 10,000,000 (most amounts): the first word is the integer part, the second (if any)
    // the fraction's first seven digits.
    const cents = d.length === 2 ? d[1] / 100000 : 0;
    if (cents % 1 !== 0) return null;
    const sign = x.s < 0 && (d[0] !== 0 || cents !== 0) ? "-" : "";
    return `${sign}${d[0]}.${cents < 10 ? "0" : ""}${cents}`;
  }
  let digits = String(d[0]);
  for (let i = 1; i < d.length; i++) {
    const w = String(d[i]);
    digits += ZEROS.slice(w.length) + w;
  }
  const intLength = e + 1;
  let int: string;
  let frac: string;
  if (intLength <= 0) {
    // A non-zero value below 0.01 has a digit past the second place.
    if (intLength < -1) return null;
    int = "0";
    frac = (intLength === 0 ? "" : "0") + digits;
  } else if (digits.length <= intLength) {
    int = digits + "0".repeat(intLength - digits.length);
    frac = "";
  } else {
    int = digits.slice(0, intLength);
    frac = digits.slice(intLength);
  }
  if (frac.length > 2) {
    for (let i = 2; i < frac.length; i++) if (frac.charCodeAt(i) !== 48) return null;
    frac = frac.slice(0, 2);
  } else if (frac.length < 2) {
    frac = frac.length === 1 ? frac + "0" : "00";
  }
  // toFixed writes a minus sign only on a non-zero value.
  return x.s < 0 && !(int === "0" && frac === "00") ? `-${int}.${frac}` : `${int}.${frac}`;
}

export function sumMoney(values: Iterable<Money>): Money {
  let sum = ZERO;
  for (const v of values) sum = sum.plus(v);
  return sum;
}

/**
 * How a money amount is written by a client: an optional leading minus, digits, and at most two
 * decimal places ("12", "12.3", "-12.30"). No exponent, no "+", no ".5" or "5.", no spaces, no
 * thousands separators: what is typed by hand is either exactly an amount or refused, never
 * rounded or read loosely.
 */
export const MONEY_TEXT = /^-?\d+(\.\d{1,2})?$/;

/**
 * Parses an amount written as MONEY_TEXT (a string; JSON numbers are refused: a float cannot be
 * trusted to hold cents). Null when it is not such a text or does not fit decimal(18,2).
 */
export function parseMoney(raw: unknown): Money | null {
  if (typeof raw !== "string" || !MONEY_TEXT.test(raw)) return null;
  const value = new Money(raw);
  if (value.abs().gte(LIMIT)) return null;
  return value.isZero() ? ZERO : value; // no "-0.00"
}
