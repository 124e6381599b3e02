/**
 * The payment fields of orders, and the refund fields of payments and refunds, loaded through the
 * request's DataLoaders. Like the order fields (orders/order.fields.resolver.ts), the logic is in
 * plain functions that schema.ts also points the built schema at directly.
 */
import "reflect-metadata";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/viewer.js";
import type { OrderRecord } from "../orders/order.model.js";
import { Order } from "../orders/order.type.js";
import type { FieldFunction } from "../shared/field-function.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import type { PaymentContext } from "./payment.context.js";
import { OrderPayment, PaymentMethodChoice } from "./payment.type.js";
import { OrderRefund } from "./refund.type.js";

export const orderPaymentFields = {
  payments: (order: Order, { loaders }: PaymentContext): Promise<OrderPayment[]> => loaders.payments.load(order.id),
  refunds: (order: Order, { loaders }: PaymentContext): Promise<OrderRefund[]> => loaders.orderRefunds.load(order.id),
  paymentMethods: (order: Order, { payments, viewer }: PaymentContext): PaymentMethodChoice[] =>
    payments.choices(viewer, order as OrderRecord),
} satisfies Record<string, FieldFunction<Order, PaymentContext>>;

export const paymentFields = {
  refundableAmount: (p: OrderPayment): Money => p.amount.minus(p.amountRefunded),
  refunds: (p: OrderPayment, { loaders }: PaymentContext): Promise<OrderRefund[]> => loaders.paymentRefunds.load(p.id),
} satisfies Record<string, FieldFunction<OrderPayment, PaymentContext>>;

export const refundFields = {
  payment: (r: OrderRefund, { loaders }: PaymentContext): Promise<OrderPayment | null> =>
    loaders.payment.load(r.paymentId),
  reason: (r: OrderRefund, { viewer }: PaymentContext): string | null => (isStaff(viewer) ? r.reason : null),
} satisfies Record<string, FieldFunction<OrderRefund, PaymentContext>>;

@Resolver(() => Order)
export class OrderPaymentFieldsResolver {
  @FieldResolver(() => [OrderPayment])
  payments(@Root() order: Order, @Ctx() ctx: PaymentContext): Promise<OrderPayment[]> {
    return orderPaymentFields.payments(order, ctx);
  }

  @FieldResolver(() => [OrderRefund], { description: "Every refund of every payment, oldest first." })
  refunds(@Root() order: Order, @Ctx() ctx: PaymentContext): Promise<OrderRefund[]> {
    return orderPaymentFields.refunds(order, ctx);
  }

  @FieldResolver(() => [PaymentMethodChoice], {
    description:
      "The order-capable payment methods with the reason each cannot pay this order (GET /orders/{ref}/pay/).",
  })
  paymentMethods(@Root() order: Order, @Ctx() ctx: PaymentContext): PaymentMethodChoice[] {
    return orderPaymentFields.paymentMethods(order, ctx);
  }
}

@Resolver(() => OrderPayment)
export class PaymentFieldsResolver {
  @FieldResolver(() => DecimalScalar, { description: "What may still be refunded of it: amount − amountRefunded." })
  refundableAmount(@Root() p: OrderPayment): Money {
    return paymentFields.refundableAmount(p);
  }

  @FieldResolver(() => [OrderRefund], { description: "Its refunds, oldest first." })
  refunds(@Root() p: OrderPayment, @Ctx() ctx: PaymentContext): Promise<OrderRefund[]> {
    return paymentFields.refunds(p, ctx);
  }
}

@Resolver(() => OrderRefund)
export class RefundFieldsResolver {
  @FieldResolver(() => OrderPayment, { description: "The payment this refund gives money back from." })
  async payment(@Root() r: OrderRefund, @Ctx() ctx: PaymentContext): Promise<OrderPayment | null> {
    return refundFields.payment(r, ctx);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Why the money was given back, as staff wrote it. Null for non-staff callers.",
  })
  reason(@Root() r: OrderRefund, @Ctx() ctx: PaymentContext): string | null {
    return refundFields.reason(r, ctx);
  }
}
