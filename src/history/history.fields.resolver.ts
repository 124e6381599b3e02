/**
 * Order.history and the fields of its events. Non-staff callers see public events only, with no
 * actor and no refund reason.
 */
import "reflect-metadata";
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/viewer.js";
import { Order } from "../orders/order.type.js";
import { HISTORY_PAGE_SIZE, idCursor, pageSize, toPage } from "../shared/pagination.js";
import { User } from "../users/user.type.js";
import type { OrderEventType } from "./event.model.js";
import { OrderEvent, OrderEventConnection } from "./event.type.js";
import type { HistoryContext } from "./history.context.js";
import "./event.node-kind.js"; // OrderEvent is a Node: registered wherever its fields are

/** Events whose message is staff's own words: non-staff callers read null. */
const STAFF_ONLY_MESSAGES = new Set<OrderEventType>([
  "PAYMENT_REFUNDED",
  // Shipments and returns
  "SHIPMENT_CREATED",
  "RETURN_APPROVED",
  "RETURN_RECEIVED",
]);

const eventCursor = idCursor("event", "pass an endCursor from this order's history.");

@Resolver(() => Order)
export class OrderHistoryResolver {
  @FieldResolver(() => OrderEventConnection, {
    description: "What happened to the order, oldest first. Non-staff callers see public events only.",
  })
  async history(
    @Root() order: Order,
    @Ctx() ctx: HistoryContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: HISTORY_PAGE_SIZE }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<OrderEventConnection> {
    const n = pageSize(first, { dflt: HISTORY_PAGE_SIZE });
    const afterId = after ? eventCursor.decode(after) : null;
    const rows = await ctx.loaders.history.page(n + 1, afterId).load(order.id);
    return new OrderEventConnection(
      toPage(rows, n, {
        after: afterId !== null,
        cursorOf: eventCursor.encode,
        count: () => ctx.loaders.history.count.load(order.id),
      }),
    );
  }
}

@Resolver(() => OrderEvent)
export class EventFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description:
      "The signed-in user who caused it; null for a guest, a payment method's callback, or a non-staff viewer.",
  })
  actor(@Root() e: OrderEvent, @Ctx() ctx: HistoryContext): Promise<User | null> | User | null {
    if (e.actorId === null || !isStaff(ctx.viewer)) return null;
    return e.actorUser !== undefined ? e.actorUser : ctx.loaders.users.load(e.actorId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "NOTE_ADDED: the note; REFUND_FAILED: why; PAYMENT_REFUNDED: the reason (staff only).",
  })
  message(@Root() e: OrderEvent, @Ctx() ctx: HistoryContext): string | null {
    return STAFF_ONLY_MESSAGES.has(e.type) && !isStaff(ctx.viewer) ? null : e.message;
  }
}
