/**
 * Per-request loaders of an order's own relations: a page of orders costs one statement per
 * relation, whatever its size. (Each folder builds the loaders of its own relations; context.ts
 * puts them together for a request.)
 */
import DataLoader from "dataloader";
import type { OrderScope } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { scopedLoaders } from "../nodes/node.registry.js";
import { groupBy, oneBy } from "../shared/records.js";
import type { OrderItemRead, OrderNoteRecord, OrderRead } from "./order.model.js";
import { findItemsByIds, findOrdersByIds, itemsOf, notesOf } from "./order.repository.js";
import { FULL_SELECT, type ReadSelect } from "./order.select.js";

export interface OrderLoaders {
  /** As the operation's select fetched them (order.select.ts). */
  items: DataLoader<number, OrderItemRead[]>;
  /** Only the public ones unless the caller may see private notes. */
  notes: DataLoader<number, OrderNoteRecord[]>;
  /** Orders by id that a scope covers (`node`, `nodes`), as the operation's select fetches them. */
  visibleOrders(scope: OrderScope): DataLoader<number, OrderRead | null>;
  /** Items by id whose order a scope covers (`node`, `nodes`). */
  visibleItems(scope: OrderScope): DataLoader<number, OrderItemRead | null>;
}

export interface OrderLoaderOptions {
  /** What the operation shows of each item (see order.select.ts). */
  select?: ReadSelect;
  /** Whether the caller is staff: sees private notes. */
  staff: boolean;
}

export function createOrderLoaders(
  prisma: PrismaClient,
  { select = FULL_SELECT, staff }: OrderLoaderOptions,
): OrderLoaders {
  const byOrder = (r: { orderId: number }) => r.orderId;
  return {
    items: new DataLoader(async (ids) => groupBy(ids, await itemsOf(prisma, ids, select), byOrder)),
    notes: new DataLoader(async (ids) => groupBy(ids, await notesOf(prisma, ids, { privateToo: staff }), byOrder)),
    visibleOrders: scopedLoaders(async (scope, ids) =>
      oneBy(ids, await findOrdersByIds(prisma, ids, scope, select), (o) => o.id),
    ),
    visibleItems: scopedLoaders(async (scope, ids) =>
      oneBy(ids, await findItemsByIds(prisma, ids, scope, select), (i) => i.id),
    ),
  };
}

/**
 * Hands the items loader the lines a read fetched with its orders (OrderRead.joined), for the other
 * fields that ask the loader for them (an order's fulfillment status, a shipment's or a return's
 * lines): no second statement for lines already read.
 */
export function primeJoined(loaders: OrderLoaders, orders: Iterable<OrderRead>): void {
  for (const o of orders) if (o.joined?.items) loaders.items.prime(o.id, o.joined.items);
}
