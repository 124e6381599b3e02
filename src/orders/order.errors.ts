/**
 * Business refusals, returned as members of the mutations' result unions. Each carries what a
 * client needs to recover, and a fixed errorCode.
 */
import "reflect-metadata";
import { Field, InterfaceType, ObjectType, registerEnumType } from "type-graphql";
import { OrderStatusEnum } from "./order.enums.js";
import { statusLabel, type OrderStatus } from "./status.js";

export enum ErrorCode {
  INVALID_STATUS_TRANSITION_ERROR = "INVALID_STATUS_TRANSITION_ERROR",
  PAYMENT_METHOD_NOT_AVAILABLE_ERROR = "PAYMENT_METHOD_NOT_AVAILABLE_ERROR",
  ORDER_NOT_PAYABLE_ERROR = "ORDER_NOT_PAYABLE_ERROR",
  ORDER_ALREADY_PAID_ERROR = "ORDER_ALREADY_PAID_ERROR",
  PAYMENT_FAILED_ERROR = "PAYMENT_FAILED_ERROR",
  ORDER_ALREADY_REFUNDED_ERROR = "ORDER_ALREADY_REFUNDED_ERROR",
  INVALID_ORDER_INPUT_ERROR = "INVALID_ORDER_INPUT_ERROR",
}
registerEnumType(ErrorCode, { name: "ErrorCode" });

@InterfaceType()
export abstract class ErrorResult {
  @Field(() => ErrorCode) errorCode!: ErrorCode;
  @Field(() => String) message!: string;
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description: `Returned when the transition rules refuse the move: "Can't change order with status 'New' to 'Completed'.".`,
})
export class InvalidStatusTransitionError extends ErrorResult {
  @Field(() => OrderStatusEnum) fromStatus: OrderStatus;
  @Field(() => OrderStatusEnum) toStatus: OrderStatus;
  constructor(from: OrderStatus, to: OrderStatus, message: string) {
    super();
    this.errorCode = ErrorCode.INVALID_STATUS_TRANSITION_ERROR;
    this.message = message;
    this.fromStatus = from;
    this.toStatus = to;
  }
}

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
  description: 'Returned when an input value is refused; field is its path, e.g. "items.0.quantity".',
})
export class InvalidOrderInputError extends ErrorResult {
  @Field(() => String) field: string;
  constructor(field: string, message: string) {
    super();
    this.errorCode = ErrorCode.INVALID_ORDER_INPUT_ERROR;
    this.message = message;
    this.field = field;
  }
}
