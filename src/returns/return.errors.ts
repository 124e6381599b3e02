/** The refusals of returns, returned as members of the result unions, each with what a client needs to recover. */
import "reflect-metadata";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { ErrorCode, ErrorResult } from "../shared/error-result.js";
import { DateTimeISOScalar } from "../shared/scalars.js";
import type { ReturnStatus } from "./return.model.js";
import { returnTransitionError } from "./return.rules.js";
import { ReturnStatusEnum } from "./return.type.js";

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    "Returned when a line's return window has closed: it may be returned for RETURN_WINDOW_DAYS after its latest shipment. Nothing was written.",
})
export class ReturnWindowClosedError extends ErrorResult {
  @Field(() => String, { description: 'The path of the refused line, e.g. "lines.0.itemId".' }) field: string;
  @Field(() => ID, { description: "The OrderItem.id of the line." }) itemId: number;
  @Field(() => Int, { description: "The return window, in days after the line's latest shipment." })
  windowDays: number;
  @Field(() => DateTimeISOScalar, { description: "When the line's window closed." }) closedAt: Date;
  constructor(field: string, itemId: number, windowDays: number, closedAt: Date) {
    super();
    this.errorCode = ErrorCode.RETURN_WINDOW_CLOSED_ERROR;
    this.message = `This item could be returned until ${closedAt.toISOString()} (${windowDays} days after it was shipped).`;
    this.field = field;
    this.itemId = itemId;
    this.windowDays = windowDays;
    this.closedAt = closedAt;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    "Returned when the return's status does not allow the step: a return is approved or declined once requested, received once approved, refunded once received, and never twice. Nothing was written.",
})
export class InvalidReturnTransitionError extends ErrorResult {
  @Field(() => ID, { description: "The OrderReturn.id." }) returnId: number;
  @Field(() => ReturnStatusEnum, { description: "The return's status now." }) fromStatus: ReturnStatus;
  @Field(() => ReturnStatusEnum, { description: "The status the step would have given it." }) toStatus: ReturnStatus;
  constructor(returnId: number, from: ReturnStatus, to: ReturnStatus) {
    super();
    this.errorCode = ErrorCode.INVALID_RETURN_TRANSITION_ERROR;
    this.message = returnTransitionError(from, to) ?? "";
    this.returnId = returnId;
    this.fromStatus = from;
    this.toStatus = to;
  }
}
