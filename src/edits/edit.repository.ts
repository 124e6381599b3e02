/** Order edits through Prisma Client, inside the edit's transaction (the order locked). */
import type { Db, Tx } from "../db/transaction.js";
import type { OrderItemRecord, OrderRecord } from "../orders/order.model.js";
import { extraRowsJson, itemData, itemsOf, toOrder } from "../orders/order.repository.js";
import { FULL_SELECT } from "../orders/order.select.js";
import { shipmentsOf } from "../shipments/shipment.repository.js";
import type { EditPlan, ShippedQuantities } from "./edit.rules.js";

/** Every line of the order, every column, oldest first. */
export async function linesOf(db: Db, orderId: number): Promise<OrderItemRecord[]> {
  return (await itemsOf(db, [orderId], FULL_SELECT)) as OrderItemRecord[];
}

/**
 * Writes the plan: changed lines updated, removed ones deleted, new ones inserted, the order's extra
 * rows, amounts, isPaid and editVersion. Answers the order and the ids of the new lines, in order.
 */
export async function writeEdit(
  tx: Tx,
  order: OrderRecord,
  plan: EditPlan,
  o: { editVersion: number; isPaid: boolean; now: Date },
): Promise<{ order: OrderRecord; addedIds: number[] }> {
  for (const c of plan.changed) {
    await tx.orderItem.update({
      where: { id: c.itemId },
      data: {
        unitPrice: c.line.unitPrice.toFixed(2),
        quantity: c.line.quantity,
        subtotal: c.line.subtotal.toFixed(2),
        total: c.line.total.toFixed(2),
      },
      select: { id: true },
    });
  }
  if (plan.removed.length) await tx.orderItem.deleteMany({ where: { orderId: order.id, id: { in: plan.removed } } });
  const added = plan.added.length
    ? await tx.orderItem.createManyAndReturn({
        data: plan.added.map((i) => ({ orderId: order.id, ...itemData(i) })),
        select: { id: true },
      })
    : [];
  const row = await tx.order.update({
    where: { id: order.id },
    data: {
      subtotal: plan.after.subtotal.toFixed(2),
      total: plan.after.total.toFixed(2),
      extraRows: extraRowsJson(plan.after.extraRows),
      isPaid: o.isPaid,
      editVersion: o.editVersion,
      dateUpdated: o.now,
    },
    select: FULL_SELECT.order,
  });
  return { order: toOrder(row), addedIds: added.map((a) => a.id).sort((a, b) => a - b) };
}

/** How many of each line of the order were shipped, summed over its shipments. */
export async function shippedOf(db: Db, orderId: number): Promise<ShippedQuantities> {
  const shipped = new Map<number, number>();
  for (const s of await shipmentsOf(db, [orderId]))
    for (const l of s.lines) shipped.set(l.itemId, (shipped.get(l.itemId) ?? 0) + l.quantity);
  return shipped;
}
