/**
 * Order fields that are derived or loaded: relations go through the request's DataLoaders.
 * (Fields of an order that belong to another folder are declared there: payments/, history/.)
 *
 * The logic is in plain functions (`orderFields`); the decorated class below declares the fields
 * for the schema and calls them. schema.ts points the built schema at the functions themselves,
 * skipping type-graphql's per-call wrapper (resolver instance lookup, parameter mapping,
 * middleware chain) on the fields of every order of a page; it refuses to do so for a field with an
 * authorization rule or middleware, which only the wrapper applies (statusTransitions, below, keeps it).
 */
import "reflect-metadata";
import { Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import type { FieldFunction } from "../shared/field-function.js";
import { Money, ZERO } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import { User } from "../users/user.type.js";
import type { OrderContext } from "./order.context.js";
import type { OrderRecord } from "./order.model.js";
import { Order, OrderItem, OrderNote, StatusTransition } from "./order.type.js";
import { statusLabel } from "./status.js";

export const orderFields = {
  statusDisplay: (order: Order): string => statusLabel(order.status),
  amountOutstanding: (order: Order): Money => order.total.minus(order.amountPaid),
  user: (order: Order, { loaders }: OrderContext): Promise<User | null> | null =>
    order.userId === null ? null : loaders.users.load(order.userId),
  items: (order: Order, { loaders }: OrderContext): Promise<OrderItem[]> => loaders.items.load(order.id),
  notes: (order: Order, { loaders }: OrderContext): Promise<OrderNote[]> => loaders.notes.load(order.id),
  refundableAmount: (order: Order): Money => Money.max(ZERO, order.amountPaid.minus(order.amountRefunded)),
} satisfies Record<string, FieldFunction<Order, OrderContext>>;

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
  user(@Root() order: Order, @Ctx() ctx: OrderContext): Promise<User | null> | null {
    return orderFields.user(order, ctx);
  }

  @FieldResolver(() => [OrderItem])
  items(@Root() order: Order, @Ctx() ctx: OrderContext): Promise<OrderItem[]> {
    return orderFields.items(order, ctx);
  }

  @FieldResolver(() => [OrderNote])
  notes(@Root() order: Order, @Ctx() ctx: OrderContext): Promise<OrderNote[]> {
    return orderFields.notes(order, ctx);
  }

  @Authorized(Role.STAFF)
  @FieldResolver(() => [StatusTransition], {
    nullable: true,
    description:
      "Every status with the reason a move to it is refused (GET /orders/{ref}/status/). Staff only: FORBIDDEN for others.",
  })
  statusTransitions(@Root() order: Order, @Ctx() ctx: OrderContext): StatusTransition[] {
    return ctx.orders.transitions(order as OrderRecord);
  }

  @FieldResolver(() => DecimalScalar, {
    description: "What may still be refunded: amountPaid − amountRefunded, never below zero.",
  })
  refundableAmount(@Root() order: Order): Money {
    return orderFields.refundableAmount(order);
  }
}
