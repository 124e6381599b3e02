/**
 * Orders as the domain sees them. Each record is the Prisma model of the same name (the columns
 * come from prisma/schema.prisma and nowhere else), with money as our decimal.js `Money` and JSON
 * columns as the shapes they hold.
 */
import type {
  Order as OrderRow,
  OrderItem as OrderItemRow,
  OrderNote as OrderNoteRow,
} from "../generated/prisma/client.js";
import type { Money } from "../shared/money.js";
import type { UserRecord } from "../users/user.repository.js";
import type { Domain } from "../shared/records.js";
import type { ItemCoreColumn, OrderCoreColumn } from "./order.select.js";
import type { OrderStatus } from "./status.js";

export type JsonObject = Record<string, unknown>;

export interface ExtraRowRecord {
  label: string;
  amount: Money;
  modifier: string | null;
  extra: JsonObject;
}

export type OrderRecord = Domain<
  OrderRow,
  "subtotal" | "total" | "amountPaid" | "amountRefunded" | "amountRefundedFromPaid",
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

export type OrderNoteRecord = OrderNoteRow;

/**
 * What a read fetched with an order in the order's own statement (order.select.ts: JoinedRelation):
 * its fields answer from these without asking the loaders. Absent: not fetched (the loaders batch it).
 */
export interface JoinedRelations {
  items?: OrderItemRead[];
  /** The payments as the read's JSON gave them (amounts as decimal text): payments/ reads them (paymentFromJson). */
  payments?: Record<string, unknown>[];
  /** The notes the caller may see. */
  notes?: OrderNoteRecord[];
  /**
   * Every refund as the read's JSON gave it (amounts as decimal text, the reason too: the GraphQL
   * type shows it to staff only): payments/ reads them (refundFromJson).
   */
  refunds?: Record<string, unknown>[];
  user?: UserRecord | null;
}

/**
 * An order as a read fetched it: the core columns always (order.select.ts), the others when the
 * operation shows them, and the relations fetched with it. Writes and locks read every column and
 * give an OrderRecord.
 */
export type OrderRead = Pick<OrderRecord, OrderCoreColumn> & Partial<OrderRecord> & { joined?: JoinedRelations };

/** An item as a read fetched it: the core columns always, the others when the operation shows them. */
export type OrderItemRead = Pick<OrderItemRecord, ItemCoreColumn> & Partial<OrderItemRecord>;

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
