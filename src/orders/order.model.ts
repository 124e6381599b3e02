/**
 * Orders as the domain sees them. Each record is the Prisma model of the same name (the columns
 * come from prisma/schema.prisma and nowhere else), with money as our decimal.js `Money` and JSON
 * columns as the shapes they hold.
 */
import type {
  Order as OrderRow,
  OrderEvent as OrderEventRow,
  OrderItem as OrderItemRow,
  OrderNote as OrderNoteRow,
  OrderPayment as OrderPaymentRow,
  OrderRefund as OrderRefundRow,
} from "../generated/prisma/client.js";
import type { Money } from "../shared/money.js";
import type { OrderStatus } from "./status.js";

export type JsonObject = Record<string, unknown>;

export interface ExtraRowRecord {
  label: string;
  amount: Money;
  modifier: string | null;
  extra: JsonObject;
}

/** A row with its Decimal columns as Money and its JSON columns typed. */
type Domain<Row, MoneyKeys extends keyof Row, Json extends Partial<Record<keyof Row, unknown>>> = Omit<
  Row,
  MoneyKeys | keyof Json
> & { [K in MoneyKeys]: null extends Row[K] ? Money | null : Money } & Json;

export type OrderRecord = Domain<
  OrderRow,
  "subtotal" | "total" | "amountPaid" | "amountRefunded",
  { status: OrderStatus; extra: JsonObject; extraRows: ExtraRowRecord[] }
>;

export type OrderItemRecord = Domain<
  OrderItemRow,
  "unitPrice" | "subtotal" | "total",
  { product: JsonObject; extra: JsonObject; extraRows: ExtraRowRecord[] }
> & {
  /** product.name, or "(no name)". */
  name: string;
  /** product.code, or "(no code)". */
  code: string;
};

export type OrderPaymentRecord = Domain<OrderPaymentRow, "amount" | "amountRefunded", object>;

export type OrderRefundRecord = Domain<OrderRefundRow, "amount", object>;

export type OrderEventRecord = Domain<
  OrderEventRow,
  "amount",
  { type: OrderEventType; fromStatus: OrderStatus | null; toStatus: OrderStatus | null }
> & {
  /** The order's ref, read with the event. */
  orderRef: string;
};

export const ORDER_EVENT_TYPES = [
  "ORDER_CREATED",
  "STATUS_CHANGED",
  "PAYMENT_STARTED",
  "PAYMENT_RECORDED",
  "PAYMENT_REFUNDED",
  "REFUND_FAILED",
  "NOTE_ADDED",
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export type OrderNoteRecord = OrderNoteRow;

export type OrderSort = "DATE_CREATED_DESC" | "DATE_CREATED_ASC" | "TOTAL_DESC" | "TOTAL_ASC";

export interface OrderFilterInput {
  status?: OrderStatus[] | null;
  isPaid?: boolean | null;
  search?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
}

/** The position of an order in a sorted list: the sort key's value and the id that breaks ties. */
export interface Cursor {
  sort: OrderSort;
  value: string;
  id: number;
}
