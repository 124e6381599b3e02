/** Returns through Prisma Client: read by order for a page, written inside the order's locked transaction. */
import type { OrderScope } from "../auth/viewer.js";
import type { Db, Tx } from "../db/transaction.js";
import type { OrderReturn as ReturnRow, ReturnLine as ReturnLineRow } from "../generated/prisma/client.js";
import { ownedByScope } from "../orders/order.repository.js";
import { Money } from "../shared/money.js";
import type { ReturnRecord, ReturnStatus } from "./return.model.js";
import type { OrderRefundFacts } from "./return.rules.js";

// The lines are read in the same statement as their return ("join"): they hold no Decimal column.
// The return's own amount is a column of the return, read exactly.
const WITH_LINES = { lines: { orderBy: { id: "asc" } } } as const;

function toReturn(r: ReturnRow & { lines: ReturnLineRow[] }): ReturnRecord {
  return { ...r, status: r.status, amountRefunded: new Money(r.amountRefunded), lines: r.lines };
}

/** The returns of these orders, oldest first, with their lines, in one statement. */
export async function returnsOf(db: Db, orderIds: readonly number[]): Promise<ReturnRecord[]> {
  const rows = await db.orderReturn.findMany({
    relationLoadStrategy: "join",
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ orderId: "asc" }, { id: "asc" }],
    include: WITH_LINES,
  });
  return rows.map(toReturn);
}

/** The returns with these ids whose order the scope covers (node, nodes). */
export async function visibleReturnsByIds(db: Db, ids: readonly number[], scope: OrderScope): Promise<ReturnRecord[]> {
  const owned = ownedByScope(scope);
  if (!owned) return [];
  const rows = await db.orderReturn.findMany({
    relationLoadStrategy: "join",
    where: { id: { in: [...ids] }, ...owned },
    include: WITH_LINES,
  });
  return rows.map(toReturn);
}

/** The order's items as returns see them: quantity and total. */
export async function itemTotals(tx: Tx, orderId: number): Promise<{ id: number; quantity: number; total: Money }[]> {
  const rows = await tx.orderItem.findMany({
    where: { orderId },
    select: { id: true, quantity: true, total: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ id: r.id, quantity: r.quantity, total: new Money(r.total) }));
}

/**
 * What apportioning a refund reads of each of these orders (return.rules.ts, RefundFacts): the
 * order's amounts and its items' quantities and totals, in two statements (no join: Decimal columns).
 */
export async function refundFactsOf(db: Db, orderIds: readonly number[]): Promise<Map<number, OrderRefundFacts>> {
  const [orders, items] = await Promise.all([
    db.order.findMany({
      where: { id: { in: [...orderIds] } },
      select: { id: true, total: true, amountPaid: true, amountRefunded: true, amountRefundedFromPaid: true },
    }),
    db.orderItem.findMany({
      where: { orderId: { in: [...orderIds] } },
      select: { id: true, orderId: true, quantity: true, total: true },
      orderBy: { id: "asc" },
    }),
  ]);
  const facts = new Map(
    orders.map((o) => [
      o.id,
      {
        order: {
          total: new Money(o.total),
          amountPaid: new Money(o.amountPaid),
          amountRefunded: new Money(o.amountRefunded),
          amountRefundedFromPaid: new Money(o.amountRefundedFromPaid),
        },
        items: [] as { id: number; quantity: number; total: Money }[],
      },
    ]),
  );
  for (const i of items)
    facts.get(i.orderId)?.items.push({ id: i.id, quantity: i.quantity, total: new Money(i.total) });
  return facts;
}

export async function insertReturn(
  tx: Tx,
  orderId: number,
  r: { lines: { itemId: number; quantity: number }[]; reason: string; requestedById: number | null; now: Date },
): Promise<ReturnRecord> {
  const row = await tx.orderReturn.create({
    data: {
      orderId,
      reason: r.reason,
      requestedById: r.requestedById,
      dateCreated: r.now,
      dateUpdated: r.now,
      lines: { create: r.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })) },
    },
    include: WITH_LINES,
  });
  return toReturn(row);
}

/** Moves a return to `status`, with what the step says (a note, a decline reason, what was refunded). */
export async function updateReturn(
  tx: Tx,
  id: number,
  change: {
    status: ReturnStatus;
    now: Date;
    staffNote?: string | null;
    declineReason?: string | null;
    amountRefunded?: Money;
  },
): Promise<ReturnRecord> {
  const row = await tx.orderReturn.update({
    where: { id },
    data: {
      status: change.status,
      dateUpdated: change.now,
      ...(change.staffNote !== undefined ? { staffNote: change.staffNote } : {}),
      ...(change.declineReason !== undefined ? { declineReason: change.declineReason } : {}),
      ...(change.amountRefunded !== undefined ? { amountRefunded: change.amountRefunded.toFixed(2) } : {}),
    },
    include: WITH_LINES,
  });
  return toReturn(row);
}

/** Says, per line of a received return, whether its units went back to stock. */
export async function setRestock(tx: Tx, returnId: number, restock: ReadonlyMap<number, boolean>): Promise<void> {
  for (const value of [true, false]) {
    const itemIds = [...restock].filter(([, r]) => r === value).map(([itemId]) => itemId);
    if (itemIds.length)
      await tx.returnLine.updateMany({ where: { returnId, itemId: { in: itemIds } }, data: { restock: value } });
  }
}
