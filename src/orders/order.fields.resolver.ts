/** Order fields that are derived or loaded: relations go through the request's DataLoaders. */
import "reflect-metadata";
import { Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { DecimalScalar } from "../shared/scalars.js";
import type { Money } from "../shared/money.js";
import { toPaymentNodes } from "./order.nodes.js";
import { Order, OrderConnection, OrderItem, OrderNote, OrderPayment, PaymentMethodChoice, StatusTransition, User } from "./order.types.js";
import { statusLabel } from "./status.js";
import type { OrderRecord } from "./order.model.js";

@Resolver(() => Order)
export class OrderFieldsResolver {
  @FieldResolver(() => String)
  statusDisplay(@Root() order: Order): string {
    return statusLabel(order.status);
  }

  @FieldResolver(() => DecimalScalar)
  amountOutstanding(@Root() order: Order): Money {
    return order.total.minus(order.amountPaid);
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() order: Order, @Ctx() { loaders }: Context): Promise<User | null> | null {
    return order.userId === null ? null : loaders.users.load(order.userId);
  }

  @FieldResolver(() => [OrderItem])
  items(@Root() order: Order, @Ctx() { loaders }: Context): Promise<OrderItem[]> {
    return loaders.items.load(order.id);
  }

  @FieldResolver(() => [OrderPayment])
  async payments(@Root() order: Order, @Ctx() { loaders, payments }: Context): Promise<OrderPayment[]> {
    return toPaymentNodes(await loaders.payments.load(order.id), payments);
  }

  @FieldResolver(() => [OrderNote])
  async notes(@Root() order: Order, @Ctx() { loaders, orders, viewer }: Context): Promise<OrderNote[]> {
    const notes = await loaders.notes.load(order.id);
    return orders.seesPrivateNotes(viewer) ? notes : notes.filter((n) => n.public);
  }

  @FieldResolver(() => [StatusTransition], {
    nullable: true,
    description: "Every status with the reason a move to it is refused (GET /orders/{ref}/status/). Staff only: FORBIDDEN for others.",
  })
  statusTransitions(@Root() order: Order, @Ctx() { orders, viewer }: Context): StatusTransition[] {
    return orders.transitions(viewer, order as OrderRecord);
  }

  @FieldResolver(() => [PaymentMethodChoice], {
    description: "The order-capable payment methods with the reason each cannot pay this order (GET /orders/{ref}/pay/).",
  })
  paymentMethods(@Root() order: Order, @Ctx() { orders, viewer }: Context): PaymentMethodChoice[] {
    return orders.paymentChoices(viewer, order as OrderRecord);
  }
}

@Resolver(() => OrderConnection)
export class OrderConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: OrderConnection): Promise<number> {
    return connection.countTotal();
  }
}
