/**
 * The history cache's own rules (src/history/event.cache.ts): a page only at the version it was read
 * at, only as long as it holds the events asked for, each audience apart, and bounded in orders and in
 * events. Its use by reads, against a real database, is in test/integration/order-cache.test.ts.
 */
import { describe, expect, it } from "vitest";
import { eventBytes, HistoryCache, type HistoryPage } from "../../src/history/event.cache.js";
import type { OrderEventRead } from "../../src/history/event.model.js";

const event = (id: number, orderId = 1): OrderEventRead => ({
  id,
  orderId,
  orderRef: `R${orderId}`,
  type: "NOTE_ADDED",
  public: true,
  actorId: null,
  fromStatus: null,
  toStatus: null,
  amount: null,
  paymentMethod: null,
  transactionId: null,
  message: `note ${id}`,
  dateCreated: "2026-12-07T10:00:00.000Z",
  edit: null,
  shipmentId: null,
  returnId: null,
  lines: null,
});
const events = (n: number, orderId = 1) => Array.from({ length: n }, (_, i) => event(i + 1, orderId));
const page = (version: number, n: number, o: Partial<HistoryPage> = {}): HistoryPage => ({
  version,
  events: events(n),
  complete: true,
  count: n,
  ...o,
});

describe("the history cache", () => {
  it("hands a page out only at the version it was read at, and only as far as it holds the events", () => {
    const cache = new HistoryCache(10);
    cache.set(1, false, page(3, 4));
    expect(cache.get(1, false, 2, 11, true)).toBeUndefined();
    expect(cache.get(1, false, 4, 11, true)).toBeUndefined();
    expect(cache.get(1, false, 3, 11, true)).toMatchObject({ count: 4 });
    expect(cache.get(1, false, 3, 2, false)!.events.map((e) => e.id)).toEqual([1, 2]);
    // A page that did not hold every event serves pages as long as it is, counted only when it counted.
    cache.set(2, false, page(1, 3, { complete: false, count: null }));
    expect(cache.get(2, false, 1, 3, false)!.events).toHaveLength(3);
    expect(cache.get(2, false, 1, 4, false)).toBeUndefined();
    expect(cache.get(2, false, 1, 3, true)).toBeUndefined();
  });

  it("keeps staff's pages and everyone else's apart", () => {
    const cache = new HistoryCache(10);
    cache.set(1, false, page(1, 4));
    expect(cache.get(1, true, 1, 11, false)).toBeUndefined();
    cache.set(1, true, page(1, 2));
    expect(cache.get(1, true, 1, 11, false)!.events).toHaveLength(2);
    expect(cache.get(1, false, 1, 11, false)!.events).toHaveLength(4);
  });

  it("never goes back to an older read; at the same version keeps the longer page and any count", () => {
    const cache = new HistoryCache(10);
    cache.set(1, false, page(5, 2));
    cache.set(1, false, page(4, 3));
    expect(cache.get(1, false, 4, 11, false)).toBeUndefined();
    expect(cache.get(1, false, 5, 11, false)!.events).toHaveLength(2);
    cache.set(2, false, page(1, 5, { complete: false, count: 9 }));
    cache.set(2, false, page(1, 2, { complete: false, count: null }));
    expect(cache.get(2, false, 1, 5, true)).toMatchObject({ count: 9 });
    // the longer page read later replaces the held one, and keeps the count the held one knew
    cache.set(3, false, page(1, 2, { complete: false, count: 7 }));
    cache.set(3, false, page(1, 4, { complete: false, count: null }));
    expect(cache.get(3, false, 1, 4, true)).toMatchObject({ count: 7 });
    expect(cache.get(3, false, 1, 4, true)!.events).toHaveLength(4);
  });

  it("holds at most its orders and its events' heap, least recently used out first", () => {
    const one = eventBytes(event(1)); // every event of these pages: "note 1" to "note 9"
    const cache = new HistoryCache(3, 10 * one);
    for (const id of [1, 2, 3]) cache.set(id, false, page(1, 2));
    cache.get(1, false, 1, 11, false); // 1 used last: 2 is the oldest
    cache.set(4, false, page(1, 2));
    expect(cache.sizes).toEqual([3, 0]);
    expect(cache.get(2, false, 1, 11, false)).toBeUndefined();
    // 6 events held (3, 1, 4); 7 more make 13 > 10 events' bytes: the least recently used go until it fits
    cache.set(5, false, page(1, 7));
    expect(cache.sizes).toEqual([2, 0]);
    expect(cache.get(3, false, 1, 11, false)).toBeUndefined();
    expect(cache.get(1, false, 1, 11, false)).toBeUndefined();
    expect(cache.get(4, false, 1, 11, false)!.events).toHaveLength(2);
    expect(cache.get(5, false, 1, 11, false)!.events).toHaveLength(7);
    // a page larger than all it may hold is not kept: eleven events, or one with a long message
    cache.set(6, false, page(1, 11));
    expect(cache.get(6, false, 1, 11, false)).toBeUndefined();
    cache.set(7, false, { ...page(1, 0), events: [{ ...event(1), message: "x".repeat(10 * one) }] });
    expect(cache.get(7, false, 1, 11, false)).toBeUndefined();
    expect(cache.get(5, false, 1, 11, false)!.events).toHaveLength(7);
  });

  it("counts an edit's or a shipment's JSON in an event's size", () => {
    const plain = eventBytes(event(1));
    const lines = Array.from({ length: 100 }, (_, i) => ({ itemId: i, quantity: 1 }));
    expect(eventBytes({ ...event(1), lines })).toBeGreaterThan(plain + JSON.stringify(lines).length);
    const edit = { before: { items: lines }, after: { items: lines } };
    expect(eventBytes({ ...event(1), edit })).toBeGreaterThan(plain + JSON.stringify(edit).length);
  });

  it("freezes what it hands out, and holds nothing when off", () => {
    const cache = new HistoryCache(10);
    cache.set(1, false, page(1, 2));
    const held = cache.get(1, false, 1, 11, false)!;
    expect(Object.isFrozen(held.events)).toBe(true);
    expect(Object.isFrozen(held.events[0])).toBe(true);
    const off = new HistoryCache(0);
    off.set(1, false, page(1, 2));
    expect(off.get(1, false, 1, 11, false)).toBeUndefined();
  });
});
