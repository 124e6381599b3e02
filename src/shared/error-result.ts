/**
 * The interface every business refusal implements (members of the mutations' result unions), and
 * the codes that tell them apart.
 */
import "reflect-metadata";
import { Field, InterfaceType, ObjectType, registerEnumType } from "type-graphql";
import { ErrorCode } from "./error-codes.js";

export { ErrorCode };
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
