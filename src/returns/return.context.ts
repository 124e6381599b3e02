/** What return resolvers use of a request's context (context.ts puts every folder's part together). */
import type { OrderContext } from "../orders/order.context.js";
import type { OrderLoaders } from "../orders/order.loaders.js";
import type { UserLoaders } from "../users/user.loaders.js";
import type { ReturnLoaders } from "./return.loaders.js";
import type { ReturnService } from "./return.service.js";

export interface ReturnContext extends OrderContext {
  returns: ReturnService;
  loaders: OrderLoaders & UserLoaders & ReturnLoaders;
}
