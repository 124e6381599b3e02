/**
 * The one place changes to orders record themselves: every service writes its events through
 * here, inside the transaction of the change, so that there is never an event for a change that
 * rolled back, nor a change without its event.
 */
import type { Viewer } from "../auth/viewer.js";
import type { Tx } from "../db/transaction.js";
import type { OrderEventRecord } from "../orders/order.model.js";
import { insertEvent, type NewEvent } from "./event.repository.js";

/** The user an event is attributed to: the signed-in caller, or nobody (a guest, a page, a callback). */
export function actorOf(viewer: Viewer | null): number | null {
  return viewer?.kind === "user" ? viewer.user.id : null;
}

export class EventLog {
  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Records an event of `order` in the transaction `tx`. */
  record(tx: Tx, order: { id: number; ref: string }, event: NewEvent): Promise<OrderEventRecord> {
    return insertEvent(tx, order, event, this.now());
  }
}
