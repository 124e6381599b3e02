/** What the edit operations answer: the unions of success and refusals. */
import "reflect-metadata";
import { createUnionType } from "type-graphql";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { RefundFailedError } from "../payments/payment.errors.js";
import { OrderChangedError, OrderNotEditableError } from "./edit.errors.js";
import { CommittedOrderEdit, OrderEditPreview } from "./edit.type.js";

export const PreviewOrderEditResult = createUnionType({
  name: "PreviewOrderEditResult",
  types: () => [OrderEditPreview, OrderNotEditableError, InvalidOrderInputError] as const,
});

export const CommitOrderEditResult = createUnionType({
  name: "CommitOrderEditResult",
  types: () =>
    [CommittedOrderEdit, OrderNotEditableError, OrderChangedError, InvalidOrderInputError, RefundFailedError] as const,
});
