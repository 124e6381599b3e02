/**
 * The refusals of order edits, returned as members of the edit operations' result unions. Each
 * carries what a client needs to recover, and a fixed errorCode.
 */
import "reflect-metadata";
import { Field, Int, ObjectType } from "type-graphql";
import { OrderStatusEnum } from "../orders/order.enums.js";
import type { OrderStatus } from "../orders/status.js";
import { ErrorCode, ErrorResult } from "../shared/error-result.js";
import type { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    "Returned when the order may not be edited: its status is one the transition rules no longer let move to PROCESSING (\"Orders with status 'Shipped' can't be edited.\"). Nothing was changed.",
})
export class OrderNotEditableError extends ErrorResult {
  @Field(() => OrderStatusEnum, { description: "The order's status now." }) status: OrderStatus;
  constructor(status: OrderStatus, message: string) {
    super();
    this.errorCode = ErrorCode.ORDER_NOT_EDITABLE_ERROR;
    this.message = message;
    this.status = status;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    "Returned by commitOrderEdit when the order changed after the preview: the same changes now give another total than expectedTotal, or another edit was committed since the preview's editVersion. Nothing was changed: preview again, show the new total, and commit with it.",
})
export class OrderChangedError extends ErrorResult {
  @Field(() => DecimalScalar, { description: "The total the commit was given (what the preview showed)." })
  expectedTotal: Money;
  @Field(() => DecimalScalar, { description: "The total the same changes give on the order as it is now." })
  total: Money;
  @Field(() => Int, { description: "The order's editVersion now." })
  editVersion: number;
  constructor(expectedTotal: Money, total: Money, editVersion: number) {
    super();
    this.errorCode = ErrorCode.ORDER_CHANGED_ERROR;
    this.message = "The order changed after the preview; nothing was changed. Preview the edit again.";
    this.expectedTotal = expectedTotal;
    this.total = total;
    this.editVersion = editVersion;
  }
}
