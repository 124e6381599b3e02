/**
 * Per-request loaders of order histories: the page of every order a list shows in one statement,
 * whatever the list's size, and their counts in one more when asked for.
 */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { OrderEventRecord } from "../orders/order.model.js";
import { countEvents, eventPages } from "./event.repository.js";

export interface HistoryLoaders {
  /** The first `take` events after `afterId` of each order (one loader per distinct page). */
  page(take: number, afterId: number | null): DataLoader<number, OrderEventRecord[]>;
  count: DataLoader<number, number>;
}

/** `publicOnly`: the caller is not staff and sees public events only. */
export function createHistoryLoaders(prisma: PrismaClient, publicOnly: boolean): HistoryLoaders {
  const pages = new Map<string, DataLoader<number, OrderEventRecord[]>>();
  return {
    page(take, afterId) {
      const key = `${take}:${afterId ?? ""}`;
      let loader = pages.get(key);
      if (!loader) {
        loader = new DataLoader(async (ids) => {
          const groups = new Map<number, OrderEventRecord[]>(ids.map((id) => [id, []]));
          for (const e of await eventPages(prisma, ids, { publicOnly, afterId, take })) groups.get(e.orderId)?.push(e);
          return ids.map((id) => groups.get(id)!);
        });
        pages.set(key, loader);
      }
      return loader;
    },
    count: new DataLoader(async (ids) => {
      const counts = await countEvents(prisma, ids, publicOnly);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}
