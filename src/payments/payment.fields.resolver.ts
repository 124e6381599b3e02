/**
 * The payment fields of orders, and the refund fields of payments and refunds: what the order's read
 * fetched with it (orders/order.select.ts, JoinedRelation), else through the request's DataLoaders.
 */
import "reflect-metadata";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/viewer.js";
import type { OrderRecord } from "../orders/order.model.js";
import { Order } from "../orders/order.type.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import type { PaymentContext } from "./payment.context.js";
import { paymentFromJson, refundFromJson } from "./payment.model.js";
import "./payment.node-kinds.js"; // OrderPayment and OrderRefund are Nodes: registered wherever their fields are
import { toPaymentNodes } from "./payment.nodes.js";
import { OrderPayment, PaymentMethodChoice } from "./payment.type.js";
import { OrderRefund } from "./refund.type.js";

@Resolver(() => Order)
export class OrderPaymentFieldsResolver {
  @FieldResolver(() => [OrderPayment])
  payments(
    @Root() order: Pick<Order, "id" | "joined">,
    @Ctx() ctx: PaymentContext,
  ): Promise<OrderPayment[]> | OrderPayment[] {
    // What the read fetched with the order (orders/order.select.ts, JoinedRelation), else the loader.
    const joined = order.joined?.payments;
    return joined ? toPaymentNodes(joined.map(paymentFromJson), ctx.registry) : ctx.loaders.payments.load(order.id);
  }

  @FieldResolver(() => [OrderRefund], { description: "Every refund of every payment, oldest first." })
  refunds(
    @Root() order: Pick<Order, "id" | "joined">,
    @Ctx() ctx: PaymentContext,
  ): Promise<OrderRefund[]> | OrderRefund[] {
    // The same records as the loader's (the reason too: RefundFieldsResolver.reason hides it from
    // non-staff callers, whichever way the refund was read).
    const joined = order.joined?.refunds;
    return joined ? joined.map(refundFromJson) : ctx.loaders.orderRefunds.load(order.id);
  }

  @FieldResolver(() => [PaymentMethodChoice], {
    description:
      "The order-capable payment methods with the reason each cannot pay this order (GET /orders/{ref}/pay/).",
  })
  paymentMethods(@Root() order: OrderRecord, @Ctx() ctx: PaymentContext): PaymentMethodChoice[] {
    return ctx.payments.choices(ctx.viewer, order);
  }
}

@Resolver(() => OrderPayment)
export class PaymentFieldsResolver {
  @FieldResolver(() => DecimalScalar, { description: "What may still be refunded of it: amount − amountRefunded." })
  refundableAmount(@Root() p: Pick<OrderPayment, "amount" | "amountRefunded">): Money {
    return p.amount.minus(p.amountRefunded);
  }

  @FieldResolver(() => [OrderRefund], { description: "Its refunds, oldest first." })
  refunds(@Root() p: Pick<OrderPayment, "id">, @Ctx() ctx: PaymentContext): Promise<OrderRefund[]> {
    return ctx.loaders.paymentRefunds.load(p.id);
  }
}

@Resolver(() => OrderRefund)
export class RefundFieldsResolver {
  @FieldResolver(() => OrderPayment, { description: "The payment this refund gives money back from." })
  async payment(@Root() r: Pick<OrderRefund, "paymentId">, @Ctx() ctx: PaymentContext): Promise<OrderPayment | null> {
    return ctx.loaders.payment.load(r.paymentId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Why the money was given back, as staff wrote it. Null for non-staff callers.",
  })
  reason(@Root() r: Pick<OrderRefund, "reason">, @Ctx() ctx: PaymentContext): string | null {
    return isStaff(ctx.viewer) ? r.reason : null;
  }
}
