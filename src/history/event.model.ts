/**
 * Order events as the domain sees them: the Prisma model, with the amount as our decimal.js `Money`,
 * and the types of event an order's history records.
 */
import type { OrderEvent as OrderEventRow } from "../generated/prisma/client.js";
import type { OrderStatus } from "../orders/status.js";
import type { Domain } from "../shared/records.js";

type JsonObject = Record<string, unknown>;

export const ORDER_EVENT_TYPES = [
  "ORDER_CREATED",
  "STATUS_CHANGED",
  "PAYMENT_STARTED",
  "PAYMENT_RECORDED",
  "PAYMENT_REFUNDED",
  "REFUND_FAILED",
  "NOTE_ADDED",
  // order edits
  "ORDER_EDITED",
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export type OrderEventRecord = Domain<
  OrderEventRow,
  "amount",
  { type: OrderEventType; fromStatus: OrderStatus | null; toStatus: OrderStatus | null; edit: JsonObject | null }
> & {
  /** The order's ref, read with the event. */
  orderRef: string;
};
