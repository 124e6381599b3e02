/**
 * Per-request DataLoaders for every to-many relation of an order and for users: a page of orders
 * costs one statement per relation, whatever its size.
 */
import DataLoader from "dataloader";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PaymentRegistry } from "../payments/registry.js";
import { usersByIds, type UserRecord } from "../users/user.repository.js";
import { createHistoryLoaders, type HistoryLoaders } from "../history/history.loaders.js";
import { createWebhookLoaders, type WebhookLoaders } from "../webhooks/webhook.loaders.js";
import { paymentsByIds, refundsOfOrders, refundsOfPayments } from "../payments/payment.repository.js";
import type { OrderItemRecord, OrderNoteRecord, OrderRefundRecord } from "./order.model.js";
import { toPaymentNodes } from "./order.nodes.js";
import { itemsOf, notesOf, paymentsOf, type OrderWithRelations } from "./order.repository.js";
import { FULL_SELECT, type ReadSelect } from "./order.select.js";
import type { OrderPayment } from "./order.type.js";

/** Rows grouped by order, in the order of `ids`. */
export function groupByOrder<T extends { orderId: number }>(ids: readonly number[], rows: T[]): T[][] {
  const groups = new Map<number, T[]>(ids.map((id) => [id, []]));
  for (const r of rows) groups.get(r.orderId)?.push(r);
  return ids.map((id) => groups.get(id)!);
}

export interface Loaders {
  items: DataLoader<number, OrderItemRecord[]>;
  /** As GraphQL nodes, with their method labels. */
  payments: DataLoader<number, OrderPayment[]>;
  /** One payment by its id, as a GraphQL node. */
  payment: DataLoader<number, OrderPayment | null>;
  /** Only the public ones unless the caller may see private notes. */
  notes: DataLoader<number, OrderNoteRecord[]>;
  users: DataLoader<number, UserRecord | null>;
  /** Refunds by order id. */
  orderRefunds: DataLoader<number, OrderRefundRecord[]>;
  /** Refunds by payment id. */
  paymentRefunds: DataLoader<number, OrderRefundRecord[]>;
  /** Order histories: public events only unless the caller is staff. */
  history: HistoryLoaders;
  /** Webhook deliveries and their events and attempts (staff only). */
  deliveries: WebhookLoaders;
  event: WebhookLoaders["event"];
  attempts: WebhookLoaders["attempts"];
}

export interface LoaderOptions {
  /** What the operation shows of each item (see order.select.ts). */
  select?: ReadSelect;
  /** Labels for the payments' methods. */
  payments: PaymentRegistry;
  /** Whether the caller is staff: sees private notes and private events. */
  staff: boolean;
}

export function createLoaders(prisma: PrismaClient, { select = FULL_SELECT, payments, staff }: LoaderOptions): Loaders {
  return {
    items: new DataLoader(async (ids) => groupByOrder(ids, await itemsOf(prisma, ids, select))),
    payments: new DataLoader(async (ids) => groupByOrder(ids, toPaymentNodes(await paymentsOf(prisma, ids), payments))),
    payment: new DataLoader(async (ids) => byId(ids, toPaymentNodes(await paymentsByIds(prisma, ids), payments))),
    notes: new DataLoader(async (ids) => groupByOrder(ids, await notesOf(prisma, ids, { privateToo: staff }))),
    users: new DataLoader(async (ids) => byId(ids, await usersByIds(prisma, ids))),
    orderRefunds: new DataLoader(async (ids) => groupByOrder(ids, await refundsOfOrders(prisma, ids))),
    paymentRefunds: new DataLoader(async (ids) => {
      const groups = new Map<number, OrderRefundRecord[]>(ids.map((id) => [id, []]));
      for (const r of await refundsOfPayments(prisma, ids)) groups.get(r.paymentId)?.push(r);
      return ids.map((id) => groups.get(id)!);
    }),
    history: createHistoryLoaders(prisma, !staff),
    ...webhookLoaders(prisma),
  };
}

function webhookLoaders(prisma: PrismaClient): Pick<Loaders, "deliveries" | "event" | "attempts"> {
  const w = createWebhookLoaders(prisma);
  return { deliveries: w, event: w.event, attempts: w.attempts };
}

function byId<T extends { id: number }>(ids: readonly number[], rows: T[]): (T | null)[] {
  const found = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => found.get(id) ?? null);
}

/** Hands the loaders what a read fetched with its order, so that its fields do not fetch it again. */
export function primeLoaders(loaders: Loaders, found: OrderWithRelations): void {
  const id = found.order.id;
  if (found.notes) loaders.notes.prime(id, found.notes);
  if (found.user !== undefined && found.order.userId !== null) loaders.users.prime(found.order.userId, found.user);
}
