/** Payments through Prisma Client, inside the transactions of the payment service (the order locked). */
import type { Db, Tx } from "../db/transaction.js";
import type { OrderPaymentRecord, OrderRecord } from "../orders/order.model.js";
import { toOrder, toPayment } from "../orders/order.repository.js";
import { FULL_SELECT } from "../orders/order.select.js";
import type { Money } from "../shared/money.js";

/** Whether the order already has a payment with this transaction id. */
export async function hasTransaction(tx: Tx, orderId: number, transactionId: string): Promise<boolean> {
  const found = await tx.orderPayment.findUnique({
    where: { orderId_transactionId: { orderId, transactionId } },
    select: { id: true },
  });
  return found !== null;
}

/** Records a payment, and the order's paid amount and flag with it. */
export async function insertPayment(
  tx: Tx,
  order: OrderRecord,
  p: { amount: Money; transactionId: string; paymentMethod: string; now: Date },
): Promise<OrderRecord> {
  await tx.orderPayment.create({
    data: {
      orderId: order.id,
      amount: p.amount.toFixed(2),
      transactionId: p.transactionId,
      paymentMethod: p.paymentMethod,
      dateCreated: p.now,
    },
    select: { id: true },
  });
  const amountPaid = order.amountPaid.plus(p.amount);
  const row = await tx.order.update({
    where: { id: order.id },
    data: { amountPaid: amountPaid.toFixed(2), isPaid: amountPaid.gte(order.total), dateUpdated: p.now },
    select: FULL_SELECT.order,
  });
  return toOrder(row);
}

export async function paymentsOfOrder(tx: Tx, orderId: number): Promise<OrderPaymentRecord[]> {
  return (await tx.orderPayment.findMany({ where: { orderId }, orderBy: { id: "asc" } })).map(toPayment);
}

/** How many payments of the order are not yet refunded. */
export function countUnrefunded(db: Db, ref: string): Promise<number> {
  return db.orderPayment.count({ where: { order: { ref }, refundedAt: null } });
}

/** Marks one payment refunded and adds it to the order's refunded amount. */
export async function markPaymentRefunded(tx: Tx, payment: OrderPaymentRecord, now: Date): Promise<OrderPaymentRecord> {
  const row = await tx.orderPayment.update({ where: { id: payment.id }, data: { refundedAt: now } });
  await tx.order.update({
    where: { id: payment.orderId },
    data: { amountRefunded: { increment: payment.amount.toFixed(2) } },
    select: { id: true },
  });
  return toPayment(row);
}
