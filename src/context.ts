/** What every resolver gets: the caller, per-request loaders, and the services. */
import type { Viewer } from "./auth/viewer.js";
import type { EventBus } from "./events/event-bus.js";
import type { WebhookService } from "./webhooks/webhook.service.js";
import type { Loaders } from "./orders/order.loaders.js";
import type { ReadSelect } from "./orders/order.select.js";
import type { OrderService } from "./orders/order.service.js";
import type { PaymentService } from "./payments/payment.service.js";
import type { PaymentRegistry } from "./payments/registry.js";

export interface Context {
  viewer: Viewer;
  loaders: Loaders;
  orders: OrderService;
  payments: PaymentService;
  /** The configured payment methods. */
  registry: PaymentRegistry;
  /** Order events as they are committed, for subscriptions. */
  events: EventBus;
  webhooks: WebhookService;
  /** What the operation's order reads fetch (everything until the operation is known; see order.select.ts). */
  select: ReadSelect;
}
