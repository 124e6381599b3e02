/**
 * Per-request loaders of order histories: the page of every order a list shows in one statement,
 * whatever the list's size, and their counts in one more when asked for.
 */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import { groupBy } from "../shared/records.js";
import type { OrderEventRecord } from "./event.model.js";
import { countEvents, eventPages } from "./event.repository.js";

export interface EventPageLoaders {
  /** The first `take` events after `afterId` of each order (one loader per distinct page). */
  page(take: number, afterId: number | null): DataLoader<number, OrderEventRecord[]>;
  count: DataLoader<number, number>;
}

export interface HistoryLoaders {
  /** Order histories: public events only unless the caller is staff. */
  history: EventPageLoaders;
}

/** `publicOnly`: the caller is not staff and sees public events only. */
export function createHistoryLoaders(prisma: PrismaClient, publicOnly: boolean): HistoryLoaders {
  const pages = new Map<string, DataLoader<number, OrderEventRecord[]>>();
  return {
    history: {
      page(take, afterId) {
        const key = `${take}:${afterId ?? ""}`;
        let loader = pages.get(key);
        if (!loader) {
          loader = new DataLoader(async (ids) =>
            groupBy(ids, await eventPages(prisma, ids, { publicOnly, afterId, take }), (e) => e.orderId),
          );
          pages.set(key, loader);
        }
        return loader;
      },
      count: new DataLoader(async (ids) => {
        const counts = await countEvents(prisma, ids, publicOnly);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
    },
  };
}
