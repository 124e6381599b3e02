/**
 * Returns are Nodes (nodes/node.registry.ts): found again by their global id, as their order's
 * visibility allows, through the request's loaders.
 */
import { registerNodeKind, ROW_ID } from "../nodes/node.registry.js";
import type { ReturnContext } from "./return.context.js";
import { toReturnNode } from "./return.nodes.js";
import { OrderReturn } from "./return.type.js";

registerNodeKind({
  type: OrderReturn,
  typeName: "OrderReturn",
  key: ROW_ID,
  visibleTo: "order",
  load: async (ctx: ReturnContext, id, access) => {
    const r = await ctx.loaders.visibleReturns(access.scope).load(id);
    return r && toReturnNode(r);
  },
});
