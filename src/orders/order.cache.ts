/**
 * A server's cache of orders' lines, payments, notes and refunds as parsed records (ORDER_CACHE_SIZE
 * orders, least recently used first out), so that a read of orders it holds does not rebuild them:
 * neither PostgreSQL (the OrderRelations view's JSON) nor this process (parsing it). A page's read
 * keeps the order's row too (the columns the page showed), so that a page of orders it holds, showing
 * no column more, fetches only their ids and versions.
 *
 * Never stale: each entry carries the order's relationsVersion it was read at, which PostgreSQL's
 * triggers raise in every statement that writes a line, a payment, a note or a refund
 * (schema.prisma), and its row the rowVersion, which a trigger raises in every UPDATE of the row
 * (those of relationsVersion too). A read fetches the order's versions with its row, and takes the
 * relations (the row) from here only when they are the entry's: a change acknowledged by any server
 * has raised the version on the row every later read sees, so the entry is passed over and replaced.
 * Nothing depends on hearing of a change (NOTIFY): an entry that a change made stale is replaced by
 * its next read, or falls out.
 *
 * Entries are shared by every request: their records are frozen, and nothing may change them.
 */
import type { OrderItemRead, OrderNoteRecord, OrderRead } from "./order.model.js";

/** An order's relations as one snapshot of the database gave them. */
export interface OrderSnapshot {
  /** The order's relationsVersion when they were read. */
  readonly version: number;
  /** Every line, with every column, oldest first. */
  readonly items: readonly OrderItemRead[];
  /** Every payment as the view's JSON gives it (amounts as decimal text): payments/ parses them. */
  readonly payments: readonly Record<string, unknown>[];
  /** Every note, oldest first (what staff see). */
  readonly notes: readonly OrderNoteRecord[];
  /** The public notes (what everyone else sees). */
  readonly publicNotes: readonly OrderNoteRecord[];
  /** Every refund as the view's JSON gives it (amounts as decimal text): payments/ parses them. */
  readonly refunds: readonly Record<string, unknown>[];
  /**
   * The order's row as a page read it (the columns its select named; the others undefined), its
   * rowVersion saying when; absent when the read did not keep it.
   */
  readonly row?: OrderRead;
}

interface Entry {
  readonly ref: string;
  readonly snapshot: OrderSnapshot;
}

export class OrderCache {
  private readonly entries = new Map<number, Entry>();
  private readonly idOfRef = new Map<string, number>();

  /** @param capacity how many orders it holds at most (ORDER_CACHE_SIZE); 0: none, it is off. */
  constructor(readonly capacity: number) {}

  get enabled(): boolean {
    return this.capacity > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether it holds an entry for the order with `ref`, current or not. */
  hasRef(ref: string): boolean {
    return this.idOfRef.has(ref);
  }

  /** The order's relations when the entry was read at `version` (the row's relationsVersion now), else undefined. */
  get(orderId: number, version: number): OrderSnapshot | undefined {
    const entry = this.entries.get(orderId);
    if (!entry || entry.snapshot.version !== version) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(orderId);
    this.entries.set(orderId, entry);
    return entry.snapshot;
  }

  /** The order's relations and row when they were read at these versions (the row's now), else undefined. */
  getWithRow(orderId: number, version: number, rowVersion: number): (OrderSnapshot & { row: OrderRead }) | undefined {
    const s = this.get(orderId, version);
    return s?.row?.rowVersion === rowVersion ? (s as OrderSnapshot & { row: OrderRead }) : undefined;
  }

  /**
   * Keeps the order's relations (frozen), unless it holds a newer read of them; a snapshot without
   * the row keeps the row held with the same relations (checked by its rowVersion when read).
   */
  set(orderId: number, ref: string, snapshot: OrderSnapshot): void {
    if (!this.enabled) return;
    const held = this.entries.get(orderId);
    if (held && held.snapshot.version > snapshot.version) return; // a lagging replica's read
    if (!snapshot.row && held?.snapshot.row && held.snapshot.version === snapshot.version) {
      snapshot = { ...snapshot, row: held.snapshot.row };
    }
    this.entries.delete(orderId);
    this.entries.set(orderId, { ref, snapshot: freeze(snapshot) });
    this.idOfRef.set(ref, orderId);
    if (this.entries.size > this.capacity) {
      const [oldest] = this.entries.keys();
      this.evict(oldest!);
    }
  }

  /** Drops the order's entry. */
  evict(orderId: number): void {
    const entry = this.entries.get(orderId);
    if (!entry) return;
    this.entries.delete(orderId);
    this.idOfRef.delete(entry.ref);
  }
}

function freeze(s: OrderSnapshot): OrderSnapshot {
  for (const list of [s.items, s.payments, s.notes, s.publicNotes, s.refunds]) {
    for (const r of list) Object.freeze(r);
    Object.freeze(list);
  }
  if (s.row) Object.freeze(s.row);
  return Object.freeze(s);
}

/**
 * The relationsVersion each order a read returned was read at, by the object it returned: what the
 * caches of an order's other relations (history/event.cache.ts) are checked against. Only reads
 * register (never a write's answer), and by object: a copy (`{ ...order, status }`, as a write's
 * answer is made from the row it locked) is not registered, so a version read before a change can
 * never vouch for what the change's answer shows.
 */
const readVersions = new WeakMap<object, number>();

/**
 * Registers `order` as read at `relationsVersion` by this read; answers it. Only reads that show a
 * history register (ReadSelect.history): a WeakMap entry costs its set and the collector's ephemeron
 * work (3% of a customer's page of 20 orders, which shows none).
 */
export function readAt<T extends object>(order: T, relationsVersion: number): T {
  readVersions.set(order, relationsVersion);
  return order;
}

/** The relationsVersion a read found `order` at, when a read returned this very object. */
export function relationsVersionOf(order: object): number | undefined {
  return readVersions.get(order);
}
