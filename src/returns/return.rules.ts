/**
 * The rules of returns, as data and pure functions (no I/O): how a return's status may move, how
 * many units of each line may still be returned, and how much of what was paid a refunded return
 * gives back.
 */
import { countedPaid } from "../orders/order.balance.js";
import { Money, roundMoney, ZERO } from "../shared/money.js";
import type { ReturnStatus } from "./return.model.js";

/** Where a return may go from each status. */
export const RETURN_TRANSITIONS: Record<ReturnStatus, readonly ReturnStatus[]> = {
  REQUESTED: ["APPROVED", "DECLINED"],
  APPROVED: ["RECEIVED", "DECLINED"],
  DECLINED: [],
  RECEIVED: ["REFUNDED"],
  REFUNDED: [],
};

export const RETURN_STATUS_LABELS: Record<ReturnStatus, string> = {
  REQUESTED: "Requested",
  APPROVED: "Approved",
  DECLINED: "Declined",
  RECEIVED: "Received",
  REFUNDED: "Refunded",
};

/** Null when a return may move from `from` to `to`, else why not. */
export function returnTransitionError(from: ReturnStatus, to: ReturnStatus): string | null {
  return RETURN_TRANSITIONS[from].includes(to)
    ? null
    : `A return with status '${RETURN_STATUS_LABELS[from]}' cannot become '${RETURN_STATUS_LABELS[to]}'.`;
}

/** Returns that hold their units: every one but a declined one. */
export const holdsUnits = (status: ReturnStatus) => status !== "DECLINED";
/** Returns whose goods came back. */
export const wasReceived = (status: ReturnStatus) => status === "RECEIVED" || status === "REFUNDED";

interface Lines {
  lines: readonly { itemId: number; quantity: number }[];
}

/** Units of each item in the returns `which` keeps, by item id. */
export function unitsByItem<R extends Lines & { status: ReturnStatus }>(
  returns: readonly R[],
  which: (status: ReturnStatus) => boolean,
): Map<number, number> {
  const units = new Map<number, number>();
  for (const r of returns) {
    if (!which(r.status)) continue;
    for (const l of r.lines) units.set(l.itemId, (units.get(l.itemId) ?? 0) + l.quantity);
  }
  return units;
}

/** Units of each shipped item that may still be asked back: shipped − held by returns not declined. */
export function leftToReturn(
  shipped: ReadonlyMap<number, number>,
  returns: readonly (Lines & { status: ReturnStatus })[],
): Map<number, number> {
  const held = unitsByItem(returns, holdsUnits);
  return new Map([...shipped].map(([itemId, n]) => [itemId, Math.max(0, n - (held.get(itemId) ?? 0))]));
}

export interface RefundFacts {
  order: { total: Money; amountPaid: Money; amountRefunded: Money; amountRefundedFromPaid: Money };
  /** Every item of the order: its quantity and total (unit price × quantity + its own extra rows). */
  items: readonly { id: number; quantity: number; total: Money }[];
  /** Every return of the order, with what each was refunded so far. */
  returns: readonly (Lines & { id: number; status: ReturnStatus; amountRefunded: Money })[];
}

/** What a refund's apportioning reads of the order itself (its returns are read apart). */
export type OrderRefundFacts = Omit<RefundFacts, "returns">;

/**
 * What refunding return `returnId` gives back now. The rule (README, "Returns"):
 *
 * 1. The base is what was paid for the goods, net of refunds that were not for returns: what counts
 *    as paid (amountPaid less the refunds of an overpayment and of edits' settlements:
 *    orders/order.balance.ts), at most the order's total (an overpayment belongs to no line), minus
 *    every other refund not made for a return (staff's partial refunds), never below zero.
 * 2. Each returned unit is worth its line's total ÷ its quantity (the line's own extra rows
 *    included); the order's own extra rows (shipping, an order discount) are spread over the lines in
 *    proportion to their totals, which is what dividing by the items' sum does.
 * 3. The returns refunded so far and this one are worth, together, base × (their units' worth ÷ the
 *    items' sum), rounded once, half-even, to cents. This return gets that less what those returns
 *    were already given, never below zero and never more than is left to refund of the order.
 *
 * Because step 3 is cumulative, rounding never adds up: once every unit is returned and refunded, the
 * returns' refunds sum to exactly the base, never a cent more, whatever the order they came in.
 */
export function returnRefundDue(f: RefundFacts, returnId: number): Money {
  const byId = new Map(f.items.map((i) => [i.id, i]));
  const itemsWorth = f.items.reduce((sum, i) => sum.plus(i.total), ZERO);
  if (itemsWorth.lte(ZERO)) return ZERO;
  const counted = f.returns.filter((r) => r.id === returnId || r.status === "REFUNDED");
  const forReturns = f.returns.reduce((sum, r) => sum.plus(r.amountRefunded), ZERO);
  const otherRefunds = Money.max(ZERO, f.order.amountRefunded.minus(forReturns).minus(f.order.amountRefundedFromPaid));
  const paidForGoods = Money.min(countedPaid(f.order), f.order.total);
  const base = Money.max(ZERO, paidForGoods.minus(otherRefunds));
  // Units summed per item first, so that every unit of a line returned is worth exactly its total.
  let worth = ZERO;
  for (const [itemId, units] of unitsByItem(counted, () => true)) {
    const item = byId.get(itemId);
    if (item && item.quantity > 0)
      worth = worth.plus(item.total.times(Math.min(units, item.quantity)).div(item.quantity));
  }
  const target = roundMoney(base.times(worth).div(itemsWorth));
  const given = counted.reduce((sum, r) => sum.plus(r.amountRefunded), ZERO);
  const left = Money.max(ZERO, f.order.amountPaid.minus(f.order.amountRefunded));
  return Money.min(left, Money.max(ZERO, target.minus(given)));
}
