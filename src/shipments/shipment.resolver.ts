/**
 * Shipment mutations (staff), and the shipment fields of orders, items and shipments, loaded through
 * the request's DataLoaders.
 */
import "reflect-metadata";
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { isStaff } from "../auth/viewer.js";
import { shownItems } from "../orders/order.nodes.js";
import { Order, OrderItem } from "../orders/order.type.js";
import { isErrorResult } from "../shared/error-result.js";
import { User } from "../users/user.type.js";
import { fulfillmentStatus, shippedByItem } from "./fulfillment.js";
import type { FulfillmentStatus } from "./shipment.model.js";
import type { ShipmentContext } from "./shipment.context.js";
import { CreateShipmentInput } from "./shipment.input.js";
import "./shipment.node-kinds.js"; // OrderShipment is a Node: registered wherever its fields are
import { toShipmentNode } from "./shipment.nodes.js";
import { CreateShipmentResult, MarkShipmentDeliveredResult } from "./shipment.results.js";
import { FulfillmentStatusEnum, OrderShipment, ShipmentLine } from "./shipment.type.js";

@Resolver()
export class ShipmentResolver {
  @Authorized(Role.STAFF)
  @Mutation(() => CreateShipmentResult, {
    description:
      "Ship chosen lines and quantities of an order, with the carrier's tracking. Staff only. Each quantity is at most what is left to ship of its line (QuantityNotAvailableError); cancelled, failed and refunded orders are not shipped (OrderNotShippableError). When every unit is shipped the order moves to SHIPPED if the transition rules allow it; otherwise its status stays and the SHIPMENT_CREATED event says why.",
  })
  async createShipment(
    @Ctx() ctx: ShipmentContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("input", () => CreateShipmentInput) input: CreateShipmentInput,
  ): Promise<typeof CreateShipmentResult> {
    const r = await ctx.shipments.create(ctx.viewer, ref, input);
    return isErrorResult(r) ? r : toShipmentNode(r);
  }

  @Authorized(Role.STAFF)
  @Mutation(() => MarkShipmentDeliveredResult, {
    description:
      "Mark a shipment delivered (SHIPMENT_DELIVERED). Staff only. A shipment already delivered is answered as it is, with no second event.",
  })
  async markShipmentDelivered(
    @Ctx() ctx: ShipmentContext,
    @Arg("ref", () => String, { description: "The order's ref." }) ref: string,
    @Arg("shipmentId", () => ID, { description: "The OrderShipment.id." }) shipmentId: string,
  ): Promise<typeof MarkShipmentDeliveredResult> {
    const r = await ctx.shipments.markDelivered(ctx.viewer, ref, shipmentId);
    return isErrorResult(r) ? r : toShipmentNode(r);
  }
}

@Resolver(() => Order)
export class OrderShipmentFieldsResolver {
  @FieldResolver(() => [OrderShipment], { description: "The order's shipments, oldest first." })
  async shipments(@Root() order: Pick<Order, "id">, @Ctx() ctx: ShipmentContext): Promise<OrderShipment[]> {
    return (await ctx.loaders.shipments.load(order.id)).map(toShipmentNode);
  }

  @FieldResolver(() => FulfillmentStatusEnum, {
    description: "Where the order's goods are, from its shipments: unfulfilled, partially shipped, shipped, delivered.",
  })
  async fulfillmentStatus(@Root() order: Pick<Order, "id">, @Ctx() ctx: ShipmentContext): Promise<FulfillmentStatus> {
    const [items, shipments] = await Promise.all([
      ctx.loaders.items.load(order.id),
      ctx.loaders.shipments.load(order.id),
    ]);
    return fulfillmentStatus(items, shipments);
  }
}

@Resolver(() => OrderItem)
export class ItemShipmentFieldsResolver {
  @FieldResolver(() => Int, { description: "How many of its units are shipped, over all of the order's shipments." })
  async quantityShipped(
    @Root() item: Pick<OrderItem, "id"> & { orderId: number },
    @Ctx() ctx: ShipmentContext,
  ): Promise<number> {
    const shipments = await ctx.loaders.shipments.load(item.orderId);
    return shippedByItem(shipments).get(item.id) ?? 0;
  }
}

@Resolver(() => OrderShipment)
export class ShipmentFieldsResolver {
  @FieldResolver(() => User, {
    nullable: true,
    description: "The staff user who created it. Staff only: null for other callers.",
  })
  createdBy(@Root() s: Pick<OrderShipment, "createdById">, @Ctx() ctx: ShipmentContext): Promise<User | null> | null {
    return s.createdById === null || !isStaff(ctx.viewer) ? null : ctx.loaders.users.load(s.createdById);
  }
}

@Resolver(() => ShipmentLine)
export class ShipmentLineFieldsResolver {
  @FieldResolver(() => OrderItem, { nullable: true, description: "The order line shipped." })
  async item(
    @Root() line: Pick<ShipmentLine, "orderId" | "itemId">,
    @Ctx() ctx: ShipmentContext,
  ): Promise<OrderItem | null> {
    return shownItems(await ctx.loaders.items.load(line.orderId)).find((i) => i.id === line.itemId) ?? null;
  }
}
