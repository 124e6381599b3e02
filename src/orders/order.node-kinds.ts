/**
 * Orders and their items are Nodes (nodes/node.registry.ts): found again by their global id, as
 * the order's visibility allows, through the request's loaders.
 */
import { registerNodeKind, ROW_ID } from "../nodes/node.registry.js";
import type { OrderContext } from "./order.context.js";
import { shownOrder } from "./order.nodes.js";
import { Order, OrderItem } from "./order.type.js";

registerNodeKind({
  type: Order,
  typeName: "Order",
  key: ROW_ID,
  visibleTo: "order",
  load: async (ctx: OrderContext, id, access) => {
    const order = await ctx.loaders.visibleOrders(access.scope).load(id);
    return order && shownOrder(order);
  },
});

registerNodeKind({
  type: OrderItem,
  typeName: "OrderItem",
  key: ROW_ID,
  visibleTo: "order",
  load: (ctx: OrderContext, id, access) => ctx.loaders.visibleItems(access.scope).load(id),
});
