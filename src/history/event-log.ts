/**
 * The one place changes to orders record themselves. Every service writes its events through here,
 * inside the transaction of the change, so that there is never an event for a change that rolled
 * back, nor a change without its event. With the event, in the same transaction: one delivery per
 * enabled webhook that wants its type, and a NOTIFY that PostgreSQL sends to every server of the
 * deployment when (and only if) the transaction commits.
 */
import type { Tx } from "../db/transaction.js";
import type { OrderEventRecord } from "./event.model.js";
import { insertEvent, type NewEvent } from "./event.repository.js";
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
    const now = this.now();
    const recorded = await insertEvent(tx, order, { ...event, traceContext: this.tracing?.traceparent() }, now);
    // Raw SQL, one statement whatever the number of webhooks: Prisma has no INSERT … SELECT (it
    // would be a read and then a write per webhook) and no API for NOTIFY. PostgreSQL sends the
    // NOTIFY at commit, never for a rollback. Each delivery's webhook-id is made here, with its row:
    // "msg_" and the 32 hex digits of a random UUID, so that it is unique across databases (a row
    // id repeats in every installation and in a restored backup) and the same on every attempt.
    await tx.$queryRaw`
      WITH deliveries AS (
        INSERT INTO "WebhookDelivery" ("messageId", "webhookId", "eventId", "nextAttemptAt", "dateCreated")
        SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), w."id", ${recorded.id}, ${now}, ${now}
        FROM "Webhook" w
        WHERE w."enabled" AND (cardinality(w."events") = 0 OR CAST(${event.type} AS "OrderEventType") = ANY (w."events"))
        ORDER BY w."id"
        RETURNING 1)
      SELECT pg_notify(${EVENTS_CHANNEL}, ${String(recorded.id)})::text AS notified, (SELECT count(*) FROM deliveries)::int AS deliveries`;
    return recorded;
  }
}
