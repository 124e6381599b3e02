/**
 * Checks order input and turns it into amounts: the first refused value wins, named by its path
 * (e.g. "items.0.quantity"), and comes back as an InvalidOrderInputError. Pure: no I/O.
 */
import { Money, parseMoney, roundMoney, sumMoney, ZERO } from "../shared/money.js";
import { InvalidOrderInputError } from "./order.errors.js";
import type { ExtraRowRecord, JsonObject, OrderItemRecord } from "./order.model.js";
import type { OrderStatus } from "./status.js";

export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TEXT = 10_000;
export const MAX_SHORT = 128;
const MONEY_LIMIT = new Money("1e16");

export function checkEmail(email: unknown, field = "email"): string {
  const e = typeof email === "string" ? email.trim() : "";
  if (!EMAIL.test(e) || e.length > 254) throw new InputError(field, "Enter a valid email address.");
  return e;
}

export function checkText(value: unknown, field: string, opts: { max?: number; required?: boolean } = {}): string {
  const max = opts.max ?? MAX_TEXT;
  if (value == null) {
    if (opts.required) throw new InputError(field, "This field is required.");
    return "";
  }
  if (typeof value !== "string") throw new InputError(field, "Not a valid string.");
  if (opts.required && value.trim() === "") throw new InputError(field, "This field may not be blank.");
  if (value.length > max) throw new InputError(field, `Ensure this field has no more than ${max} characters.`);
  return value;
}

export function checkMoney(raw: unknown, field: string, opts: { min?: "zero" | "positive" } = {}): Money {
  const value = parseMoney(raw);
  if (!value) throw new InputError(field, 'A valid decimal amount is required, e.g. "12.30".');
  if (opts.min === "zero" && value.isNegative())
    throw new InputError(field, "Ensure this value is greater than or equal to 0.");
  if (opts.min === "positive" && !value.gt(0)) throw new InputError(field, "Ensure this value is greater than 0.");
  return value;
}

function checkObject(value: unknown, field: string): JsonObject {
  if (value == null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new InputError(field, "Must be a JSON object.");
  return value as JsonObject;
}

function checkFits(value: Money, field: string): Money {
  if (value.abs().gte(MONEY_LIMIT)) throw new InputError(field, "The amount is too large.");
  return value;
}

export interface ExtraRowInputLike {
  label: unknown;
  amount: unknown;
  modifier?: unknown;
  extra?: unknown;
}

export function checkExtraRows(rows: readonly ExtraRowInputLike[] | null | undefined, field: string): ExtraRowRecord[] {
  return (rows ?? []).map((r, i) => ({
    label: checkText(r.label, `${field}.${i}.label`, { max: MAX_SHORT * 2 }),
    amount: checkMoney(r.amount, `${field}.${i}.amount`),
    modifier: r.modifier == null ? null : checkText(r.modifier, `${field}.${i}.modifier`, { max: MAX_SHORT }),
    extra: checkObject(r.extra, `${field}.${i}.extra`),
  }));
}

export interface ItemInputLike {
  productType: unknown;
  productId?: unknown;
  product: unknown;
  unitPrice: unknown;
  quantity: unknown;
  extraRows?: readonly ExtraRowInputLike[] | null;
  extra?: unknown;
}

export type CheckedItem = Omit<OrderItemRecord, "id" | "orderId" | "name" | "code">;

/** Items with their amounts: subtotal = unit price × quantity, total = subtotal + the item's extra rows. */
export function checkItems(items: readonly ItemInputLike[] | null | undefined): CheckedItem[] {
  if (!items || items.length === 0) throw new InputError("items", "An order needs at least one item.");
  if (items.length > MAX_ITEMS) throw new InputError("items", `An order may have at most ${MAX_ITEMS} items.`);
  return items.map((item, i) => checkItem(item, `items.${i}`));
}

/** How many items an order may have. */
export const MAX_ITEMS = 1000;

/** One item with its amounts, its values named under `f` (e.g. "items.0"). */
export function checkItem(item: ItemInputLike, f: string): CheckedItem {
  const productType = checkText(item.productType, `${f}.productType`, { max: MAX_SHORT });
  const productId = item.productId == null ? null : checkText(item.productId, `${f}.productId`, { max: MAX_SHORT });
  const product = checkObject(item.product, `${f}.product`);
  const hasText = (v: unknown) =>
    (typeof v === "string" && v.trim() !== "") || (typeof v === "number" && Number.isFinite(v));
  if (!hasText(product.name)) throw new InputError(`${f}.product.name`, "The product needs a name.");
  if (!hasText(product.code)) throw new InputError(`${f}.product.code`, "The product needs a code.");
  const unitPrice = checkMoney(item.unitPrice, `${f}.unitPrice`, { min: "zero" });
  const q = item.quantity;
  if (typeof q !== "number" || !Number.isInteger(q) || q < 1)
    throw new InputError(`${f}.quantity`, "Ensure this value is greater than or equal to 1.");
  const extraRows = checkExtraRows(item.extraRows, `${f}.extraRows`);
  const subtotal = checkFits(roundMoney(unitPrice.times(q)), `${f}.quantity`);
  const total = checkFits(subtotal.plus(sumMoney(extraRows.map((r) => r.amount))), `${f}.extraRows`);
  return {
    productType,
    productId,
    product,
    unitPrice,
    quantity: q,
    subtotal,
    total,
    extraRows,
    extra: checkObject(item.extra, `${f}.extra`),
  };
}

/** Order amounts: subtotal = Σ item totals, total = subtotal + the order's extra rows. */
export function orderAmounts(
  items: readonly CheckedItem[],
  extraRows: readonly ExtraRowRecord[],
): { subtotal: Money; total: Money } {
  const subtotal = checkFits(sumMoney(items.map((i) => i.total)), "items");
  const total = checkFits(subtotal.plus(sumMoney(extraRows.map((r) => r.amount))), "extraRows");
  return { subtotal, total: total.isZero() ? ZERO : total };
}

/** Runs the checks; the first refused value comes back as an InvalidOrderInputError naming it. */
export function validated<T>(check: () => T): T | InvalidOrderInputError {
  try {
    return check();
  } catch (e) {
    if (e instanceof InputError) return new InvalidOrderInputError(e.field, e.message);
    throw e;
  }
}

export interface NewOrderInput {
  email: unknown;
  billingAddress?: unknown;
  shippingAddress?: unknown;
  userId?: string | null;
  status?: OrderStatus | null;
  items: readonly ItemInputLike[] | null | undefined;
  extraRows?: readonly ExtraRowInputLike[] | null;
  extra?: unknown;
}

export interface CheckedOrder {
  email: string;
  billingAddress: string;
  shippingAddress: string;
  userId: number | null;
  status: OrderStatus;
  items: CheckedItem[];
  extraRows: ExtraRowRecord[];
  extra: JsonObject;
  subtotal: Money;
  total: Money;
}

/** A createOrder input checked, with its amounts; the status defaults to CREATED. */
export function checkNewOrder(input: NewOrderInput): CheckedOrder | InvalidOrderInputError {
  return validated(() => {
    const email = checkEmail(input.email);
    const billingAddress = checkText(input.billingAddress, "billingAddress");
    const shippingAddress = checkText(input.shippingAddress, "shippingAddress");
    let userId: number | null = null;
    if (input.userId != null) {
      if (!/^\d{1,9}$/.test(String(input.userId))) throw new InputError("userId", "No user has this id.");
      userId = Number(input.userId);
    }
    const items = checkItems(input.items);
    const extraRows = checkExtraRows(input.extraRows, "extraRows");
    const extra = checkObject(input.extra, "extra");
    const status = input.status ?? "CREATED";
    return {
      email,
      billingAddress,
      shippingAddress,
      userId,
      status,
      items,
      extraRows,
      extra,
      ...orderAmounts(items, extraRows),
    };
  });
}
