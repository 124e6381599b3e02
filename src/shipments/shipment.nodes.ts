/** Shipment records as GraphQL objects (class instances, so that unions resolve by class). */
import type { ShipmentRecord } from "./shipment.model.js";
import { OrderShipment, ShipmentLine } from "./shipment.type.js";

export function toShipmentNode(s: ShipmentRecord): OrderShipment {
  return Object.assign(new OrderShipment(), {
    ...s,
    lines: s.lines.map((l) =>
      Object.assign(new ShipmentLine(), { itemId: l.itemId, quantity: l.quantity, orderId: s.orderId }),
    ),
  });
}
