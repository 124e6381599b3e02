/** Properties of the money math and the transition rules, over thousands of generated cases. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney, Money, parseMoney, roundMoney, sumMoney, twoPlaces } from "../../src/shared/money.js";
import {
  DEFAULT_RULES,
  ORDER_STATUSES,
  paymentError,
  statusTransitions,
  transitionError,
  type OrderStatus,
} from "../../src/orders/status.js";
import { checkItems, orderAmounts } from "../../src/orders/order.validation.js";

/** Amounts as exact decimal strings with up to `maxPlaces` places. */
const amounts = (maxPlaces: number) =>
  fc
    .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: maxPlaces }))
    .map(([units, places]) => {
      const neg = units < 0n;
      const digits = (neg ? -units : units).toString().padStart(places + 1, "0");
      return `${neg ? "-" : ""}${places ? `${digits.slice(0, -places)}.${digits.slice(-places)}` : digits}`;
    });
const amount = amounts(4);
/** What a client may type: at most two places. */
const typedAmount = amounts(2);

/** Half-even rounding to cents done by hand on the decimal string (no decimal library). */
function referenceRound(text: string): string {
  const neg = text.startsWith("-");
  const [int, frac = ""] = (neg ? text.slice(1) : text).split(".");
  const padded = (frac + "0000").slice(0, 4);
  let cents = BigInt(int) * 100n + BigInt(padded.slice(0, 2));
  const rest = Number(padded.slice(2));
  if (rest > 50 || (rest === 50 && cents % 2n === 1n)) cents += 1n;
  if (cents === 0n) return "0.00";
  const s = cents.toString().padStart(3, "0");
  return `${neg ? "-" : ""}${s.slice(0, -2)}.${s.slice(-2)}`;
}

describe("money properties", () => {
  it("amounts are written exactly as decimal.js toFixed(2) writes them, whatever the magnitude", () => {
    // Values of every size: results of arithmetic, not only column values (exponents far from the point,
    // several base-1e7 words, negative zero, more than two places).
    const value = fc.oneof(
      amount,
      fc
        .tuple(amount, fc.integer({ min: -40, max: 30 }))
        .map(([a, shift]) => new Money(a).times(new Money(10).pow(shift)).toString()),
      fc.constantFrom(
        "0",
        "-0",
        "0.00",
        "-0.00",
        "0.01",
        "-0.01",
        "0.1",
        "0.005",
        "1e15",
        "9999999999999999.99",
        "1e-30",
        "123456789012345678901234567890.5",
      ),
    );
    fc.assert(
      fc.property(value, (text) => {
        const x = new Money(text);
        const expected = x.decimalPlaces() <= 2 ? x.toFixed(2) : null;
        expect(twoPlaces(x)).toBe(expected);
        expect(formatMoney(x)).toBe((x.decimalPlaces() <= 2 ? x : roundMoney(x)).toFixed(2));
      }),
      { numRuns: 5000 },
    );
  });

  it("rounding is half-even to cents, as done by hand", () => {
    fc.assert(
      fc.property(amount, (a) => {
        expect(roundMoney(new Money(a)).toFixed(2)).toBe(referenceRound(a));
      }),
      { numRuns: 3000 },
    );
  });

  it("an amount typed by hand is taken exactly with up to two places, and refused with more", () => {
    fc.assert(
      fc.property(amount, (a) => {
        const places = a.split(".")[1]?.length ?? 0;
        if (places <= 2) expect(parseMoney(a)?.eq(new Money(a))).toBe(true);
        else expect(parseMoney(a)).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });

  it("sums are exact and order-independent", () => {
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 50 }), (xs) => {
        const values = xs.map((x) => roundMoney(new Money(x)));
        const cents = values.reduce((s, v) => s + BigInt(v.times(100).toFixed(0)), 0n);
        expect(sumMoney(values).times(100).toFixed(0)).toBe(cents.toString());
        expect(sumMoney([...values].reverse()).eq(sumMoney(values))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("order totals are Σ item totals plus extra rows, every item total is subtotal plus its rows", () => {
    const price = fc.integer({ min: 0, max: 10_000_000 }).map((c) => (c / 100).toFixed(2));
    const item = fc.record({
      unitPrice: price,
      quantity: fc.integer({ min: 1, max: 1000 }),
      rows: fc.array(typedAmount, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 10 }),
        fc.array(amount, { maxLength: 3 }),
        (items, rows) => {
          const checked = checkItems(
            items.map((i) => ({
              productType: "p",
              product: { name: "n", code: "c" },
              unitPrice: i.unitPrice,
              quantity: i.quantity,
              extraRows: i.rows.map((a) => ({ label: "r", amount: a })),
            })),
          );
          const extra = rows.map((a) => ({ label: "r", amount: roundMoney(new Money(a)), modifier: null, extra: {} }));
          const { subtotal, total } = orderAmounts(checked, extra);
          for (const [k, c] of checked.entries()) {
            expect(c.subtotal.eq(new Money(items[k].unitPrice).times(items[k].quantity))).toBe(true);
            expect(c.total.eq(c.subtotal.plus(sumMoney(c.extraRows.map((r) => r.amount))))).toBe(true);
          }
          expect(subtotal.eq(sumMoney(checked.map((c) => c.total)))).toBe(true);
          expect(total.eq(subtotal.plus(sumMoney(extra.map((r) => r.amount))))).toBe(true);
          expect(total.decimalPlaces()).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("transition rule properties", () => {
  const status = fc.constantFrom(...ORDER_STATUSES);
  const facts = fc.record({ status, paid: fc.boolean() }).map(({ status, paid }) => ({
    status: status as OrderStatus,
    total: new Money("10"),
    amountPaid: new Money(paid ? "10" : "0"),
    isPaid: paid,
  }));

  it("staying put is always allowed; terminal statuses go nowhere; the listing agrees with transitionError", () => {
    fc.assert(
      fc.property(facts, status, (order, to) => {
        expect(transitionError(DEFAULT_RULES, order, order.status)).toBeNull();
        if (order.status === "CANCELLED" || order.status === "REFUNDED")
          expect(transitionError(DEFAULT_RULES, order, to) === null).toBe(to === order.status);
        const listed = statusTransitions(DEFAULT_RULES, order).find((t) => t.value === to)!;
        expect(listed.error).toBe(transitionError(DEFAULT_RULES, order, to));
      }),
      { numRuns: 2000 },
    );
  });

  it("every walk of allowed moves ends somewhere the table can reach, and nothing leaves REFUNDED", () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 30 }), (targets) => {
        let current: OrderStatus = "NEW";
        for (const to of targets) {
          if (
            transitionError(
              DEFAULT_RULES,
              { status: current, total: new Money(1), amountPaid: new Money(0), isPaid: false },
              to,
            ) === null
          ) {
            if (current === "REFUNDED") expect(to).toBe("REFUNDED");
            current = to;
          }
        }
        expect(ORDER_STATUSES).toContain(current);
      }),
      { numRuns: 2000 },
    );
  });

  it("a paid order is never payable; an unpaid one is payable exactly in the payable statuses", () => {
    fc.assert(
      fc.property(facts, (order) => {
        const err = paymentError(DEFAULT_RULES, order);
        if (order.isPaid) expect(err?.kind).toBe("paid");
        else expect(err === null).toBe(DEFAULT_RULES.payable.includes(order.status));
      }),
    );
  });
});
