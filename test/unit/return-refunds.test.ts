/**
 * The apportioning rule of return refunds (returns/return.rules.ts): whatever the lines, extra rows,
 * earlier partial refunds and the order returns come in, the cents add up to what was paid, never more.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refundCountedAgainstPaid } from "../../src/orders/order.balance.js";
import { returnRefundDue, type RefundFacts } from "../../src/returns/return.rules.js";
import type { ReturnStatus } from "../../src/returns/return.model.js";
import { Money, roundMoney, ZERO } from "../../src/shared/money.js";

const cents = (n: number) => new Money(n).div(100);

type Ret = { id: number; status: ReturnStatus; amountRefunded: Money; lines: { itemId: number; quantity: number }[] };

/** Refunds every return in turn, as refundReturn does, with `goodwill` refunded by staff before the first. */
function refundAll(
  items: { id: number; quantity: number; total: Money }[],
  extra: Money,
  paid: Money,
  goodwill: Money,
  returns: Ret[],
): { given: Money[]; order: RefundFacts["order"] } {
  const total = items.reduce((s, i) => s.plus(i.total), ZERO).plus(extra);
  const fromPaid = refundCountedAgainstPaid("payment", goodwill, {
    total,
    amountPaid: paid,
    amountRefundedFromPaid: ZERO,
  });
  const order = { total, amountPaid: paid, amountRefunded: goodwill, amountRefundedFromPaid: fromPaid };
  const given: Money[] = [];
  for (const r of returns) {
    r.status = "RECEIVED";
    const due = returnRefundDue({ order, items, returns }, r.id);
    expect(due.gte(0)).toBe(true);
    expect(roundMoney(due).eq(due)).toBe(true);
    r.amountRefunded = due;
    r.status = "REFUNDED";
    order.amountRefunded = order.amountRefunded.plus(due);
    expect(order.amountRefunded.lte(order.amountPaid)).toBe(true); // never more than was paid
    given.push(due);
  }
  return { given, order };
}

describe("return refunds", () => {
  it("the README's example: 31.00 for Tea 3 × 6.00, Cup 8.00 and 5.00 shipping, a unit at a time", () => {
    const items = [
      { id: 1, quantity: 3, total: new Money("18.00") },
      { id: 2, quantity: 1, total: new Money("8.00") },
    ];
    const returns: Ret[] = [1, 1, 1, 2].map((itemId, i) => ({
      id: i + 1,
      status: "REQUESTED",
      amountRefunded: ZERO,
      lines: [{ itemId, quantity: 1 }],
    }));
    const { given } = refundAll(items, new Money("5.00"), new Money("31.00"), ZERO, returns);
    expect(given.map((g) => g.toFixed(2))).toEqual(["7.15", "7.16", "7.15", "9.54"]);
  });

  it("an earlier partial refund is shared by every line: the returns give back the rest, exactly", () => {
    const items = [{ id: 1, quantity: 2, total: new Money("10.00") }];
    const returns: Ret[] = [1, 2].map((id) => ({
      id,
      status: "REQUESTED",
      amountRefunded: ZERO,
      lines: [{ itemId: 1, quantity: 1 }],
    }));
    const { given, order } = refundAll(items, ZERO, new Money("10.00"), new Money("3.00"), returns);
    expect(given.map((g) => g.toFixed(2))).toEqual(["3.50", "3.50"]);
    expect(order.amountRefunded.toFixed(2)).toBe("10.00");
  });

  it("a refund that gave back an overpayment (an edit's settlement) is not taken off the goods' share again", () => {
    // 31.00 paid, an edit lowered the total to 20.00 and refunded 11.00: the two cups are worth 20.00
    const items = [{ id: 1, quantity: 2, total: new Money("20.00") }];
    const order = {
      total: new Money("20.00"),
      amountPaid: new Money("31.00"),
      amountRefunded: new Money("11.00"),
      amountRefundedFromPaid: new Money("11.00"),
    };
    const returns: Ret[] = [{ id: 1, status: "RECEIVED", amountRefunded: ZERO, lines: [{ itemId: 1, quantity: 2 }] }];
    expect(returnRefundDue({ order, items, returns }, 1).toFixed(2)).toBe("20.00");
  });

  it("whatever the order, lines, rows and partial refunds: every unit back gives back exactly what was paid less other refunds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 7 }), cents: fc.integer({ min: 0, max: 99_999 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: -2_000, max: 5_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (lines, extraCents, goodwillPercent, seed) => {
          const items = lines.map((l, i) => ({ id: i + 1, quantity: l.quantity, total: cents(l.cents) }));
          const subtotal = items.reduce((s, i) => s.plus(i.total), ZERO);
          const extra = Money.max(subtotal.neg(), cents(extraCents)); // a discount never below zero in total
          const paid = subtotal.plus(extra);
          const goodwill = roundMoney(paid.times(goodwillPercent).div(400));
          // every unit, in returns of one to three units, in a shuffled order
          const units = items.flatMap((i) => Array.from({ length: i.quantity }, () => i.id));
          let x = seed;
          const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
          for (let i = units.length - 1; i > 0; i--) {
            const j = next() % (i + 1);
            [units[i], units[j]] = [units[j], units[i]];
          }
          const returns: Ret[] = [];
          for (let k = 0; k < units.length;) {
            const size = 1 + (next() % 3);
            const chunk = units.slice(k, k + size);
            k += size;
            const byItem = new Map<number, number>();
            for (const u of chunk) byItem.set(u, (byItem.get(u) ?? 0) + 1);
            returns.push({
              id: returns.length + 1,
              status: "REQUESTED",
              amountRefunded: ZERO,
              lines: [...byItem].map(([itemId, quantity]) => ({ itemId, quantity })),
            });
          }
          const { given, order } = refundAll(items, extra, paid, goodwill, returns);
          const sum = given.reduce((s, g) => s.plus(g), ZERO);
          expect(sum.toFixed(2)).toBe(subtotal.gt(0) ? paid.minus(goodwill).toFixed(2) : "0.00");
          expect(order.amountRefunded.lte(paid)).toBe(true);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
  });
});
