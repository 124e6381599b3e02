/** Domain records as GraphQL objects (class instances, so that unions resolve by class). */
import { isErrorResult, type ErrorResult } from "../shared/error-result.js";
import type { Page } from "../shared/pagination.js";
import { readAt, relationsVersionOf } from "./order.cache.js";
import type { OrderItemRead, OrderRead, OrderRecord } from "./order.model.js";
import { Order, type OrderItem } from "./order.type.js";

export function toOrderNode(o: OrderRecord): Order {
  return Object.assign(new Order(), o);
}

/**
 * An order as a read fetched it, as the GraphQL object. The read fetched every column the
 * operation shows (order.select.ts: a field it does not know gets every column), so no field the
 * operation asks for is missing; those it does not ask for may be.
 */
export function shownOrder(o: OrderRead): Order {
  const node = Object.assign(new Order(), o);
  // the copy is what the read returned: it carries the version the read found (order.cache.ts)
  const version = relationsVersionOf(o);
  return version === undefined ? node : readAt(node, version);
}

/** Items as a read fetched them, as GraphQL objects (see shownOrder). */
export function shownItems(items: OrderItemRead[]): OrderItem[] {
  return items as OrderItem[];
}

/** A page of orders as a read fetched them, as GraphQL objects (see shownOrder). */
export function shownPage(page: Page<OrderRead>): Page<Order> {
  return page as unknown as Page<Order>;
}

/** A mutation's order as the union member it is; a refusal as it is. */
export const orderOr = <T extends ErrorResult>(r: OrderRecord | T): Order | T =>
  isErrorResult(r) ? r : toOrderNode(r);
