/**
 * The hot reads, in hand-written SQL straight on the pg pool: lists, an order by ref, and the
 * relations the per-request loaders batch. Prisma's query layer costs 2-3× the database time on these
 * (measured: a page of 100 orders 2.5 ms through findMany, 0.8 ms here). Writes, and the reads
 * inside their transactions, are in order.repository.ts; both share the row mapping below.
 */
import type pg from "pg";
import type { OrderScope } from "../auth/viewer.js";
import { moneyFromColumn } from "../shared/money.js";
import { readTypes } from "../db/timestamps.js";
import type { Cursor, JsonObject, OrderFilterInput, OrderItemRecord, OrderNoteRecord, OrderPaymentRecord, OrderRecord, OrderSort } from "./order.model.js";
import { asObject, toExtraRows } from "./order.json.js";

/** Anything that runs a parameterised query: the pool. */
export type Reader = Pick<pg.Pool, "query">;

/**
 * Columns of an order that every read fetches: its identity and what the status rules, cursors and
 * relations use. The others are fetched when the operation shows them (see order.columns.ts).
 */
export const ORDER_CORE_COLUMNS = ["id", "ref", "status", "userId", "total", "amountPaid", "isPaid", "dateCreated"] as const;
export const ORDER_OTHER_COLUMNS = ["token", "email", "billingAddress", "shippingAddress", "currency", "subtotal", "amountRefunded", "extra", "extraRows", "dateUpdated"] as const;
export const ITEM_CORE_COLUMNS = ["id", "orderId", "unitPrice", "quantity", "total"] as const;
/** `product` gives an item's name and code too. */
export const ITEM_OTHER_COLUMNS = ["productType", "productId", "product", "subtotal", "extraRows", "extra"] as const;

const sqlList = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");
export const ORDER_COLUMNS = sqlList([...ORDER_CORE_COLUMNS, ...ORDER_OTHER_COLUMNS]);
const ITEM_COLUMNS = sqlList([...ITEM_CORE_COLUMNS, ...ITEM_OTHER_COLUMNS]);

/**
 * What a read fetches, as SQL column lists. A read given less than ALL_COLUMNS leaves the columns it
 * did not fetch undefined in its records: only a GraphQL query's reads take less, measured from its
 * selection (order.columns.ts), so that no field it shows, and no code it runs, reads a missing one.
 */
export interface ReadColumns {
  order: string;
  item: string;
}
export const ALL_COLUMNS: ReadColumns = { order: ORDER_COLUMNS, item: ITEM_COLUMNS };

export function readColumns(order: readonly string[], item: readonly string[]): ReadColumns {
  return { order: sqlList([...ORDER_CORE_COLUMNS, ...order]), item: sqlList([...ITEM_CORE_COLUMNS, ...item]) };
}
/** The core columns only: enough for the status rules (OrderFacts), cursors and relations. */
export const CORE_COLUMNS: ReadColumns = readColumns([], []);

/** A row as pg returns it: numeric columns as text, JSON parsed. */
export type OrderRow = Omit<OrderRecord, "subtotal" | "total" | "amountPaid" | "amountRefunded" | "extra" | "extraRows"> & {
  subtotal: string;
  total: string;
  amountPaid: string;
  amountRefunded: string;
  extra: unknown;
  extraRows: unknown;
};

/** A column's value through `read`, or undefined when the read did not fetch it (see ReadColumns). */
function fetched<T, R>(v: T | undefined, read: (v: T) => R): R {
  return v === undefined ? (undefined as never) : read(v);
}

export function toOrder(r: OrderRow): OrderRecord {
  return {
    id: r.id,
    ref: r.ref,
    token: r.token,
    status: r.status,
    userId: r.userId,
    email: r.email,
    billingAddress: r.billingAddress,
    shippingAddress: r.shippingAddress,
    currency: r.currency,
    subtotal: fetched(r.subtotal, moneyFromColumn),
    total: moneyFromColumn(r.total),
    amountPaid: moneyFromColumn(r.amountPaid),
    amountRefunded: fetched(r.amountRefunded, moneyFromColumn),
    isPaid: r.isPaid,
    extra: fetched(r.extra, asObject),
    extraRows: fetched(r.extraRows, toExtraRows),
    dateCreated: r.dateCreated,
    dateUpdated: r.dateUpdated,
  };
}

/** Appends a parameter and returns its placeholder. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function scopeSql(scope: OrderScope, p: Params): string | null {
  switch (scope.kind) {
    case "all":
      return "TRUE";
    case "user":
      return `"userId" = ${p.add(scope.userId)}`;
    case "token":
      return `"token" = ${p.add(scope.token)}`;
    case "none":
      return null;
  }
}

function filterSql(filter: OrderFilterInput | null | undefined, p: Params): string[] {
  if (!filter) return [];
  const and: string[] = [];
  if (filter.status) and.push(`"status"::text = ANY(${p.add(filter.status)})`);
  if (filter.isPaid != null) and.push(`"isPaid" = ${p.add(filter.isPaid)}`);
  if (filter.search) {
    const s = filter.search.trim();
    and.push(`("ref" LIKE ${p.add(s.replace(/[\\%_]/g, "\\$&") + "%")} OR "email" = ${p.add(s)})`);
  }
  if (filter.createdAfter) and.push(`"dateCreated" > ${p.add(filter.createdAfter)}`);
  if (filter.createdBefore) and.push(`"dateCreated" < ${p.add(filter.createdBefore)}`);
  return and;
}

const SORTS: Record<OrderSort, { column: string; dir: "ASC" | "DESC"; cast: string }> = {
  DATE_CREATED_DESC: { column: `"dateCreated"`, dir: "DESC", cast: "timestamptz" },
  DATE_CREATED_ASC: { column: `"dateCreated"`, dir: "ASC", cast: "timestamptz" },
  TOTAL_DESC: { column: `"total"`, dir: "DESC", cast: "numeric" },
  TOTAL_ASC: { column: `"total"`, dir: "ASC", cast: "numeric" },
};

/** The key a cursor holds for an order under a sort. */
export function sortValue(sort: OrderSort, o: OrderRecord): string {
  return SORTS[sort].column === `"total"` ? o.total.toFixed(2) : o.dateCreated.toISOString();
}

/** A page of orders in the scope, after the cursor (keyset: a row comparison the index serves). */
export async function readOrders(
  db: Reader,
  q: { scope: OrderScope; filter?: OrderFilterInput | null; sort: OrderSort; after?: Cursor | null; take: number; columns?: ReadColumns },
): Promise<OrderRecord[]> {
  const p = new Params();
  const scope = scopeSql(q.scope, p);
  if (!scope || q.take <= 0) return [];
  const where = [scope, ...filterSql(q.filter, p)];
  const { column, dir, cast } = SORTS[q.sort];
  if (q.after) where.push(`(${column}, "id") ${dir === "DESC" ? "<" : ">"} (${p.add(q.after.value)}::${cast}, ${p.add(q.after.id)})`);
  const { rows } = await db.query<OrderRow>({
    text: `SELECT ${(q.columns ?? ALL_COLUMNS).order} FROM "Order" WHERE ${where.join(" AND ")} ORDER BY ${column} ${dir}, "id" ${dir} LIMIT ${p.add(q.take)}`,
    values: p.values,
    types: readTypes,
  });
  return rows.map(toOrder);
}

export async function countOrders(db: Reader, q: { scope: OrderScope; filter?: OrderFilterInput | null }): Promise<number> {
  const p = new Params();
  const scope = scopeSql(q.scope, p);
  if (!scope) return 0;
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Order" WHERE ${[scope, ...filterSql(q.filter, p)].join(" AND ")}`, p.values);
  return rows[0].n;
}

/** The order with this ref inside the scope, or null. */
export async function readOrderByRef(db: Reader, ref: string, scope: OrderScope, columns: ReadColumns = ALL_COLUMNS): Promise<OrderRecord | null> {
  const p = new Params();
  const where = scopeSql(scope, p);
  if (!where) return null;
  const { rows } = await db.query<OrderRow>({ text: `SELECT ${columns.order} FROM "Order" WHERE "ref" = ${p.add(ref)} AND ${where}`, values: p.values, types: readTypes });
  return rows.length ? toOrder(rows[0]) : null;
}

/**
 * Order ids as a PostgreSQL array literal: integers need no quoting, so one join instead of pg's
 * per-element escaping (a page of orders sends its 100 ids to three relations).
 */
function idArray(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new TypeError(`not an order id: ${id}`);
  return `{${ids.join(",")}}`;
}

function productText(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : fallback;
}
const nameOf = (product: JsonObject) => productText(product.name, "(no name)");
const codeOf = (product: JsonObject) => productText(product.code, "(no code)");

export async function readItems(db: Reader, orderIds: readonly number[], columns: ReadColumns = ALL_COLUMNS): Promise<OrderItemRecord[]> {
  const { rows } = await db.query(`SELECT ${columns.item} FROM "OrderItem" WHERE "orderId" = ANY($1) ORDER BY "orderId", "id"`, [idArray(orderIds)]);
  return rows.map((r) => {
    const product = fetched(r.product, asObject);
    return {
      id: r.id,
      orderId: r.orderId,
      productType: r.productType,
      productId: r.productId,
      product,
      name: fetched(product, nameOf),
      code: fetched(product, codeOf),
      unitPrice: moneyFromColumn(r.unitPrice),
      quantity: r.quantity,
      subtotal: fetched(r.subtotal, moneyFromColumn),
      total: moneyFromColumn(r.total),
      extraRows: fetched(r.extraRows, toExtraRows),
      extra: fetched(r.extra, asObject),
    };
  });
}

export const PAYMENT_COLUMNS = `"id", "orderId", "amount", "transactionId", "paymentMethod", "dateCreated", "refundedAt"`;

export function toPayment(r: Omit<OrderPaymentRecord, "amount"> & { amount: string }): OrderPaymentRecord {
  return { ...r, amount: moneyFromColumn(r.amount) };
}

export async function readPayments(db: Reader, orderIds: readonly number[]): Promise<OrderPaymentRecord[]> {
  const { rows } = await db.query({ text: `SELECT ${PAYMENT_COLUMNS} FROM "OrderPayment" WHERE "orderId" = ANY($1) ORDER BY "orderId", "id"`, values: [idArray(orderIds)], types: readTypes });
  return rows.map(toPayment);
}

export async function readNotes(db: Reader, orderIds: readonly number[]): Promise<OrderNoteRecord[]> {
  const { rows } = await db.query<OrderNoteRecord>({
    text: `SELECT "id", "orderId", "message", "public", "dateCreated" FROM "OrderNote" WHERE "orderId" = ANY($1) ORDER BY "orderId", "id"`,
    values: [idArray(orderIds)],
    types: readTypes,
  });
  return rows;
}
