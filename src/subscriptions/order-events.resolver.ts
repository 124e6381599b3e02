/** Subscription.orderEvents: the events of the orders a caller may see, as they are committed. */
import "reflect-metadata";
import { Arg, Ctx, Resolver, Root, Subscription } from "type-graphql";
import { eventAudience, publicView } from "../history/event-audience.js";
import type { OrderEventType } from "../history/event.model.js";
import { OrderEvent, OrderEventTypeEnum } from "../history/event.type.js";
import { DROPPED, droppedError, PATH_BROKEN, pathBrokenError, type StreamItem } from "./event-bus.js";
import type { SubscriptionContext } from "./subscription.context.js";

interface OrderEventsArgs {
  ref?: string | null;
  token?: string | null;
  types?: OrderEventType[] | null;
}

@Resolver()
export class EventSubscriptionResolver {
  @Subscription(() => OrderEvent, {
    description:
      "Events as they happen, after their transaction commits, on every server of the deployment.\n" +
      "Staff: every order's events, or one order's with `ref`. A signed-in customer: their own orders'.\n" +
      "Anonymous: one order's, with `ref` and its `token`. Same visibility rules as Order.history.",
    subscribe: ({ args, context }) => {
      const ctx = context as SubscriptionContext;
      return ctx.events.open(ctx.viewer, args as OrderEventsArgs);
    },
  })
  orderEvents(
    @Root() item: StreamItem,
    @Ctx() ctx: SubscriptionContext,
    @Arg("ref", () => String, { nullable: true }) _ref: string | null,
    @Arg("token", () => String, { nullable: true }) _token: string | null,
    @Arg("types", () => [OrderEventTypeEnum], { nullable: true }) _types: OrderEventType[] | null,
  ): OrderEvent {
    if (item === DROPPED) throw droppedError();
    if (item === PATH_BROKEN) throw pathBrokenError();
    // OrderEvent.message is a plain field: hidden here for a caller who is not staff. The bus hands
    // the same event to every subscription; its executions are shared per eventAudience.
    return eventAudience(ctx.viewer) === "staff" ? item : publicView(item);
  }
}
