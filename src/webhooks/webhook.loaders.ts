/** Per-request loaders for webhooks: deliveries per webhook, their attempts and events. */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import { eventsByIds } from "../history/event.repository.js";
import type { OrderEventRecord } from "../orders/order.model.js";
import { attemptsOf, countDeliveries, deliveryPages, type DeliveryRecord } from "./webhook.repository.js";
import type { DeliveryStatus, WebhookAttempt } from "./webhook.type.js";

export interface WebhookLoaders {
  /** The first `take` deliveries of each webhook, newest first, before `beforeId` (one loader per page). */
  page(take: number, beforeId: number | null, status: DeliveryStatus | null): DataLoader<number, DeliveryRecord[]>;
  count(status: DeliveryStatus | null): DataLoader<number, number>;
  /** Events by id. */
  event: DataLoader<number, OrderEventRecord | null>;
  attempts: DataLoader<number, WebhookAttempt[]>;
}

function memo<V>(make: (key: string) => V): (key: string) => V {
  const made = new Map<string, V>();
  return (key) => {
    let v = made.get(key);
    if (!v) made.set(key, (v = make(key)));
    return v;
  };
}

export function createWebhookLoaders(prisma: PrismaClient): WebhookLoaders {
  const pages = memo((key) => {
    const [take, beforeId, status] = JSON.parse(key) as [number, number | null, DeliveryStatus | null];
    return new DataLoader<number, DeliveryRecord[]>(async (ids) => {
      const groups = new Map<number, DeliveryRecord[]>(ids.map((id) => [id, []]));
      for (const d of await deliveryPages(prisma, ids, { take, beforeId, status })) groups.get(d.webhookId)?.push(d);
      return ids.map((id) => groups.get(id)!);
    });
  });
  const counts = memo((status) => {
    return new DataLoader<number, number>(async (ids) => {
      const found = await countDeliveries(prisma, ids, (status || null) as DeliveryStatus | null);
      return ids.map((id) => found.get(id) ?? 0);
    });
  });
  return {
    page: (take, beforeId, status) => pages(JSON.stringify([take, beforeId, status])),
    count: (status) => counts(status ?? ""),
    event: new DataLoader(async (ids) => {
      const byId = new Map((await eventsByIds(prisma, ids)).map((e) => [e.id, e]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    attempts: new DataLoader(async (ids) => {
      const groups = new Map<number, WebhookAttempt[]>(ids.map((id) => [id, []]));
      for (const a of await attemptsOf(prisma, ids)) groups.get(a.deliveryId)?.push(a);
      return ids.map((id) => groups.get(id)!);
    }),
  };
}
