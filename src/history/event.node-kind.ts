/**
 * Order events are Nodes (nodes/node.registry.ts): found again by their global id, as Order.history
 * shows them (their order's visibility; non-staff callers public events only).
 */
import { registerNodeKind, ROW_ID } from "../nodes/node.registry.js";
import { OrderEvent } from "./event.type.js";
import type { HistoryContext } from "./history.context.js";

registerNodeKind({
  type: OrderEvent,
  typeName: "OrderEvent",
  key: ROW_ID,
  visibleTo: "order",
  load: (ctx: HistoryContext, id, access) => ctx.loaders.visibleEvents(access.scope).load(id),
});
