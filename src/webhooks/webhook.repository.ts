/** Webhooks, their deliveries and attempts, through Prisma Client. */
import { Prisma } from "../generated/prisma/client.js";
import type { Db, Tx } from "../db/transaction.js";
import type { OrderEventType } from "../orders/order.model.js";
import type { DeliveryStatus } from "./webhook.type.js";

export const WEBHOOK_SELECT = {
  id: true,
  url: true,
  events: true,
  description: true,
  enabled: true,
  disabledReason: true,
  dateCreated: true,
} as const satisfies Prisma.WebhookSelect;

export type WebhookRecord = Prisma.WebhookGetPayload<{ select: typeof WEBHOOK_SELECT }>;

export const DELIVERY_SELECT = {
  id: true,
  webhookId: true,
  eventId: true,
  status: true,
  attempts: true,
  lastStatusCode: true,
  lastError: true,
  nextAttemptAt: true,
  dateCreated: true,
  dateDelivered: true,
} as const satisfies Prisma.WebhookDeliverySelect;

export type DeliveryRecord = Prisma.WebhookDeliveryGetPayload<{ select: typeof DELIVERY_SELECT }>;

export function listWebhooks(db: Db): Promise<WebhookRecord[]> {
  return db.webhook.findMany({ select: WEBHOOK_SELECT, orderBy: { id: "asc" } });
}

export function findWebhook(db: Db, id: number): Promise<WebhookRecord | null> {
  return db.webhook.findUnique({ where: { id }, select: WEBHOOK_SELECT });
}

export function insertWebhook(
  db: Db,
  w: { url: string; events: OrderEventType[]; description: string | null; secret: string },
): Promise<WebhookRecord> {
  return db.webhook.create({ data: w, select: WEBHOOK_SELECT });
}

export function updateWebhook(tx: Tx, id: number, data: Prisma.WebhookUpdateInput): Promise<WebhookRecord> {
  return tx.webhook.update({ where: { id }, data, select: WEBHOOK_SELECT });
}

/** Gives up on every pending delivery of a webhook (it was switched off). */
export async function failPending(tx: Tx, webhookId: number, why: string): Promise<void> {
  await tx.webhookDelivery.updateMany({
    where: { webhookId, status: "PENDING" },
    data: { status: "FAILED", nextAttemptAt: null, lastError: why },
  });
}

export async function deleteWebhook(db: Db, id: number): Promise<boolean> {
  return (await db.webhook.deleteMany({ where: { id } })).count > 0;
}

/** The first `take` deliveries of each webhook, newest first, before `beforeId`, in one statement. */
export async function deliveryPages(
  db: Db,
  webhookIds: readonly number[],
  q: { take: number; beforeId: number | null; status: DeliveryStatus | null },
): Promise<DeliveryRecord[]> {
  // The join strategy (one statement, a LIMIT per webhook) is exact here: deliveries have no Decimal columns.
  const rows = await db.webhook.findMany({
    where: { id: { in: [...webhookIds] } },
    relationLoadStrategy: "join",
    select: {
      id: true,
      deliveries: {
        where: { ...(q.beforeId !== null && { id: { lt: q.beforeId } }), ...(q.status && { status: q.status }) },
        orderBy: { id: "desc" },
        take: q.take,
        select: DELIVERY_SELECT,
      },
    },
  });
  return rows.flatMap((r) => r.deliveries);
}

export async function countDeliveries(
  db: Db,
  webhookIds: readonly number[],
  status: DeliveryStatus | null,
): Promise<Map<number, number>> {
  const groups = await db.webhookDelivery.groupBy({
    by: ["webhookId"],
    where: { webhookId: { in: [...webhookIds] }, ...(status && { status }) },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.webhookId, g._count._all]));
}

export function attemptsOf(db: Db, deliveryIds: readonly number[]) {
  return db.webhookAttempt.findMany({
    where: { deliveryId: { in: [...deliveryIds] } },
    orderBy: [{ deliveryId: "asc" }, { id: "asc" }],
  });
}

/** Makes a delivery due now, whatever its state: a new attempt of the same delivery (same webhook-id). */
export async function redeliver(db: Db, id: number, now: Date): Promise<DeliveryRecord | null> {
  const found = await db.webhookDelivery.updateMany({ where: { id }, data: { status: "PENDING", nextAttemptAt: now } });
  if (found.count === 0) return null;
  return db.webhookDelivery.findUnique({ where: { id }, select: DELIVERY_SELECT });
}
