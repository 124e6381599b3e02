/** Which callers see an order event alike, and what the ones who are not staff see of it. */
import { isStaff, type Viewer } from "../auth/viewer.js";
import { STAFF_ONLY_MESSAGES, type OrderEventType } from "./event.model.js";

/**
 * The callers for whom every field of an event answers alike: staff, or everyone else. A
 * subscription's selection is executed once per event for each audience (http/subscriptions.ts), so
 * a field that answered differently for some other kind of caller would have to be told apart here.
 */
export function eventAudience(viewer: Viewer): "staff" | "public" {
  return isStaff(viewer) ? "staff" : "public";
}

/**
 * The event as a caller who is not staff sees it: no message where the message is staff's own
 * words (a refund's reason, a note on a shipment or return). `OrderEvent.message` is a plain field,
 * so every way an event reaches such a caller goes through here or shownMessage: history pages
 * (event.repository.ts, eventPages), `node` and `nodes` (visibleEventsByIds) and the orderEvents
 * subscription. Webhook deliveries are staff's only. The actor is hidden by its field's resolver.
 */
export function publicView<E extends { type: OrderEventType; message: string | null }>(e: E): E {
  const message = shownMessage(e.type, e.message, true);
  return message === e.message ? e : { ...e, message };
}

/** An event's message as a caller sees it: none of staff's own words when `publicOnly` (publicView's rule). */
export function shownMessage(type: OrderEventType, message: string | null, publicOnly: boolean): string | null {
  return publicOnly && STAFF_ONLY_MESSAGES.has(type) ? null : message;
}
