/** What the shipment mutations answer: the shipment, or a refusal. */
import { createUnionType } from "type-graphql";
import { InvalidOrderInputError } from "../orders/order.errors.js";
import { OrderNotShippableError, QuantityNotAvailableError } from "./shipment.errors.js";
import { OrderShipment } from "./shipment.type.js";

export const CreateShipmentResult = createUnionType({
  name: "CreateShipmentResult",
  types: () => [OrderShipment, OrderNotShippableError, QuantityNotAvailableError, InvalidOrderInputError] as const,
});

export const MarkShipmentDeliveredResult = createUnionType({
  name: "MarkShipmentDeliveredResult",
  types: () => [OrderShipment, InvalidOrderInputError] as const,
});
