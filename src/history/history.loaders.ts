/**
 * Per-request loaders of order histories: the page of every order a list shows in one statement,
 * whatever the list's size, with their counts in the same statement when the list asks for them.
 */
import DataLoader from "dataloader";
import type { OrderScope } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { scopedLoaders } from "../nodes/node.registry.js";
import { oneBy } from "../shared/records.js";
import type { OrderEventRead, OrderEventRecord } from "./event.model.js";
import { countEvents, eventPages, visibleEventsByIds } from "./event.repository.js";

export interface EventPageLoaders {
  /**
   * The first `take` events after `afterId` of each order (one loader per distinct page). With
   * `counted`, each order's count comes in the same statement and fills `count`.
   */
  page(take: number, afterId: number | null, counted: boolean): DataLoader<number, OrderEventRead[]>;
  /** How many events each order has (a statement of its own only for an order no counted page read). */
  count: DataLoader<number, number>;
}

export interface HistoryLoaders {
  /** Order histories: public events only unless the caller is staff. */
  history: EventPageLoaders;
  /** Events by id whose order a scope covers (`node`, `nodes`): public events only unless the caller is staff. */
  visibleEvents(scope: OrderScope): DataLoader<number, OrderEventRecord | null>;
}

/** `publicOnly`: the caller is not staff and sees public events only. */
export function createHistoryLoaders(prisma: PrismaClient, publicOnly: boolean): HistoryLoaders {
  const pages = new Map<string, DataLoader<number, OrderEventRead[]>>();
  const count = new DataLoader<number, number>(async (ids) => {
    const counts = await countEvents(prisma, ids, publicOnly);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  return {
    history: {
      page(take, afterId, counted) {
        const key = `${take}:${afterId ?? ""}:${counted ? "n" : ""}`;
        let loader = pages.get(key);
        if (!loader) {
          loader = new DataLoader(async (ids) => {
            const found = await eventPages(prisma, ids, { publicOnly, afterId, take, count: counted });
            for (const [id, n] of found.counts) count.prime(id, n);
            return ids.map((id) => found.pages.get(id) ?? []);
          });
          pages.set(key, loader);
        }
        return loader;
      },
      count,
    },
    visibleEvents: scopedLoaders(async (scope, ids) =>
      oneBy(ids, await visibleEventsByIds(prisma, ids, { scope, publicOnly }), (e) => e.id),
    ),
  };
}
