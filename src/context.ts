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
  /**
   * Lets the next use of `loaders` have new ones. A subscription's context lives as long as the
   * subscription: each of its events is resolved with new loaders, so that nothing it shows is older
   * than the event (made only if its fields use them). A request's context lives for one answer.
   */
  renewLoaders: () => void;
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
