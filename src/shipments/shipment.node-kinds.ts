/**
 * Shipments are Nodes (nodes/node.registry.ts): found again by their global id, as their order's
 * visibility allows, through the request's loaders.
 */
import { registerNodeKind, ROW_ID } from "../nodes/node.registry.js";
import type { ShipmentContext } from "./shipment.context.js";
import { toShipmentNode } from "./shipment.nodes.js";
import { OrderShipment } from "./shipment.type.js";

registerNodeKind({
  type: OrderShipment,
  typeName: "OrderShipment",
  key: ROW_ID,
  visibleTo: "order",
  load: async (ctx: ShipmentContext, id, access) => {
    const s = await ctx.loaders.visibleShipments(access.scope).load(id);
    return s && toShipmentNode(s);
  },
});
