/**
 * Per-request DataLoaders for every to-many relation of an order and for users: a page of orders
 * costs one statement per relation, whatever its size.
 */
import DataLoader from "dataloader";
import type { PaymentRegistry } from "../payments/registry.js";
import { usersByIds, type UserRecord } from "../users/user.repository.js";
import type { OrderItemRecord, OrderNoteRecord } from "./order.model.js";
import { toPaymentNodes } from "./order.nodes.js";
import type { OrderPayment } from "./order.types.js";
import { ALL_COLUMNS, readItems, readNotes, readPayments, type ReadColumns, type Reader } from "./order.reads.js";

function groupBy<T extends { orderId: number }>(ids: readonly number[], rows: T[]): T[][] {
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
  /** What the operation shows of each item (see order.columns.ts). */
  columns?: ReadColumns;
  /** Labels for the payments' methods. */
  payments: PaymentRegistry;
  /** Whether the caller sees private notes (staff). */
  privateNotes: boolean;
}

/** Each relation is made ready for its field in the batch, so that the fields return the loads as they are. */
export function createLoaders(db: Reader, { columns = ALL_COLUMNS, payments, privateNotes }: LoaderOptions): Loaders {
  return {
    items: new DataLoader(async (ids) => groupBy(ids, await readItems(db, ids, columns))),
    payments: new DataLoader(async (ids) => groupBy(ids, toPaymentNodes(await readPayments(db, ids), payments))),
    notes: new DataLoader(async (ids) => {
      const notes = await readNotes(db, ids);
      return groupBy(ids, privateNotes ? notes : notes.filter((n) => n.public));
    }),
    users: new DataLoader(async (ids) => {
      const byId = new Map((await usersByIds(db, ids)).map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
