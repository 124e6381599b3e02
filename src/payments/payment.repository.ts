/** Payments through Prisma Client, inside the transactions of the payment service (the order locked). */
import type { Db, Tx } from "../db/transaction.js";
import { Prisma } from "../generated/prisma/client.js";
import type { WritesWithEvent } from "../history/event.repository.js";
import type { OrderPayment as OrderPaymentRow, OrderRefund as OrderRefundRow } from "../generated/prisma/client.js";
import type { OrderScope } from "../auth/viewer.js";
import type { OrderRecord } from "../orders/order.model.js";
import { paidInFull } from "../orders/order.balance.js";
import { byOrder, ownedByScope } from "../orders/order.repository.js";
import { Money } from "../shared/money.js";
import type { OrderPaymentRecord, OrderRefundRecord } from "./payment.model.js";

export function toPayment(r: OrderPaymentRow): OrderPaymentRecord {
  return {
    id: r.id,
    orderId: r.orderId,
    amount: new Money(r.amount),
    transactionId: r.transactionId,
    paymentMethod: r.paymentMethod,
    dateCreated: r.dateCreated,
    amountRefunded: new Money(r.amountRefunded),
    refundedAt: r.refundedAt,
  };
}

export async function paymentsOf(db: Db, orderIds: readonly number[]): Promise<OrderPaymentRecord[]> {
  const rows = await db.orderPayment.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: byOrder });
  return rows.map(toPayment);
}

/** Whether the order already has a payment with this transaction id. */
export async function hasTransaction(tx: Tx, orderId: number, transactionId: string): Promise<boolean> {
  const found = await tx.orderPayment.findUnique({
    where: { orderId_transactionId: { orderId, transactionId } },
    select: { id: true },
  });
  return found !== null;
}

/**
 * Records a payment, and the order's paid amount and flag with it. Answers the order as it now is:
 * the row the caller read under the lock with what this wrote (the UPDATE returns no columns).
 */
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
  const amountPaid = new Money(order.amountPaid.plus(p.amount).toFixed(2));
  const isPaid = paidInFull({ ...order, amountPaid });
  await tx.order.update({
    where: { id: order.id },
    data: { amountPaid: amountPaid.toFixed(2), isPaid, dateUpdated: p.now },
    select: { id: true },
  });
  return { ...order, amountPaid, isPaid, dateUpdated: p.now };
}

export async function paymentsOfOrder(tx: Tx, orderId: number): Promise<OrderPaymentRecord[]> {
  return (await tx.orderPayment.findMany({ where: { orderId }, orderBy: { id: "asc" } })).map(toPayment);
}

/** How many payments of the order have something left to refund. */
export function countUnrefunded(db: Db, ref: string): Promise<number> {
  return db.orderPayment.count({ where: { order: { ref }, refundedAt: null } });
}

export function toRefund(r: OrderRefundRow): OrderRefundRecord {
  return {
    id: r.id,
    orderId: r.orderId,
    paymentId: r.paymentId,
    amount: new Money(r.amount),
    transactionId: r.transactionId,
    reason: r.reason,
    actorId: r.actorId,
    dateCreated: r.dateCreated,
  };
}

/** A refund as the refund path writes it. */
export interface NewRefund {
  amount: Money;
  /** The part of it that counts against what was paid (orders/order.balance.ts, refundCountedAgainstPaid). */
  fromPaid: Money;
  transactionId: string | null;
  reason: string | null;
  actorId: number | null;
  now: Date;
}

/**
 * The writes of money given back from a payment: the refund, the payment's refunded amount (and
 * refundedAt once nothing is left of it) and the order's, as CTEs for its event's statement
 * (history/event.repository.ts, WritesWithEvent), and the three as they will be once written, from
 * what the caller read under the lock: the statement answers only the refund's id. The caller
 * checked the amount, with the order locked.
 *
 * Raw SQL, data-modifying CTEs: Prisma has no API that writes three tables in one statement, and
 * each of its statements costs 0.15–0.3 ms of CPU (BENCHMARKS.md, writes); PostgreSQL checks the
 * same constraints, and the amounts go as decimal text cast to numeric, as Prisma sends them.
 */
export function refundWrites(
  order: OrderRecord,
  payment: OrderPaymentRecord,
  r: NewRefund,
): {
  writes: WritesWithEvent;
  written(refundId: number): { refund: OrderRefundRecord; payment: OrderPaymentRecord; order: OrderRecord };
} {
  const amount = new Money(r.amount.toFixed(2));
  const refunded = new Money(payment.amountRefunded.plus(amount).toFixed(2));
  const refundedAt = refunded.gte(payment.amount) ? r.now : null;
  const orderRefunded = new Money(order.amountRefunded.plus(amount).toFixed(2));
  const fromPaid = new Money(order.amountRefundedFromPaid.plus(r.fromPaid).toFixed(2));
  const ctes = Prisma.sql`
    refund AS (
      INSERT INTO "OrderRefund" ("orderId", "paymentId", "amount", "transactionId", "reason", "actorId", "dateCreated")
      VALUES (${order.id}, ${payment.id}, CAST(${amount.toFixed(2)} AS numeric), ${r.transactionId}, ${r.reason},
        ${r.actorId}, ${r.now})
      RETURNING "id"),
    refunded_payment AS (
      UPDATE "OrderPayment" SET "amountRefunded" = CAST(${refunded.toFixed(2)} AS numeric), "refundedAt" = ${refundedAt}
      WHERE "id" = ${payment.id}
      RETURNING 1),
    refunded_order AS (
      UPDATE "Order" SET "amountRefunded" = CAST(${orderRefunded.toFixed(2)} AS numeric),
        "amountRefundedFromPaid" = CAST(${fromPaid.toFixed(2)} AS numeric), "dateUpdated" = ${r.now}
      WHERE "id" = ${order.id}
      RETURNING 1)`;
  return {
    writes: { ctes, columns: Prisma.sql`(SELECT "id" FROM refund) AS "refundId"` },
    written: (id) => ({
      refund: {
        id,
        orderId: order.id,
        paymentId: payment.id,
        amount,
        transactionId: r.transactionId,
        reason: r.reason,
        actorId: r.actorId,
        dateCreated: r.now,
      },
      payment: { ...payment, amountRefunded: refunded, refundedAt },
      order: { ...order, amountRefunded: orderRefunded, amountRefundedFromPaid: fromPaid, dateUpdated: r.now },
    }),
  };
}

export async function refundsOfOrders(db: Db, orderIds: readonly number[]): Promise<OrderRefundRecord[]> {
  const rows = await db.orderRefund.findMany({
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ orderId: "asc" }, { id: "asc" }],
  });
  return rows.map(toRefund);
}

export async function refundsOfPayments(db: Db, paymentIds: readonly number[]): Promise<OrderRefundRecord[]> {
  const rows = await db.orderRefund.findMany({
    where: { paymentId: { in: [...paymentIds] } },
    orderBy: [{ paymentId: "asc" }, { id: "asc" }],
  });
  return rows.map(toRefund);
}

export async function paymentsByIds(db: Db, ids: readonly number[]): Promise<OrderPaymentRecord[]> {
  return (await db.orderPayment.findMany({ where: { id: { in: [...ids] } } })).map(toPayment);
}

/** The payments with these ids whose order the scope covers (node, nodes). */
export async function visiblePaymentsByIds(
  db: Db,
  ids: readonly number[],
  scope: OrderScope,
): Promise<OrderPaymentRecord[]> {
  const owned = ownedByScope(scope);
  if (!owned) return [];
  return (await db.orderPayment.findMany({ where: { id: { in: [...ids] }, ...owned } })).map(toPayment);
}

/** The refunds with these ids whose order the scope covers (node, nodes). */
export async function visibleRefundsByIds(
  db: Db,
  ids: readonly number[],
  scope: OrderScope,
): Promise<OrderRefundRecord[]> {
  const owned = ownedByScope(scope);
  if (!owned) return [];
  return (await db.orderRefund.findMany({ where: { id: { in: [...ids] }, ...owned } })).map(toRefund);
}
