/**
 * What a delivery sends: the event as staff see it, as JSON, and the Standard Webhooks headers
 * (signed with the standardwebhooks library, the specification's own implementation).
 */
import { randomBytes } from "node:crypto";
import { Webhook as Signer } from "standardwebhooks";
import type { OrderEventRecord } from "../history/event.model.js";
import { formatMoney } from "../shared/money.js";
import type { UserRecord } from "../users/user.repository.js";

/** A new signing secret: "whsec_" and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The body of a delivery: `{"type", "timestamp", "data"}`, data the OrderEvent as staff see it. */
export function deliveryBody(event: OrderEventRecord, actor: UserRecord | null): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.dateCreated.toISOString(),
    data: {
      id: String(event.id),
      type: event.type,
      dateCreated: event.dateCreated.toISOString(),
      orderRef: event.orderRef,
      public: event.public,
      actor: actor && { id: String(actor.id), email: actor.email, isStaff: actor.isStaff },
      fromStatus: event.fromStatus,
      toStatus: event.toStatus,
      amount: event.amount && formatMoney(event.amount),
      paymentMethod: event.paymentMethod,
      transactionId: event.transactionId,
      message: event.message,
      // order edits: ORDER_EDITED's before, after and settlement, as OrderEvent.edit shows them
      ...(event.edit ? { edit: event.edit } : {}),
      // Shipments and returns
      shipmentId: event.shipmentId === null ? null : String(event.shipmentId),
      returnId: event.returnId === null ? null : String(event.returnId),
      lines:
        event.lines &&
        event.lines.map((l) => ({ itemId: String(l.itemId), quantity: l.quantity, restock: l.restock ?? null })),
    },
  });
}

/**
 * The Standard Webhooks headers of one attempt. `messageId` is the delivery's own ("msg_…", the same
 * on every attempt); the order of events is in the body (`timestamp`, `data.id`), not in the id.
 */
export function deliveryHeaders(secret: string, messageId: string, body: string, at: Date): Record<string, string> {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Signer(secret).sign(messageId, at, body),
  };
}
