/**
 * The services of one server, wired together: orders, payments, webhooks, and the event bus that
 * hands committed events to subscribers. Started and stopped as one.
 */
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { EventLog } from "./history/event-log.js";
import { HistoryCache } from "./history/event.cache.js";
import { ReadCoalescer } from "./orders/order.coalesce.js";
import { OrderCache } from "./orders/order.cache.js";
import { OrderService } from "./orders/order.service.js";
import type { OrderRules } from "./orders/status.js";
import type { PaymentMethod } from "./payments/payment-method.js";
import { PaymentService } from "./payments/payment.service.js";
import { RefundService } from "./payments/refund.service.js";
import { createPaymentRegistry, type PaymentRegistry } from "./payments/registry.js";
import type { Logger } from "./shared/log.js";
import { ShipmentService } from "./shipments/shipment.service.js";
import { ReturnService } from "./returns/return.service.js";
import { EventBus } from "./subscriptions/event-bus.js";
import type { Tracing } from "./telemetry/tracing.js";
import { WebhookDispatcher } from "./webhooks/webhook.dispatcher.js";
import { WebhookService } from "./webhooks/webhook.service.js";
// order edits
import { EditService } from "./edits/edit.service.js";

export interface Services {
  prisma: PrismaClient;
  registry: PaymentRegistry;
  orders: OrderService;
  payments: PaymentService;
  refunds: RefundService;
  webhooks: WebhookService;
  /** Order edits: preview and commit. */
  edits: EditService;
  shipments: ShipmentService;
  returns: ReturnService;
  /** Order events as they are committed, to this server's subscribers. */
  events: EventBus;
  /** Orders' first history pages, between reads (history/event.cache.ts). */
  historyCache: HistoryCache;
  /** This server's share of the webhook deliveries. */
  dispatcher: WebhookDispatcher;
  /** Starts listening for events and delivering webhooks. */
  start(): Promise<void>;
  /** Lets webhook attempts in flight finish, ends the subscriptions, stops listening. */
  stop(): Promise<void>;
}

export function createServices(o: {
  config: Config;
  db: Database;
  prisma: PrismaClient;
  log: Logger;
  rules: OrderRules;
  /** Payment methods beyond the built-in ones (enabled when PAYMENT_METHODS lists them). */
  paymentMethods?: PaymentMethod[];
  /** Absolute URL of a path on this server (known once it listens). */
  url(path: string): string;
  /** Told of each webhook delivery attempt's outcome and duration (metrics). */
  onDeliveryAttempt?: (ok: boolean, seconds: number) => void;
  /** Tracing, when it is on: events keep their change's trace context; deliveries and fan-out link to it. */
  tracing?: Tracing;
}): Services {
  const { config, db, prisma, log, rules } = o;
  const registry = createPaymentRegistry(config.paymentMethods, o.paymentMethods);
  const history = new EventLog(undefined, o.tracing);
  const orders = new OrderService({
    prisma,
    rules,
    events: history,
    currency: config.currency,
    cache: new OrderCache(config.orderCacheSize),
    reads: new ReadCoalescer(),
  });
  const onMethodError = (method: string, e: unknown) =>
    log.warn("payment method failed", { method, error: e instanceof Error ? e.message : String(e) });
  const timeoutMs = config.paymentTimeoutMs;
  const payments = new PaymentService({
    prisma,
    rules,
    events: history,
    registry,
    url: o.url,
    timeoutMs,
    onMethodError,
  });
  const refunds = new RefundService({ prisma, events: history, registry, timeoutMs, onMethodError });
  const edits = new EditService({ prisma, rules, events: history, refunds, timeoutMs });
  const shipments = new ShipmentService({ prisma, rules, events: history });
  const returns = new ReturnService({
    prisma,
    events: history,
    refunds,
    windowDays: config.returnWindowDays,
    paymentTimeoutMs: timeoutMs,
  });
  const dispatcher = new WebhookDispatcher({
    prisma,
    config: config.webhooks,
    log,
    onAttempt: o.onDeliveryAttempt,
    tracing: o.tracing,
  });
  const webhooks = new WebhookService({
    prisma,
    allowPrivate: config.webhooks.allowPrivate,
    onDue: () => dispatcher.wake(),
  });
  const events = new EventBus({
    prisma,
    db,
    log,
    capacity: config.subscriptionQueue,
    checkEveryMs: config.eventCheckMs,
    onAnnounced: () => dispatcher.wake(),
    tracing: o.tracing,
  });
  let started = false;
  return {
    prisma,
    registry,
    orders,
    payments,
    refunds,
    webhooks,
    edits,
    shipments,
    returns,
    events,
    historyCache: new HistoryCache(config.orderCacheSize),
    dispatcher,
    async start() {
      started = true;
      await events.start();
      dispatcher.start();
    },
    async stop() {
      if (!started) return;
      await dispatcher.stop();
      await events.stop();
    },
  };
}
