/**
 * What an order owes or was overpaid, and whether it may be paid for what it owes: pure, no I/O.
 * An order that was never edited keeps the ancestor's arithmetic (amountOutstanding = total −
 * amountPaid). Once an edit changed its total, what it owes is measured against what was paid net
 * of refunds, since an edit's settlement may itself have refunded part of what was paid (README,
 * "Editing an order").
 */
import { Money, ZERO } from "../shared/money.js";
import { paymentError, type OrderRules, type OrderStatus } from "./status.js";

/** The columns the balance reads. */
export interface OrderBalanceFacts {
  status: OrderStatus;
  total: Money;
  amountPaid: Money;
  amountRefunded: Money;
  isPaid: boolean;
  editVersion: number;
}

/** What was paid and not given back. */
export function netPaid(o: Pick<OrderBalanceFacts, "amountPaid" | "amountRefunded">): Money {
  return o.amountPaid.minus(o.amountRefunded);
}

/**
 * What the order still owes (negative when more was paid than it costs): total − amountPaid, or,
 * once edited, total − (amountPaid − amountRefunded).
 */
export function amountOutstanding(
  o: Pick<OrderBalanceFacts, "total" | "amountPaid" | "amountRefunded" | "editVersion">,
): Money {
  return o.total.minus(o.editVersion > 0 ? netPaid(o) : o.amountPaid);
}

/** What was paid beyond the total and not given back yet: (amountPaid − amountRefunded) − total, never below zero. */
export function amountOverpaid(o: Pick<OrderBalanceFacts, "total" | "amountPaid" | "amountRefunded">): Money {
  return Money.max(ZERO, netPaid(o).minus(o.total));
}

/** Whether nothing is left to pay (isPaid is kept to this with every payment and edit). */
export function paidInFull(
  o: Pick<OrderBalanceFacts, "total" | "amountPaid" | "amountRefunded" | "editVersion">,
): boolean {
  return amountOutstanding(o).lte(ZERO);
}

/**
 * Whether orders in `status` may still be edited: PROCESSING, and every status the transition table
 * lets move to PROCESSING (a status missing from the table may move anywhere).
 */
export function editableStatus(rules: OrderRules, status: OrderStatus): boolean {
  if (status === "PROCESSING") return true;
  const allowed = rules.transitions[status];
  return !allowed || allowed.includes("PROCESSING");
}

/**
 * Null when the order may be paid now, else why not. The ancestor's rule (status.ts: not paid, a
 * payable status), widened for one case: an edited order that owes money again may be paid for
 * what it owes in any status it could still be edited in (PROCESSING included).
 */
export function orderPaymentError(
  rules: OrderRules,
  o: OrderBalanceFacts,
): { kind: "paid" | "status"; message: string } | null {
  const refusal = paymentError(rules, o);
  if (refusal?.kind === "status" && o.editVersion > 0 && editableStatus(rules, o.status)) return null;
  return refusal;
}
