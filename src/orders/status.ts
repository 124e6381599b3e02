/**
 * Order statuses and the rules for moving between them: plain data and pure functions, no I/O.
 * A shop replaces the table or adds rules through `OrderRules` (see README, "Custom transition
 * rules"); nothing else needs to change.
 */
import type { Money } from "../shared/money.js";

export const ORDER_STATUSES = [
  "NEW",
  "CREATED",
  "HOLD",
  "FAILED",
  "CANCELLED",
  "PROCESSING",
  "SHIPPED",
  "COMPLETED",
  "REFUNDED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const STATUS_LABELS: Record<OrderStatus, string> = {
  NEW: "New",
  CREATED: "Created",
  HOLD: "Hold",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
  PROCESSING: "Processing",
  SHIPPED: "Shipped",
  COMPLETED: "Completed",
  REFUNDED: "Refunded",
};

/** What the rules may look at. */
export interface OrderFacts {
  status: OrderStatus;
  total: Money;
  amountPaid: Money;
  isPaid: boolean;
}

/** An extra rule: the reason the move is refused, or null to let it through. */
export type TransitionRule = (move: { order: OrderFacts; from: OrderStatus; to: OrderStatus }) => string | null;

export interface OrderRules {
  /** Allowed targets per current status (staying put is always allowed). A status missing from the table may move anywhere. */
  transitions: Partial<Record<OrderStatus, readonly OrderStatus[]>>;
  /** Statuses in which an order may be paid. */
  payable: readonly OrderStatus[];
  /** Checked in order after the table, for moves the table allows; the first message wins. */
  rules: readonly TransitionRule[];
}

export const DEFAULT_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  NEW: ["CREATED"],
  CREATED: ["HOLD", "FAILED", "CANCELLED", "PROCESSING"],
  HOLD: ["FAILED", "CANCELLED", "PROCESSING"],
  FAILED: ["CANCELLED", "PROCESSING"],
  CANCELLED: [],
  PROCESSING: ["SHIPPED", "COMPLETED", "REFUNDED"],
  SHIPPED: ["COMPLETED", "REFUNDED"],
  COMPLETED: ["REFUNDED"],
  REFUNDED: [],
};

export const DEFAULT_RULES: OrderRules = {
  transitions: DEFAULT_TRANSITIONS,
  payable: ["CREATED", "HOLD", "FAILED"],
  rules: [],
};

/** Builds a rule set from the defaults and the parts given. */
export function defineOrderRules(parts: Partial<OrderRules> = {}): OrderRules {
  return {
    transitions: parts.transitions ?? DEFAULT_RULES.transitions,
    payable: parts.payable ?? DEFAULT_RULES.payable,
    rules: parts.rules ?? DEFAULT_RULES.rules,
  };
}

/** A ready-made rule: the order must be paid in full before it may enter one of `statuses`. */
export function mustBePaidBefore(...statuses: OrderStatus[]): TransitionRule {
  return ({ order, to }) =>
    statuses.includes(to) && !order.isPaid
      ? `Order must be paid before it can be marked as ${STATUS_LABELS[to]}.`
      : null;
}

export function statusLabel(status: OrderStatus): string {
  return STATUS_LABELS[status] ?? status;
}

/** Null when `order` may move to `to`, else the reason it may not. */
export function transitionError(rules: OrderRules, order: OrderFacts, to: OrderStatus): string | null {
  const from = order.status;
  if (to === from) return null;
  const allowed = rules.transitions[from];
  if (allowed && !allowed.includes(to))
    return `Can't change order with status '${statusLabel(from)}' to '${statusLabel(to)}'.`;
  for (const rule of rules.rules) {
    const error = rule({ order, from, to });
    if (error) return error;
  }
  return null;
}

/** Every status, in declaration order, with the reason a move to it is refused. */
export function statusTransitions(
  rules: OrderRules,
  order: OrderFacts,
): { value: OrderStatus; label: string; error: string | null }[] {
  return ORDER_STATUSES.map((to) => ({ value: to, label: statusLabel(to), error: transitionError(rules, order, to) }));
}

export const ALREADY_PAID_MESSAGE = "This order has already been paid for.";

/** Null when the order can be paid now; else why not. Already paid is checked first. */
export function paymentError(
  rules: OrderRules,
  order: OrderFacts,
): { kind: "paid" | "status"; message: string } | null {
  if (order.isPaid) return { kind: "paid", message: ALREADY_PAID_MESSAGE };
  if (!rules.payable.includes(order.status)) {
    return { kind: "status", message: `Payment for order with status '${statusLabel(order.status)}' is not allowed.` };
  }
  return null;
}
