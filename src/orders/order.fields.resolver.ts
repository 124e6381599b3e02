/**
 * Order fields that are derived or loaded: relations go through the request's DataLoaders.
 *
 * The logic is in plain functions (`orderFields`); the decorated classes below
 * declare the fields for the schema and call them. schema.ts points the built schema at the
 * functions themselves, skipping type-graphql's per-call wrapper (resolver instance lookup,
 * parameter mapping, middleware chain) on the fields of every order of a page; it refuses to do so
 * for a field with an authorization rule or middleware, which only the wrapper applies
 * (statusTransitions, below, keeps it).
 */
import "reflect-metadata";
import { Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import type { Context } from "../context.js";
import { PaymentMethodChoice } from "../payments/payment-method.type.js";
import { Money, ZERO } from "../shared/money.js";
import { OrderRefund } from "../payments/refund.type.js";
import { DecimalScalar } from "../shared/scalars.js";
import { User } from "../users/user.type.js";
import type { OrderRecord } from "./order.model.js";
import { Order, OrderItem, OrderNote, OrderPayment, StatusTransition } from "./order.type.js";
import { statusLabel } from "./status.js";

/** A field's value from its parent object and the request's context. */
export type FieldFunction<T> = (parent: T, ctx: Context) => unknown;

export const orderFields = {
  statusDisplay: (order: Order): string => statusLabel(order.status),
  amountOutstanding: (order: Order): Money => order.total.minus(order.amountPaid),
  user: (order: Order, { loaders }: Context): Promise<User | null> | null =>
    order.userId === null ? null : loaders.users.load(order.userId),
  items: (order: Order, { loaders }: Context): Promise<OrderItem[]> => loaders.items.load(order.id),
  payments: (order: Order, { loaders }: Context): Promise<OrderPayment[]> => loaders.payments.load(order.id),
  notes: (order: Order, { loaders }: Context): Promise<OrderNote[]> => loaders.notes.load(order.id),
  refunds: (order: Order, { loaders }: Context): Promise<OrderRefund[]> => loaders.orderRefunds.load(order.id),
  refundableAmount: (order: Order): Money => Money.max(ZERO, order.amountPaid.minus(order.amountRefunded)),
  paymentMethods: (order: Order, { payments, viewer }: Context): PaymentMethodChoice[] =>
    payments.choices(viewer, order as OrderRecord),
} satisfies Record<string, FieldFunction<Order>>;

@Resolver(() => Order)
export class OrderFieldsResolver {
  @FieldResolver(() => String)
  statusDisplay(@Root() order: Order): string {
    return orderFields.statusDisplay(order);
  }

  @FieldResolver(() => DecimalScalar)
  amountOutstanding(@Root() order: Order): Money {
    return orderFields.amountOutstanding(order);
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() order: Order, @Ctx() ctx: Context): Promise<User | null> | null {
    return orderFields.user(order, ctx);
  }

  @FieldResolver(() => [OrderItem])
  items(@Root() order: Order, @Ctx() ctx: Context): Promise<OrderItem[]> {
    return orderFields.items(order, ctx);
  }

  @FieldResolver(() => [OrderPayment])
  payments(@Root() order: Order, @Ctx() ctx: Context): Promise<OrderPayment[]> {
    return orderFields.payments(order, ctx);
  }

  @FieldResolver(() => [OrderNote])
  notes(@Root() order: Order, @Ctx() ctx: Context): Promise<OrderNote[]> {
    return orderFields.notes(order, ctx);
  }

  @Authorized(Role.STAFF)
  @FieldResolver(() => [StatusTransition], {
    nullable: true,
    description:
      "Every status with the reason a move to it is refused (GET /orders/{ref}/status/). Staff only: FORBIDDEN for others.",
  })
  statusTransitions(@Root() order: Order, @Ctx() ctx: Context): StatusTransition[] {
    return ctx.orders.transitions(order as OrderRecord);
  }

  @FieldResolver(() => [OrderRefund], { description: "Every refund of every payment, oldest first." })
  refunds(@Root() order: Order, @Ctx() ctx: Context): Promise<OrderRefund[]> {
    return orderFields.refunds(order, ctx);
  }

  @FieldResolver(() => DecimalScalar, {
    description: "What may still be refunded: amountPaid − amountRefunded, never below zero.",
  })
  refundableAmount(@Root() order: Order): Money {
    return orderFields.refundableAmount(order);
  }

  @FieldResolver(() => [PaymentMethodChoice], {
    description:
      "The order-capable payment methods with the reason each cannot pay this order (GET /orders/{ref}/pay/).",
  })
  paymentMethods(@Root() order: Order, @Ctx() ctx: Context): PaymentMethodChoice[] {
    return orderFields.paymentMethods(order, ctx);
  }
}
