/**
 * Order events, as they are committed anywhere in the deployment, to this server's subscribers.
 *
 * Every event is announced by a NOTIFY written in its transaction (history/event-log.ts), which
 * PostgreSQL sends to every server LISTENing when the transaction commits, and never for a
 * rollback. Each server reads the announced events (one statement per batch) and hands each to the
 * subscriptions allowed to see it. The embedded database does the same in its one process.
 *
 * A subscriber that reads too slowly has at most SUBSCRIPTION_QUEUE events waiting; beyond that its
 * subscription is ended with an EVENTS_DROPPED error (what it missed is in Order.history).
 *
 * The event path is proven, not assumed: at start, every EVENT_CHECK_MS, and after the listening
 * connection comes back, the server sends itself a NOTIFY through the pool (the way events are sent)
 * and expects it back on its LISTEN. When it does not come back (LISTEN through a transaction
 * pooler, say), the log says so at error level, /healthz reports the event path as degraded, open
 * subscriptions end with SERVICE_UNAVAILABLE and new ones are refused with it, until a check passes
 * again: a subscription never just goes silent.
 */
import { randomUUID } from "node:crypto";
import type { GraphQLError } from "graphql";
import type { Viewer } from "../auth/viewer.js";
import { orderScope } from "../auth/viewer.js";
import type { Database } from "../db/database.js";
import { listen, type Listening } from "../db/listener.js";
import { withConnectionPriority } from "../db/single-connection.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { eventsByIds, type EventOut } from "../history/event.repository.js";
import { EVENTS_CHANNEL } from "../history/event-log.js";
import type { OrderEventType } from "../history/event.model.js";
import { findOrderByRef } from "../orders/order.repository.js";
import { CORE_SELECT } from "../orders/order.select.js";
import { notFound, publicError, ThrownCode } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import type { Tracing } from "../telemetry/tracing.js";

/** Which events a subscription gets. */
export interface StreamFilter {
  /** One order's events only. */
  orderId?: number;
  /** Only the events of this user's orders. */
  ownerId?: number;
  /** Public events only (non-staff callers). */
  publicOnly: boolean;
  types?: ReadonlySet<OrderEventType>;
}

/** An event as the bus hands it out: with its order's owner, for the filters, and its actor. */
export type BusEvent = EventOut;

/**
 * What a subscription yields: an event, or (its last item) word that events were dropped or that
 * the event path is broken.
 */
export type StreamItem = BusEvent | typeof DROPPED | typeof PATH_BROKEN;
export const DROPPED = Symbol("events dropped");
export const PATH_BROKEN = Symbol("event path broken");

/** Whether this server hears the events it announces (see the file's comment). */
export interface EventPathState {
  status: "ok" | "degraded";
  /** When the last check ended (ISO time), and how long its NOTIFY took to come back. */
  checkedAt: string | null;
  roundTripMs: number | null;
  /** Why it is degraded. */
  reason?: string;
}

/** The payload prefix of the checks' NOTIFYs (event payloads are ids: digits only). */
const CHECK_PREFIX = "check:";
/** How long a check's NOTIFY may take to come back, at most. */
const CHECK_TIMEOUT_MS = 5_000;

export function matches(f: StreamFilter, e: BusEvent): boolean {
  return (
    (f.orderId === undefined || e.orderId === f.orderId) &&
    (f.ownerId === undefined || e.orderOwnerId === f.ownerId) &&
    (!f.publicOnly || e.public) &&
    (f.types === undefined || f.types.has(e.type))
  );
}

/** One subscription's events, at most `capacity` waiting for a reader. */
export class EventStream implements AsyncIterableIterator<StreamItem> {
  private readonly queue: StreamItem[] = [];
  private reader: ((r: IteratorResult<StreamItem>) => void) | null = null;
  private ended = false;

  constructor(
    readonly filter: StreamFilter,
    private readonly capacity: number,
    private readonly onEnd: (s: EventStream) => void,
  ) {}

  /** Ends the subscription with `last` as its last item (what is waiting is dropped). */
  end(last: typeof PATH_BROKEN): void {
    if (this.ended) return;
    this.queue.length = 0;
    const read = this.reader;
    this.reader = null;
    if (!read) this.queue.push(last);
    this.finish();
    read?.({ value: last, done: false });
  }

  push(e: BusEvent): void {
    if (this.ended || !matches(this.filter, e)) return;
    if (this.reader) {
      const read = this.reader;
      this.reader = null;
      return read({ value: e, done: false });
    }
    if (this.queue.length < this.capacity) return void this.queue.push(e);
    // Too slow: what is waiting is dropped, the reader is told, and the subscription ends.
    this.queue.length = 0;
    this.queue.push(DROPPED);
    this.finish();
  }

  next(): Promise<IteratorResult<StreamItem>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.reader = resolve));
  }

  return(): Promise<IteratorResult<StreamItem>> {
    this.queue.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
    const read = this.reader;
    this.reader = null;
    read?.({ value: undefined, done: true });
  }
}

export class EventBus {
  private readonly streams = new Set<EventStream>();
  private announced: number[] = [];
  private flushing = false;
  private listening: Listening | null = null;
  private readonly checkId = randomUUID();
  private checks = 0;
  private readonly waiting = new Map<string, () => void>();
  private checking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: EventPathState = { status: "ok", checkedAt: null, roundTripMs: null };

  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      db: Database;
      log: Logger;
      /** SUBSCRIPTION_QUEUE. */
      capacity: number;
      /** EVENT_CHECK_MS: how often the event path is checked. */
      checkEveryMs: number;
      /** Told of every announcement (the webhook dispatcher wakes up). */
      onAnnounced?: () => void;
      /** With tracing on, each event's hand-out is a span linked to its change's trace. */
      tracing?: Tracing;
    },
  ) {}

  async start(): Promise<void> {
    this.listening = await listen(this.deps.db, EVENTS_CHANNEL, (payload) => this.announce(payload), {
      onReconnect: () => {
        this.deps.onAnnounced?.();
        void this.check();
      },
      onError: (e) => this.deps.log.warn("event listener", { error: e instanceof Error ? e.message : String(e) }),
    });
    await this.check();
    const tick = () => {
      this.timer = setTimeout(() => void this.check().finally(() => !this.stopped && tick()), this.deps.checkEveryMs);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const done of this.waiting.values()) done(); // a check under way ends now, unrecorded
    for (const s of [...this.streams]) await s.return();
    await this.listening?.stop();
    await this.checking;
  }

  /** The event path as the last check found it. */
  get eventPath(): EventPathState {
    return { ...this.state };
  }

  /**
   * Sends this server a NOTIFY through the pool and waits (at most 5 s) for it to come back on the
   * LISTEN; records the outcome. One check at a time.
   */
  check(): Promise<void> {
    return (this.checking ??= this.runCheck().finally(() => (this.checking = null)));
  }

  private async runCheck(): Promise<void> {
    const payload = `${CHECK_PREFIX}${this.checkId}:${++this.checks}`;
    const timeoutMs = CHECK_TIMEOUT_MS;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const back = new Promise<boolean>((resolve) => {
      this.waiting.set(payload, () => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    let reason: string | undefined;
    try {
      // Raw SQL: Prisma has no API for NOTIFY. Before queued writes on the embedded database's one
      // connection: the check times the event path, and a write load would otherwise fail it.
      await withConnectionPriority(() =>
        this.deps.db.query(`SELECT pg_notify($1, $2) AS event_path_check`, [EVENTS_CHANNEL, payload]),
      );
      if (!(await back)) {
        reason =
          `a NOTIFY sent through the pool did not come back on this server's LISTEN within ${timeoutMs} ms: ` +
          `subscribers get no events. LISTEN needs a connection that keeps its session; behind a transaction ` +
          `pooler, set DATABASE_DIRECT_URL to the database itself`;
      }
    } catch (e) {
      reason = `the check's NOTIFY could not be sent: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(payload);
    }
    if (this.stopped) return;
    const checkedAt = new Date().toISOString();
    if (reason === undefined) {
      if (this.state.status === "degraded") this.deps.log.warn("event path works again", {});
      this.state = { status: "ok", checkedAt, roundTripMs: Math.round(performance.now() - started) };
      return;
    }
    this.deps.log.error(`event path broken: ${reason}`, {});
    this.state = { status: "degraded", checkedAt, roundTripMs: null, reason };
    for (const s of [...this.streams]) s.end(PATH_BROKEN);
  }

  get subscriberCount(): number {
    return this.streams.size;
  }

  /**
   * A subscription for `viewer`, with the visibility rule of Order.history: staff every order's
   * events (or one order's with `ref`), a customer their own orders' (or one of them), anyone one
   * order's with its `ref` and `token`; non-staff public events only. An order the caller may not
   * see is refused like a missing one.
   */
  async open(
    viewer: Viewer,
    args: { ref?: string | null; token?: string | null; types?: OrderEventType[] | null },
  ): Promise<EventStream> {
    if (this.state.status === "degraded") throw pathBrokenError();
    const staff = viewer.kind === "user" && viewer.user.isStaff;
    const filter: StreamFilter = { publicOnly: !staff, types: args.types?.length ? new Set(args.types) : undefined };
    if (args.ref != null) {
      const order = await findOrderByRef(
        this.deps.prisma,
        args.ref,
        orderScope(viewer, { token: args.token }),
        CORE_SELECT,
      );
      if (!order) throw notFound();
      filter.orderId = order.id;
    } else if (viewer.kind === "user") {
      if (!staff) filter.ownerId = viewer.user.id;
    } else {
      throw notFound("No order matches the given query: pass its ref and token.");
    }
    const stream = new EventStream(filter, this.deps.capacity, (s) => this.streams.delete(s));
    this.streams.add(stream);
    return stream;
  }

  private announce(payload: string): void {
    if (payload.startsWith(CHECK_PREFIX)) return void this.waiting.get(payload)?.(); // another server's check: nothing to do
    this.deps.onAnnounced?.();
    const id = Number(payload);
    if (!Number.isSafeInteger(id) || this.streams.size === 0) return;
    this.announced.push(id);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => void this.flush());
  }

  /** Reads the announced events (in one statement per batch) and hands them out, in order. */
  private async flush(): Promise<void> {
    try {
      while (this.announced.length > 0) {
        const ids = this.announced.splice(0, 500);
        // Each event's actor is read here, once, not by each of the subscriptions that show it.
        const tracing = this.deps.tracing;
        for (const event of await eventsByIds(this.deps.prisma, ids)) {
          if (!tracing) for (const s of this.streams) s.push(event);
          else
            tracing.linked(
              "orderEvents fan-out",
              event.traceContext,
              { "order_event.id": event.id, "order_event.type": event.type, subscriptions: this.streams.size },
              () => {
                for (const s of this.streams) s.push(event);
              },
            );
        }
      }
    } catch (e) {
      this.deps.log.warn("events could not be read for subscribers", {
        error: e instanceof Error ? e.message : String(e),
      });
    } finally {
      this.flushing = false;
      if (this.announced.length > 0) this.scheduleFlush();
    }
  }
}

/** The error a subscription ends with when its reader fell too far behind. */
export function droppedError(): GraphQLError {
  return publicError(
    ThrownCode.EVENTS_DROPPED,
    "Events were waiting for this subscription faster than it read them (SUBSCRIPTION_QUEUE): they were dropped and " +
      "the subscription ends. Read Order.history for what you missed and subscribe again.",
  );
}

/** The error a subscription ends with (or is refused with) while the event path is broken. */
export function pathBrokenError(): GraphQLError {
  return publicError(
    ThrownCode.SERVICE_UNAVAILABLE,
    "This server cannot receive order events right now (its event path check failed), so the subscription " +
      "ends rather than go silent. Read Order.history for what happened and subscribe again shortly.",
  );
}
