/**
 * Order events through Prisma Client: written in the transaction of the change they record, read
 * a page per order for Order.history.
 */
import { Prisma } from "../generated/prisma/client.js";
import type { OrderEvent as OrderEventRow } from "../generated/prisma/client.js";
import type { OrderScope } from "../auth/viewer.js";
import type { Db, Tx } from "../db/transaction.js";
import type { EventLine, OrderEventRecord, OrderEventType } from "./event.model.js";
import { ownedByScope } from "../orders/order.repository.js";
import type { OrderStatus } from "../orders/status.js";
import { Money } from "../shared/money.js";
import { USER_SELECT, type UserRecord } from "../users/user.repository.js";

/** What a change records about itself. */
export interface NewEvent {
  type: OrderEventType;
  /** Whether the customer can see it. */
  public: boolean;
  /** The signed-in user who caused it; null for a guest, a payment page or a callback. */
  actorId: number | null;
  fromStatus?: OrderStatus | null;
  toStatus?: OrderStatus | null;
  amount?: Money | null;
  paymentMethod?: string | null;
  transactionId?: string | null;
  message?: string | null;
  /** The W3C traceparent of the change, when tracing is on. */
  traceContext?: string;
  /** ORDER_EDITED: the order before and after, and the settlement (edits/edit.model.ts: EditDetails). */
  edit?: Record<string, unknown> | null;
  // Shipments and returns
  shipmentId?: number | null;
  returnId?: number | null;
  lines?: readonly EventLine[] | null;
}

/** The lines column as written (a JSON array of { itemId, quantity, restock? }). */
function toLines(v: unknown): EventLine[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((l: { itemId: number; quantity: number; restock?: boolean | null }) => ({
    itemId: l.itemId,
    quantity: l.quantity,
    ...(l.restock === undefined ? {} : { restock: l.restock }),
  }));
}

export function toEvent(r: OrderEventRow, orderRef: string): OrderEventRecord {
  return {
    id: r.id,
    orderId: r.orderId,
    orderRef,
    type: r.type,
    public: r.public,
    actorId: r.actorId,
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    amount: r.amount === null ? null : new Money(r.amount),
    paymentMethod: r.paymentMethod,
    transactionId: r.transactionId,
    message: r.message,
    dateCreated: r.dateCreated,
    edit:
      r.edit !== null && typeof r.edit === "object" && !Array.isArray(r.edit)
        ? (r.edit as Record<string, unknown>)
        : null,
    shipmentId: r.shipmentId,
    returnId: r.returnId,
    lines: toLines(r.lines),
  };
}

/**
 * An event as it goes out (to subscribers and webhooks): with its order's owner and its actor. What
 * an event shows comes with it: a subscription's context, loaders included, lives as long as the
 * subscription, and anything read through them would be as old as their first read.
 */
export type EventOut = OrderEventRecord & {
  orderOwnerId: number | null;
  actorUser: UserRecord | null;
  /** The W3C traceparent of the change that recorded it (when tracing was on). */
  traceContext: string | null;
};

/**
 * Events by id, oldest first, each with its order's ref and owner and its actor, in one statement.
 * The join is exact here: the relations read through it have no Decimal columns.
 */
export async function eventsByIds(db: Db, ids: readonly number[]): Promise<EventOut[]> {
  const rows = await db.orderEvent.findMany({
    where: { id: { in: [...ids] } },
    orderBy: { id: "asc" },
    include: { order: { select: { ref: true, userId: true } }, actor: { select: USER_SELECT } },
  });
  return rows.map((r) => ({
    ...toEvent(r, r.order.ref),
    orderOwnerId: r.order.userId,
    actorUser: r.actor,
    traceContext: r.traceContext,
  }));
}

/**
 * The events with these ids whose order the scope covers (node, nodes), public ones only when
 * `publicOnly`, each with its order's ref, in one statement (the join is exact: the order's ref is
 * the only column read through it).
 */
export async function visibleEventsByIds(
  db: Db,
  ids: readonly number[],
  q: { scope: OrderScope; publicOnly: boolean },
): Promise<OrderEventRecord[]> {
  const owned = ownedByScope(q.scope);
  if (!owned) return [];
  const rows = await db.orderEvent.findMany({
    relationLoadStrategy: "join",
    where: { id: { in: [...ids] }, ...owned, ...(q.publicOnly ? { public: true } : {}) },
    include: { order: { select: { ref: true } } },
  });
  return rows.map((r) => toEvent(r, r.order.ref));
}

/** Writes an event of the order, in the transaction of the change it records. */
export async function insertEvent(
  tx: Tx,
  order: { id: number; ref: string },
  e: NewEvent,
  now: Date,
): Promise<OrderEventRecord> {
  const row = await tx.orderEvent.create({
    data: {
      orderId: order.id,
      type: e.type,
      public: e.public,
      actorId: e.actorId,
      fromStatus: e.fromStatus ?? null,
      toStatus: e.toStatus ?? null,
      amount: e.amount ? e.amount.toFixed(2) : null,
      paymentMethod: e.paymentMethod ?? null,
      transactionId: e.transactionId ?? null,
      message: e.message ?? null,
      dateCreated: now,
      ...(e.edit ? { edit: e.edit as Prisma.InputJsonObject } : {}),
      shipmentId: e.shipmentId ?? null,
      returnId: e.returnId ?? null,
      ...(e.lines ? { lines: e.lines.map((l) => ({ ...l })) } : {}),
      ...(e.traceContext ? { traceContext: e.traceContext } : {}),
    },
  });
  return toEvent(row, order.ref);
}

export interface EventPageQuery {
  /** Only public events (non-staff callers). */
  publicOnly: boolean;
  /** Events after this id (the keyset: oldest first). */
  afterId: number | null;
  take: number;
}

/**
 * The first `take` events of each order (oldest first, after `afterId`), in one statement.
 *
 * Raw SQL: a LIMIT per order needs a LATERAL join. Prisma's nested `take` either fetches every
 * event of every order (relationLoadStrategy "query") or reads the joined rows through JSON
 * numbers, which rounds Decimal amounts beyond 15 digits ("join", prisma/orm#25639).
 */
export async function eventPages(db: Db, orderIds: readonly number[], q: EventPageQuery): Promise<OrderEventRecord[]> {
  if (orderIds.length === 0 || q.take <= 0) return [];
  const rows = await db.$queryRaw<(OrderEventRow & { orderRef: string })[]>`
    SELECT e.*, o."ref" AS "orderRef"
    FROM "Order" o
    CROSS JOIN LATERAL (
      SELECT * FROM "OrderEvent" x
      WHERE x."orderId" = o."id" AND x."id" > ${q.afterId ?? 0} ${q.publicOnly ? Prisma.sql`AND x."public"` : Prisma.empty}
      ORDER BY x."id" LIMIT ${q.take}
    ) e
    WHERE o."id" IN (${Prisma.join(orderIds)})
    ORDER BY e."orderId", e."id"`;
  return rows.map((r) => toEvent(r, r.orderRef));
}

/** How many events each order has (that the caller may see). */
export async function countEvents(
  db: Db,
  orderIds: readonly number[],
  publicOnly: boolean,
): Promise<Map<number, number>> {
  const groups = await db.orderEvent.groupBy({
    by: ["orderId"],
    where: { orderId: { in: [...orderIds] }, ...(publicOnly ? { public: true } : {}) },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.orderId, g._count._all]));
}
