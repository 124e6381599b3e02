/** Cursors of order lists: the sort, the sort key's value and the id, checked against the list's sort. */
import { decodeCursor, encodeCursor } from "../shared/pagination.js";
import type { Cursor, OrderRead, OrderSort } from "./order.model.js";
import { sortValue } from "./order.repository.js";

export function orderCursor(sort: OrderSort, order: OrderRead): string {
  return encodeCursor([sort, sortValue(sort, order), order.id]);
}

export function decodeOrderCursor(text: string, sort: OrderSort): Cursor {
  return decodeCursor(
    text,
    ([s, value, id]) => {
      if (s !== sort || typeof value !== "string" || !Number.isSafeInteger(id)) return null;
      const ok = sort.startsWith("TOTAL") ? /^-?\d+\.\d{2}$/.test(value) : !Number.isNaN(Date.parse(value));
      return ok ? { sort, value, id: id as number } : null;
    },
    "pass an endCursor from a list with the same orderBy.",
  );
}
