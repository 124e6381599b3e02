/**
 * Orders through Prisma Client: the reads the API serves, the relations its loaders batch, and the
 * writes of the order services (inside their transactions). Rows become domain records here, with
 * Prisma's Decimal as our Money.
 */
import { Prisma } from "../generated/prisma/client.js";
import type { OrderStatus as StoredStatus, PrismaClient } from "../generated/prisma/client.js";
import { inScope, type OrderScope } from "../auth/viewer.js";
import { USER_SELECT, type UserRecord } from "../users/user.repository.js";
import type { Db, Tx } from "../db/transaction.js";
import type { ReadCoalescer } from "./order.coalesce.js";
import { Money } from "../shared/money.js";
import type {
  Cursor,
  ExtraRowRecord,
  JoinedRelations,
  JsonObject,
  OrderFilterInput,
  OrderItemRead,
  OrderItemRecord,
  OrderNoteRecord,
  OrderRead,
  OrderRecord,
  OrderSort,
} from "./order.model.js";
import { readAt, type OrderCache, type OrderSnapshot } from "./order.cache.js";
import { FULL_SELECT, type ItemCoreColumn, type OrderCoreColumn, type ReadSelect } from "./order.select.js";
import type { OrderStatus } from "./status.js";

// The status rules' statuses are the stored enum's, in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameStatuses: Same<OrderStatus, StoredStatus> = true;
void sameStatuses;

// ---- rows to records --------------------------------------------------------------------------

/** A Decimal column, when the read selected it. */
const money = <D extends Prisma.Decimal | undefined>(d: D): D extends undefined ? undefined : Money =>
  (d === undefined ? undefined : new Money(d)) as D extends undefined ? undefined : Money;

export function asObject(v: unknown): JsonObject {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};
}

/** Extra rows as stored: amounts as "12.30" text. */
export function toExtraRows(v: unknown): ExtraRowRecord[] {
  if (!Array.isArray(v)) return [];
  return v.map((r) => {
    const row = asObject(r);
    return {
      label: String(row.label ?? ""),
      amount: new Money(String(row.amount ?? "0")),
      modifier: row.modifier == null ? null : String(row.modifier),
      extra: asObject(row.extra),
    };
  });
}

export function extraRowsJson(rows: readonly ExtraRowRecord[]): Prisma.InputJsonArray {
  return rows.map((r) => ({
    label: r.label,
    amount: r.amount.toFixed(2),
    modifier: r.modifier,
    extra: r.extra as Prisma.InputJsonObject,
  }));
}

type OrderRow = Prisma.OrderGetPayload<{ select: typeof FULL_SELECT.order }>;
type ItemRow = Prisma.OrderItemGetPayload<{ select: typeof FULL_SELECT.item }>;
/** A row as a narrowed select gives it: the core columns, and the others it selected. */
type OrderReadRow = Pick<OrderRow, OrderCoreColumn> & Partial<OrderRow>;
type ItemReadRow = Pick<ItemRow, ItemCoreColumn> & Partial<ItemRow>;

/** A column's value through `f`, when the read selected it. */
const ifRead = <T, U>(v: T | undefined, f: (v: T) => U): U | undefined => (v === undefined ? undefined : f(v));

function productText(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : fallback;
}

/**
 * A row as a read fetched it (see order.select.ts): the columns the read did not select stay
 * undefined, and say so in the type. Built field by field, so that every record has one shape
 * whatever the select.
 */
export function readOrder(r: OrderReadRow): OrderRead {
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
    subtotal: money(r.subtotal),
    total: money(r.total),
    amountPaid: money(r.amountPaid),
    amountRefunded: money(r.amountRefunded),
    amountRefundedFromPaid: money(r.amountRefundedFromPaid),
    isPaid: r.isPaid,
    extra: ifRead(r.extra, asObject),
    extraRows: ifRead(r.extraRows, toExtraRows),
    dateCreated: r.dateCreated,
    dateUpdated: r.dateUpdated,
    editVersion: r.editVersion,
    relationsVersion: r.relationsVersion,
    rowVersion: r.rowVersion,
  };
}

/** A row of every column as a record. */
export function toOrder(r: OrderRow): OrderRecord {
  return readOrder(r) as OrderRecord; // every column was selected: none is undefined
}

export function readItem(r: ItemReadRow): OrderItemRead {
  const product = ifRead(r.product, asObject);
  return {
    id: r.id,
    orderId: r.orderId,
    productType: r.productType,
    productId: r.productId,
    product,
    name: product && productText(product.name, "(no name)"),
    code: product && productText(product.code, "(no code)"),
    unitPrice: money(r.unitPrice),
    quantity: r.quantity,
    subtotal: money(r.subtotal),
    total: money(r.total),
    extraRows: ifRead(r.extraRows, toExtraRows),
    extra: ifRead(r.extra, asObject),
  };
}

// ---- relations fetched with their orders ------------------------------------------------------

/**
 * What a read's select adds for the relations it fetches with its orders (order.select.ts,
 * JoinedRelation): the OrderRelations view's columns for lines, payments, the notes the caller may
 * see and refunds, and the owner.
 */
function joinedSelect(select: ReadSelect, privateNotes: boolean) {
  const r = select.relations;
  return {
    ...(showsView(select) && {
      relations: {
        select: {
          items: r.items,
          payments: r.payments,
          notes: r.notes && privateNotes,
          publicNotes: r.notes && !privateNotes,
          refunds: r.refunds,
        },
      },
    }),
    ...(r.user && { user: { select: USER_SELECT } }),
  };
}

type JsonRows = Record<string, unknown>[];
interface JoinedRow {
  relations?: {
    items?: JsonRows;
    payments?: JsonRows;
    notes?: JsonRows;
    publicNotes?: JsonRows;
    refunds?: JsonRows;
  } | null;
  user?: UserRecord | null;
}

/**
 * An item of the view's JSON as a read of `columns` gives it: the same record as a row of those
 * columns (the amounts are decimal text, which Money reads exactly).
 */
function itemFromJson(j: Record<string, unknown>, columns: Prisma.OrderItemSelect): OrderItemRead {
  const row: Record<string, unknown> = {};
  for (const c in columns) row[c] = j[c];
  return readItem(row as ItemReadRow);
}

function noteFromJson(j: Record<string, unknown>): OrderNoteRecord {
  return {
    id: j.id as number,
    orderId: j.orderId as number,
    message: j.message as string,
    public: j.public as boolean,
    dateCreated: new Date(j.dateCreated as string),
  };
}

/** The relations a row fetched with its order, as records; undefined when it fetched none. */
function joinedOf(row: JoinedRow, select: ReadSelect): JoinedRelations | undefined {
  const r = select.relations;
  if (!showsView(select) && !r.user) return undefined;
  const v = row.relations;
  const notes = v && (v.notes ?? v.publicNotes);
  return {
    items: r.items ? (v?.items ?? []).map((j) => itemFromJson(j, select.item)) : undefined,
    payments: r.payments ? (v?.payments ?? []) : undefined,
    notes: r.notes ? (notes ?? []).map(noteFromJson) : undefined,
    refunds: r.refunds ? (v?.refunds ?? []) : undefined,
    user: r.user ? (row.user ?? null) : undefined,
  };
}

/** An order row with the relations it fetched. */
function readWithJoined(row: OrderReadRow & JoinedRow, select: ReadSelect): OrderRead {
  const order = readOrder(row);
  const joined = joinedOf(row, select);
  if (joined) order.joined = joined;
  return order;
}

// ---- relations from the order cache (order.cache.ts) -------------------------------------------

/** Whether a read shows relations the OrderRelations view holds (the cache holds the same). */
function showsView(select: ReadSelect): boolean {
  const r = select.relations;
  return r.items || r.payments || r.notes || r.refunds;
}

/** What a read selects of the view when the cache is on: every relation, and the version it was read at. */
const SNAPSHOT_SELECT = { items: true, payments: true, notes: true, refunds: true, version: true } as const;

interface SnapshotRow {
  items: unknown;
  payments: unknown;
  notes: unknown;
  refunds: unknown;
  version: number;
}

/** The view's row as the cache keeps it: parsed once, every column of every line. */
function snapshotOf(v: SnapshotRow): OrderSnapshot {
  const notes = (v.notes as JsonRows).map(noteFromJson);
  return {
    version: v.version,
    items: (v.items as JsonRows).map((j) => readItem(j as ItemReadRow)),
    payments: v.payments as JsonRows,
    notes,
    publicNotes: notes.filter((n) => n.public),
    refunds: v.refunds as JsonRows,
  };
}

/**
 * An order row with its relations from a snapshot (the cache's records, frozen: shared by every
 * request, so handed out as they are) and the owner it fetched.
 */
function readWithSnapshot(
  order: OrderRead,
  row: JoinedRow,
  snapshot: OrderSnapshot | undefined,
  select: ReadSelect,
  privateNotes: boolean,
): OrderRead {
  const r = select.relations;
  const notes = snapshot && (privateNotes ? snapshot.notes : snapshot.publicNotes);
  order.joined = {
    items: r.items ? ((snapshot?.items ?? []) as OrderItemRead[]) : undefined,
    payments: r.payments ? ((snapshot?.payments ?? []) as JsonRows) : undefined,
    notes: r.notes ? ((notes ?? []) as OrderNoteRecord[]) : undefined,
    refunds: r.refunds ? ((snapshot?.refunds ?? []) as JsonRows) : undefined,
    user: r.user ? (row.user ?? null) : undefined,
  };
  return order;
}

/**
 * A read's order, noted as read at `relationsVersion` when the operation shows its history (the
 * history cache is checked against it; order.cache.ts, readAt); as it is otherwise.
 */
function noteVersion(select: ReadSelect, order: OrderRead, relationsVersion: number): OrderRead {
  return select.history ? readAt(order, relationsVersion) : order;
}

// ---- reads ------------------------------------------------------------------------------------

/** The orders a scope covers, as a Prisma filter; null when it covers none. */
export function scopeWhere(scope: OrderScope): Prisma.OrderWhereInput | null {
  switch (scope.kind) {
    case "all":
      return {};
    case "user":
      return { userId: scope.userId };
    case "token":
      return { token: scope.token };
    case "none":
      return null;
  }
}

/** LIKE's wildcards as literals: Prisma's startsWith passes them through. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, "\\$&");

function filterWhere(filter: OrderFilterInput | null | undefined): Prisma.OrderWhereInput[] {
  if (!filter) return [];
  const and: Prisma.OrderWhereInput[] = [];
  if (filter.status) and.push({ status: { in: filter.status } });
  if (filter.isPaid != null) and.push({ isPaid: filter.isPaid });
  if (filter.search) {
    const s = filter.search.trim();
    and.push({ OR: [{ ref: { startsWith: likeLiteral(s) } }, { email: s }] });
  }
  if (filter.createdAfter) and.push({ dateCreated: { gt: filter.createdAfter } });
  if (filter.createdBefore) and.push({ dateCreated: { lt: filter.createdBefore } });
  return and;
}

const SORTS: Record<OrderSort, { field: "dateCreated" | "total"; dir: Prisma.SortOrder }> = {
  DATE_CREATED_DESC: { field: "dateCreated", dir: "desc" },
  DATE_CREATED_ASC: { field: "dateCreated", dir: "asc" },
  TOTAL_DESC: { field: "total", dir: "desc" },
  TOTAL_ASC: { field: "total", dir: "asc" },
};

/** The key a cursor holds for an order under a sort. */
export function sortValue(sort: OrderSort, o: OrderRead): string {
  return SORTS[sort].field === "total" ? o.total.toFixed(2) : o.dateCreated.toISOString();
}

/**
 * Orders after the cursor, as a keyset condition the sort's index serves: `key <= v AND (key < v OR
 * id < i)` (for a descending sort), whose first half bounds the index scan.
 */
function afterWhere(sort: OrderSort, after: Cursor): Prisma.OrderWhereInput {
  const { field, dir } = SORTS[sort];
  const value = field === "total" ? after.value : new Date(after.value);
  const [upTo, past] = dir === "desc" ? (["lte", "lt"] as const) : (["gte", "gt"] as const);
  return {
    AND: [{ [field]: { [upTo]: value } }, { OR: [{ [field]: { [past]: value } }, { id: { [past]: after.id } }] }],
  };
}

export interface OrderQuery {
  scope: OrderScope;
  filter?: OrderFilterInput | null;
}

/**
 * A page of orders in the scope, after the cursor, with the relations `select` names (see
 * JoinedRelation; `privateNotes`: the caller may see private notes): the owners in the orders'
 * statement, lines, payments, notes and refunds in one more, from the OrderRelations view. (Not
 * joined as the detail's are: Prisma hands a joined relation's JSON columns through JSON.parse,
 * JSON.stringify and JSON.parse again, and PostgreSQL converts the view's JSON to jsonb for it; for a
 * page of 100 the second statement costs less, on both sides: BENCHMARKS.md.) With `cache` on and
 * relations shown, see findCachedOrders: a page of orders it holds is one statement of ids and
 * versions.
 */
export async function findOrders(
  db: Db,
  q: OrderQuery & {
    sort: OrderSort;
    after?: Cursor | null;
    take: number;
    select?: ReadSelect;
    privateNotes?: boolean;
    cache?: OrderCache;
  },
): Promise<OrderRead[]> {
  const scope = scopeWhere(q.scope);
  if (!scope || q.take <= 0) return [];
  const { field, dir } = SORTS[q.sort];
  const select = q.select ?? FULL_SELECT;
  const { relations, ...owner } = joinedSelect(select, q.privateNotes ?? false);
  const page = {
    relationLoadStrategy: "join",
    where: { AND: [scope, ...filterWhere(q.filter), ...(q.after ? [afterWhere(q.sort, q.after)] : [])] },
    orderBy: [{ [field]: dir }, { id: dir }],
    take: q.take,
  } satisfies Prisma.OrderFindManyArgs;
  if (q.cache?.enabled && (showsView(select) || select.history))
    return findCachedOrders(db, page, owner, q.cache, select, q.privateNotes);
  const rows = (await db.order.findMany({
    ...page,
    select: { ...select.order, ...owner },
  })) as unknown as (OrderReadRow & JoinedRow)[];
  if (relations && rows.length > 0) {
    const found = await db.orderRelations.findMany({
      where: { orderId: { in: rows.map((r) => r.id) } },
      select: { orderId: true, ...relations.select },
    });
    const byId = new Map(found.map((r) => [r.orderId, r]));
    for (const r of rows) (r as JoinedRow).relations = (byId.get(r.id) as JoinedRow["relations"]) ?? null;
  }
  return rows.map((r) => readWithJoined(r, select));
}

/**
 * findOrders with the order cache: the page's orders as ids and versions (and owners, when shown),
 * each order it holds at those versions, with the columns `select` names, from it, row and
 * relations; the others, the select's columns and every relation of the view, in two more
 * statements sent together, kept in the cache. An order gone between the statements is left out.
 */
async function findCachedOrders(
  db: Db,
  page: Pick<Prisma.OrderFindManyArgs, "relationLoadStrategy" | "where" | "orderBy" | "take">,
  owner: { user?: { select: typeof USER_SELECT } },
  cache: OrderCache,
  select: ReadSelect,
  privateNotes = false,
): Promise<OrderRead[]> {
  type Versions = { id: number; relationsVersion: number; rowVersion: number; user?: UserRecord | null };
  const rows = (await db.order.findMany({
    ...page,
    select: { id: true, relationsVersion: true, rowVersion: true, ...owner },
  })) as Versions[];
  const columns = Object.keys(select.order) as (keyof OrderRead)[];
  const held = new Map<number, OrderSnapshot & { row: OrderRead }>();
  const missing: number[] = [];
  for (const r of rows) {
    const s = cache.getWithRow(r.id, r.relationsVersion, r.rowVersion);
    if (s && columns.every((c) => s.row[c] !== undefined)) held.set(r.id, s);
    else missing.push(r.id);
  }
  if (missing.length > 0) {
    // Two statements, not the view joined to the rows: Prisma reads a joined relation's JSON
    // through JSON.parse, JSON.stringify and JSON.parse again (findOrders). Each snapshot's
    // relations carry the version they were read at, and its row its own.
    const [found, views] = await Promise.all([
      db.order.findMany({ where: { id: { in: missing } }, select: select.order }),
      db.orderRelations.findMany({
        where: { orderId: { in: missing } },
        select: { orderId: true, ...SNAPSHOT_SELECT },
      }),
    ]);
    const viewOf = new Map(views.map((v) => [v.orderId, v]));
    for (const f of found as unknown as OrderReadRow[]) {
      const v = viewOf.get(f.id);
      if (!v) continue;
      const s = { ...snapshotOf(v), row: readOrder(f) };
      held.set(f.id, s);
      cache.set(f.id, f.ref, s);
    }
  }
  return rows.flatMap((r) => {
    const s = held.get(r.id);
    if (!s) return [];
    return [noteVersion(select, readWithSnapshot({ ...s.row }, r, s, select, privateNotes), s.version)];
  });
}

export async function countOrders(db: Db, q: OrderQuery): Promise<number> {
  const scope = scopeWhere(q.scope);
  if (!scope) return 0;
  return db.order.count({ where: { AND: [scope, ...filterWhere(q.filter)] } });
}

/** The order with this ref inside the scope (every column, or those `select` names), or null. */
export async function findOrderByRef(db: Db, ref: string, scope: OrderScope): Promise<OrderRecord | null>;
export async function findOrderByRef(
  db: Db,
  ref: string,
  scope: OrderScope,
  select: ReadSelect,
): Promise<OrderRead | null>;
export async function findOrderByRef(
  db: Db,
  ref: string,
  scope: OrderScope,
  select: ReadSelect = FULL_SELECT,
): Promise<OrderRead | null> {
  const where = scopeWhere(scope);
  if (!where) return null;
  const row = await db.order.findFirst({ where: { ref, ...where }, select: select.order });
  return row ? readOrder(row as OrderReadRow) : null;
}

/** A row read by ref with its owner and token, for inScope (a coalesced read filters by ref alone). */
type ScopedRow = { ref: string; userId: number | null; token: string };

/**
 * findOrderByRef outside a transaction, in one statement with the same reads of the requests handled
 * at the same time (order.coalesce.ts). The shared statement reads by ref alone; each read then keeps
 * its order only when inScope, the same rule as scopeWhere's filter.
 */
export async function findOrderByRefCoalesced(
  prisma: PrismaClient,
  reads: ReadCoalescer<unknown>,
  ref: string,
  scope: OrderScope,
  select: ReadSelect,
): Promise<OrderRead | null> {
  if (!scopeWhere(scope)) return null;
  const row = await readByRef(prisma, reads, ref, scope, select.order, {});
  return row ? readOrder(row) : null;
}

/**
 * The order with `ref` in the scope, read by ref alone in a statement shared with this turn's reads of
 * the same shape (the select and query options), then kept only when inScope; its owner and token
 * as the select has them (read for inScope, dropped when the select does not name them).
 */
async function readByRef<T extends OrderReadRow>(
  prisma: PrismaClient,
  reads: ReadCoalescer<unknown>,
  ref: string,
  scope: OrderScope,
  select: Prisma.OrderSelect,
  options: { relationLoadStrategy?: "join" },
): Promise<T | null> {
  const shape = JSON.stringify([select, options]);
  const row = (await reads.read(
    shape,
    ref,
    (refs) =>
      prisma.order.findMany({
        ...options,
        where: { ref: { in: refs } },
        select: { ...select, ref: true, userId: true, token: true } satisfies Record<keyof ScopedRow, unknown>,
      }),
    (r) => (r as ScopedRow).ref,
  )) as (T & ScopedRow) | undefined;
  if (!row || !inScope(scope, row)) return null;
  // Rows are shared by the reads of the same order in the turn: each gets its own copy. A column the
  // select does not name reads as not fetched (undefined; set, not deleted: a deleted property would
  // turn the copy into a slow dictionary object for every function it reaches).
  const own: T & Partial<ScopedRow> = { ...row };
  if (!select.userId) own.userId = undefined;
  if (!select.token) own.token = undefined;
  return own;
}

/**
 * The newest order in the scope, or the one with `ref`, with the relations `select` names (see
 * JoinedRelation) in the same statement: relationLoadStrategy "join", a preview feature of Prisma
 * 7.10 enabled in schema.prisma on purpose: each statement Prisma sends has a cost of its own (BENCHMARKS.md).
 * With `cache` on, see findCachedOne.
 */
export async function findOneWithRelations(
  db: Db,
  q: {
    ref?: string;
    scope: OrderScope;
    select: ReadSelect;
    privateNotes: boolean;
    cache?: OrderCache;
    /** With the cache, an order by ref read in a statement shared with this turn's (db: the client). */
    reads?: ReadCoalescer<unknown>;
  },
): Promise<OrderRead | null> {
  const where = scopeWhere(q.scope);
  if (!where) return null;
  if (q.cache?.enabled && showsView(q.select)) return findCachedOne(db, q, q.cache, where);
  const row = await db.order.findFirst({
    relationLoadStrategy: "join",
    where: q.ref === undefined ? where : { ref: q.ref, ...where },
    orderBy: [{ dateCreated: "desc" }, { id: "desc" }],
    select: { ...q.select.order, ...joinedSelect(q.select, q.privateNotes) },
  });
  if (!row) return null;
  return noteVersion(q.select, readWithJoined(row as OrderReadRow & JoinedRow, q.select), row.relationsVersion);
}

/**
 * findOneWithRelations with the order cache. An order it holds (by ref): the order's row alone, and
 * the relations from the cache when the row's relationsVersion is the entry's (else one more
 * statement reads them from the view). Any other: the row with every relation of the view, in one
 * statement, kept in the cache.
 */
async function findCachedOne(
  db: Db,
  q: { ref?: string; scope: OrderScope; select: ReadSelect; privateNotes: boolean; reads?: ReadCoalescer<unknown> },
  cache: OrderCache,
  scope: Prisma.OrderWhereInput,
): Promise<OrderRead | null> {
  type Row = OrderReadRow & JoinedRow & { relations?: SnapshotRow | null };
  const held = q.ref !== undefined && cache.hasRef(q.ref);
  const { relations: _view, ...owner } = joinedSelect(q.select, q.privateNotes);
  const select = { ...q.select.order, ...owner, ...(!held && { relations: { select: SNAPSHOT_SELECT } }) };
  const row =
    q.ref !== undefined && q.reads
      ? await readByRef<Row>(db as PrismaClient, q.reads, q.ref, q.scope, select, { relationLoadStrategy: "join" })
      : ((await db.order.findFirst({
          relationLoadStrategy: "join",
          where: q.ref === undefined ? scope : { ref: q.ref, ...scope },
          orderBy: [{ dateCreated: "desc" }, { id: "desc" }],
          select,
        })) as unknown as Row | null);
  if (!row) return null;
  let snapshot = held ? cache.get(row.id, row.relationsVersion) : undefined;
  if (!snapshot) {
    const view =
      row.relations ?? (await db.orderRelations.findUnique({ where: { orderId: row.id }, select: SNAPSHOT_SELECT }));
    if (view) {
      snapshot = snapshotOf(view);
      cache.set(row.id, row.ref, snapshot);
    }
  }
  return noteVersion(
    q.select,
    readWithSnapshot(readOrder(row), row, snapshot, q.select, q.privateNotes),
    row.relationsVersion,
  );
}

/**
 * What an order-owned row's filter adds for a scope (its order in the scope); null when the scope
 * covers no order.
 */
export function ownedByScope(scope: OrderScope): { order?: Prisma.OrderWhereInput } | null {
  const where = scopeWhere(scope);
  return where && (scope.kind === "all" ? {} : { order: where });
}

/** The orders with these ids that the scope covers, with the columns `select` names (node, nodes). */
export async function findOrdersByIds(
  db: Db,
  ids: readonly number[],
  scope: OrderScope,
  select: ReadSelect = FULL_SELECT,
): Promise<OrderRead[]> {
  const where = scopeWhere(scope);
  if (!where) return [];
  const rows = await db.order.findMany({ where: { id: { in: [...ids] }, ...where }, select: select.order });
  return rows.map((r) => readOrder(r as OrderReadRow));
}

/** The items with these ids whose order the scope covers (node, nodes). */
export async function findItemsByIds(
  db: Db,
  ids: readonly number[],
  scope: OrderScope,
  select: ReadSelect = FULL_SELECT,
): Promise<OrderItemRead[]> {
  const owned = ownedByScope(scope);
  if (!owned) return [];
  const rows = await db.orderItem.findMany({ where: { id: { in: [...ids] }, ...owned }, select: select.item });
  return rows.map((r) => readItem(r as ItemReadRow));
}

export async function findOrderById(db: Db, id: number): Promise<OrderRecord> {
  return toOrder(await db.order.findUniqueOrThrow({ where: { id }, select: FULL_SELECT.order }));
}

export const byOrder = [{ orderId: "asc" }, { id: "asc" }] satisfies Prisma.OrderItemOrderByWithRelationInput[];

export async function itemsOf(
  db: Db,
  orderIds: readonly number[],
  select: ReadSelect = FULL_SELECT,
): Promise<OrderItemRead[]> {
  const rows = await db.orderItem.findMany({
    where: { orderId: { in: [...orderIds] } },
    orderBy: byOrder,
    select: select.item,
  });
  return rows.map((r) => readItem(r as ItemReadRow));
}

export async function notesOf(
  db: Db,
  orderIds: readonly number[],
  opts: { privateToo: boolean },
): Promise<OrderNoteRecord[]> {
  return db.orderNote.findMany({
    where: { orderId: { in: [...orderIds] }, ...(opts.privateToo ? {} : { public: true }) },
    orderBy: byOrder,
  });
}

// ---- writes (inside a transaction) ------------------------------------------------------------

/** Every column of an order, as the SELECT list of a raw read (the names of FULL_SELECT, so never out of step). */
const ORDER_COLUMNS_SQL = Prisma.raw(
  Object.keys(FULL_SELECT.order)
    .map((c) => `"${c}"`)
    .join(", "),
);

/** A scope as a raw condition on "Order" (after WHERE … AND); null when it covers no order. */
function scopeSql(scope: OrderScope): Prisma.Sql | null {
  switch (scope.kind) {
    case "all":
      return Prisma.sql`TRUE`;
    case "user":
      return Prisma.sql`"userId" = ${scope.userId}`;
    case "token":
      return Prisma.sql`"token" = ${scope.token}`;
    case "none":
      return null;
  }
}

/**
 * Locks the order's row for the rest of the transaction and reads it, in one statement; null when
 * there is no such order in the scope (and nothing is locked). Mutations on one order never interleave.
 *
 * Raw SQL: Prisma has no API for a row lock (`SELECT … FOR UPDATE`); a lock and then Prisma's read
 * would be two statements, in every write.
 */
export async function lockOrder(tx: Tx, ref: string, scope: OrderScope): Promise<OrderRecord | null> {
  const inScope = scopeSql(scope);
  if (!inScope) return null;
  const [row] = await tx.$queryRaw<OrderRow[]>`
    SELECT ${ORDER_COLUMNS_SQL} FROM "Order" WHERE "ref" = ${ref} AND ${inScope} FOR UPDATE`;
  return row ? toOrder(row) : null;
}

/** The next number of the year's ref counter: an upsert that increments, so the row lock makes concurrent creates wait. */
export async function nextRefNumber(tx: Tx, year: number): Promise<number> {
  const counter = await tx.refCounter.upsert({
    where: { year },
    create: { year, value: 1 },
    update: { value: { increment: 1 } },
  });
  return counter.value;
}

export interface NewOrder {
  ref: string;
  token: string;
  status: OrderStatus;
  userId: number | null;
  email: string;
  billingAddress: string;
  shippingAddress: string;
  currency: string;
  subtotal: Money;
  total: Money;
  extra: JsonObject;
  extraRows: ExtraRowRecord[];
  dateCreated: Date;
  items: Omit<OrderItemRecord, "id" | "orderId" | "name" | "code">[];
}

/** An order line's columns as written, for a new order and for lines an edit adds. */
export function itemData(i: NewOrder["items"][number]) {
  return {
    productType: i.productType,
    productId: i.productId,
    product: i.product as Prisma.InputJsonObject,
    unitPrice: i.unitPrice.toFixed(2),
    quantity: i.quantity,
    subtotal: i.subtotal.toFixed(2),
    total: i.total.toFixed(2),
    extraRows: extraRowsJson(i.extraRows),
    extra: i.extra as Prisma.InputJsonObject,
  };
}

export async function insertOrder(tx: Tx, o: NewOrder): Promise<OrderRecord> {
  const row = await tx.order.create({
    data: {
      ref: o.ref,
      token: o.token,
      status: o.status,
      userId: o.userId,
      email: o.email,
      billingAddress: o.billingAddress,
      shippingAddress: o.shippingAddress,
      currency: o.currency,
      subtotal: o.subtotal.toFixed(2),
      total: o.total.toFixed(2),
      isPaid: o.total.lte(0),
      extra: o.extra as Prisma.InputJsonObject,
      extraRows: extraRowsJson(o.extraRows),
      dateCreated: o.dateCreated,
      dateUpdated: o.dateCreated,
      items: {
        createMany: {
          data: o.items.map(itemData),
        },
      },
    },
    select: FULL_SELECT.order,
  });
  return toOrder(row);
}

/**
 * Moves the locked order to `status`, and answers the order as it now is: the row read under the
 * lock with what this wrote, so that the UPDATE returns no columns to parse (the caller holds the
 * row lock, so nothing else changed it).
 */
export async function moveStatus(tx: Tx, order: OrderRecord, status: OrderStatus, now: Date): Promise<OrderRecord> {
  await tx.order.update({ where: { id: order.id }, data: { status, dateUpdated: now }, select: { id: true } });
  return { ...order, status, dateUpdated: now };
}

/**
 * Other writes of a change, as data-modifying CTEs for its event's statement
 * (history/event.repository.ts, WritesWithEvent): `name AS (…)` CTEs, and the columns the answer
 * reads from them.
 */
export interface ChangeWrites {
  ctes: Prisma.Sql;
  columns: Prisma.Sql;
}

/**
 * The locked order moved to `status`, as a CTE for its event's statement: what moveStatus writes,
 * without a statement of its own. Raw SQL, a data-modifying CTE: Prisma has no API that writes two
 * tables in one statement, and each of its statements costs 0.15–0.3 ms of CPU (BENCHMARKS.md, writes).
 */
export function statusWrites(orderId: number, status: OrderStatus, now: Date): ChangeWrites {
  return {
    ctes: Prisma.sql`
    moved AS (
      UPDATE "Order" SET "status" = CAST(${status} AS "OrderStatus"), "dateUpdated" = ${now}
      WHERE "id" = ${orderId}
      RETURNING 1)`,
    columns: Prisma.sql`(SELECT count(*) FROM moved)::int AS "moved"`,
  };
}

/**
 * A note added to the locked order, and the order's dateUpdated, as CTEs for its event's statement
 * (the same reasons as statusWrites).
 */
export function noteWrites(orderId: number, note: { message: string; public: boolean; now: Date }): ChangeWrites {
  return {
    ctes: Prisma.sql`
    note AS (
      INSERT INTO "OrderNote" ("orderId", "message", "public", "dateCreated")
      VALUES (${orderId}, ${note.message}, ${note.public}, ${note.now})
      RETURNING "id"),
    touched AS (
      UPDATE "Order" SET "dateUpdated" = ${note.now}
      WHERE "id" = ${orderId}
      RETURNING 1)`,
    columns: Prisma.sql`(SELECT "id" FROM note) AS "noteId", (SELECT count(*) FROM touched)::int AS "touched"`,
  };
}
