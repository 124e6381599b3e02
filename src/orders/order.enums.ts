/** The order enums of the contract: statuses and sorts. */
import "reflect-metadata";
import { registerEnumType } from "type-graphql";
import type { OrderSort } from "./order.model.js";
import { ORDER_STATUSES, type OrderStatus } from "./status.js";

export const OrderStatusEnum = Object.fromEntries(ORDER_STATUSES.map((s) => [s, s])) as { [K in OrderStatus]: K };
registerEnumType(OrderStatusEnum, { name: "OrderStatus" });

export const OrderSortEnum: { [K in OrderSort]: K } = {
  DATE_CREATED_DESC: "DATE_CREATED_DESC",
  DATE_CREATED_ASC: "DATE_CREATED_ASC",
  TOTAL_DESC: "TOTAL_DESC",
  TOTAL_ASC: "TOTAL_ASC",
};
registerEnumType(OrderSortEnum, { name: "OrderSort" });
