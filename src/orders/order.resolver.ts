/** Order queries and mutations: thin; access is declared here, everything else is decided in OrderService. */
import "reflect-metadata";
import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { User } from "../users/user.type.js";
import { OrderConnection } from "./order.connection.js";
import type { OrderContext } from "./order.context.js";
import { OrderSortEnum, OrderStatusEnum } from "./order.enums.js";
import { CreateOrderInput, OrderFilter } from "./order.input.js";
import type { OrderSort } from "./order.model.js";
import type { OrderRead } from "./order.model.js";
import { primeJoined } from "./order.loaders.js";
import { orderOr, shownOrder, shownPage, toOrderNode } from "./order.nodes.js";
import type { Page } from "../shared/pagination.js";
import { ChangeOrderStatusResult, CreateOrderResult } from "./order.results.js";
import { Order, OrderStatusInfo } from "./order.type.js";
import type { OrderStatus } from "./status.js";

/** The order of a read, the lines it fetched handed to the request's loader. */
function shownOrNull(ctx: OrderContext, found: OrderRead | null): Order | null {
  if (!found) return null;
  primeJoined(ctx.loaders, [found]);
  return shownOrder(found);
}

/** A page of a read, the lines it fetched handed to the request's loader. */
function shownPrimed(ctx: OrderContext, page: Page<OrderRead>): OrderConnection {
  primeJoined(ctx.loaders, page.nodes);
  return new OrderConnection(shownPage(page));
}

@Resolver()
export class OrderResolver {
  @Query(() => User, { nullable: true, description: "The signed-in user, or null." })
  me(@Ctx() { viewer }: OrderContext): User | null {
    return viewer.kind === "user" ? viewer.user : null;
  }

  @Query(() => OrderConnection, {
    description:
      "GET /orders/: the caller's own orders, newest first (staff too see only their own). Anonymous: the order of `token`, else none.",
  })
  async orders(
    @Ctx() ctx: OrderContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<OrderConnection> {
    return shownPrimed(
      ctx,
      await ctx.orders.listOwn(ctx.viewer, { first, after, token, select: ctx.select, reads: ctx.reads }),
    );
  }

  @Query(() => Order, {
    nullable: true,
    description: "GET /orders/last/: the newest order the caller may see, or null.",
  })
  async lastOrder(
    @Ctx() ctx: OrderContext,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<Order | null> {
    return shownOrNull(ctx, await ctx.orders.read(ctx.viewer, { token, select: ctx.select }));
  }

  @Authorized(Role.STAFF)
  @Query(() => OrderConnection, { description: "GET /orders/all/: every order. Staff only." })
  async allOrders(
    @Ctx() ctx: OrderContext,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => OrderFilter, { nullable: true }) filter: OrderFilter | null,
    @Arg("orderBy", () => OrderSortEnum, { nullable: true, defaultValue: "DATE_CREATED_DESC" })
    orderBy: OrderSort | null,
  ): Promise<OrderConnection> {
    return shownPrimed(
      ctx,
      await ctx.orders.listAll({ first, after, filter, orderBy, select: ctx.select, reads: ctx.reads }),
    );
  }

  @Query(() => Order, {
    nullable: true,
    description: "GET /orders/{ref}/: null when there is no such order or the caller may not see it.",
  })
  async order(
    @Ctx() ctx: OrderContext,
    @Arg("ref", () => String) ref: string,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<Order | null> {
    return shownOrNull(ctx, await ctx.orders.read(ctx.viewer, { ref, token, select: ctx.select }));
  }

  @Authorized(Role.STAFF)
  @Query(() => OrderStatusInfo, {
    nullable: true,
    description: "GET /orders/{ref}/status/. Staff only; null when there is no such order.",
  })
  orderStatus(@Ctx() ctx: OrderContext, @Arg("ref", () => String) ref: string): Promise<OrderStatusInfo | null> {
    return ctx.orders.status(ref);
  }

  @Authorized(Role.STAFF)
  @Mutation(() => ChangeOrderStatusResult, { description: "PUT /orders/{ref}/status/. Staff only." })
  async changeOrderStatus(
    @Ctx() ctx: OrderContext,
    @Arg("ref", () => String) ref: string,
    @Arg("status", () => OrderStatusEnum) status: OrderStatus,
  ): Promise<typeof ChangeOrderStatusResult> {
    return orderOr(await ctx.orders.changeStatus(ctx.viewer, ref, status));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => CreateOrderResult, {
    description: "Create an order from a finished checkout (the storefront back end's call). Staff only.",
  })
  async createOrder(
    @Ctx() ctx: OrderContext,
    @Arg("input", () => CreateOrderInput) input: CreateOrderInput,
  ): Promise<typeof CreateOrderResult> {
    return orderOr(await ctx.orders.create(ctx.viewer, input));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => Order, { description: "Add a note to an order. Staff only." })
  async addOrderNote(
    @Ctx() ctx: OrderContext,
    @Arg("ref", () => String) ref: string,
    @Arg("message", () => String) message: string,
    @Arg("public", () => Boolean, { nullable: true, defaultValue: false }) isPublic: boolean | null,
  ): Promise<Order> {
    return toOrderNode(await ctx.orders.addNote(ctx.viewer, ref, message, isPublic ?? false));
  }
}
