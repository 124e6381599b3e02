/**
 * The refusals of shipping (and of returning more than is left), returned as members of the result
 * unions. Each carries what a client needs to recover, and a fixed errorCode.
 */
import "reflect-metadata";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { OrderStatusEnum } from "../orders/order.enums.js";
import { statusLabel, type OrderStatus } from "../orders/status.js";
import { ErrorCode, ErrorResult } from "../shared/error-result.js";

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    "Returned when the order's status does not allow shipping: cancelled, failed and refunded orders are never shipped.",
})
export class OrderNotShippableError extends ErrorResult {
  @Field(() => OrderStatusEnum, { description: "The order's status." }) status: OrderStatus;
  constructor(status: OrderStatus) {
    super();
    this.errorCode = ErrorCode.ORDER_NOT_SHIPPABLE_ERROR;
    this.message = `An order with status '${statusLabel(status)}' cannot be shipped.`;
    this.status = status;
  }
}

@ObjectType({
  implements: ErrorResult,
  simpleResolvers: true,
  description:
    "Returned when a line asks for more units than are left: to ship (ordered − shipped) or to return (shipped − returned or asked to be returned). Nothing was written; ask again for at most `available`.",
})
export class QuantityNotAvailableError extends ErrorResult {
  @Field(() => String, { description: 'The path of the refused quantity, e.g. "lines.0.quantity".' }) field: string;
  @Field(() => ID, { description: "The OrderItem.id of the line." }) itemId: number;
  @Field(() => Int, { description: "How many units of the item are left to ship or to return now." })
  available: number;
  constructor(field: string, itemId: number, available: number, action: "shipped" | "returned") {
    super();
    this.errorCode = ErrorCode.QUANTITY_NOT_AVAILABLE_ERROR;
    this.message =
      available === 0
        ? `No unit of this item is left to be ${action}.`
        : `At most ${available} of this item can be ${action}.`;
    this.field = field;
    this.itemId = itemId;
    this.available = available;
  }
}
