/**
 * Payments and refunds as the domain sees them: the Prisma models of the same name, with money as
 * our decimal.js `Money`.
 */
import type { OrderPayment as OrderPaymentRow, OrderRefund as OrderRefundRow } from "../generated/prisma/client.js";
import { Money } from "../shared/money.js";
import type { Domain } from "../shared/records.js";

export type OrderPaymentRecord = Domain<OrderPaymentRow, "amount" | "amountRefunded", object>;

export type OrderRefundRecord = Domain<OrderRefundRow, "amount", object>;

/** Payments and refunds of the order cache's shared JSON (frozen: orders/order.cache.ts), each parsed once. */
const parsedShared = new WeakMap<object, OrderPaymentRecord>();
const parsedSharedRefunds = new WeakMap<object, OrderRefundRecord>();

/**
 * A payment as an order read's JSON carries it (orders/order.select.ts): amounts as decimal text,
 * taken exactly. The order cache's payments (frozen, shared by every request) are parsed once, into
 * a frozen record.
 */
export function paymentFromJson(j: Record<string, unknown>): OrderPaymentRecord {
  if (!Object.isFrozen(j)) return parsePayment(j);
  let p = parsedShared.get(j);
  if (!p) parsedShared.set(j, (p = Object.freeze(parsePayment(j))));
  return p;
}

function parsePayment(j: Record<string, unknown>): OrderPaymentRecord {
  return {
    id: j.id as number,
    orderId: j.orderId as number,
    amount: new Money(j.amount as string),
    transactionId: j.transactionId as string,
    paymentMethod: j.paymentMethod as string,
    dateCreated: new Date(j.dateCreated as string),
    amountRefunded: new Money(j.amountRefunded as string),
    refundedAt: j.refundedAt == null ? null : new Date(j.refundedAt as string),
  };
}

/**
 * A refund as an order read's JSON carries it (orders/order.select.ts): the record the refund loader
 * gives for the same row (payment.repository.ts, toRefund), the amount as decimal text taken exactly.
 * The order cache's refunds (frozen, shared by every request) are parsed once, into a frozen record.
 */
export function refundFromJson(j: Record<string, unknown>): OrderRefundRecord {
  if (!Object.isFrozen(j)) return parseRefund(j);
  let r = parsedSharedRefunds.get(j);
  if (!r) parsedSharedRefunds.set(j, (r = Object.freeze(parseRefund(j))));
  return r;
}

function parseRefund(j: Record<string, unknown>): OrderRefundRecord {
  return {
    id: j.id as number,
    orderId: j.orderId as number,
    paymentId: j.paymentId as number,
    amount: new Money(j.amount as string),
    transactionId: (j.transactionId ?? null) as string | null,
    reason: (j.reason ?? null) as string | null,
    actorId: (j.actorId ?? null) as number | null,
    dateCreated: new Date(j.dateCreated as string),
  };
}
