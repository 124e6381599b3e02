/**
 * Per-request DataLoaders for every to-many relation of an order and for users: a page of orders
 * costs one statement per relation, whatever its size.
 */
import DataLoader from "dataloader";
import { usersByIds, type UserRecord } from "../users/user.repository.js";
import type { OrderItemRecord, OrderNoteRecord, OrderPaymentRecord } from "./order.model.js";
import { ALL_COLUMNS, readItems, readNotes, readPayments, type ReadColumns, type Reader } from "./order.reads.js";

function groupBy<T extends { orderId: number }>(ids: readonly number[], rows: T[]): T[][] {
  const groups = new Map<number, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) groups.get(r.orderId)?.push(r);
  return ids.map((id) => groups.get(id)!);
}

export interface Loaders {
  items: DataLoader<number, OrderItemRecord[]>;
  payments: DataLoader<number, OrderPaymentRecord[]>;
  notes: DataLoader<number, OrderNoteRecord[]>;
  users: DataLoader<number, UserRecord | null>;
}

/** `columns`: what the operation shows of each item (see order.columns.ts). */
export function createLoaders(db: Reader, columns: ReadColumns = ALL_COLUMNS): Loaders {
  return {
    items: new DataLoader(async (ids) => groupBy(ids, await readItems(db, ids, columns))),
    payments: new DataLoader(async (ids) => groupBy(ids, await readPayments(db, ids))),
    notes: new DataLoader(async (ids) => groupBy(ids, await readNotes(db, ids))),
    users: new DataLoader(async (ids) => {
      const byId = new Map((await usersByIds(db, ids)).map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
