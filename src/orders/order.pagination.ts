/** Cursors of order lists: the sort, the sort key's value and the id, checked against the list's sort. */
import { decodeCursor, encodeCursor, isCursorInstant, isRowId } from "../shared/pagination.js";
import type { Cursor, OrderRead, OrderSort } from "./order.model.js";
import { sortValue } from "./order.repository.js";

export function orderCursor(sort: OrderSort, order: OrderRead): string {
  return encodeCursor([sort, sortValue(sort, order), order.id]);
}

export function decodeOrderCursor(text: string, sort: OrderSort): Cursor {
  return decodeCursor(
    text,
    ([s, value, id]) => {
      if (s !== sort || typeof value !== "string" || !isRowId(id)) return null;
      // Each part as its column holds it: total a decimal(18,2), dateCreated a timestamp, id an int4.
      const ok = sort.startsWith("TOTAL") ? /^-?\d{1,16}\.\d{2}$/.test(value) : isCursorInstant(value);
      return ok ? { sort, value, id } : null;
    },
    "pass an endCursor from a list with the same orderBy.",
  );
}
