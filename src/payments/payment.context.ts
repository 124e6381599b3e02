/** What payment resolvers use of a request's context (context.ts puts every folder's part together). */
import type { OrderContext } from "../orders/order.context.js";
import type { OrderLoaders } from "../orders/order.loaders.js";
import type { UserLoaders } from "../users/user.loaders.js";
import type { PaymentLoaders } from "./payment.loaders.js";
import type { PaymentService } from "./payment.service.js";
import type { RefundService } from "./refund.service.js";
import type { PaymentRegistry } from "./registry.js";

export interface PaymentContext extends OrderContext {
  payments: PaymentService;
  refunds: RefundService;
  /** The configured payment methods. */
  registry: PaymentRegistry;
  loaders: OrderLoaders & UserLoaders & PaymentLoaders;
}
