/**
 * What paying and refunding share: a payment method's call bounded by PAYMENT_TIMEOUT_MS, and a move
 * of the order's status recorded with its event.
 */
import type { Tx } from "../db/transaction.js";
import type { EventLog } from "../history/event-log.js";
import type { OrderRecord } from "../orders/order.model.js";
import * as orders from "../orders/order.repository.js";
import type { OrderStatus } from "../orders/status.js";

/** Time a transaction gets beyond its payment method calls. */
export const METHOD_CALL_SLACK_MS = 5_000;

/** A payment method call that did not answer in time. */
export class PaymentTimeoutError extends Error {
  constructor(ms: number) {
    super(`The payment method did not answer within ${ms} ms.`);
    this.name = "PaymentTimeoutError";
  }
}

/** Races `work` against a deadline; a late result or failure is ignored. */
export function withTimeout<T>(work: () => Promise<T> | T, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PaymentTimeoutError(ms)), ms);
  });
  const running = Promise.resolve().then(work);
  running.catch(() => {}); // a call that fails after its deadline must not become an unhandled rejection
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

/** Moves the order to `status` (the caller checked the rules) and records it, in `tx`. */
export async function moveOrder(
  tx: Tx,
  events: EventLog,
  order: OrderRecord,
  status: OrderStatus,
  by: { actorId: number | null; now: Date },
): Promise<OrderRecord> {
  const moved = await orders.moveStatus(tx, order, status, by.now);
  await events.record(tx, order, {
    type: "STATUS_CHANGED",
    public: true,
    actorId: by.actorId,
    fromStatus: order.status,
    toStatus: status,
  });
  return moved;
}
