/**
 * Per-request DataLoaders for every to-many relation of an order and for users: a page of orders
 * costs one statement per relation, whatever its size.
 */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PaymentRegistry } from "../payments/registry.js";
import { usersByIds, type UserRecord } from "../users/user.repository.js";
import type { OrderItemRecord, OrderNoteRecord } from "./order.model.js";
import { toPaymentNodes } from "./order.nodes.js";
import { itemsOf, notesOf, paymentsOf, type OrderWithRelations } from "./order.repository.js";
import { FULL_SELECT, type ReadSelect } from "./order.select.js";
import type { OrderPayment } from "./order.type.js";

/** Rows grouped by order, in the order of `ids`. */
export function groupByOrder<T extends { orderId: number }>(ids: readonly number[], rows: T[]): T[][] {
  const groups = new Map<number, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) groups.get(r.orderId)?.push(r);
  return ids.map((id) => groups.get(id)!);
}

export interface Loaders {
  items: DataLoader<number, OrderItemRecord[]>;
  /** As GraphQL nodes, with their method labels. */
  payments: DataLoader<number, OrderPayment[]>;
  /** Only the public ones unless the caller may see private notes. */
  notes: DataLoader<number, OrderNoteRecord[]>;
  users: DataLoader<number, UserRecord | null>;
}

export interface LoaderOptions {
  /** What the operation shows of each item (see order.select.ts). */
  select?: ReadSelect;
  /** Labels for the payments' methods. */
  payments: PaymentRegistry;
  /** Whether the caller sees private notes (staff). */
  privateNotes: boolean;
}

export function createLoaders(
  prisma: PrismaClient,
  { select = FULL_SELECT, payments, privateNotes }: LoaderOptions,
): Loaders {
  return {
    items: new DataLoader(async (ids) => groupByOrder(ids, await itemsOf(prisma, ids, select))),
    payments: new DataLoader(async (ids) => groupByOrder(ids, toPaymentNodes(await paymentsOf(prisma, ids), payments))),
    notes: new DataLoader(async (ids) => groupByOrder(ids, await notesOf(prisma, ids, { privateToo: privateNotes }))),
    users: new DataLoader(async (ids) => {
      const byId = new Map((await usersByIds(prisma, ids)).map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

/** Hands the loaders what a read fetched with its order, so that its fields do not fetch it again. */
export function primeLoaders(loaders: Loaders, found: OrderWithRelations): void {
  const id = found.order.id;
  if (found.notes) loaders.notes.prime(id, found.notes);
  if (found.user !== undefined && found.order.userId !== null) loaders.users.prime(found.order.userId, found.user);
}
