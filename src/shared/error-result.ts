/**
 * The interface every business refusal implements (members of the mutations' result unions), and
 * the codes that tell them apart.
 */
import "reflect-metadata";
import { Field, InterfaceType, ObjectType, registerEnumType } from "type-graphql";

export enum ErrorCode {
  INVALID_STATUS_TRANSITION_ERROR = "INVALID_STATUS_TRANSITION_ERROR",
  PAYMENT_METHOD_NOT_AVAILABLE_ERROR = "PAYMENT_METHOD_NOT_AVAILABLE_ERROR",
  ORDER_NOT_PAYABLE_ERROR = "ORDER_NOT_PAYABLE_ERROR",
  ORDER_ALREADY_PAID_ERROR = "ORDER_ALREADY_PAID_ERROR",
  PAYMENT_FAILED_ERROR = "PAYMENT_FAILED_ERROR",
  ORDER_ALREADY_REFUNDED_ERROR = "ORDER_ALREADY_REFUNDED_ERROR",
  INVALID_ORDER_INPUT_ERROR = "INVALID_ORDER_INPUT_ERROR",
  REFUND_AMOUNT_ERROR = "REFUND_AMOUNT_ERROR",
  REFUND_FAILED_ERROR = "REFUND_FAILED_ERROR",
  INVALID_INPUT_ERROR = "INVALID_INPUT_ERROR",
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
  description: 'Returned when an input value other than an order\'s is refused; field is its path, e.g. "url".',
})
export class InvalidInputError extends ErrorResult {
  @Field(() => String) field: string;
  constructor(field: string, message: string) {
    super();
    this.errorCode = ErrorCode.INVALID_INPUT_ERROR;
    this.message = message;
    this.field = field;
  }
}

/** Whether a service's answer is a refusal (a member of ErrorResult) rather than what was asked for. */
export function isErrorResult(value: unknown): value is ErrorResult {
  return value instanceof ErrorResult;
}
