/**
 * Checks the input of shipments (and the item lines returns share): the first refused value comes
 * back as an InvalidOrderInputError naming its path, e.g. "lines.0.quantity". Pure: no I/O.
 */
import type { InvalidOrderInputError } from "../orders/order.errors.js";
import { checkText, InputError, MAX_SHORT, validated } from "../orders/order.validation.js";

/** Lines one shipment or return may hold. */
export const MAX_LINES = 100;
const MAX_QUANTITY = 1_000_000;
const MAX_URL = 2048;

export interface ItemLine {
  itemId: number;
  quantity: number;
}

/** An id an input names: a positive integer, else the message. */
export function checkId(value: unknown, field: string, message: string): number {
  const text = String(value ?? "");
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new InputError(field, message);
  return Number(text);
}

/** Lines of items and quantities: at least one, each item once, each quantity a whole number ≥ 1. */
export function checkItemLines(lines: unknown, field = "lines"): ItemLine[] {
  if (!Array.isArray(lines) || lines.length === 0) throw new InputError(field, "Give at least one line.");
  if (lines.length > MAX_LINES) throw new InputError(field, `Give at most ${MAX_LINES} lines.`);
  const seen = new Set<number>();
  return lines.map((l: { itemId?: unknown; quantity?: unknown }, i) => {
    const itemId = checkId(l?.itemId, `${field}.${i}.itemId`, "This order has no item with this id.");
    if (seen.has(itemId)) throw new InputError(`${field}.${i}.itemId`, "Each item may be given once.");
    seen.add(itemId);
    const q = l?.quantity;
    if (typeof q !== "number" || !Number.isInteger(q) || q < 1)
      throw new InputError(`${field}.${i}.quantity`, "Ensure this value is a whole number greater than or equal to 1.");
    if (q > MAX_QUANTITY)
      throw new InputError(`${field}.${i}.quantity`, `Ensure this value is less than or equal to ${MAX_QUANTITY}.`);
    return { itemId, quantity: q };
  });
}

/** An http or https URL, or null when none is given. */
export function checkHttpUrl(value: unknown, field: string): string | null {
  if (value == null || value === "") return null;
  const text = checkText(value, field, { max: MAX_URL }).trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(field, "Enter a valid http or https URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InputError(field, "Enter a valid http or https URL.");
  return text;
}

export interface CheckedShipment {
  lines: ItemLine[];
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
}

/** A createShipment input checked: lines, a carrier, a tracking number, an http(s) tracking URL if given. */
export function checkShipment(input: {
  lines: unknown;
  carrier: unknown;
  trackingNumber: unknown;
  trackingUrl?: unknown;
}): CheckedShipment | InvalidOrderInputError {
  return validated(() => ({
    lines: checkItemLines(input.lines),
    carrier: checkText(input.carrier, "carrier", { max: MAX_SHORT, required: true }).trim(),
    trackingNumber: checkText(input.trackingNumber, "trackingNumber", { max: MAX_SHORT, required: true }).trim(),
    trackingUrl: checkHttpUrl(input.trackingUrl, "trackingUrl"),
  }));
}
