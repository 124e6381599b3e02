/** Orders as the domain sees them: money as decimal.js, JSON as plain objects. */
import type { Money } from "../shared/money.js";
import type { OrderStatus } from "./status.js";

export type JsonObject = Record<string, unknown>;

export interface ExtraRowRecord {
  label: string;
  amount: Money;
  modifier: string | null;
  extra: JsonObject;
}

export interface OrderRecord {
  id: number;
  ref: string;
  token: string;
  status: OrderStatus;
  userId: number | null;
  email: string;
  billingAddress: string;
  shippingAddress: string;
  currency: string;
  subtotal: Money;
  total: Money;
  amountPaid: Money;
  amountRefunded: Money;
  isPaid: boolean;
  extra: JsonObject;
  extraRows: ExtraRowRecord[];
  dateCreated: Date;
  dateUpdated: Date;
}

export interface OrderItemRecord {
  id: number;
  orderId: number;
  productType: string;
  productId: string | null;
  product: JsonObject;
  /** product.name, or "(no name)". */
  name: string;
  /** product.code, or "(no code)". */
  code: string;
  unitPrice: Money;
  quantity: number;
  subtotal: Money;
  total: Money;
  extraRows: ExtraRowRecord[];
  extra: JsonObject;
}

export interface OrderPaymentRecord {
  id: number;
  orderId: number;
  amount: Money;
  transactionId: string;
  paymentMethod: string;
  dateCreated: Date;
  refundedAt: Date | null;
}

export interface OrderNoteRecord {
  id: number;
  orderId: number;
  message: string;
  public: boolean;
  dateCreated: Date;
}

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
