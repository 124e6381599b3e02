/**
 * A server's cache of orders' first history pages (ORDER_CACHE_SIZE orders and MAX_HELD_EVENTS
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
 * How many events it holds at most for each audience, whatever the orders: an event of a page takes
 * ~350 bytes of heap, so ~9 MB each (2,500 orders of ten events fit). Orders with long histories
 * shown in long pages are what it bounds.
 */
export const MAX_HELD_EVENTS = 25_000;

export class HistoryCache {
  /** Entries by order id: [staff's, everyone else's]. */
  private readonly audiences = [new Map<number, HistoryPage>(), new Map<number, HistoryPage>()] as const;
  /** How many events each audience's entries hold. */
  private readonly held = [0, 0];

  /**
   * @param capacity how many orders' pages it holds at most for each audience (ORDER_CACHE_SIZE); 0: none, it is off.
   * @param maxEvents how many events it holds at most for each audience (least recently used out first).
   */
  constructor(
    readonly capacity: number,
    readonly maxEvents = MAX_HELD_EVENTS,
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
    if (!this.enabled || page.events.length > this.maxEvents) return;
    const audience = publicOnly ? 1 : 0;
    const entries = this.audiences[audience];
    const held = entries.get(orderId);
    if (held && held.version > page.version) return; // a lagging replica's read
    if (held && held.version === page.version) {
      const longer = held.complete || held.events.length >= page.events.length ? held : page;
      page = { ...longer, count: page.count ?? held.count };
    }
    if (held) this.held[audience] -= held.events.length;
    entries.delete(orderId);
    entries.set(orderId, freeze(page));
    this.held[audience] += page.events.length;
    while (entries.size > this.capacity || this.held[audience] > this.maxEvents) {
      const [oldest] = entries.keys();
      this.held[audience] -= entries.get(oldest!)!.events.length;
      entries.delete(oldest!);
    }
  }
}

function freeze(p: HistoryPage): HistoryPage {
  if (!Object.isFrozen(p.events)) {
    for (const e of p.events) Object.freeze(e);
    Object.freeze(p.events);
  }
  return Object.freeze(p);
}
