/** What order resolvers use of a request's context (context.ts puts every folder's part together). */
import type { Viewer } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { UserLoaders } from "../users/user.loaders.js";
import type { OrderLoaders } from "./order.loaders.js";
import type { ReadSelect } from "./order.select.js";
import type { OrderService } from "./order.service.js";

export interface OrderContext {
  viewer: Viewer;
  orders: OrderService;
  loaders: OrderLoaders & UserLoaders;
  /** What the operation's order reads fetch (everything until the operation is known; see order.select.ts). */
  select: ReadSelect;
  /** Where a list that tolerates lag is read: a read replica chosen for this request, or undefined (the primary). */
  reads?: PrismaClient;
}
