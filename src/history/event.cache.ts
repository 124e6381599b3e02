/**
 * A server's cache of orders' first history pages (ORDER_CACHE_SIZE orders and MAX_HELD_BYTES of
 * events for each audience, staff and everyone else, least recently used first out), so that a page
 * of orders it holds asks PostgreSQL for no events at all: building each order's events as JSON was
 * the larger part of a history page's database CPU, and parsing it a good part of the server's.
 *
 * Never stale, as the order cache (orders/order.cache.ts): each entry carries the order's
 * relationsVersion read in the same statement as its events, which PostgreSQL's triggers raise in
 * every statement that writes an event (schema.prisma). A page is taken from here only for an order
 * whose version this request read from the order's row (relationsVersionOf), and only when the
 * entry's version is that one; anything else reads the events again and replaces the entry. Only the
 * first page is kept (the page a list shows): a page after a cursor is always read.
 *
 * Entries are shared by every request: their events are frozen, and nothing may change them.
 */
import type { OrderEventRead } from "./event.model.js";

/** An order's first events for one audience, as one snapshot of the database gave them. */
export interface HistoryPage {
  /** The order's relationsVersion when they were read. */
  readonly version: number;
  /** The order's first events, oldest first: every one when `complete`. */
  readonly events: readonly OrderEventRead[];
  /** Whether `events` are every event the audience may see. */
  readonly complete: boolean;
  /** How many events the audience may see; null when the read did not count them. */
  readonly count: number | null;
}

/**
 * How much heap its events may take at most for each audience, as eventBytes estimates it, whatever
 * the orders: 16 MB each (2,500 orders of ten events take ~9 MB). Long histories shown in long pages,
 * long messages and edits' JSON are what it bounds.
 */
export const MAX_HELD_BYTES = 16 * 1024 * 1024;

/** An event of a page took ~350 bytes of heap with short texts (measured on 100,000 such events). */
const EVENT_BYTES = 350;

/**
 * An estimate of the heap an event takes, on the high side: two bytes a character of its texts, and
 * four times the JSON text of what an edit or a shipment's lines hold (parsed objects take more than
 * their text).
 */
export function eventBytes(e: OrderEventRead): number {
  const texts = (e.message?.length ?? 0) + (e.transactionId?.length ?? 0) + (e.paymentMethod?.length ?? 0);
  const json = e.edit !== null || e.lines !== null ? JSON.stringify(e.edit ?? e.lines).length : 0;
  return EVENT_BYTES + 2 * texts + 4 * json;
}

interface Held extends HistoryPage {
  /** eventBytes of its events. */
  readonly bytes: number;
}

export class HistoryCache {
  /** Entries by order id: [staff's, everyone else's]. */
  private readonly audiences = [new Map<number, Held>(), new Map<number, Held>()] as const;
  /** How many bytes each audience's entries take (eventBytes). */
  private readonly held = [0, 0];

  /**
   * @param capacity how many orders' pages it holds at most for each audience (ORDER_CACHE_SIZE); 0: none, it is off.
   * @param maxBytes how much heap its events may take for each audience (eventBytes; least recently used out first).
   */
  constructor(
    readonly capacity: number,
    readonly maxBytes = MAX_HELD_BYTES,
  ) {}

  /** How many orders' pages it holds for staff and for everyone else. */
  get sizes(): [staff: number, others: number] {
    return [this.audiences[0].size, this.audiences[1].size];
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /**
   * The order's first `take` events (and, with `counted`, their count) when they were read at
   * `version` (the row's relationsVersion now) and the entry holds them, else undefined.
   */
  get(
    orderId: number,
    publicOnly: boolean,
    version: number,
    take: number,
    counted: boolean,
  ): { events: readonly OrderEventRead[]; count: number | null } | undefined {
    const entries = this.audiences[publicOnly ? 1 : 0];
    const entry = entries.get(orderId);
    if (!entry || entry.version !== version) return undefined;
    if (!entry.complete && entry.events.length < take) return undefined;
    if (counted && entry.count === null) return undefined;
    // Most recently used last: Map keeps insertion order.
    entries.delete(orderId);
    entries.set(orderId, entry);
    return { events: entry.events.length > take ? entry.events.slice(0, take) : entry.events, count: entry.count };
  }

  /**
   * Keeps the order's first events (frozen), unless it holds a newer read of them; a read at the
   * same version keeps the longer page and any count either knew.
   */
  set(orderId: number, publicOnly: boolean, page: HistoryPage): void {
    if (!this.enabled) return;
    const audience = publicOnly ? 1 : 0;
    const entries = this.audiences[audience];
    const held = entries.get(orderId);
    if (held && held.version > page.version) return; // a lagging replica's read
    let entry: Held;
    if (held && held.version === page.version && (held.complete || held.events.length >= page.events.length)) {
      entry = { ...held, count: page.count ?? held.count };
    } else {
      let bytes = 0;
      for (const e of page.events) bytes += eventBytes(e);
      if (bytes > this.maxBytes) return;
      const count = held && held.version === page.version ? (page.count ?? held.count) : page.count;
      entry = freeze({ version: page.version, events: page.events, complete: page.complete, count, bytes });
    }
    if (held) this.held[audience] -= held.bytes;
    entries.delete(orderId);
    entries.set(orderId, Object.freeze(entry));
    this.held[audience] += entry.bytes;
    while (entries.size > this.capacity || this.held[audience] > this.maxBytes) {
      const [oldest] = entries.keys();
      this.held[audience] -= entries.get(oldest!)!.bytes;
      entries.delete(oldest!);
    }
  }
}

function freeze<P extends HistoryPage>(p: P): P {
  if (!Object.isFrozen(p.events)) {
    for (const e of p.events) Object.freeze(e);
    Object.freeze(p.events);
  }
  return p;
}
