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
  // Shipments and returns
  "SHIPMENT_CREATED",
  "SHIPMENT_DELIVERED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURN_DECLINED",
  "RETURN_RECEIVED",
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** A line of a shipment or return event: an item, how many, and (RETURN_RECEIVED) whether it goes back to stock. */
export interface EventLine {
  itemId: number;
  quantity: number;
  restock?: boolean | null;
}

export type OrderEventRecord = Domain<
  Omit<OrderEventRow, "traceContext">, // the change's trace: for the events' hand-out only (EventOut)
  "amount",
  {
    type: OrderEventType;
    fromStatus: OrderStatus | null;
    toStatus: OrderStatus | null;
    lines: EventLine[] | null;
    edit: JsonObject | null;
  }
> & {
  /** The order's ref, read with the event. */
  orderRef: string;
};

/**
 * An event as a history page reads it (event.repository.ts, eventPages): parsed from the JSON
 * PostgreSQL builds, the amount as its decimal(18,2) column's text ("33.00") and the time as
 * ISO-8601 UTC text with milliseconds, exactly as Date#toISOString writes it. The Decimal and
 * DateTimeISO scalars pass both through as they are: a page of 100 orders makes no Date and no
 * Decimal per event.
 */
export type OrderEventRead = Omit<OrderEventRecord, "amount" | "dateCreated"> & {
  amount: string | null;
  dateCreated: string;
};

/** Events whose message is staff's own words: non-staff callers read null. */
export const STAFF_ONLY_MESSAGES: ReadonlySet<OrderEventType> = new Set<OrderEventType>([
  "PAYMENT_REFUNDED",
  // Shipments and returns
  "SHIPMENT_CREATED",
  "RETURN_APPROVED",
  "RETURN_RECEIVED",
]);
