/**
 * Payments and refunds as the domain sees them: the Prisma models of the same name, with money as
 * our decimal.js `Money`.
 */
import type { OrderPayment as OrderPaymentRow, OrderRefund as OrderRefundRow } from "../generated/prisma/client.js";
import { Money } from "../shared/money.js";
import type { Domain } from "../shared/records.js";

export type OrderPaymentRecord = Domain<OrderPaymentRow, "amount" | "amountRefunded", object>;

export type OrderRefundRecord = Domain<OrderRefundRow, "amount", object>;

/**
 * `parse` as a reader of an order read's JSON: the order cache's rows (frozen, shared by every request:
 * orders/order.cache.ts) are parsed once, into a frozen record; a request's own rows each time.
 */
function parsedOnce<T extends object>(parse: (j: Record<string, unknown>) => T): (j: Record<string, unknown>) => T {
  const shared = new WeakMap<object, T>();
  return (j) => {
    if (!Object.isFrozen(j)) return parse(j);
    let r = shared.get(j);
    if (!r) shared.set(j, (r = Object.freeze(parse(j))));
    return r;
  };
}

/**
 * A payment as an order read's JSON carries it (orders/order.select.ts): amounts as decimal text,
 * taken exactly.
 */
export const paymentFromJson = parsedOnce((j): OrderPaymentRecord => ({
  id: j.id as number,
  orderId: j.orderId as number,
  amount: new Money(j.amount as string),
  transactionId: j.transactionId as string,
  paymentMethod: j.paymentMethod as string,
  dateCreated: new Date(j.dateCreated as string),
  amountRefunded: new Money(j.amountRefunded as string),
  refundedAt: j.refundedAt == null ? null : new Date(j.refundedAt as string),
}));

/**
 * A refund as an order read's JSON carries it (orders/order.select.ts): the record the refund loader
 * gives for the same row (payment.repository.ts, toRefund), the amount as decimal text taken exactly.
 */
export const refundFromJson = parsedOnce((j): OrderRefundRecord => ({
  id: j.id as number,
  orderId: j.orderId as number,
  paymentId: j.paymentId as number,
  amount: new Money(j.amount as string),
  transactionId: (j.transactionId ?? null) as string | null,
  reason: (j.reason ?? null) as string | null,
  actorId: (j.actorId ?? null) as number | null,
  dateCreated: new Date(j.dateCreated as string),
}));
