/**
 * Refund fields of payments and refunds, loaded through the request's DataLoaders. Like the order
 * fields (order.fields.resolver.ts), the logic is in plain functions that schema.ts also points the
 * built schema at directly.
 */
import "reflect-metadata";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { isStaff } from "../auth/viewer.js";
import type { Context } from "../context.js";
import type { FieldFunction } from "../orders/order.fields.resolver.js";
import { OrderPayment } from "../orders/order.type.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import { OrderRefund } from "./refund.type.js";

export const paymentFields = {
  refundableAmount: (p: OrderPayment): Money => p.amount.minus(p.amountRefunded),
  refunds: (p: OrderPayment, { loaders }: Context): Promise<OrderRefund[]> => loaders.paymentRefunds.load(p.id),
} satisfies Record<string, FieldFunction<OrderPayment>>;

export const refundFields = {
  payment: (r: OrderRefund, { loaders }: Context): Promise<OrderPayment | null> => loaders.payment.load(r.paymentId),
  reason: (r: OrderRefund, { viewer }: Context): string | null => (isStaff(viewer) ? r.reason : null),
} satisfies Record<string, FieldFunction<OrderRefund>>;

@Resolver(() => OrderPayment)
export class PaymentFieldsResolver {
  @FieldResolver(() => DecimalScalar, { description: "What may still be refunded of it: amount − amountRefunded." })
  refundableAmount(@Root() p: OrderPayment): Money {
    return paymentFields.refundableAmount(p);
  }

  @FieldResolver(() => [OrderRefund], { description: "Its refunds, oldest first." })
  refunds(@Root() p: OrderPayment, @Ctx() ctx: Context): Promise<OrderRefund[]> {
    return paymentFields.refunds(p, ctx);
  }
}

@Resolver(() => OrderRefund)
export class RefundFieldsResolver {
  @FieldResolver(() => OrderPayment, { description: "The payment this refund gives money back from." })
  async payment(@Root() r: OrderRefund, @Ctx() ctx: Context): Promise<OrderPayment | null> {
    return refundFields.payment(r, ctx);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Why the money was given back, as staff wrote it. Null for non-staff callers.",
  })
  reason(@Root() r: OrderRefund, @Ctx() ctx: Context): string | null {
    return refundFields.reason(r, ctx);
  }
}
