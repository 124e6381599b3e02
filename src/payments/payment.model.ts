/**
 * Payments and refunds as the domain sees them: the Prisma models of the same name, with money as
 * our decimal.js `Money`.
 */
import type { OrderPayment as OrderPaymentRow, OrderRefund as OrderRefundRow } from "../generated/prisma/client.js";
import { Money } from "../shared/money.js";
import type { Domain } from "../shared/records.js";

export type OrderPaymentRecord = Domain<OrderPaymentRow, "amount" | "amountRefunded", object>;

export type OrderRefundRecord = Domain<OrderRefundRow, "amount", object>;

/** A payment as an order read's JSON carries it (orders/order.select.ts): amounts as decimal text, taken exactly. */
export function paymentFromJson(j: Record<string, unknown>): OrderPaymentRecord {
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
