/**
 * Per-request loaders of order histories: the page of every order a list shows in one statement,
 * whatever the list's size, with their counts in the same statement when the list asks for them;
 * none for the orders whose first page the history cache holds at the version this request read.
 */
import DataLoader from "dataloader";
import type { OrderScope } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { scopedLoaders } from "../nodes/node.registry.js";
import { oneBy } from "../shared/records.js";
import type { HistoryCache } from "./event.cache.js";
import type { OrderEventRead, OrderEventRecord } from "./event.model.js";
import { countEvents, eventPages, visibleEventsByIds } from "./event.repository.js";

/** An order whose history is read: its id, and the relationsVersion this request read it at, when a read did. */
export interface HistoryOf {
  id: number;
  version: number | undefined;
}

export interface EventPageLoaders {
  /**
   * The first `take` events after `afterId` of each order (one loader per distinct page). With
   * `counted`, each order's count comes in the same statement and fills `count`.
   */
  page(take: number, afterId: number | null, counted: boolean): DataLoader<HistoryOf, OrderEventRead[], number>;
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
export function createHistoryLoaders(prisma: PrismaClient, publicOnly: boolean, cache?: HistoryCache): HistoryLoaders {
  const pages = new Map<string, DataLoader<HistoryOf, OrderEventRead[], number>>();
  const count = new DataLoader<number, number>(async (ids) => {
    const counts = await countEvents(prisma, ids, publicOnly);
    return ids.map((id) => counts.get(id) ?? 0);
  });
  const cached = cache?.enabled ? cache : undefined;
  return {
    history: {
      page(take, afterId, counted) {
        const key = `${take}:${afterId ?? ""}:${counted ? "n" : ""}`;
        let loader = pages.get(key);
        if (!loader) {
          // Only a first page is kept: it is what a list of orders shows.
          const first = afterId === null ? cached : undefined;
          loader = new DataLoader(
            async (orders) => {
              const found = new Map<number, readonly OrderEventRead[]>();
              const missing: number[] = [];
              for (const o of orders) {
                const hit =
                  o.version === undefined ? undefined : first?.get(o.id, publicOnly, o.version, take, counted);
                if (!hit) missing.push(o.id);
                else {
                  found.set(o.id, hit.events);
                  if (hit.count !== null) count.prime(o.id, hit.count);
                }
              }
              if (missing.length > 0) {
                const read = await eventPages(prisma, missing, { publicOnly, afterId, take, count: counted });
                for (const [id, n] of read.counts) count.prime(id, n);
                for (const [id, events] of read.pages) {
                  found.set(id, events);
                  const version = read.versions.get(id)!;
                  const complete = events.length < take;
                  const n = read.counts.get(id) ?? (complete ? events.length : null);
                  first?.set(id, publicOnly, { version, events, complete, count: n });
                }
              }
              // Shared with the cache (frozen): toPage slices, and nothing changes an event.
              return orders.map((o) => (found.get(o.id) ?? []) as OrderEventRead[]);
            },
            { cacheKeyFn: (o) => o.id },
          );
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
