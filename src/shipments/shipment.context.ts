/** What shipment resolvers use of a request's context (context.ts puts every folder's part together). */
import type { OrderContext } from "../orders/order.context.js";
import type { OrderLoaders } from "../orders/order.loaders.js";
import type { UserLoaders } from "../users/user.loaders.js";
import type { ShipmentLoaders } from "./shipment.loaders.js";
import type { ShipmentService } from "./shipment.service.js";

export interface ShipmentContext extends OrderContext {
  shipments: ShipmentService;
  loaders: OrderLoaders & UserLoaders & ShipmentLoaders;
}
