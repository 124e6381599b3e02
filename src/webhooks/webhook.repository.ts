/** Webhooks, their deliveries and attempts, through Prisma Client. */
import { Prisma } from "../generated/prisma/client.js";
import type { Db, Tx } from "../db/transaction.js";
import type { OrderEventType } from "../history/event.model.js";
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
  messageId: true,
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

/** The webhooks with these ids (node, nodes). */
export function findWebhooksByIds(db: Db, ids: readonly number[]): Promise<WebhookRecord[]> {
  return db.webhook.findMany({ where: { id: { in: [...ids] } }, select: WEBHOOK_SELECT });
}

/** The deliveries with these webhook-ids (node, nodes). */
export function findDeliveriesByMessageIds(db: Db, messageIds: readonly string[]): Promise<DeliveryRecord[]> {
  return db.webhookDelivery.findMany({ where: { messageId: { in: [...messageIds] } }, select: DELIVERY_SELECT });
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
export async function redeliver(db: Db, messageId: string, now: Date): Promise<DeliveryRecord | null> {
  const found = await db.webhookDelivery.updateMany({
    where: { messageId },
    data: { status: "PENDING", nextAttemptAt: now },
  });
  if (found.count === 0) return null;
  return db.webhookDelivery.findUnique({ where: { messageId }, select: DELIVERY_SELECT });
}

// The dispatcher's queue (webhook.dispatcher.ts): endpoints leased to one server at a time.

/** What the dispatcher needs of an endpoint it holds. */
export interface LeasedWebhook {
  id: number;
  url: string;
  secret: string;
  enabled: boolean;
  leaseOwner: string | null;
}

/**
 * Leases up to `n` enabled endpoints that have due deliveries and that no server holds, to `owner`
 * until `until`, and returns what the dispatcher needs of them. Raw SQL: Prisma has no API for FOR
 * UPDATE SKIP LOCKED.
 */
export async function leaseWebhooks(
  db: Db,
  o: { owner: string; now: Date; until: Date; n: number },
): Promise<LeasedWebhook[]> {
  return db.$queryRaw<LeasedWebhook[]>`
    UPDATE "Webhook" SET "leaseUntil" = ${o.until}, "leaseOwner" = ${o.owner}
    WHERE "id" IN (
      SELECT w."id" FROM "Webhook" w
      WHERE w."enabled" AND (w."leaseUntil" IS NULL OR w."leaseUntil" < ${o.now})
        AND EXISTS (SELECT 1 FROM "WebhookDelivery" d
                    WHERE d."webhookId" = w."id" AND d."status" = 'PENDING' AND d."nextAttemptAt" <= ${o.now})
      ORDER BY w."leaseUntil" NULLS FIRST, w."id"
      LIMIT ${o.n}
      FOR UPDATE SKIP LOCKED)
    RETURNING "id", "url", "secret", "enabled", "leaseOwner"`;
}

/** Renews `owner`'s lease (and ends the failing streak after a success); false when it no longer holds it. */
export async function renewLease(
  tx: Tx,
  webhookId: number,
  o: { owner: string; until: Date; succeeded: boolean },
): Promise<boolean> {
  const held = await tx.webhook.updateMany({
    where: { id: webhookId, leaseOwner: o.owner },
    data: { leaseUntil: o.until, ...(o.succeeded && { failingSince: null }) },
  });
  return held.count > 0;
}

export async function releaseLease(db: Db, webhookId: number, owner: string): Promise<void> {
  await db.webhook.updateMany({
    where: { id: webhookId, leaseOwner: owner },
    data: { leaseUntil: null, leaseOwner: null },
  });
}

/** An endpoint the dispatcher holds, read again (it may have been switched off or taken over meanwhile). */
export function leasedWebhook(db: Db, id: number): Promise<LeasedWebhook | null> {
  return db.webhook.findUnique({
    where: { id },
    select: { id: true, url: true, secret: true, enabled: true, leaseOwner: true },
  });
}

/** An endpoint's due deliveries, oldest first. */
export function dueDeliveries(db: Db, webhookId: number, now: Date, take: number) {
  return db.webhookDelivery.findMany({
    where: { webhookId, status: "PENDING", nextAttemptAt: { lte: now } },
    orderBy: { id: "asc" },
    take,
    select: { id: true, messageId: true, attempts: true, eventId: true },
  });
}

/** An attempt made: its delivery, which attempt it was, when, and how it went. */
export interface AttemptMade {
  id: number;
  attempts: number;
  at: Date;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Writes a batch's attempts, and marks the deliveries that succeeded, in one statement. Raw SQL:
 * Prisma has no update of many rows with a value of their own each, and its createMany is compiled
 * anew on every call (BENCHMARKS.md). Rows of a delivery deleted meanwhile (its webhook was) are skipped.
 */
export async function writeAttempts(tx: Tx, made: AttemptMade[]): Promise<void> {
  await tx.$executeRaw`
    WITH r AS (
      SELECT * FROM unnest(${made.map((a) => a.id)}::int[], ${made.map((a) => a.ok)}::bool[],
                           ${made.map((a) => a.statusCode)}::int[], ${made.map((a) => a.error)}::text[],
                           ${made.map((a) => a.durationMs)}::int[], ${made.map((a) => a.at)}::timestamptz[])
        AS r(id, ok, code, error, ms, at)
    ), done AS (
      UPDATE "WebhookDelivery" d
      SET "attempts" = d."attempts" + 1, "lastStatusCode" = r.code, "lastError" = r.error,
          "status" = 'SUCCEEDED', "dateDelivered" = r.at, "nextAttemptAt" = NULL
      FROM r WHERE d."id" = r.id AND r.ok
    )
    INSERT INTO "WebhookAttempt" ("deliveryId", "statusCode", "error", "durationMs", "dateCreated")
    SELECT r.id, r.code, r.error, r.ms, r.at FROM r JOIN "WebhookDelivery" d ON d."id" = r.id`;
}

/**
 * A batch whose attempts all succeeded, in one statement: `owner`'s lease renewed until `until`, or
 * given back when `until` is null (the endpoint's turn ends), and the endpoint's failing streak
 * ended; the attempts written, their deliveries marked delivered (as writeAttempts). Returns whether
 * `owner` held the endpoint. Raw SQL: as writeAttempts, and the lease's renewal joined to it (Prisma
 * runs an update and a raw statement only as two, in a transaction).
 */
export async function writeSuccesses(
  db: Db,
  webhookId: number,
  lease: { owner: string; until: Date | null },
  made: AttemptMade[],
): Promise<boolean> {
  const rows = await db.$queryRaw<{ held: boolean }[]>`
    WITH lease AS (
      UPDATE "Webhook"
      SET "leaseUntil" = ${lease.until}::timestamptz, "failingSince" = NULL,
          "leaseOwner" = CASE WHEN ${lease.until}::timestamptz IS NULL THEN NULL ELSE "leaseOwner" END
      WHERE "id" = ${webhookId} AND "leaseOwner" = ${lease.owner}
      RETURNING 1
    ), r AS (
      SELECT * FROM unnest(${made.map((a) => a.id)}::int[], ${made.map((a) => a.statusCode)}::int[],
                           ${made.map((a) => a.durationMs)}::int[], ${made.map((a) => a.at)}::timestamptz[])
        AS r(id, code, ms, at)
    ), done AS (
      UPDATE "WebhookDelivery" d
      SET "attempts" = d."attempts" + 1, "lastStatusCode" = r.code, "lastError" = NULL,
          "status" = 'SUCCEEDED', "dateDelivered" = r.at, "nextAttemptAt" = NULL
      FROM r WHERE d."id" = r.id
    ), attempts AS (
      INSERT INTO "WebhookAttempt" ("deliveryId", "statusCode", "error", "durationMs", "dateCreated")
      SELECT r.id, r.code, NULL, r.ms, r.at FROM r JOIN "WebhookDelivery" d ON d."id" = r.id
    )
    SELECT EXISTS (SELECT 1 FROM lease) AS held`;
  return rows[0]?.held ?? false;
}

/** A failed attempt's delivery: tried again at `retryAt`, or FAILED when that is null. */
export async function scheduleRetry(tx: Tx, a: AttemptMade, retryAt: Date | null): Promise<void> {
  await tx.webhookDelivery.updateMany({
    where: { id: a.id },
    data: {
      attempts: a.attempts,
      lastStatusCode: a.statusCode,
      lastError: a.error,
      ...(retryAt === null ? { status: "FAILED", nextAttemptAt: null } : { nextAttemptAt: retryAt }),
    },
  });
}

/** Notes a failed attempt on an endpoint: when its failing streak began (now, if it had none), or null if it is off. */
export async function noteFailing(tx: Tx, webhookId: number, now: Date): Promise<Date | null> {
  await tx.webhook.updateMany({ where: { id: webhookId, failingSince: null }, data: { failingSince: now } });
  const w = await tx.webhook.findUnique({ where: { id: webhookId }, select: { failingSince: true, enabled: true } });
  return w?.enabled ? w.failingSince : null;
}

/** The delivery queue of the whole deployment: pending deliveries, those due now, and the oldest due one's due time. */
export async function deliveryQueue(
  db: Db,
  now: Date,
): Promise<{ pending: number; due: number; oldestDue: Date | null }> {
  const [pending, due] = await Promise.all([
    db.webhookDelivery.count({ where: { status: "PENDING" } }),
    db.webhookDelivery.aggregate({
      where: { status: "PENDING", nextAttemptAt: { lte: now } },
      _count: { _all: true },
      _min: { nextAttemptAt: true },
    }),
  ]);
  return { pending, due: due._count._all, oldestDue: due._min.nextAttemptAt };
}
