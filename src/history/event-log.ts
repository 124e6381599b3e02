/**
 * The one place changes to orders record themselves. Every service writes its events through here,
 * inside the transaction of the change, so that there is never an event for a change that rolled
 * back, nor a change without its event. With the event, in the same transaction: one delivery per
 * enabled webhook that wants its type, and a NOTIFY that PostgreSQL sends to every server of the
 * deployment when (and only if) the transaction commits.
 */
import type { Viewer } from "../auth/viewer.js";
import type { Tx } from "../db/transaction.js";
import type { OrderEventRecord } from "../orders/order.model.js";
import { insertEvent, type NewEvent } from "./event.repository.js";

/** The PostgreSQL channel events are announced on; the payload is the event's id. */
export const EVENTS_CHANNEL = "order_events";

/** The user an event is attributed to: the signed-in caller, or nobody (a guest, a page, a callback). */
export function actorOf(viewer: Viewer | null): number | null {
  return viewer?.kind === "user" ? viewer.user.id : null;
}

export class EventLog {
  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Records an event of `order` in the transaction `tx`, with its webhook deliveries and its announcement. */
  async record(tx: Tx, order: { id: number; ref: string }, event: NewEvent): Promise<OrderEventRecord> {
    const now = this.now();
    const recorded = await insertEvent(tx, order, event, now);
    const webhooks = await tx.webhook.findMany({
      where: { enabled: true, OR: [{ events: { isEmpty: true } }, { events: { has: event.type } }] },
      select: { id: true },
      orderBy: { id: "asc" },
    });
    for (const w of webhooks) {
      await tx.webhookDelivery.create({
        data: { webhookId: w.id, eventId: recorded.id, nextAttemptAt: now, dateCreated: now },
        select: { id: true },
      });
    }
    // Raw SQL: NOTIFY has no Prisma API. PostgreSQL delivers it at commit, never for a rollback.
    await tx.$executeRaw`SELECT pg_notify(${EVENTS_CHANNEL}, ${String(recorded.id)})`;
    return recorded;
  }
}
