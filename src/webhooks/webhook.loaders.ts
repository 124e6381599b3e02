/** Per-request loaders for webhooks: deliveries per webhook, their attempts and events. */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { OrderEventRecord } from "../history/event.model.js";
import { eventsByIds } from "../history/event.repository.js";
import { groupBy, oneBy } from "../shared/records.js";
import {
  attemptsOf,
  countDeliveries,
  deliveryPages,
  findDeliveriesByMessageIds,
  findWebhooksByIds,
  type DeliveryRecord,
  type WebhookRecord,
} from "./webhook.repository.js";
import type { DeliveryStatus, WebhookAttempt } from "./webhook.type.js";

export interface DeliveryPageLoaders {
  /** The first `take` deliveries of each webhook, newest first, before `beforeId` (one loader per page). */
  page(take: number, beforeId: number | null, status: DeliveryStatus | null): DataLoader<number, DeliveryRecord[]>;
  count(status: DeliveryStatus | null): DataLoader<number, number>;
}

export interface WebhookLoaders {
  /** Webhook deliveries (staff only). */
  deliveries: DeliveryPageLoaders;
  /** Events by id. */
  event: DataLoader<number, OrderEventRecord | null>;
  /** A delivery's attempts. */
  attempts: DataLoader<number, WebhookAttempt[]>;
  /** Webhooks by id (`node`, `nodes`; staff only). */
  webhooksById: DataLoader<number, WebhookRecord | null>;
  /** Deliveries by webhook-id (`node`, `nodes`; staff only). */
  deliveriesByMessageId: DataLoader<string, DeliveryRecord | null>;
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
    return new DataLoader<number, DeliveryRecord[]>(async (ids) =>
      groupBy(ids, await deliveryPages(prisma, ids, { take, beforeId, status }), (d) => d.webhookId),
    );
  });
  const counts = memo((status) => {
    return new DataLoader<number, number>(async (ids) => {
      const found = await countDeliveries(prisma, ids, (status || null) as DeliveryStatus | null);
      return ids.map((id) => found.get(id) ?? 0);
    });
  });
  return {
    deliveries: {
      page: (take, beforeId, status) => pages(JSON.stringify([take, beforeId, status])),
      count: (status) => counts(status ?? ""),
    },
    event: new DataLoader(async (ids) => oneBy(ids, await eventsByIds(prisma, ids), (e) => e.id)),
    attempts: new DataLoader(async (ids) => groupBy(ids, await attemptsOf(prisma, ids), (a) => a.deliveryId)),
    webhooksById: new DataLoader(async (ids) => oneBy(ids, await findWebhooksByIds(prisma, ids), (w) => w.id)),
    deliveriesByMessageId: new DataLoader(async (ids) =>
      oneBy(ids, await findDeliveriesByMessageIds(prisma, ids), (d) => d.messageId),
    ),
  };
}
