/**
 * Keyset pagination: page sizes, opaque cursors and the page a list answers. A cursor is the
 * position of a node (its sort key and id) as base64url JSON; each list checks the cursors it is
 * given, so that a cursor from another list or sort is refused rather than misread.
 */
import { badUserInput } from "./errors.js";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Order.history's default page. */
export const HISTORY_PAGE_SIZE = 50;

/** `first` checked: 0 to `max`, `dflt` when omitted. */
export function pageSize(
  first: number | null | undefined,
  { dflt = DEFAULT_PAGE_SIZE, max = MAX_PAGE_SIZE } = {},
): number {
  const n = first ?? dflt;
  if (n < 0) throw badUserInput("first must not be negative.", { argumentName: "first" });
  if (n > max) throw badUserInput(`first must be at most ${max}.`, { argumentName: "first" });
  return n;
}

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The cursor's key when `accept` takes it; a BAD_USER_INPUT error otherwise. */
export function decodeCursor<T>(text: string, accept: (key: unknown[]) => T | null, hint: string): T {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    key = null;
  }
  const value = Array.isArray(key) ? accept(key) : null;
  if (value === null) throw badUserInput(`Invalid cursor: ${hint}`, { argumentName: "after" });
  return value;
}

/**
 * Whether a cursor's id fits the `Int` (int4) id columns. A cursor is the client's text: a value its
 * column cannot hold would fail in the database instead of being refused as bad input.
 */
export function isRowId(id: unknown): id is number {
  return Number.isInteger(id) && (id as number) >= -2_147_483_648 && (id as number) <= 2_147_483_647;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether a cursor's timestamp is one the server writes (`toISOString()` of a date in the years 1 to
 * 9999): a real instant, which both PostgreSQL's timestamp columns and a JavaScript Date hold.
 */
export function isCursorInstant(value: unknown): value is string {
  if (typeof value !== "string" || !ISO_INSTANT.test(value) || value.startsWith("0000")) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && new Date(time).toISOString() === value;
}

/** Cursors that are a row's id tagged with its kind; `decode` refuses another kind's, saying `hint`. */
export function idCursor(kind: string, hint: string) {
  return {
    encode: <T extends { id: number }>(row: T): string => encodeCursor([kind, row.id]),
    decode: (text: string): number => decodeCursor(text, ([k, id]) => (k === kind && isRowId(id) ? id : null), hint),
  };
}

/** One page of a list: its nodes, their cursors (made when asked for), and the count when asked for. */
export interface Page<T> {
  nodes: T[];
  cursor(i: number): string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  countTotal(): Promise<number>;
}

/**
 * A page from rows fetched with `take = first + 1`: the extra row, if it came, says there is a next
 * page. The count runs once, when asked for.
 */
export function toPage<T>(
  rows: T[],
  first: number,
  o: { after: boolean; cursorOf(node: T): string; count(): Promise<number> },
): Page<T> {
  const nodes = rows.length > first ? rows.slice(0, first) : rows;
  let count: Promise<number> | undefined;
  return {
    nodes,
    cursor: (i) => o.cursorOf(nodes[i]),
    hasNextPage: rows.length > first,
    hasPreviousPage: o.after,
    countTotal: () => (count ??= o.count()),
  };
}
