/**
 * Business refusals, returned as members of the mutations' result unions. Each carries what a
 * client needs to recover, and a fixed errorCode.
 */
import "reflect-metadata";
import { createUnionType, Field, InterfaceType, ObjectType, registerEnumType } from "type-graphql";
import type { JsonObject } from "./order.model.js";
import { Order, OrderPayment, OrderStatusEnum } from "./order.types.js";
import { statusLabel, type OrderStatus } from "./status.js";
import { JSONObjectScalar } from "../shared/scalars.js";

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

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: `Returned when the transition rules refuse the move: "Can't change order with status 'New' to 'Completed'.".` })
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

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Returned when the identifier names no enabled, order-capable payment method: "\\"x\\" is not a valid choice.".' })
export class PaymentMethodNotAvailableError extends ErrorResult {
  @Field(() => String) paymentMethod: string;
  constructor(paymentMethod: string) {
    super();
    this.errorCode = ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE_ERROR;
    this.message = `"${paymentMethod}" is not a valid choice.`;
    this.paymentMethod = paymentMethod;
  }
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: `Returned when the order's status is not payable: "Payment for order with status 'New' is not allowed.".` })
export class OrderNotPayableError extends ErrorResult {
  @Field(() => OrderStatusEnum) status: OrderStatus;
  constructor(status: OrderStatus, message = `Payment for order with status '${statusLabel(status)}' is not allowed.`) {
    super();
    this.errorCode = ErrorCode.ORDER_NOT_PAYABLE_ERROR;
    this.message = message;
    this.status = status;
  }
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Returned when the order is already paid in full: "This order has already been paid for.".' })
export class OrderAlreadyPaidError extends ErrorResult {
  constructor(message = "This order has already been paid for.") {
    super();
    this.errorCode = ErrorCode.ORDER_ALREADY_PAID_ERROR;
    this.message = message;
  }
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: "Returned when the payment method itself refused to start the payment; message is the method's." })
export class PaymentFailedError extends ErrorResult {
  @Field(() => String) paymentMethod: string;
  constructor(paymentMethod: string, message: string) {
    super();
    this.errorCode = ErrorCode.PAYMENT_FAILED_ERROR;
    this.message = message;
    this.paymentMethod = paymentMethod;
  }
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Returned when the order is already REFUNDED: "Order is already marked as Refunded.".' })
export class OrderAlreadyRefundedError extends ErrorResult {
  constructor() {
    super();
    this.errorCode = ErrorCode.ORDER_ALREADY_REFUNDED_ERROR;
    this.message = "Order is already marked as Refunded.";
  }
}

@ObjectType({ implements: ErrorResult, simpleResolvers: true, description: 'Returned when an input value is refused; field is its path, e.g. "items.0.quantity".' })
export class InvalidOrderInputError extends ErrorResult {
  @Field(() => String) field: string;
  constructor(field: string, message: string) {
    super();
    this.errorCode = ErrorCode.INVALID_ORDER_INPUT_ERROR;
    this.message = message;
    this.field = field;
  }
}

@ObjectType({ simpleResolvers: true, description: "Where to send the customer next to pay (POST /orders/{ref}/pay/)." })
export class PaymentRedirect {
  @Field(() => String) url: string;
  @Field(() => JSONObjectScalar, { nullable: true, description: "Anything else the payment method returned beside the URL." }) data: JsonObject | null;
  @Field(() => Order) order: Order;
  constructor(url: string, data: JsonObject | null, order: Order) {
    this.url = url;
    this.data = data;
    this.order = order;
  }
}

@ObjectType({ simpleResolvers: true, description: "Outcome of refunding every payment of an order (POST /orders/{ref}/refund/)." })
export class RefundResult {
  @Field(() => [OrderPayment], { description: "Payments that are refunded, by this call or an earlier one. No payment is ever refunded twice." })
  refunded: OrderPayment[];
  @Field(() => [OrderPayment], { description: "Payments whose refund failed in this call; the status stays as it was while this is not empty." })
  failed: OrderPayment[];
  @Field(() => Order) order: Order;
  constructor(refunded: OrderPayment[], failed: OrderPayment[], order: Order) {
    this.refunded = refunded;
    this.failed = failed;
    this.order = order;
  }
}

export const ChangeOrderStatusResult = createUnionType({ name: "ChangeOrderStatusResult", types: () => [Order, InvalidStatusTransitionError] as const });
export const PayOrderResult = createUnionType({
  name: "PayOrderResult",
  types: () => [PaymentRedirect, PaymentMethodNotAvailableError, OrderNotPayableError, OrderAlreadyPaidError, PaymentFailedError] as const,
});
export const RefundOrderResult = createUnionType({ name: "RefundOrderResult", types: () => [RefundResult, OrderAlreadyRefundedError] as const });
export const CreateOrderResult = createUnionType({ name: "CreateOrderResult", types: () => [Order, InvalidOrderInputError] as const });
export const RecordOrderPaymentResult = createUnionType({ name: "RecordOrderPaymentResult", types: () => [Order, InvalidOrderInputError] as const });
