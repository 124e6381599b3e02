/**
 * What an order's shipments say about its lines: how much of each item is shipped, what is left to
 * ship, and the order's fulfillment status. Pure: no I/O.
 */
import type { OrderStatus } from "../orders/status.js";
import type { FulfillmentStatus, ShipmentRecord } from "./shipment.model.js";

/** Statuses in which nothing may be shipped. */
export const UNSHIPPABLE: readonly OrderStatus[] = ["CANCELLED", "FAILED", "REFUNDED"];

/** Units shipped of each item, by item id. */
export function shippedByItem(shipments: readonly Pick<ShipmentRecord, "lines">[]): Map<number, number> {
  const shipped = new Map<number, number>();
  for (const s of shipments) for (const l of s.lines) shipped.set(l.itemId, (shipped.get(l.itemId) ?? 0) + l.quantity);
  return shipped;
}

/** Units left to ship of each item (ordered − shipped, never below zero), by item id. */
export function leftToShip(
  items: readonly { id: number; quantity: number }[],
  shipments: readonly Pick<ShipmentRecord, "lines">[],
): Map<number, number> {
  const shipped = shippedByItem(shipments);
  return new Map(items.map((i) => [i.id, Math.max(0, i.quantity - (shipped.get(i.id) ?? 0))]));
}

/**
 * UNFULFILLED until something is shipped; PARTIALLY_SHIPPED while some unit of some line is not;
 * SHIPPED when every unit is; DELIVERED when every unit is and every shipment was delivered.
 */
export function fulfillmentStatus(
  items: readonly { id: number; quantity: number }[],
  shipments: readonly Pick<ShipmentRecord, "lines" | "deliveredAt">[],
): FulfillmentStatus {
  if (!shipments.some((s) => s.lines.length > 0)) return "UNFULFILLED";
  const left = leftToShip(items, shipments);
  if ([...left.values()].some((n) => n > 0)) return "PARTIALLY_SHIPPED";
  return shipments.every((s) => s.deliveredAt !== null) ? "DELIVERED" : "SHIPPED";
}
