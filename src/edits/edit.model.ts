/**
 * Order edits as the domain sees them: the changes asked for, the order before and after, and how
 * the difference in money is settled. Plain data; amounts are our decimal.js Money.
 */
import type { ExtraRowInputLike, ItemInputLike } from "../orders/order.validation.js";
import type { ExtraRowRecord, JsonObject } from "../orders/order.model.js";
import type { Money } from "../shared/money.js";

/** A change to one existing line: its quantity, its unit price, or both. */
export interface LineChange {
  itemId: unknown;
  quantity?: unknown;
  unitPrice?: unknown;
}

/** What an edit asks for; every part may be left out, but not all of them. */
export interface EditChanges {
  addItems?: readonly ItemInputLike[] | null;
  changeItems?: readonly LineChange[] | null;
  removeItems?: readonly unknown[] | null;
  /** When given, replaces the order's extra rows ([] removes them all); left out, they stay. */
  extraRows?: readonly ExtraRowInputLike[] | null;
}

/** What the caller chooses to do when the new total is below what was paid net of refunds. */
export type OverpaymentChoice = "REFUND" | "KEEP";

/** One line of an order before or after an edit. `itemId` is null for a line a preview would add. */
export interface EditLine {
  itemId: number | null;
  productType: string;
  productId: string | null;
  product: JsonObject;
  name: string;
  code: string;
  unitPrice: Money;
  quantity: number;
  subtotal: Money;
  extraRows: ExtraRowRecord[];
  total: Money;
  extra: JsonObject;
}

/** An order's lines, extra rows and amounts at one moment. */
export interface EditSnapshot {
  items: EditLine[];
  extraRows: ExtraRowRecord[];
  subtotal: Money;
  total: Money;
}

/** How the difference between the new total and what counts as paid is settled. */
export interface Settlement {
  /** What counted as paid toward the total before the edit (orders/order.balance.ts, countedPaid). */
  netPaid: Money;
  /** New total − netPaid: positive when the order owes, negative when it was overpaid. */
  difference: Money;
  /** What the order owes after the edit (payable through payOrder for exactly this amount). */
  amountOutstanding: Money;
  /** What the edit gives back through the payment methods, newest payment first. */
  amountRefunded: Money;
  /** What was paid beyond the new total and stays with the shop, for staff to refund later. */
  amountOverpaid: Money;
}

/** A committed edit as its ORDER_EDITED event keeps it. */
export interface EditDetails {
  version: number;
  overpayment: OverpaymentChoice;
  before: EditSnapshot;
  after: EditSnapshot;
  settlement: Settlement;
}
