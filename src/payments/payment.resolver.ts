/** Payment and refund queries and mutations: thin; access is declared here, the rest is decided in the services. */
import "reflect-metadata";
import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { Role } from "../auth/auth-checker.js";
import { orderOr, toOrderNode } from "../orders/order.nodes.js";
import { isErrorResult } from "../shared/error-result.js";
import type { PaymentContext } from "./payment.context.js";
import { RecordPaymentInput, RefundPaymentInput } from "./payment.input.js";
import { toPaymentNodes } from "./payment.nodes.js";
import {
  PaymentRedirect,
  PayOrderResult,
  RecordOrderPaymentResult,
  RefundOrderPaymentResult,
  RefundOrderResult,
  RefundResult,
} from "./payment.results.js";
import { PaymentMethodChoice, PaymentMethodInfo } from "./payment.type.js";
import { OrderRefund } from "./refund.type.js";

@Resolver()
export class PaymentResolver {
  @Query(() => [PaymentMethodChoice], {
    nullable: true,
    description: "GET /orders/{ref}/pay/: null when the caller may not see the order.",
  })
  async orderPaymentMethods(
    @Ctx() ctx: PaymentContext,
    @Arg("ref", () => String) ref: string,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<PaymentMethodChoice[] | null> {
    const order = await ctx.orders.get(ctx.viewer, ref, token);
    return order ? ctx.payments.choices(ctx.viewer, order) : null;
  }

  @Query(() => [PaymentMethodInfo], { description: "Every configured payment method." })
  paymentMethods(@Ctx() ctx: PaymentContext): PaymentMethodInfo[] {
    return ctx.registry.methods.map((m) => ({ identifier: m.identifier, label: m.label }));
  }

  @Mutation(() => PayOrderResult, { description: "POST /orders/{ref}/pay/." })
  async payOrder(
    @Ctx() ctx: PaymentContext,
    @Arg("ref", () => String) ref: string,
    @Arg("paymentMethod", () => String) paymentMethod: string,
    @Arg("token", () => String, { nullable: true }) token: string | null,
  ): Promise<typeof PayOrderResult> {
    const r = await ctx.payments.pay(ctx.viewer, ref, paymentMethod, token);
    return isErrorResult(r) ? r : new PaymentRedirect(r.url, r.data, toOrderNode(r.order));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => RefundOrderResult, { description: "POST /orders/{ref}/refund/. Staff only." })
  async refundOrder(
    @Ctx() ctx: PaymentContext,
    @Arg("ref", () => String) ref: string,
  ): Promise<typeof RefundOrderResult> {
    const r = await ctx.refunds.refund(ctx.viewer, ref);
    if (isErrorResult(r)) return r;
    return new RefundResult(
      toPaymentNodes(r.refunded, ctx.registry),
      toPaymentNodes(r.failed, ctx.registry),
      toOrderNode(r.order),
    );
  }

  @Authorized(Role.STAFF)
  @Mutation(() => RecordOrderPaymentResult, {
    description: "Record a payment taken outside the API (bank transfer, cash). Staff only.",
  })
  async recordOrderPayment(
    @Ctx() ctx: PaymentContext,
    @Arg("ref", () => String) ref: string,
    @Arg("input", () => RecordPaymentInput) input: RecordPaymentInput,
  ): Promise<typeof RecordOrderPaymentResult> {
    return orderOr(await ctx.payments.recordPayment(ctx.viewer, ref, input));
  }

  @Authorized(Role.STAFF)
  @Mutation(() => RefundOrderPaymentResult, {
    description:
      "Give back part or all of one payment. Staff only. The order becomes REFUNDED when all that was paid is refunded.",
  })
  async refundOrderPayment(
    @Ctx() ctx: PaymentContext,
    @Arg("ref", () => String) ref: string,
    @Arg("input", () => RefundPaymentInput) input: RefundPaymentInput,
  ): Promise<typeof RefundOrderPaymentResult> {
    const r = await ctx.refunds.refundPayment(ctx.viewer, ref, input);
    if (isErrorResult(r)) return r;
    // The answer's refund.payment is the payment as this refund left it: no read for it.
    ctx.loaders.payment.prime(r.payment.id, toPaymentNodes([r.payment], ctx.registry)[0]);
    return Object.assign(new OrderRefund(), r.refund);
  }
}
