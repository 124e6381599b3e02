/**
 * Order events through Prisma Client: written in the transaction of the change they record, read
 * a page per order for Order.history.
 */
import { Prisma } from "../generated/prisma/client.js";
import type { OrderEvent as OrderEventRow } from "../generated/prisma/client.js";
import type { OrderScope } from "../auth/viewer.js";
import type { Db, Tx } from "../db/transaction.js";
import type { EventLine, OrderEventRead, OrderEventRecord, OrderEventType } from "./event.model.js";
import { publicView, shownMessage } from "./event-audience.js";
import { ownedByScope } from "../orders/order.repository.js";
import type { OrderStatus } from "../orders/status.js";
import { Money } from "../shared/money.js";
import { USER_SELECT, type UserRecord } from "../users/user.repository.js";

/** What a change records about itself. */
export interface NewEvent {
  type: OrderEventType;
  /** Whether the customer can see it. */
  public: boolean;
  /** The signed-in user who caused it; null for a guest, a payment page or a callback. */
  actorId: number | null;
  fromStatus?: OrderStatus | null;
  toStatus?: OrderStatus | null;
  amount?: Money | null;
  paymentMethod?: string | null;
  transactionId?: string | null;
  message?: string | null;
  /** The W3C traceparent of the change, when tracing is on. */
  traceContext?: string;
  /** ORDER_EDITED: the order before and after, and the settlement (edits/edit.model.ts: EditDetails). */
  edit?: Record<string, unknown> | null;
  // Shipments and returns
  shipmentId?: number | null;
  returnId?: number | null;
  lines?: readonly EventLine[] | null;
}

/** The lines column as written (a JSON array of { itemId, quantity, restock? }). */
function toLines(v: unknown): EventLine[] | null {
  if (!Array.isArray(v)) return null;
  return v.map((l: { itemId: number; quantity: number; restock?: boolean | null }) => ({
    itemId: l.itemId,
    quantity: l.quantity,
    ...(l.restock === undefined ? {} : { restock: l.restock }),
  }));
}

/** The edit column as written: a JSON object, or null. */
const jsonObject = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** An event's row, as read whole or as a page reads it (no trace context, the amount as text). */
type EventRowRead = Omit<OrderEventRow, "traceContext" | "amount"> & {
  amount: OrderEventRow["amount"] | string | null;
};

export function toEvent(r: EventRowRead, orderRef: string): OrderEventRecord {
  return {
    id: r.id,
    orderId: r.orderId,
    orderRef,
    type: r.type,
    public: r.public,
    actorId: r.actorId,
    fromStatus: r.fromStatus,
    toStatus: r.toStatus,
    amount: r.amount === null ? null : new Money(r.amount),
    paymentMethod: r.paymentMethod,
    transactionId: r.transactionId,
    message: r.message,
    dateCreated: r.dateCreated,
    edit: jsonObject(r.edit),
    shipmentId: r.shipmentId,
    returnId: r.returnId,
    lines: toLines(r.lines),
  };
}

/**
 * An event as it goes out (to subscribers and webhooks): with its order's owner and its actor. What
 * an event shows comes with it: a subscription's context, loaders included, lives as long as the
 * subscription, and anything read through them would be as old as their first read.
 */
export type EventOut = OrderEventRecord & {
  orderOwnerId: number | null;
  actorUser: UserRecord | null;
  /** The W3C traceparent of the change that recorded it (when tracing was on). */
  traceContext: string | null;
};

/**
 * Events by id, oldest first, each with its order's ref and owner and its actor, in one statement.
 * The join is exact here: the relations read through it have no Decimal columns.
 */
export async function eventsByIds(db: Db, ids: readonly number[]): Promise<EventOut[]> {
  const rows = await db.orderEvent.findMany({
    where: { id: { in: [...ids] } },
    orderBy: { id: "asc" },
    include: { order: { select: { ref: true, userId: true } }, actor: { select: USER_SELECT } },
  });
  return rows.map((r) => ({
    ...toEvent(r, r.order.ref),
    orderOwnerId: r.order.userId,
    actorUser: r.actor,
    traceContext: r.traceContext,
  }));
}

/**
 * The events with these ids whose order the scope covers (node, nodes), public ones only and as
 * publicView shows them when `publicOnly`, each with its order's ref, in one statement (the join is
 * exact: the order's ref is the only column read through it).
 */
export async function visibleEventsByIds(
  db: Db,
  ids: readonly number[],
  q: { scope: OrderScope; publicOnly: boolean },
): Promise<OrderEventRecord[]> {
  const owned = ownedByScope(q.scope);
  if (!owned) return [];
  const rows = await db.orderEvent.findMany({
    relationLoadStrategy: "join",
    where: { id: { in: [...ids] }, ...owned, ...(q.publicOnly ? { public: true } : {}) },
    include: { order: { select: { ref: true } } },
  });
  return rows.map((r) => (q.publicOnly ? publicView(toEvent(r, r.order.ref)) : toEvent(r, r.order.ref)));
}

/** Every column of an event, as raw SQL's column list: a column added to schema.prisma and not listed here fails `tsc`. */
const EVENT_COLUMNS = {
  id: true,
  orderId: true,
  type: true,
  public: true,
  actorId: true,
  fromStatus: true,
  toStatus: true,
  amount: true,
  paymentMethod: true,
  transactionId: true,
  message: true,
  dateCreated: true,
  traceContext: true,
  edit: true,
  shipmentId: true,
  returnId: true,
  lines: true,
} as const satisfies Record<keyof OrderEventRow, true>;
const EVENT_COLUMNS_SQL = Prisma.raw(
  Object.keys(EVENT_COLUMNS)
    .map((c) => `"${c}"`)
    .join(", "),
);
const json = (v: unknown) => (v == null ? null : JSON.stringify(v));

/**
 * Writes an event of the order with its webhook deliveries and its announcement, in the transaction
 * of the change it records, as ONE statement: the event, one delivery per enabled webhook that
 * wants its type, and `pg_notify(channel, event id)`, which PostgreSQL sends when (and only if) the
 * transaction commits.
 *
 * Raw SQL, a data-modifying CTE: Prisma has no INSERT … SELECT (it would be a read and then a write
 * per webhook) and no API for NOTIFY; the event's own INSERT joins them, since each statement of a
 * write costs Prisma 0.15–0.3 ms of CPU and the database a parse and a plan (BENCHMARKS.md, writes).
 * Each delivery's webhook-id is made here, with its row: "msg_" and the 32 hex digits of a random
 * UUID, so that it is unique across databases (a row id repeats in every installation and in a
 * restored backup) and the same on every attempt.
 */
export async function insertEventAnnounced(
  tx: Tx,
  order: { id: number; ref: string },
  e: NewEvent,
  now: Date,
  channel: string,
): Promise<OrderEventRecord> {
  return (await insertEventAnnouncedWith(tx, order, e, now, channel, null)).event;
}

/**
 * Other writes of a change, run in its event's statement as data-modifying CTEs before the event's:
 * each statement of a write costs Prisma 0.15–0.3 ms of CPU, and these need no answer but an id.
 * PostgreSQL runs every data-modifying CTE to its end, read or not, in the statement's snapshot.
 */
export interface WritesWithEvent {
  /** `name AS (…)` CTEs separated by commas, each a write of the change; their names must not be event or deliveries. */
  ctes: Prisma.Sql;
  /** What the answer reads from them, as the select list's columns (`(SELECT "id" FROM refund) AS "refundId"`). */
  columns: Prisma.Sql;
}

/** insertEventAnnounced with the change's other writes in the same statement; answers their columns beside the event. */
export async function insertEventAnnouncedWith<T extends object>(
  tx: Tx,
  order: { id: number; ref: string },
  e: NewEvent,
  now: Date,
  channel: string,
  writes: WritesWithEvent | null,
): Promise<{ event: OrderEventRecord; written: T }> {
  const [row] = await tx.$queryRaw<(OrderEventRow & { deliveries: number } & T)[]>`
    WITH ${writes ? Prisma.sql`${writes.ctes},` : Prisma.empty}
    event AS (
      INSERT INTO "OrderEvent" ("orderId", "type", "public", "actorId", "fromStatus", "toStatus", "amount",
        "paymentMethod", "transactionId", "message", "dateCreated", "edit", "shipmentId", "returnId", "lines",
        "traceContext")
      VALUES (${order.id}, CAST(${e.type} AS "OrderEventType"), ${e.public}, ${e.actorId},
        CAST(${e.fromStatus ?? null} AS "OrderStatus"), CAST(${e.toStatus ?? null} AS "OrderStatus"),
        CAST(${e.amount ? e.amount.toFixed(2) : null} AS numeric), ${e.paymentMethod ?? null},
        ${e.transactionId ?? null}, ${e.message ?? null}, ${now}, CAST(${json(e.edit)} AS jsonb),
        ${e.shipmentId ?? null}, ${e.returnId ?? null}, CAST(${json(e.lines)} AS jsonb), ${e.traceContext ?? null})
      RETURNING ${EVENT_COLUMNS_SQL}),
    deliveries AS (
      INSERT INTO "WebhookDelivery" ("messageId", "webhookId", "eventId", "nextAttemptAt", "dateCreated")
      SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), w."id", event."id", ${now}, ${now}
      FROM "Webhook" w, event
      WHERE w."enabled" AND (cardinality(w."events") = 0 OR event."type" = ANY (w."events"))
      ORDER BY w."id"
      RETURNING 1)
    SELECT event.*, (SELECT count(*) FROM deliveries)::int AS deliveries${writes ? Prisma.sql`, ${writes.columns}` : Prisma.empty}
    FROM event, pg_notify(${channel}, event."id"::text)`;
  return { event: toEvent(row, order.ref), written: row };
}

export interface EventPageQuery {
  /** Only public events (non-staff callers). */
  publicOnly: boolean;
  /** Events after this id (the keyset: oldest first). */
  afterId: number | null;
  take: number;
  /** Count each order's events (that the caller may see) in the same statement. */
  count: boolean;
}

/** The pages of a list's orders: each order's events, and each order's count when it was asked for. */
export interface EventPages {
  /** Every order found, with its page of events (oldest first). */
  pages: Map<number, OrderEventRead[]>;
  /** Every order found, with how many events it has (that the caller may see); empty unless `count`. */
  counts: Map<number, number>;
  /** Every order found, with its relationsVersion, read in the same statement as its events (history/event.cache.ts). */
  versions: Map<number, number>;
}

/**
 * An event as a JSON array, `x` the event: every column of an event but its trace and its order's
 * id, the amount as its column's text, the time as Date#toISOString writes it (UTC, milliseconds,
 * "Z"), `edit` and `lines` only when they are the object and the array written (as toEvent reads
 * them). An array, not an object: PostgreSQL's json_build_object with 17 keys made the page's
 * statement cost ~2× the database CPU of the rows it replaced (30 against 13–16 ms for 100 orders,
 * measured with psql), json_build_array ~15 ms; fromJson names the values.
 */
const EVENT_JSON_SQL = Prisma.raw(`json_build_array(x."id", x."type", x."public", x."actorId", x."fromStatus",
  x."toStatus", x."amount"::text, x."paymentMethod", x."transactionId", x."message",
  to_char(x."dateCreated" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  CASE WHEN jsonb_typeof(x."edit") = 'object' THEN x."edit" END, x."shipmentId", x."returnId",
  CASE WHEN jsonb_typeof(x."lines") = 'array' THEN x."lines" END)`);

/** EVENT_JSON_SQL's values, in its order. */
type EventJson = [
  id: number,
  type: OrderEventRead["type"],
  isPublic: boolean,
  actorId: number | null,
  fromStatus: OrderStatus | null,
  toStatus: OrderStatus | null,
  amount: string | null,
  paymentMethod: string | null,
  transactionId: string | null,
  message: string | null,
  dateCreated: string,
  edit: Record<string, unknown> | null,
  shipmentId: number | null,
  returnId: number | null,
  lines: EventLine[] | null,
];

/** An event of a page, from EVENT_JSON_SQL's array; with `publicOnly`, as publicView shows it (made once, not copied). */
function fromJson(a: EventJson, orderId: number, orderRef: string, publicOnly: boolean): OrderEventRead {
  return {
    id: a[0],
    orderId,
    orderRef,
    type: a[1],
    public: a[2],
    actorId: a[3],
    fromStatus: a[4],
    toStatus: a[5],
    amount: a[6],
    paymentMethod: a[7],
    transactionId: a[8],
    message: shownMessage(a[1], a[9], publicOnly),
    dateCreated: a[10],
    edit: a[11],
    shipmentId: a[12],
    returnId: a[13],
    lines: a[14],
  };
}

/**
 * The first `take` events of each order (oldest first, after `afterId`), and with `count` how many
 * events each order has, in one statement that answers one row: every order's page as one JSON
 * text, `[[orderId, ref, count, [event, …], relationsVersion], …]`.
 *
 * Raw SQL: a LIMIT per order needs a LATERAL join. Prisma's nested `take` either fetches every
 * event of every order (relationLoadStrategy "query") or reads the joined rows through JSON
 * numbers, which rounds Decimal amounts beyond 15 digits ("join", prisma/orm#25639); and Prisma has
 * no count beside a relation's page (`_count` with a relation's rows is a second statement), and
 * no way to have PostgreSQL write the rows as JSON text. The count is of every event the caller may
 * see, whatever the cursor, once per order. From the first event, a page shorter than its limit
 * holds them all and its length is the count: most orders' pages, whose count then costs nothing
 * (a count for every order was a third of the statement's database CPU, BENCHMARKS.md). Otherwise
 * a subquery of the order's row counts them, evaluated for that order only.
 *
 * One JSON text, not a row per event: read as rows, a page of 100 orders was ~1,000 rows that the
 * pg driver parsed and Prisma's $queryRaw turned into objects, a Date (normalize_timestamptz) and a
 * Decimal each, before toEvent copied them again (~20% of the server's CPU for the page, and much
 * of its garbage). Here PostgreSQL writes the events, amounts and times as the text the scalars send
 * (OrderEventRead), and JSON.parse and fromJson make each event once.
 */
export async function eventPages(db: Db, orderIds: readonly number[], q: EventPageQuery): Promise<EventPages> {
  const pages = new Map<number, OrderEventRead[]>();
  const counts = new Map<number, number>();
  const versions = new Map<number, number>();
  if (orderIds.length === 0 || (q.take <= 0 && !q.count)) return { pages, counts, versions };
  const visible = q.publicOnly ? Prisma.sql`AND x."public"` : Prisma.empty;
  const take = Math.max(q.take, 0);
  const counted = Prisma.sql`(SELECT count(*)::int FROM "OrderEvent" x WHERE x."orderId" = o."id" ${visible})`;
  // From the first event, a page shorter than its limit holds every event: its length is the count.
  const total = !q.count
    ? Prisma.sql`NULL::int`
    : q.afterId === null
      ? Prisma.sql`CASE WHEN e."n" < ${take} THEN e."n" ELSE ${counted} END`
      : counted;
  const [row] = await db.$queryRaw<{ pages: string | null }[]>`
    SELECT json_agg(json_build_array(o."id", o."ref", ${total}, e."events", o."relationsVersion") ORDER BY o."id")::text AS "pages"
    FROM "Order" o
    CROSS JOIN LATERAL (
      SELECT coalesce(json_agg(p."event" ORDER BY p."id"), '[]') AS "events", count(*)::int AS "n"
      FROM (
        SELECT x."id", ${EVENT_JSON_SQL} AS "event" FROM "OrderEvent" x
        WHERE x."orderId" = o."id" AND x."id" > ${q.afterId ?? 0} ${visible}
        ORDER BY x."id" LIMIT ${take}
      ) p
    ) e
    WHERE o."id" IN (${Prisma.join(orderIds)})`;
  if (!row?.pages) return { pages, counts, versions };
  type PageJson = [number, string, number | null, EventJson[], number];
  for (const [orderId, ref, n, events, version] of JSON.parse(row.pages) as PageJson[]) {
    pages.set(
      orderId,
      events.map((a) => fromJson(a, orderId, ref, q.publicOnly)),
    );
    if (n !== null) counts.set(orderId, n);
    versions.set(orderId, version);
  }
  return { pages, counts, versions };
}

/** How many events each order has (that the caller may see). */
export async function countEvents(
  db: Db,
  orderIds: readonly number[],
  publicOnly: boolean,
): Promise<Map<number, number>> {
  const groups = await db.orderEvent.groupBy({
    by: ["orderId"],
    where: { orderId: { in: [...orderIds] }, ...(publicOnly ? { public: true } : {}) },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.orderId, g._count._all]));
}
