/**
 * Order fields that are derived or loaded: relations go through the request's DataLoaders.
 * (Fields of an order that belong to another folder are declared there: payments/, history/.)
 */
import "reflect-metadata";
import { Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { Money, ZERO } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import { User } from "../users/user.type.js";
import { amountOutstanding } from "./order.balance.js";
import type { OrderContext } from "./order.context.js";
import "./order.node-kinds.js"; // Order and OrderItem are Nodes: registered wherever their fields are
import type { OrderRecord } from "./order.model.js";
import { shownItems } from "./order.nodes.js";
import { Order, OrderItem, OrderNote, StatusTransition } from "./order.type.js";
import { statusLabel } from "./status.js";

@Resolver(() => Order)
export class OrderFieldsResolver {
  @FieldResolver(() => String)
  statusDisplay(@Root() order: Pick<Order, "status">): string {
    return statusLabel(order.status);
  }

  // The contract's description (none) stays; README and Order.editVersion say how an edit changes it.
  @FieldResolver(() => DecimalScalar)
  amountOutstanding(@Root() order: OrderRecord): Money {
    return amountOutstanding(order);
  }

  @FieldResolver(() => User, { nullable: true })
  user(@Root() order: Pick<Order, "joined" | "userId">, @Ctx() ctx: OrderContext): Promise<User | null> | User | null {
    if (order.joined?.user !== undefined) return order.joined.user;
    return order.userId === null ? null : ctx.loaders.users.load(order.userId);
  }

  // Lines, notes (and payments, owner): what the read fetched with the order (order.select.ts,
  // JoinedRelation), else the request's loader.
  @FieldResolver(() => [OrderItem])
  items(@Root() order: Pick<Order, "id" | "joined">, @Ctx() ctx: OrderContext): Promise<OrderItem[]> | OrderItem[] {
    const joined = order.joined?.items;
    return joined ? shownItems(joined) : ctx.loaders.items.load(order.id).then(shownItems);
  }

  @FieldResolver(() => [OrderNote])
  notes(@Root() order: Pick<Order, "id" | "joined">, @Ctx() ctx: OrderContext): Promise<OrderNote[]> | OrderNote[] {
    return order.joined?.notes ?? ctx.loaders.notes.load(order.id);
  }

  @Authorized(Role.STAFF)
  @FieldResolver(() => [StatusTransition], {
    nullable: true,
    description:
      "Every status with the reason a move to it is refused (GET /orders/{ref}/status/). Staff only: FORBIDDEN for others.",
  })
  statusTransitions(@Root() order: OrderRecord, @Ctx() ctx: OrderContext): StatusTransition[] {
    return ctx.orders.transitions(order);
  }

  @FieldResolver(() => DecimalScalar, {
    description: "What may still be refunded: amountPaid − amountRefunded, never below zero.",
  })
  refundableAmount(@Root() order: Pick<Order, "amountPaid" | "amountRefunded">): Money {
    return Money.max(ZERO, order.amountPaid.minus(order.amountRefunded));
  }
}
