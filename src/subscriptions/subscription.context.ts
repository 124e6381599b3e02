/** What subscription resolvers use of a request's context (context.ts puts every folder's part together). */
import type { Viewer } from "../auth/viewer.js";
import type { EventBus } from "./event-bus.js";

export interface SubscriptionContext {
  viewer: Viewer;
  /** Order events as they are committed, for subscriptions. */
  events: EventBus;
}
