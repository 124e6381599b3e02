/** What every resolver gets: the caller, per-request loaders, and the services. */
import type { Viewer } from "./auth/viewer.js";
import type { Loaders } from "./orders/order.loaders.js";
import type { ReadColumns } from "./orders/order.reads.js";
import type { OrderService } from "./orders/order.service.js";
import type { PaymentRegistry } from "./payments/registry.js";

export interface Context {
  viewer: Viewer;
  loaders: Loaders;
  orders: OrderService;
  payments: PaymentRegistry;
  /** The columns the operation's order reads fetch (all until the operation is known; see order.columns.ts). */
  columns: ReadColumns;
}
