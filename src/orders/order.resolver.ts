/** Queries and mutations of the orders API: thin, everything is decided in OrderService. */
import "reflect-metadata";
import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import type { OrderRecord } from "./order.model.js";
import {
  ChangeOrderStatusResult,
  CreateOrderResult,
  ErrorResult,
  PaymentRedirect,
  PayOrderResult,
  RecordOrderPaymentResult,
  RefundOrderResult,
  RefundResult,
} from "./order.errors.js";
import {
  CreateOrderInput,
  Order,
  OrderConnection,
  OrderFilter,
  OrderSortEnum,
  OrderStatusEnum,
  OrderStatusInfo,
  PaymentMethod,
  PaymentMethodChoice,
  RecordPaymentInput,
  User,
} from "./order.types.js";
import type { OrderPage } from "./order.service.js";
import type { OrderSort } from "./order.model.js";
import type { OrderStatus } from "./status.js";
import { toOrderNode, toPaymentNodes } from "./order.nodes.js";

/** Lists and single orders serve the records as they are; a union (the mutations' results) needs the class. */
function toConnection(page: OrderPage): OrderConnection {
  const nodes: Order[] = page.orders;
  const last = nodes.length - 1;
  return new OrderConnection(
    nodes,
    () => nodes.map((node, i) => ({ cursor: page.cursor(i), node })),
    {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: last >= 0 ? page.cursor(0) : null,
      endCursor: last >= 0 ? page.cursor(last) : null,
    },
    page.countTotal,
  );
}

const orderOr = <T extends ErrorResult>(r: OrderRecord | T): Order | T => (r instanceof ErrorResult ? r : toOrderNode(r));

@Resolver()
export class OrderResolver {
  @Query(() => User, { nullable: true, description: "The signed-in user, or null." })
  me(@Ctx() { viewer }: Context): User | null {
    return viewer.kind === "user" ? viewer.user : null;
  }

  @Query(() => OrderConnection, {
    description: "GET /orders/: the caller's own orders, newest first (staff too see only their own). Anonymous: the order of `token`, else none.",
  })
  async orders(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<OrderConnection> {
    return toConnection(await ctx.orders.listOwn(ctx.viewer, { first, after, token, columns: ctx.columns }));
  }

  @Query(() => Order, { nullable: true, description: "GET /orders/last/: the newest order the caller may see, or null." })
  async lastOrder(@Ctx() ctx: Context, @Arg("token", () => String, { nullable: true }) token: string | null): Promise<Order | null> {
    return ctx.orders.last(ctx.viewer, token, ctx.columns);
  }

  @Query(() => OrderConnection, { description: "GET /orders/all/: every order. Staff only." })
  async allOrders(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => OrderFilter, { nullable: true }) filter: OrderFilter | null,
    @Arg("orderBy", () => OrderSortEnum, { nullable: true, defaultValue: "DATE_CREATED_DESC" }) orderBy: OrderSort | null,
  ): Promise<OrderConnection> {
    return toConnection(await ctx.orders.listAll(ctx.viewer, { first, after, filter, orderBy, columns: ctx.columns }));
  }

  @Query(() => Order, { nullable: true, description: "GET /orders/{ref}/: null when there is no such order or the caller may not see it." })
  async order(
    @Ctx() ctx: Context,
    @Arg("ref", () => String) ref: string,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<Order | null> {
    return ctx.orders.get(ctx.viewer, ref, token, ctx.columns);
  }

  @Query(() => OrderStatusInfo, { nullable: true, description: "GET /orders/{ref}/status/. Staff only; null when there is no such order." })
  orderStatus(@Ctx() ctx: Context, @Arg("ref", () => String) ref: string): Promise<OrderStatusInfo | null> {
    return ctx.orders.status(ctx.viewer, ref);
  }

  @Query(() => [PaymentMethodChoice], { nullable: true, description: "GET /orders/{ref}/pay/: null when the caller may not see the order." })
  async orderPaymentMethods(
    @Ctx() ctx: Context,
    @Arg("ref", () => String) ref: string,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<PaymentMethodChoice[] | null> {
    const order = await ctx.orders.get(ctx.viewer, ref, token);
    return order ? ctx.orders.paymentChoices(ctx.viewer, order) : null;
  }

  @Query(() => [PaymentMethod], { description: "Every configured payment method." })
  paymentMethods(@Ctx() ctx: Context): PaymentMethod[] {
    return ctx.payments.methods.map((m) => ({ identifier: m.identifier, label: m.label }));
  }

  @Mutation(() => ChangeOrderStatusResult, { description: "PUT /orders/{ref}/status/. Staff only." })
  async changeOrderStatus(
    @Ctx() ctx: Context,
    @Arg("ref", () => String) ref: string,
    @Arg("status", () => OrderStatusEnum) status: OrderStatus,
  ): Promise<typeof ChangeOrderStatusResult> {
    return orderOr(await ctx.orders.changeStatus(ctx.viewer, ref, status));
  }

  @Mutation(() => PayOrderResult, { description: "POST /orders/{ref}/pay/." })
  async payOrder(
    @Ctx() ctx: Context,
    @Arg("ref", () => String) ref: string,
    @Arg("paymentMethod", () => String) paymentMethod: string,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<typeof PayOrderResult> {
    const r = await ctx.orders.pay(ctx.viewer, ref, paymentMethod, token);
    return "kind" in r ? new PaymentRedirect(r.url, r.data, toOrderNode(r.order)) : r;
  }

  @Mutation(() => RefundOrderResult, { description: "POST /orders/{ref}/refund/. Staff only." })
  async refundOrder(@Ctx() ctx: Context, @Arg("ref", () => String) ref: string): Promise<typeof RefundOrderResult> {
    const r = await ctx.orders.refund(ctx.viewer, ref);
    if (!("kind" in r)) return r;
    return new RefundResult(toPaymentNodes(r.refunded, ctx.payments), toPaymentNodes(r.failed, ctx.payments), toOrderNode(r.order));
  }

  @Mutation(() => CreateOrderResult, { description: "Create an order from a finished checkout (the storefront back end's call). Staff only." })
  async createOrder(@Ctx() ctx: Context, @Arg("input", () => CreateOrderInput) input: CreateOrderInput): Promise<typeof CreateOrderResult> {
    return orderOr(await ctx.orders.create(ctx.viewer, input));
  }

  @Mutation(() => RecordOrderPaymentResult, { description: "Record a payment taken outside the API (bank transfer, cash). Staff only." })
  async recordOrderPayment(
    @Ctx() ctx: Context,
    @Arg("ref", () => String) ref: string,
    @Arg("input", () => RecordPaymentInput) input: RecordPaymentInput,
  ): Promise<typeof RecordOrderPaymentResult> {
    return orderOr(await ctx.orders.recordPayment(ctx.viewer, ref, input));
  }

  @Mutation(() => Order, { description: "Add a note to an order. Staff only." })
  async addOrderNote(
    @Ctx() ctx: Context,
    @Arg("ref", () => String) ref: string,
    @Arg("message", () => String) message: string,
    @Arg("public", () => Boolean, { nullable: true, defaultValue: false }) isPublic: boolean | null,
  ): Promise<Order> {
    return toOrderNode(await ctx.orders.addNote(ctx.viewer, ref, message, isPublic ?? false));
  }
}
