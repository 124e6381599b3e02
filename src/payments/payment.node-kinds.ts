/**
 * Payments and refunds are Nodes (nodes/node.registry.ts): found again by their global id, as
 * their order's visibility allows, through the request's loaders.
 */
import { registerNodeKind, ROW_ID } from "../nodes/node.registry.js";
import type { PaymentContext } from "./payment.context.js";
import { OrderPayment } from "./payment.type.js";
import { OrderRefund } from "./refund.type.js";

registerNodeKind({
  type: OrderPayment,
  typeName: "OrderPayment",
  key: ROW_ID,
  visibleTo: "order",
  load: (ctx: PaymentContext, id, access) => ctx.loaders.visiblePayments(access.scope).load(id),
});

registerNodeKind({
  type: OrderRefund,
  typeName: "OrderRefund",
  key: ROW_ID,
  visibleTo: "order",
  load: (ctx: PaymentContext, id, access) => ctx.loaders.visibleRefunds(access.scope).load(id),
});
