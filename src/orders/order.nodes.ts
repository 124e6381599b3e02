/** Domain records as GraphQL objects (class instances, so that unions resolve by class). */
import { isErrorResult, type ErrorResult } from "../shared/error-result.js";
import type { OrderRecord } from "./order.model.js";
import { Order } from "./order.type.js";

export function toOrderNode(o: OrderRecord): Order {
  return Object.assign(new Order(), o);
}

/** A mutation's order as the union member it is; a refusal as it is. */
export const orderOr = <T extends ErrorResult>(r: OrderRecord | T): Order | T =>
  isErrorResult(r) ? r : toOrderNode(r);
