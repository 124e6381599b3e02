/** How rows become domain records, and how a loader's rows are handed back in the order of its keys. */
import type { Money } from "./money.js";

/** A row with its Decimal columns as Money and its JSON columns typed. */
export type Domain<Row, MoneyKeys extends keyof Row, Json extends Partial<Record<keyof Row, unknown>>> = Omit<
  Row,
  MoneyKeys | keyof Json
> & { [K in MoneyKeys]: null extends Row[K] ? Money | null : Money } & Json;

/** Rows grouped by `keyOf` (an order id, a payment id…), one group per key, in the order of `keys`. */
export function groupBy<K, T>(keys: readonly K[], rows: Iterable<T>, keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>(keys.map((k) => [k, []]));
  for (const r of rows) groups.get(keyOf(r))?.push(r);
  return keys.map((k) => groups.get(k)!);
}

/** The row of each key (null when there is none), in the order of `keys`. */
export function oneBy<K, T>(keys: readonly K[], rows: Iterable<T>, keyOf: (row: T) => K): (T | null)[] {
  const found = new Map<K, T>();
  for (const r of rows) found.set(keyOf(r), r);
  return keys.map((k) => found.get(k) ?? null);
}
