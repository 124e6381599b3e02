/**
 * Per-request loaders of an order's own relations: a page of orders costs one statement per
 * relation, whatever its size. (Each folder builds the loaders of its own relations; context.ts
 * puts them together for a request.)
 */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import { groupBy } from "../shared/records.js";
import type { UserLoaders } from "../users/user.loaders.js";
import type { OrderItemRead, OrderNoteRecord } from "./order.model.js";
import { itemsOf, notesOf, type OrderWithRelations } from "./order.repository.js";
import { FULL_SELECT, type ReadSelect } from "./order.select.js";

export interface OrderLoaders {
  /** As the operation's select fetched them (order.select.ts). */
  items: DataLoader<number, OrderItemRead[]>;
  /** Only the public ones unless the caller may see private notes. */
  notes: DataLoader<number, OrderNoteRecord[]>;
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
  };
}

/** Hands the loaders what a read fetched with its order, so that its fields do not fetch it again. */
export function primeLoaders(loaders: OrderLoaders & UserLoaders, found: OrderWithRelations): void {
  const id = found.order.id;
  if (found.notes) loaders.notes.prime(id, found.notes);
  if (found.user !== undefined && found.order.userId !== null) loaders.users.prime(found.order.userId, found.user);
}
