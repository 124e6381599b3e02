/**
 * The refusals of the order mutations, returned as members of their result unions. Each carries
 * what a client needs to recover, and a fixed errorCode.
 */
import "reflect-metadata";
import { Field, ObjectType } from "type-graphql";
import { ErrorCode, ErrorResult } from "../shared/error-result.js";
import { OrderStatusEnum } from "./order.enums.js";
import type { OrderStatus } from "./status.js";

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
