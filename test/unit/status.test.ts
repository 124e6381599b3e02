import { describe, expect, it } from "vitest";
import { Money } from "../../src/shared/money.js";
import {
  DEFAULT_RULES,
  defineOrderRules,
  mustBePaidBefore,
  ORDER_STATUSES,
  paymentError,
  statusTransitions,
  transitionError,
  type OrderFacts,
  type OrderStatus,
} from "../../src/orders/status.js";

const facts = (status: OrderStatus, paid = false): OrderFacts => ({
  status,
  total: new Money("10"),
  amountPaid: new Money(paid ? "10" : "0"),
  isPaid: paid,
});

// The full matrix of the REST ancestor (reference §2.2): rows = current status.
const MATRIX: Record<OrderStatus, OrderStatus[]> = {
  NEW: ["NEW", "CREATED"],
  CREATED: ["CREATED", "HOLD", "FAILED", "CANCELLED", "PROCESSING"],
  HOLD: ["HOLD", "FAILED", "CANCELLED", "PROCESSING"],
  FAILED: ["FAILED", "CANCELLED", "PROCESSING"],
  CANCELLED: ["CANCELLED"],
  PROCESSING: ["PROCESSING", "SHIPPED", "COMPLETED", "REFUNDED"],
  SHIPPED: ["SHIPPED", "COMPLETED", "REFUNDED"],
  COMPLETED: ["COMPLETED", "REFUNDED"],
  REFUNDED: ["REFUNDED"],
};

describe("transition rules", () => {
  it("match the reference matrix for every (from, to) pair", () => {
    let checked = 0;
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const error = transitionError(DEFAULT_RULES, facts(from), to);
        expect(error === null, `${from} -> ${to}`).toBe(MATRIX[from].includes(to));
        checked++;
      }
    }
    expect(checked).toBe(81);
  });

  it("word the refusal exactly as the REST API does", () => {
    expect(transitionError(DEFAULT_RULES, facts("HOLD"), "SHIPPED")).toBe(
      "Can't change order with status 'Hold' to 'Shipped'.",
    );
    expect(transitionError(DEFAULT_RULES, facts("NEW"), "COMPLETED")).toBe(
      "Can't change order with status 'New' to 'Completed'.",
    );
  });

  it("list every status in declaration order with its reason", () => {
    const list = statusTransitions(DEFAULT_RULES, facts("HOLD"));
    expect(list.map((t) => t.value)).toEqual([...ORDER_STATUSES]);
    expect(list.filter((t) => t.error === null).map((t) => t.value)).toEqual([
      "HOLD",
      "FAILED",
      "CANCELLED",
      "PROCESSING",
    ]);
    expect(list[0]).toEqual({ value: "NEW", label: "New", error: "Can't change order with status 'Hold' to 'New'." });
  });

  it("take a custom table and extra rules without other changes", () => {
    const rules = defineOrderRules({
      transitions: { ...DEFAULT_RULES.transitions, CANCELLED: ["CREATED"] },
      rules: [mustBePaidBefore("COMPLETED")],
    });
    expect(transitionError(rules, facts("CANCELLED"), "CREATED")).toBeNull();
    expect(transitionError(rules, facts("PROCESSING"), "COMPLETED")).toBe(
      "Order must be paid before it can be marked as Completed.",
    );
    expect(transitionError(rules, facts("PROCESSING", true), "COMPLETED")).toBeNull();
    // the table is checked first
    expect(transitionError(rules, facts("NEW"), "COMPLETED")).toBe(
      "Can't change order with status 'New' to 'Completed'.",
    );
  });

  it("let a status missing from the table move anywhere, like the ancestor", () => {
    const rules = defineOrderRules({ transitions: { NEW: ["CREATED"] } });
    expect(transitionError(rules, facts("HOLD"), "REFUNDED")).toBeNull();
  });
});

describe("payability", () => {
  it("checks already paid first, then the payable statuses", () => {
    expect(paymentError(DEFAULT_RULES, facts("NEW", true))?.message).toBe("This order has already been paid for.");
    expect(paymentError(DEFAULT_RULES, facts("NEW"))?.message).toBe(
      "Payment for order with status 'New' is not allowed.",
    );
    for (const s of ["CREATED", "HOLD", "FAILED"] as const) expect(paymentError(DEFAULT_RULES, facts(s))).toBeNull();
  });
});
