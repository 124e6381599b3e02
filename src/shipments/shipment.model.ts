/**
 * Shipments as the domain sees them: the Prisma models of the same name, a shipment with its lines.
 */
import type { OrderShipment as ShipmentRow, ShipmentLine as ShipmentLineRow } from "../generated/prisma/client.js";

export type ShipmentLineRecord = ShipmentLineRow;

export type ShipmentRecord = ShipmentRow & { lines: ShipmentLineRecord[] };

/** Where an order's goods are, from its items and shipments (see fulfillment.ts). */
export const FULFILLMENT_STATUSES = ["UNFULFILLED", "PARTIALLY_SHIPPED", "SHIPPED", "DELIVERED"] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];
