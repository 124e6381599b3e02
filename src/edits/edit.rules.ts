/**
 * Order edits as pure functions, no I/O: whether an order may be edited, what its lines and amounts
 * become, and how the difference in money is settled. Lines and totals go through the very checks
 * createOrder uses (orders/order.validation.ts), so an edited order adds up exactly as a new one does.
 */
import type { ExtraRowRecord, OrderItemRecord, OrderRecord } from "../orders/order.model.js";
import { countedPaid, editableStatus } from "../orders/order.balance.js";
import {
  checkExtraRows,
  checkItem,
  InputError,
  MAX_ITEMS,
  orderAmounts,
  type CheckedItem,
  type ItemInputLike,
} from "../orders/order.validation.js";
import { statusLabel, type OrderRules } from "../orders/status.js";
import { Money, ZERO } from "../shared/money.js";
import type { EditChanges, EditLine, EditSnapshot, OverpaymentChoice, Settlement } from "./edit.model.js";

/** How many of each line (by item id) were shipped; a line not in it has shipped none. */
export type ShippedQuantities = ReadonlyMap<number, number>;

/**
 * Null when the order may be edited now, else why not (for OrderNotEditableError): its status must
 * still allow processing, and some of it must be left to ship.
 */
export function editRefusal(
  rules: OrderRules,
  order: Pick<OrderRecord, "status">,
  lines: readonly Pick<OrderItemRecord, "id" | "quantity">[] = [],
  shipped: ShippedQuantities = new Map(),
): string | null {
  if (!editableStatus(rules, order.status)) return `Orders with status '${statusLabel(order.status)}' can't be edited.`;
  if (lines.length > 0 && lines.every((l) => (shipped.get(l.id) ?? 0) >= l.quantity))
    return "Every line of this order was shipped: it can't be edited.";
  return null;
}

/** What an edit does to the rows of an order. */
export interface EditPlan {
  before: EditSnapshot;
  after: EditSnapshot;
  /** Existing lines whose quantity or unit price changes, with their new amounts. */
  changed: { itemId: number; line: CheckedItem }[];
  removed: number[];
  added: CheckedItem[];
}

const ID = /^\d{1,9}$/;

function itemId(raw: unknown, field: string, lines: ReadonlyMap<number, OrderItemRecord>): number {
  const id = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : "";
  if (!ID.test(id) || !lines.has(Number(id)))
    throw new InputError(field, "This order has no line with this id (another edit may have removed it).");
  return Number(id);
}

/** An existing line as createOrder's input, so that its amounts are recomputed by the same checks. */
function asInput(item: OrderItemRecord): ItemInputLike {
  return {
    productType: item.productType,
    productId: item.productId,
    product: item.product,
    unitPrice: item.unitPrice.toFixed(2),
    quantity: item.quantity,
    extraRows: item.extraRows.map((r) => ({ ...r, amount: r.amount.toFixed(2) })),
    extra: item.extra,
  };
}

function line(itemId: number | null, i: CheckedItem): EditLine {
  const name = i.product.name;
  const code = i.product.code;
  return {
    itemId,
    productType: i.productType,
    productId: i.productId,
    product: i.product,
    name: typeof name === "string" || typeof name === "number" ? String(name) : "(no name)",
    code: typeof code === "string" || typeof code === "number" ? String(code) : "(no code)",
    unitPrice: i.unitPrice,
    quantity: i.quantity,
    subtotal: i.subtotal,
    extraRows: i.extraRows,
    total: i.total,
    extra: i.extra,
  };
}

function snapshot(items: EditLine[], extraRows: ExtraRowRecord[], amounts: { subtotal: Money; total: Money }) {
  return { items, extraRows, subtotal: amounts.subtotal, total: amounts.total };
}

/**
 * The order's lines and amounts after `changes`. Throws InputError naming the first refused value
 * ("changes.changeItems.0.quantity"); run it through `validated`.
 */
export function planEdit(
  order: OrderRecord,
  items: readonly OrderItemRecord[],
  changes: EditChanges,
  shipped: ShippedQuantities = new Map(),
): EditPlan {
  const lines = new Map(items.map((i) => [i.id, i]));
  const adds = changes.addItems ?? [];
  const edits = changes.changeItems ?? [];
  const removes = changes.removeItems ?? [];
  if (adds.length === 0 && edits.length === 0 && removes.length === 0 && changes.extraRows == null)
    throw new InputError("changes", "An edit needs at least one change.");

  const touched = new Set<number>();
  const removed = removes.map((raw, i) => {
    const id = itemId(raw, `changes.removeItems.${i}`, lines);
    if (touched.has(id)) throw new InputError(`changes.removeItems.${i}`, "This line is named twice.");
    if ((shipped.get(id) ?? 0) > 0)
      throw new InputError(`changes.removeItems.${i}`, "Some of this line was shipped: it can't be removed.");
    touched.add(id);
    return id;
  });
  const changed = edits.map((c, i) => {
    const f = `changes.changeItems.${i}`;
    const id = itemId(c.itemId, `${f}.itemId`, lines);
    if (touched.has(id)) throw new InputError(`${f}.itemId`, "This line is named twice.");
    touched.add(id);
    if (c.quantity == null && c.unitPrice == null)
      throw new InputError(f, "Give a new quantity, a new unit price, or both.");
    const old = asInput(lines.get(id)!);
    const next = checkItem(
      { ...old, quantity: c.quantity ?? old.quantity, unitPrice: c.unitPrice ?? old.unitPrice },
      f,
    );
    const floor = shipped.get(id) ?? 0;
    if (next.quantity < floor)
      throw new InputError(
        `${f}.quantity`,
        `${floor} of this line were shipped: the quantity can't go below ${floor}.`,
      );
    return { itemId: id, line: next };
  });
  const added = adds.map((item, i) => checkItem(item, `changes.addItems.${i}`));
  const extraRows =
    changes.extraRows == null ? order.extraRows : checkExtraRows(changes.extraRows, "changes.extraRows");

  const newAmounts = new Map(changed.map((c) => [c.itemId, c.line]));
  const kept = items.filter((i) => !removed.includes(i.id));
  const afterItems = [...kept.map((i) => newAmounts.get(i.id) ?? i), ...added];
  if (afterItems.length === 0) throw new InputError("changes.removeItems", "An order needs at least one item.");
  if (afterItems.length > MAX_ITEMS)
    throw new InputError("changes.addItems", `An order may have at most ${MAX_ITEMS} items.`);
  const afterLines = [...kept.map((i) => line(i.id, newAmounts.get(i.id) ?? i)), ...added.map((a) => line(null, a))];
  const after = snapshot(afterLines, extraRows, orderAmounts(afterItems, extraRows));
  const before = snapshot(
    items.map((i) => line(i.id, i)),
    order.extraRows,
    { subtotal: order.subtotal, total: order.total },
  );
  if (sameOrder(before, after)) throw new InputError("changes", "These changes leave the order as it is.");
  return { before, after, changed, removed, added };
}

function sameOrder(a: EditSnapshot, b: EditSnapshot): boolean {
  const key = (s: EditSnapshot) =>
    JSON.stringify({
      items: s.items.map((l) => [l.itemId, l.quantity, l.unitPrice.toFixed(2), l.total.toFixed(2)]),
      extraRows: s.extraRows.map((r) => [r.label, r.amount.toFixed(2), r.modifier, r.extra]),
    });
  return key(a) === key(b);
}

/**
 * How a new total is settled against what counts as paid (countedPaid). Above it, the order owes the
 * difference. Below it, the difference is refunded (REFUND; never more than `refundable`, what the
 * payments have left) or kept as an overpayment (KEEP).
 */
export function settle(
  order: Pick<OrderRecord, "amountPaid" | "amountRefundedFromPaid">,
  newTotal: Money,
  choice: OverpaymentChoice,
  refundable: Money,
): Settlement {
  const paid = countedPaid(order);
  const difference = newTotal.minus(paid);
  const over = Money.max(ZERO, difference.neg());
  const refund = choice === "REFUND" ? Money.min(over, Money.max(ZERO, refundable)) : ZERO;
  return {
    netPaid: paid,
    difference,
    amountOutstanding: Money.max(ZERO, difference),
    amountRefunded: refund,
    amountOverpaid: over.minus(refund),
  };
}
