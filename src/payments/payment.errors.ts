/**
 * The refusals of paying and refunding, returned as members of the payment mutations' result
 * unions. Each carries what a client needs to recover, and a fixed errorCode.
 */
import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import { OrderStatusEnum } from "../orders/order.enums.js";
import { statusLabel, type OrderStatus } from "../orders/status.js";
import { ErrorCode, ErrorResult } from "../shared/error-result.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    'Returned when the identifier names no enabled, order-capable payment method: "\\"x\\" is not a valid choice.".',
})
export class PaymentMethodNotAvailableError extends ErrorResult {
  @Field(() => String) paymentMethod: string;
  constructor(paymentMethod: string) {
    super();
    this.errorCode = ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE_ERROR;
    this.message = `"${paymentMethod}" is not a valid choice.`;
    this.paymentMethod = paymentMethod;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: `Returned when the order's status is not payable: "Payment for order with status 'New' is not allowed.".`,
})
export class OrderNotPayableError extends ErrorResult {
  @Field(() => OrderStatusEnum) status: OrderStatus;
  constructor(status: OrderStatus, message = `Payment for order with status '${statusLabel(status)}' is not allowed.`) {
    super();
    this.errorCode = ErrorCode.ORDER_NOT_PAYABLE_ERROR;
    this.message = message;
    this.status = status;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'Returned when the order is already paid in full: "This order has already been paid for.".',
})
export class OrderAlreadyPaidError extends ErrorResult {
  constructor(message = "This order has already been paid for.") {
    super();
    this.errorCode = ErrorCode.ORDER_ALREADY_PAID_ERROR;
    this.message = message;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: "Returned when the payment method itself refused to start the payment; message is the method's.",
})
export class PaymentFailedError extends ErrorResult {
  @Field(() => String) paymentMethod: string;
  constructor(paymentMethod: string, message: string) {
    super();
    this.errorCode = ErrorCode.PAYMENT_FAILED_ERROR;
    this.message = message;
    this.paymentMethod = paymentMethod;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: 'Returned when the order is already REFUNDED: "Order is already marked as Refunded.".',
})
export class OrderAlreadyRefundedError extends ErrorResult {
  constructor() {
    super();
    this.errorCode = ErrorCode.ORDER_ALREADY_REFUNDED_ERROR;
    this.message = "Order is already marked as Refunded.";
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: "Returned when a refund asks for more than the payment has left to refund (or for zero or less).",
})
export class RefundAmountError extends ErrorResult {
  @Field(() => DecimalScalar, { description: "What the payment has left to refund." }) maximumRefundable: Money;
  constructor(maximumRefundable: Money) {
    super();
    this.errorCode = ErrorCode.REFUND_AMOUNT_ERROR;
    this.message = maximumRefundable.gt(0)
      ? `The amount must be more than 0.00 and at most ${maximumRefundable.toFixed(2)}.`
      : "Nothing is left to refund of this payment.";
    this.maximumRefundable = maximumRefundable;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: "Returned when the payment method refused or failed to give the money back; nothing was recorded.",
})
export class RefundFailedError extends ErrorResult {
  @Field(() => String) paymentMethod: string;
  constructor(
    paymentMethod: string,
    message = "The payment method could not refund this payment; nothing was refunded.",
  ) {
    super();
    this.errorCode = ErrorCode.REFUND_FAILED_ERROR;
    this.message = message;
    this.paymentMethod = paymentMethod;
  }
}
