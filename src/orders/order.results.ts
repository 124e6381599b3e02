/** What the order mutations answer: the unions of an order and their refusals. */
import "reflect-metadata";
import { createUnionType } from "type-graphql";
import { InvalidOrderInputError, InvalidStatusTransitionError } from "./order.errors.js";
import { Order } from "./order.type.js";

export const ChangeOrderStatusResult = createUnionType({
  name: "ChangeOrderStatusResult",
  types: () => [Order, InvalidStatusTransitionError] as const,
});
export const CreateOrderResult = createUnionType({
  name: "CreateOrderResult",
  types: () => [Order, InvalidOrderInputError] as const,
});
