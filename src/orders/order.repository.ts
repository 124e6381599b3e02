/**
 * Order writes and the reads inside write transactions, in hand-written SQL on the transaction's
 * connection (src/db/transaction.ts). Rows come out as domain records with decimal.js money.
 */
import { inScope, type OrderScope } from "../auth/viewer.js";
import type { Tx } from "../db/transaction.js";
import { Money } from "../shared/money.js";
import type { ExtraRowRecord, JsonObject, OrderItemRecord, OrderPaymentRecord, OrderRecord } from "./order.model.js";
import { extraRowsJson } from "./order.json.js";
import { ORDER_COLUMNS, PAYMENT_COLUMNS, toOrder, toPayment, type OrderRow } from "./order.reads.js";
import type { OrderStatus } from "./status.js";

async function oneOrder(tx: Tx, sql: string, values: unknown[]): Promise<OrderRecord> {
  const { rows } = await tx.query<OrderRow>(sql, values);
  return toOrder(rows[0]);
}

/**
 * Locks the order row (SELECT … FOR UPDATE) for the rest of the transaction and returns it, or
 * null when there is no such order in the scope. Mutations on one order never interleave.
 */
export async function lockOrderByRef(tx: Tx, ref: string, scope: OrderScope): Promise<OrderRecord | null> {
  if (scope.kind === "none") return null;
  const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM "Order" WHERE "ref" = $1 FOR UPDATE`, [ref]);
  if (rows.length === 0 || !inScope(scope, rows[0])) return null;
  return toOrder(rows[0]);
}

export async function findOrderById(tx: Tx, id: number): Promise<OrderRecord | null> {
  const { rows } = await tx.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM "Order" WHERE "id" = $1`, [id]);
  return rows.length ? toOrder(rows[0]) : null;
}

/** The next number of the year's ref counter; the upsert's row lock makes concurrent creates wait. */
export async function nextRefNumber(tx: Tx, year: number): Promise<number> {
  const { rows } = await tx.query<{ value: number }>(
    `INSERT INTO "RefCounter" ("year", "value") VALUES ($1, 1)
     ON CONFLICT ("year") DO UPDATE SET "value" = "RefCounter"."value" + 1
     RETURNING "value"`,
    [year],
  );
  return Number(rows[0].value);
}

export interface NewOrder {
  ref: string;
  token: string;
  status: OrderStatus;
  userId: number | null;
  email: string;
  billingAddress: string;
  shippingAddress: string;
  currency: string;
  subtotal: Money;
  total: Money;
  extra: JsonObject;
  extraRows: ExtraRowRecord[];
  dateCreated: Date;
  items: Omit<OrderItemRecord, "id" | "orderId" | "name" | "code">[];
}

export async function insertOrder(tx: Tx, o: NewOrder): Promise<OrderRecord> {
  const order = await oneOrder(
    tx,
    `INSERT INTO "Order" ("ref", "token", "status", "userId", "email", "billingAddress", "shippingAddress", "currency",
                          "subtotal", "total", "isPaid", "extra", "extraRows", "dateCreated", "dateUpdated")
     VALUES ($1, $2, $3::"OrderStatus", $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $14, $14)
     RETURNING ${ORDER_COLUMNS}`,
    [
      o.ref,
      o.token,
      o.status,
      o.userId,
      o.email,
      o.billingAddress,
      o.shippingAddress,
      o.currency,
      o.subtotal.toFixed(2),
      o.total.toFixed(2),
      new Money(0).gte(o.total),
      JSON.stringify(o.extra),
      extraRowsJson(o.extraRows),
      o.dateCreated,
    ],
  );
  const values: unknown[] = [];
  const tuples = o.items.map((i) => {
    const at = values.length;
    values.push(order.id, i.productType, i.productId, JSON.stringify(i.product), i.unitPrice.toFixed(2), i.quantity, i.subtotal.toFixed(2), i.total.toFixed(2), extraRowsJson(i.extraRows), JSON.stringify(i.extra));
    const p = (k: number) => `$${at + k}`;
    return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}::jsonb, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}::jsonb, ${p(10)}::jsonb)`;
  });
  await tx.query(
    `INSERT INTO "OrderItem" ("orderId", "productType", "productId", "product", "unitPrice", "quantity", "subtotal", "total", "extraRows", "extra")
     VALUES ${tuples.join(", ")}`,
    values,
  );
  return order;
}

export async function setStatus(tx: Tx, id: number, status: OrderStatus, now: Date): Promise<OrderRecord> {
  return oneOrder(tx, `UPDATE "Order" SET "status" = $2::"OrderStatus", "dateUpdated" = $3 WHERE "id" = $1 RETURNING ${ORDER_COLUMNS}`, [id, status, now]);
}

/** Whether the order already has a payment with this transaction id. */
export async function hasTransaction(tx: Tx, orderId: number, transactionId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`SELECT 1 FROM "OrderPayment" WHERE "orderId" = $1 AND "transactionId" = $2`, [orderId, transactionId]);
  return (rowCount ?? 0) > 0;
}

/** Records a payment and the order's paid amount and flag with it (call with the order locked). */
export async function insertPayment(
  tx: Tx,
  order: OrderRecord,
  p: { amount: Money; transactionId: string; paymentMethod: string; now: Date },
): Promise<OrderRecord> {
  await tx.query(`INSERT INTO "OrderPayment" ("orderId", "amount", "transactionId", "paymentMethod", "dateCreated") VALUES ($1, $2, $3, $4, $5)`, [
    order.id,
    p.amount.toFixed(2),
    p.transactionId,
    p.paymentMethod,
    p.now,
  ]);
  const amountPaid = order.amountPaid.plus(p.amount);
  return oneOrder(tx, `UPDATE "Order" SET "amountPaid" = $2, "isPaid" = $3, "dateUpdated" = $4 WHERE "id" = $1 RETURNING ${ORDER_COLUMNS}`, [
    order.id,
    amountPaid.toFixed(2),
    amountPaid.gte(order.total),
    p.now,
  ]);
}

export async function paymentsOfOrder(tx: Tx, orderId: number): Promise<OrderPaymentRecord[]> {
  const { rows } = await tx.query(`SELECT ${PAYMENT_COLUMNS} FROM "OrderPayment" WHERE "orderId" = $1 ORDER BY "id"`, [orderId]);
  return rows.map(toPayment);
}

/** Marks one payment refunded and adds it to the order's refunded amount (order locked). */
export async function markPaymentRefunded(tx: Tx, payment: OrderPaymentRecord, now: Date): Promise<OrderPaymentRecord> {
  const { rows } = await tx.query(`UPDATE "OrderPayment" SET "refundedAt" = $2 WHERE "id" = $1 RETURNING ${PAYMENT_COLUMNS}`, [payment.id, now]);
  await tx.query(`UPDATE "Order" SET "amountRefunded" = "amountRefunded" + $2 WHERE "id" = $1`, [payment.orderId, payment.amount.toFixed(2)]);
  return toPayment(rows[0]);
}

export async function insertNote(tx: Tx, orderId: number, message: string, isPublic: boolean, now: Date): Promise<void> {
  await tx.query(`INSERT INTO "OrderNote" ("orderId", "message", "public", "dateCreated") VALUES ($1, $2, $3, $4)`, [orderId, message, isPublic, now]);
  await tx.query(`UPDATE "Order" SET "dateUpdated" = $2 WHERE "id" = $1`, [orderId, now]);
}
