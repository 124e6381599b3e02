/**
 * What an order owes or was overpaid, and whether it may be paid for what it owes: pure, no I/O.
 * What counts as paid toward the total is amountPaid − amountRefundedFromPaid: the part of the
 * refunds that gave back what was paid beyond the total (an edit's settlement, staff's refund of an
 * overpayment). Every other refund (a return's, staff's goodwill) is money given back on goods that
 * stay in the total: it never makes an order owe (README, "Paid, owed and refunded").
 */
import { Money, ZERO } from "../shared/money.js";
import { paymentError, type OrderRules, type OrderStatus } from "./status.js";

/** The columns the balance reads. */
export interface OrderBalanceFacts {
  status: OrderStatus;
  total: Money;
  amountPaid: Money;
  amountRefundedFromPaid: Money;
  isPaid: boolean;
  editVersion: number;
}

type Amounts = Pick<OrderBalanceFacts, "total" | "amountPaid" | "amountRefundedFromPaid">;

/** What counts as paid toward the total: amountPaid − amountRefundedFromPaid. */
export function countedPaid(o: Pick<OrderBalanceFacts, "amountPaid" | "amountRefundedFromPaid">): Money {
  return o.amountPaid.minus(o.amountRefundedFromPaid);
}

/** What the order still owes (negative when more counts as paid than it costs): total − countedPaid. */
export function amountOutstanding(o: Amounts): Money {
  return o.total.minus(countedPaid(o));
}

/** What counts as paid beyond the total: countedPaid − total, never below zero. */
export function amountOverpaid(o: Amounts): Money {
  return Money.max(ZERO, countedPaid(o).minus(o.total));
}

/** Whether nothing is left to pay (isPaid is kept to this with every payment and edit; no refund moves it). */
export function paidInFull(o: Amounts): boolean {
  return amountOutstanding(o).lte(ZERO);
}

/**
 * Why money is given back: an edit's settlement (what the new total no longer needs), a refund of a
 * payment asked for by staff (refundOrderPayment, refundOrder), or a return's share of what was paid.
 */
export type RefundKind = "settlement" | "payment" | "return";

/**
 * How much of a refund of `amount` counts against what was paid, to be added to
 * amountRefundedFromPaid in the refund's own transaction (`before`: the order just before it). A
 * settlement's refund counts whole; a payment's refund counts as far as it gives back an
 * overpayment, the rest is money given back that never creates debt; a return's refund pays back
 * goods that stay in the total and counts for nothing. So a refund never makes an order owe.
 */
export function refundCountedAgainstPaid(kind: RefundKind, amount: Money, before: Amounts): Money {
  if (kind === "settlement") return amount;
  if (kind === "return") return ZERO;
  return Money.min(amount, amountOverpaid(before));
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
