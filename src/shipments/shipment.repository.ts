/** Shipments through Prisma Client: read by order for a page, written inside the order's locked transaction. */
import type { OrderScope } from "../auth/viewer.js";
import type { Db, Tx } from "../db/transaction.js";
import { ownedByScope } from "../orders/order.repository.js";
import type { ShipmentRecord } from "./shipment.model.js";
import type { CheckedShipment } from "./shipment.validation.js";

// A shipment's lines are read in the same statement (relationLoadStrategy "join"): they have no
// Decimal column, so the join is exact (see orders/order.select.ts, JoinedRelation).
const WITH_LINES = { lines: { orderBy: { id: "asc" } } } as const;

/** The shipments of these orders, oldest first, with their lines, in one statement. */
export function shipmentsOf(db: Db, orderIds: readonly number[]): Promise<ShipmentRecord[]> {
  return db.orderShipment.findMany({
    relationLoadStrategy: "join",
    where: { orderId: { in: [...orderIds] } },
    orderBy: [{ orderId: "asc" }, { id: "asc" }],
    include: WITH_LINES,
  });
}

/** The shipments with these ids whose order the scope covers (node, nodes). */
export async function visibleShipmentsByIds(
  db: Db,
  ids: readonly number[],
  scope: OrderScope,
): Promise<ShipmentRecord[]> {
  const owned = ownedByScope(scope);
  if (!owned) return [];
  return db.orderShipment.findMany({
    relationLoadStrategy: "join",
    where: { id: { in: [...ids] }, ...owned },
    include: WITH_LINES,
  });
}

/** The order's items as shipping sees them: id and quantity. */
export function itemQuantities(tx: Tx, orderId: number): Promise<{ id: number; quantity: number }[]> {
  return tx.orderItem.findMany({ where: { orderId }, select: { id: true, quantity: true }, orderBy: { id: "asc" } });
}

/** Writes a shipment with its lines (the caller checked the quantities, with the order locked). */
export function insertShipment(
  tx: Tx,
  orderId: number,
  s: CheckedShipment & { createdById: number | null; now: Date },
): Promise<ShipmentRecord> {
  return tx.orderShipment.create({
    data: {
      orderId,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      trackingUrl: s.trackingUrl,
      createdById: s.createdById,
      dateCreated: s.now,
      lines: { create: s.lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })) },
    },
    include: WITH_LINES,
  });
}

export function setDelivered(tx: Tx, id: number, now: Date): Promise<ShipmentRecord> {
  return tx.orderShipment.update({ where: { id }, data: { deliveredAt: now }, include: WITH_LINES });
}
