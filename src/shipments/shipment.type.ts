/** Shipments as GraphQL objects, and the fulfillment status of an order. */
import "reflect-metadata";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Node } from "../nodes/node.type.js";
import { DateTimeISOScalar } from "../shared/scalars.js";
import type { FulfillmentStatus } from "./shipment.model.js";

export const FulfillmentStatusEnum: { [K in FulfillmentStatus]: K } = {
  UNFULFILLED: "UNFULFILLED",
  PARTIALLY_SHIPPED: "PARTIALLY_SHIPPED",
  SHIPPED: "SHIPPED",
  DELIVERED: "DELIVERED",
};
registerEnumType(FulfillmentStatusEnum, {
  name: "FulfillmentStatus",
  description: "Where an order's goods are, from its shipments (beside its status, which it does not replace).",
  valuesConfig: {
    UNFULFILLED: { description: "Nothing is shipped yet." },
    PARTIALLY_SHIPPED: { description: "Some units are shipped, some are not." },
    SHIPPED: { description: "Every unit of every line is shipped; some shipment is not delivered yet." },
    DELIVERED: { description: "Every unit is shipped and every shipment was marked delivered." },
  },
});

@ObjectType({ simpleResolvers: true, description: "Some units of one order line, in a shipment." })
export class ShipmentLine {
  @Field(() => ID, { description: "The OrderItem.id of the line." }) itemId!: number;
  @Field(() => Int, { description: "How many of its units this shipment holds." }) quantity!: number;
  orderId!: number;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description:
    "Goods sent to the customer: some units of some of the order's lines, with the carrier's tracking. The owner, a guest with the order's token and staff see it; only staff see who created it.",
})
export class OrderShipment {
  @Field(() => ID) id!: number;
  @Field(() => String, { description: 'The carrier, as staff named it (e.g. "DHL").' }) carrier!: string;
  @Field(() => String, { description: "The carrier's tracking number." }) trackingNumber!: string;
  @Field(() => String, {
    nullable: true,
    description: "Where the customer can track it (http or https); null if none.",
  })
  trackingUrl!: string | null;
  @Field(() => [ShipmentLine], { description: "What it holds, in the order the lines were given." })
  lines!: ShipmentLine[];
  @Field(() => DateTimeISOScalar, { description: "When it was created (shipped)." }) dateCreated!: Date;
  @Field(() => DateTimeISOScalar, {
    nullable: true,
    description: "When staff marked it delivered (markShipmentDelivered); null until then.",
  })
  deliveredAt!: Date | null;
  orderId!: number;
  createdById!: number | null;
}
