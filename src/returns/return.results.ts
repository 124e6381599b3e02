/** What the return mutations answer: the return, or a refusal. */
import { createUnionType } from "type-graphql";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { OrderAlreadyRefundedError, RefundFailedError } from "../payments/payment.errors.js";
import { QuantityNotAvailableError } from "../shipments/shipment.errors.js";
import { InvalidReturnTransitionError, ReturnWindowClosedError } from "./return.errors.js";
import { OrderReturn } from "./return.type.js";

export const RequestReturnResult = createUnionType({
  name: "RequestReturnResult",
  types: () =>
    [
      OrderReturn,
      QuantityNotAvailableError,
      ReturnWindowClosedError,
      OrderAlreadyRefundedError,
      InvalidOrderInputError,
    ] as const,
});

export const ReturnStepResult = createUnionType({
  name: "ReturnStepResult",
  description: "What approveReturn, declineReturn and receiveReturn answer: the return as it now is, or a refusal.",
  types: () => [OrderReturn, InvalidReturnTransitionError, InvalidOrderInputError] as const,
});

export const RefundReturnResult = createUnionType({
  name: "RefundReturnResult",
  types: () =>
    [
      OrderReturn,
      InvalidReturnTransitionError,
      RefundFailedError,
      OrderAlreadyRefundedError,
      InvalidOrderInputError,
    ] as const,
});
