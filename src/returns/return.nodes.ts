/** Return records as GraphQL objects (class instances, so that unions resolve by class). */
import type { ReturnRecord } from "./return.model.js";
import { OrderReturn, ReturnLine } from "./return.type.js";

export function toReturnNode(r: ReturnRecord): OrderReturn {
  return Object.assign(new OrderReturn(), {
    ...r,
    lines: r.lines.map((l) =>
      Object.assign(new ReturnLine(), {
        itemId: l.itemId,
        quantity: l.quantity,
        restock: l.restock,
        orderId: r.orderId,
      }),
    ),
  });
}
