/** The pure rules of order edits: which statuses may be edited, the new amounts, and the settlement to the cent. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { editRefusal, planEdit, settle } from "../../src/edits/edit.rules.js";
import {
  amountOutstanding,
  amountOverpaid,
  editableStatus,
  orderPaymentError,
  paidInFull,
  refundCountedAgainstPaid,
} from "../../src/orders/order.balance.js";
import type { OrderItemRecord, OrderRecord } from "../../src/orders/order.model.js";
import { checkNewOrder, InputError } from "../../src/orders/order.validation.js";
import { DEFAULT_RULES, defineOrderRules, ORDER_STATUSES } from "../../src/orders/status.js";
import { Money, ZERO } from "../../src/shared/money.js";

const m = (v: string) => new Money(v);
const cents = fc.integer({ min: 0, max: 10_000_000 }).map((c) => new Money(c).dividedBy(100));

function order(over: Partial<OrderRecord> = {}): OrderRecord {
  return {
    status: "PROCESSING",
    total: m("25.00"),
    subtotal: m("25.00"),
    amountPaid: ZERO,
    amountRefunded: ZERO,
    amountRefundedFromPaid: ZERO,
    isPaid: false,
    editVersion: 0,
    extraRows: [],
    ...over,
  } as OrderRecord;
}

function line(id: number, unitPrice: string, quantity: number): OrderItemRecord {
  const subtotal = m(unitPrice).times(quantity);
  return {
    id,
    orderId: 1,
    productType: "p",
    productId: null,
    product: { name: `L${id}`, code: `C${id}` },
    name: `L${id}`,
    code: `C${id}`,
    unitPrice: m(unitPrice),
    quantity,
    subtotal,
    total: subtotal,
    extraRows: [],
    extra: {},
  };
}

describe("order edits: rules", () => {
  it("an order may be edited in PROCESSING and in every status the table lets move to it", () => {
    const editable = ORDER_STATUSES.filter((s) => editableStatus(DEFAULT_RULES, s));
    expect(editable).toEqual(["CREATED", "HOLD", "FAILED", "PROCESSING"]);
    expect(editRefusal(DEFAULT_RULES, { status: "SHIPPED" })).toBe("Orders with status 'Shipped' can't be edited.");
    // a shop's own table decides
    const strict = defineOrderRules({ transitions: { ...DEFAULT_RULES.transitions, HOLD: ["CANCELLED"] } });
    expect(editableStatus(strict, "HOLD")).toBe(false);
  });

  it("an edited order that owes may be paid in PROCESSING; an order never edited keeps the ancestor's rule", () => {
    const owes = {
      status: "PROCESSING" as const,
      total: m("35"),
      amountPaid: m("25"),
      amountRefundedFromPaid: ZERO,
      isPaid: false,
    };
    expect(orderPaymentError(DEFAULT_RULES, { ...owes, editVersion: 1 })).toBeNull();
    expect(orderPaymentError(DEFAULT_RULES, { ...owes, editVersion: 0 })?.kind).toBe("status");
    expect(orderPaymentError(DEFAULT_RULES, { ...owes, status: "SHIPPED", editVersion: 1 })?.kind).toBe("status");
    expect(orderPaymentError(DEFAULT_RULES, { ...owes, isPaid: true, editVersion: 1 })?.kind).toBe("paid");
  });

  it("what is owed is measured against what counts as paid: only refunds of an overpayment or a settlement lower it", () => {
    const o = { total: m("80"), amountPaid: m("100"), amountRefundedFromPaid: m("20") };
    expect(amountOutstanding(o).toFixed(2)).toBe("0.00");
    expect(amountOverpaid(o).toFixed(2)).toBe("0.00");
    expect(amountOutstanding({ ...o, amountRefundedFromPaid: ZERO }).toFixed(2)).toBe("-20.00");
    expect(amountOverpaid({ ...o, amountRefundedFromPaid: ZERO }).toFixed(2)).toBe("20.00");
  });

  it("a refund counts against what was paid whole (a settlement), up to the overpayment (a payment's), or not at all (a return's)", () => {
    const o = { total: m("80"), amountPaid: m("100"), amountRefundedFromPaid: m("5") };
    expect(refundCountedAgainstPaid("settlement", m("30"), o).toFixed(2)).toBe("30.00");
    expect(refundCountedAgainstPaid("payment", m("30"), o).toFixed(2)).toBe("15.00");
    expect(refundCountedAgainstPaid("payment", m("10"), o).toFixed(2)).toBe("10.00");
    expect(refundCountedAgainstPaid("return", m("30"), o).toFixed(2)).toBe("0.00");
    expect(refundCountedAgainstPaid("payment", m("30"), { ...o, amountPaid: m("80") }).toFixed(2)).toBe("0.00");
  });

  it("no refund of a payment or a return, however large, makes an order owe or stop being paid", () => {
    fc.assert(
      fc.property(
        cents,
        cents,
        cents,
        fc.array(fc.tuple(fc.constantFrom("payment" as const, "return" as const), cents), { maxLength: 6 }),
        (total, paid, fromPaid0, refunds) => {
          let o = { total, amountPaid: paid, amountRefundedFromPaid: Money.min(fromPaid0, paid) };
          const owed = Money.max(ZERO, amountOutstanding(o));
          const paidBefore = paidInFull(o);
          for (const [kind, amount] of refunds) {
            const counted = refundCountedAgainstPaid(kind, amount, o);
            expect(counted.gte(0) && counted.lte(amount)).toBe(true);
            o = { ...o, amountRefundedFromPaid: o.amountRefundedFromPaid.plus(counted) };
            expect(Money.max(ZERO, amountOutstanding(o)).eq(owed)).toBe(true);
            expect(paidInFull(o)).toBe(paidBefore);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("new amounts are the ones createOrder computes for the same lines", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 50 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.integer({ min: -5000, max: 5000 }), { maxLength: 3 }),
        (lines, rows) => {
          const items = lines.map(([c, q]) => ({
            productType: "p",
            product: { name: "N", code: "C" },
            unitPrice: (c / 100).toFixed(2),
            quantity: q,
          }));
          const extraRows = rows.map((r) => ({ label: "x", amount: (r / 100).toFixed(2) }));
          const made = checkNewOrder({ email: "a@b.co", items, extraRows });
          if (!("total" in made)) throw new Error("refused");
          const plan = planEdit(order(), [line(1, "1.00", 1)], { removeItems: ["1"], addItems: items, extraRows });
          expect(plan.after.subtotal.toFixed(2)).toBe(made.subtotal.toFixed(2));
          expect(plan.after.total.toFixed(2)).toBe(made.total.toFixed(2));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses what createOrder refuses, naming the path under changes", () => {
    const o = order();
    const lines = [line(1, "10.00", 2), line(2, "5.00", 1)];
    const refused = (changes: Parameters<typeof planEdit>[2]) => {
      try {
        planEdit(o, lines, changes);
      } catch (e) {
        if (e instanceof InputError) return e.field;
        throw e;
      }
      return null;
    };
    expect(refused({ changeItems: [{ itemId: "2", quantity: 1.5 }] })).toBe("changes.changeItems.0.quantity");
    expect(refused({ changeItems: [{ itemId: "x", quantity: 1 }] })).toBe("changes.changeItems.0.itemId");
    expect(refused({ removeItems: ["2", "2"] })).toBe("changes.removeItems.1");
    expect(
      refused({ addItems: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: "1", quantity: 0 }] }),
    ).toBe("changes.addItems.0.quantity");
    expect(refused({ changeItems: [{ itemId: "2", unitPrice: "5" }] })).toBe("changes"); // no change at all
    expect(refused({ changeItems: [{ itemId: "2", unitPrice: "5.01" }] })).toBeNull();
  });

  it("a shipped line cannot drop below its shipped quantity nor be removed; a fully shipped order is not editable", () => {
    const o = order();
    const lines = [line(1, "10.00", 3), line(2, "5.00", 1)];
    const shipped = new Map([[1, 2]]);
    const field = (changes: Parameters<typeof planEdit>[2]) => {
      try {
        planEdit(o, lines, changes, shipped);
        return null;
      } catch (e) {
        return e instanceof InputError ? `${e.field}: ${e.message}` : String(e);
      }
    };
    expect(field({ changeItems: [{ itemId: "1", quantity: 1 }] })).toBe(
      "changes.changeItems.0.quantity: 2 of this line were shipped: the quantity can't go below 2.",
    );
    expect(field({ changeItems: [{ itemId: "1", quantity: 2 }] })).toBeNull();
    expect(field({ removeItems: ["1"] })).toBe(
      "changes.removeItems.0: Some of this line was shipped: it can't be removed.",
    );
    expect(field({ removeItems: ["2"] })).toBeNull();
    expect(editRefusal(DEFAULT_RULES, o, lines, shipped)).toBeNull();
    expect(
      editRefusal(
        DEFAULT_RULES,
        o,
        lines,
        new Map([
          [1, 3],
          [2, 1],
        ]),
      ),
    ).toBe("Every line of this order was shipped: it can't be edited.");
  });

  it("settles to the cent: owed, refunded or kept, never more than was paid", () => {
    fc.assert(
      fc.property(
        cents,
        cents,
        cents,
        cents,
        fc.constantFrom("REFUND" as const, "KEEP" as const),
        (paid, refunded0, total, refundable0, choice) => {
          const refunded = Money.min(refunded0, paid);
          const refundable = Money.min(refundable0, paid.minus(refunded));
          const s = settle({ amountPaid: paid, amountRefundedFromPaid: refunded }, total, choice, refundable);
          const net = paid.minus(refunded);
          expect(s.netPaid.eq(net)).toBe(true);
          expect(s.difference.eq(total.minus(net))).toBe(true);
          // owed and overpaid are never both above zero, and what comes back plus what is kept is the overpayment
          expect(s.amountOutstanding.gt(0) && s.amountOverpaid.plus(s.amountRefunded).gt(0)).toBe(false);
          expect(s.amountOutstanding.minus(s.amountRefunded).minus(s.amountOverpaid).eq(s.difference)).toBe(true);
          expect(s.amountRefunded.lte(refundable)).toBe(true);
          if (choice === "KEEP") expect(s.amountRefunded.isZero()).toBe(true);
          for (const x of [s.amountOutstanding, s.amountRefunded, s.amountOverpaid]) expect(x.isNegative()).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
