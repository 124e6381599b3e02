/**
 * Order writes and the reads inside write transactions, through Prisma. The hot read paths are
 * hand-written SQL in order.reads.ts. Rows come out as domain records with decimal.js money.
 */
import type { OrderScope } from "../auth/viewer.js";
import type { Prisma as PrismaNS, PrismaClient } from "../generated/prisma/client.js";
import { Money, toMoney } from "../shared/money.js";
import type { ExtraRowRecord, JsonObject, OrderItemRecord, OrderPaymentRecord, OrderRecord } from "./order.model.js";
import type { OrderStatus } from "./status.js";

export type Db = PrismaClient | PrismaNS.TransactionClient;

const orderSelect = {
  id: true,
  ref: true,
  token: true,
  status: true,
  userId: true,
  email: true,
  billingAddress: true,
  shippingAddress: true,
  currency: true,
  subtotal: true,
  total: true,
  amountPaid: true,
  amountRefunded: true,
  isPaid: true,
  extra: true,
  extraRows: true,
  dateCreated: true,
  dateUpdated: true,
} as const;

type OrderRow = PrismaNS.OrderGetPayload<{ select: typeof orderSelect }>;

export function asObject(v: unknown): JsonObject {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};
}

/** Extra rows are stored as JSON with amounts as "12.30" strings. */
export function toExtraRows(v: unknown): ExtraRowRecord[] {
  if (!Array.isArray(v)) return [];
  return v.map((r) => {
    const row = asObject(r);
    return {
      label: String(row.label ?? ""),
      amount: toMoney(String(row.amount ?? "0")),
      modifier: row.modifier == null ? null : String(row.modifier),
      extra: asObject(row.extra),
    };
  });
}

export function extraRowsJson(rows: ExtraRowRecord[]): PrismaNS.InputJsonValue {
  return rows.map((r) => ({ label: r.label, amount: r.amount.toFixed(2), modifier: r.modifier, extra: r.extra })) as PrismaNS.InputJsonValue;
}

function toOrder(r: OrderRow): OrderRecord {
  return {
    ...r,
    subtotal: toMoney(r.subtotal),
    total: toMoney(r.total),
    amountPaid: toMoney(r.amountPaid),
    amountRefunded: toMoney(r.amountRefunded),
    extra: asObject(r.extra),
    extraRows: toExtraRows(r.extraRows),
  };
}

/**
 * Locks the order row (SELECT … FOR UPDATE) for the rest of the transaction and returns it, or
 * null when there is no such order in the scope. Mutations on one order never interleave.
 */
export async function lockOrderByRef(tx: PrismaNS.TransactionClient, ref: string, scope: OrderScope): Promise<OrderRecord | null> {
  if (scope.kind === "none") return null;
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Order" WHERE "ref" = ${ref} FOR UPDATE`;
  if (locked.length === 0) return null;
  const where: PrismaNS.OrderWhereInput =
    scope.kind === "user" ? { userId: scope.userId } : scope.kind === "token" ? { token: scope.token } : {};
  const row = await tx.order.findFirst({ where: { ...where, id: locked[0].id }, select: orderSelect });
  return row ? toOrder(row) : null;
}

export async function findOrderById(db: Db, id: number): Promise<OrderRecord | null> {
  const row = await db.order.findUnique({ where: { id }, select: orderSelect });
  return row ? toOrder(row) : null;
}

function toPayment(r: { id: number; orderId: number; amount: { toString(): string }; transactionId: string; paymentMethod: string; dateCreated: Date; refundedAt: Date | null }): OrderPaymentRecord {
  return { ...r, amount: toMoney(r.amount) };
}

/** The next number of the year's ref counter; the upsert's row lock makes concurrent creates wait. */
export async function nextRefNumber(tx: PrismaNS.TransactionClient, year: number): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "RefCounter" ("year", "value") VALUES (${year}, 1)
    ON CONFLICT ("year") DO UPDATE SET "value" = "RefCounter"."value" + 1
    RETURNING "value"`;
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

export async function insertOrder(tx: PrismaNS.TransactionClient, o: NewOrder): Promise<OrderRecord> {
  const isPaid = new Money(0).gte(o.total);
  const row = await tx.order.create({
    data: {
      ref: o.ref,
      token: o.token,
      status: o.status,
      userId: o.userId,
      email: o.email,
      billingAddress: o.billingAddress,
      shippingAddress: o.shippingAddress,
      currency: o.currency,
      subtotal: o.subtotal.toFixed(2),
      total: o.total.toFixed(2),
      isPaid,
      extra: o.extra as PrismaNS.InputJsonValue,
      extraRows: extraRowsJson(o.extraRows),
      dateCreated: o.dateCreated,
      dateUpdated: o.dateCreated,
    },
    select: orderSelect,
  });
  await tx.orderItem.createMany({
    data: o.items.map((i) => ({
      orderId: row.id,
      productType: i.productType,
      productId: i.productId,
      product: i.product as PrismaNS.InputJsonValue,
      unitPrice: i.unitPrice.toFixed(2),
      quantity: i.quantity,
      subtotal: i.subtotal.toFixed(2),
      total: i.total.toFixed(2),
      extraRows: extraRowsJson(i.extraRows),
      extra: i.extra as PrismaNS.InputJsonValue,
    })),
  });
  return toOrder(row);
}

export async function setStatus(tx: PrismaNS.TransactionClient, id: number, status: OrderStatus, now: Date): Promise<OrderRecord> {
  const row = await tx.order.update({ where: { id }, data: { status, dateUpdated: now }, select: orderSelect });
  return toOrder(row);
}

/** Whether the order already has a payment with this transaction id. */
export async function hasTransaction(tx: PrismaNS.TransactionClient, orderId: number, transactionId: string): Promise<boolean> {
  const row = await tx.orderPayment.findUnique({ where: { orderId_transactionId: { orderId, transactionId } }, select: { id: true } });
  return row !== null;
}

/** Records a payment and the order's paid amount and flag with it (call with the order locked). */
export async function insertPayment(
  tx: PrismaNS.TransactionClient,
  order: OrderRecord,
  p: { amount: Money; transactionId: string; paymentMethod: string; now: Date },
): Promise<OrderRecord> {
  await tx.orderPayment.create({
    data: { orderId: order.id, amount: p.amount.toFixed(2), transactionId: p.transactionId, paymentMethod: p.paymentMethod, dateCreated: p.now },
  });
  const amountPaid = order.amountPaid.plus(p.amount);
  const row = await tx.order.update({
    where: { id: order.id },
    data: { amountPaid: amountPaid.toFixed(2), isPaid: amountPaid.gte(order.total), dateUpdated: p.now },
    select: orderSelect,
  });
  return toOrder(row);
}

export async function paymentsOfOrder(tx: PrismaNS.TransactionClient, orderId: number): Promise<OrderPaymentRecord[]> {
  const rows = await tx.orderPayment.findMany({ where: { orderId }, orderBy: { id: "asc" } });
  return rows.map(toPayment);
}

/** Marks one payment refunded and adds it to the order's refunded amount (order locked). */
export async function markPaymentRefunded(
  tx: PrismaNS.TransactionClient,
  payment: OrderPaymentRecord,
  now: Date,
): Promise<OrderPaymentRecord> {
  const row = await tx.orderPayment.update({ where: { id: payment.id }, data: { refundedAt: now } });
  await tx.order.update({ where: { id: payment.orderId }, data: { amountRefunded: { increment: payment.amount.toFixed(2) } } });
  return toPayment(row);
}

export async function insertNote(tx: PrismaNS.TransactionClient, orderId: number, message: string, isPublic: boolean, now: Date): Promise<void> {
  await tx.orderNote.create({ data: { orderId, message, public: isPublic, dateCreated: now } });
  await tx.order.update({ where: { id: orderId }, data: { dateUpdated: now } });
}

export async function countUnrefundedPayments(db: Db, ref: string): Promise<number> {
  return db.orderPayment.count({ where: { order: { ref }, refundedAt: null } });
}
