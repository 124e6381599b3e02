/** Order events as the contract shows them, and the connection Order.history answers. */
import "reflect-metadata";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { OrderStatusEnum } from "../orders/order.enums.js";
import { ORDER_EVENT_TYPES, type EventLine, type OrderEventType } from "./event.model.js";
import { Node } from "../nodes/node.type.js";
import type { OrderStatus } from "../orders/status.js";
import type { Money } from "../shared/money.js";
import { Connection } from "../shared/connection.type.js";
import { DateTimeISOScalar, DecimalScalar } from "../shared/scalars.js";
import { User } from "../users/user.type.js";

export const OrderEventTypeEnum = Object.fromEntries(ORDER_EVENT_TYPES.map((t) => [t, t])) as {
  [K in OrderEventType]: K;
};
registerEnumType(OrderEventTypeEnum, {
  name: "OrderEventType",
  description: "What happened to an order, written in the same transaction as the change itself.",
  valuesConfig: {
    // Shipments and returns
    SHIPMENT_CREATED: {
      description:
        "A shipment was created: shipmentId, lines. When every unit is shipped but the transition rules keep the status, message says why (staff only); otherwise a STATUS_CHANGED to SHIPPED follows.",
    },
    SHIPMENT_DELIVERED: { description: "A shipment was marked delivered: shipmentId." },
    RETURN_REQUESTED: { description: "A return was asked for: returnId, lines, and message, the reason given." },
    RETURN_APPROVED: { description: "Staff approved a return: returnId; message is staff's note (staff only)." },
    RETURN_DECLINED: {
      description: "Staff declined a return: returnId; message is why, which the customer sees.",
    },
    RETURN_RECEIVED: {
      description:
        "A return's goods came back: returnId, and lines, each with restock (whether its units go back to stock: the shop's inventory listens for this); message is staff's note (staff only).",
    },
  },
});

@ObjectType({
  simpleResolvers: true,
  description: "A line of a shipment or return event: which item, how many, and whether it goes back to stock.",
})
export class OrderEventLine {
  @Field(() => ID, { description: "The OrderItem.id of the line." }) itemId!: number;
  @Field(() => Int, { description: "How many units of the item." }) quantity!: number;
  @Field(() => Boolean, {
    nullable: true,
    description:
      "RETURN_RECEIVED: whether the units go back to stock (the shop's inventory listens for this); null on other events.",
  })
  restock!: boolean | null;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: "One entry of an order's history. Non-staff callers see only public events, with no actor.",
})
export class OrderEvent {
  @Field(() => ID) id!: number;
  @Field(() => OrderEventTypeEnum) type!: OrderEventType;
  /** A Date, or (history pages: OrderEventRead) the ISO-8601 text the scalar would write for it. */
  @Field(() => DateTimeISOScalar) dateCreated!: Date | string;
  @Field(() => String, {
    description: "The order's ref (events also arrive on their own, by subscription or webhook).",
  })
  orderRef!: string;
  @Field(() => Boolean, {
    description: "Whether the customer can see this event. Private notes and failed refunds are not public.",
  })
  public!: boolean;
  @Field(() => OrderStatusEnum, { nullable: true, description: "STATUS_CHANGED (and ORDER_CREATED: toStatus)." })
  fromStatus!: OrderStatus | null;
  @Field(() => OrderStatusEnum, { nullable: true }) toStatus!: OrderStatus | null;
  @Field(() => DecimalScalar, { nullable: true, description: "PAYMENT_*, REFUND_FAILED: the amount concerned." })
  amount!: Money | string | null; // a string: history pages (OrderEventRead), the column's "33.00"
  @Field(() => String, { nullable: true, description: "PAYMENT_*, REFUND_FAILED: the payment method identifier." })
  paymentMethod!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "PAYMENT_RECORDED, PAYMENT_REFUNDED: the method's transaction id.",
  })
  transactionId!: string | null;
  // Shipments and returns
  @Field(() => ID, {
    nullable: true,
    description: "SHIPMENT_CREATED, SHIPMENT_DELIVERED: the OrderShipment.id concerned; null on other events.",
  })
  shipmentId!: number | null;
  @Field(() => ID, {
    nullable: true,
    description: "RETURN_*: the OrderReturn.id concerned; null on other events.",
  })
  returnId!: number | null;
  @Field(() => [OrderEventLine], {
    nullable: true,
    description:
      "SHIPMENT_CREATED: the lines shipped; RETURN_REQUESTED: the lines asked to be returned; RETURN_RECEIVED: the lines received, each saying whether it goes back to stock. Null on other events.",
  })
  lines!: EventLine[] | null;
  // Resolved by EventFieldsResolver (history.fields.resolver.ts); declared here to keep its place in the schema.
  @Field(() => User, {
    nullable: true,
    description:
      "The signed-in user who caused it; null for a guest, a payment method's callback, or a non-staff viewer.",
  })
  actor?: User | null;
  /** A plain field: hidden where the event is read for a caller who is not staff (event-audience.ts, publicView). */
  @Field(() => String, {
    nullable: true,
    description: "NOTE_ADDED: the note; REFUND_FAILED: why; PAYMENT_REFUNDED: the reason (staff only).",
  })
  message!: string | null;
  orderId!: number;
  actorId!: number | null;
  /** Its actor, when read with the event (the events subscribers get). */
  actorUser?: User | null;
}

@ObjectType({ simpleResolvers: true })
export class OrderEventConnection extends Connection(OrderEvent, "OrderEventEdge") {}
