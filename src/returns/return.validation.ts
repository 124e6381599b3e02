/**
 * Checks the input of returns: the first refused value comes back as an InvalidOrderInputError
 * naming its path. Pure: no I/O.
 */
import type { InvalidOrderInputError } from "../orders/order.errors.js";
import { checkText, InputError, validated } from "../orders/order.validation.js";
import { checkId, checkItemLines, MAX_LINES, type ItemLine } from "../shipments/shipment.validation.js";

const MAX_REASON = 1000;

/** A return id an argument names. */
export function checkReturnId(value: unknown): number {
  return checkId(value, "returnId", "This order has no return with this id.");
}

export interface CheckedReturnRequest {
  lines: ItemLine[];
  reason: string;
}

/** A requestReturn input checked: lines and a reason. */
export function checkReturnRequest(input: {
  lines: unknown;
  reason: unknown;
}): CheckedReturnRequest | InvalidOrderInputError {
  return validated(() => ({
    lines: checkItemLines(input.lines),
    reason: checkText(input.reason, "reason", { max: MAX_REASON, required: true }).trim(),
  }));
}

/** A staff message: optional (null when blank) unless `required`. */
export function checkMessage(value: unknown, field: string, required = false): string | null {
  return checkText(value, field, { max: MAX_REASON, required }).trim() || null;
}

export interface CheckedReceipt {
  /** item id → whether its units go back to stock. */
  restock: Map<number, boolean>;
  note: string | null;
}

/** A receiveReturn input checked: whether each line goes back to stock, each item once; a note if given. */
export function checkReceipt(input: { lines: unknown; note?: unknown }): CheckedReceipt | InvalidOrderInputError {
  return validated(() => {
    const lines = input.lines;
    if (!Array.isArray(lines) || lines.length === 0) throw new InputError("lines", "Give at least one line.");
    if (lines.length > MAX_LINES) throw new InputError("lines", `Give at most ${MAX_LINES} lines.`);
    const restock = new Map<number, boolean>();
    lines.forEach((l: { itemId?: unknown; restock?: unknown }, i) => {
      const itemId = checkId(l?.itemId, `lines.${i}.itemId`, "This return has no line of this item.");
      if (restock.has(itemId)) throw new InputError(`lines.${i}.itemId`, "Each item may be given once.");
      if (typeof l?.restock !== "boolean") throw new InputError(`lines.${i}.restock`, "Say true or false.");
      restock.set(itemId, l.restock);
    });
    return { restock, note: checkMessage(input.note, "note") };
  });
}
