/** What the payment mutations answer: success payloads, and the unions of success and refusals. */
import "reflect-metadata";
import { createUnionType, Field, ObjectType } from "type-graphql";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import type { JsonObject } from "../orders/order.model.js";
import { Order } from "../orders/order.type.js";
import { JSONObjectScalar } from "../shared/scalars.js";
import {
  OrderAlreadyPaidError,
  OrderAlreadyRefundedError,
  OrderNotPayableError,
  PaymentFailedError,
  PaymentMethodNotAvailableError,
  RefundAmountError,
  RefundFailedError,
} from "./payment.errors.js";
import { OrderPayment } from "./payment.type.js";
import { OrderRefund } from "./refund.type.js";

@ObjectType({ simpleResolvers: true, description: "Where to send the customer next to pay (POST /orders/{ref}/pay/)." })
export class PaymentRedirect {
  @Field(() => String) url: string;
  @Field(() => JSONObjectScalar, {
    nullable: true,
    description: "Anything else the payment method returned beside the URL.",
  })
  data: JsonObject | null;
  @Field(() => Order) order: Order;
  constructor(url: string, data: JsonObject | null, order: Order) {
    this.url = url;
    this.data = data;
    this.order = order;
  }
}

@ObjectType({
  simpleResolvers: true,
  description: "Outcome of refunding every payment of an order (POST /orders/{ref}/refund/).",
})
export class RefundResult {
  @Field(() => [OrderPayment], {
    description: "Payments that are refunded, by this call or an earlier one. No payment is ever refunded twice.",
  })
  refunded: OrderPayment[];
  @Field(() => [OrderPayment], {
    description: "Payments whose refund failed in this call; the status stays as it was while this is not empty.",
  })
  failed: OrderPayment[];
  @Field(() => Order) order: Order;
  constructor(refunded: OrderPayment[], failed: OrderPayment[], order: Order) {
    this.refunded = refunded;
    this.failed = failed;
    this.order = order;
  }
}

export const PayOrderResult = createUnionType({
  name: "PayOrderResult",
  types: () =>
    [
      PaymentRedirect,
      PaymentMethodNotAvailableError,
      OrderNotPayableError,
      OrderAlreadyPaidError,
      PaymentFailedError,
    ] as const,
});
export const RefundOrderResult = createUnionType({
  name: "RefundOrderResult",
  types: () => [RefundResult, OrderAlreadyRefundedError] as const,
});
export const RecordOrderPaymentResult = createUnionType({
  name: "RecordOrderPaymentResult",
  types: () => [Order, InvalidOrderInputError] as const,
});
export const RefundOrderPaymentResult = createUnionType({
  name: "RefundOrderPaymentResult",
  types: () =>
    [OrderRefund, RefundAmountError, RefundFailedError, OrderAlreadyRefundedError, InvalidOrderInputError] as const,
});
