/**
 * The one place changes to orders record themselves. Every service writes its events through here,
 * inside the transaction of the change, so that there is never an event for a change that rolled
 * back, nor a change without its event. With the event, in the same transaction: one delivery per
 * enabled webhook that wants its type, and a NOTIFY that PostgreSQL sends to every server of the
 * deployment when (and only if) the transaction commits.
 */
import type { Tx } from "../db/transaction.js";
import type { OrderEventRecord } from "./event.model.js";
import {
  insertEventAnnounced,
  insertEventAnnouncedWith,
  type NewEvent,
  type WritesWithEvent,
} from "./event.repository.js";
import type { Tracing } from "../telemetry/tracing.js";

/** The PostgreSQL channel events are announced on; the payload is the event's id. */
export const EVENTS_CHANNEL = "order_events";

export class EventLog {
  constructor(
    private readonly now: () => Date = () => new Date(),
    /** With tracing on, each event keeps its change's trace context (its deliveries link to it). */
    private readonly tracing?: Pick<Tracing, "traceparent">,
  ) {}

  /** Records an event of `order` in the transaction `tx`, with its webhook deliveries and its announcement. */
  async record(tx: Tx, order: { id: number; ref: string }, event: NewEvent): Promise<OrderEventRecord> {
    return insertEventAnnounced(
      tx,
      order,
      { ...event, traceContext: this.tracing?.traceparent() },
      this.now(),
      EVENTS_CHANNEL,
    );
  }

  /**
   * Records an event with other writes of its change in one statement (their CTEs run before the
   * event's); answers the event and what the writes' columns read.
   */
  recordWith<T extends object>(
    tx: Tx,
    order: { id: number; ref: string },
    event: NewEvent,
    writes: WritesWithEvent,
  ): Promise<{ event: OrderEventRecord; written: T }> {
    return insertEventAnnouncedWith<T>(
      tx,
      order,
      { ...event, traceContext: this.tracing?.traceparent() },
      this.now(),
      EVENTS_CHANNEL,
      writes,
    );
  }
}
