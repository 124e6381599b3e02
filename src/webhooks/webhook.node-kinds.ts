/**
 * Webhooks and their deliveries are Nodes (nodes/node.registry.ts), staff's alone as everything
 * about webhooks. A delivery's global id holds its webhook-id ("msg_…", its `id` in the API), never
 * its row number.
 */
import { registerNodeKind, ROW_ID, type NodeKey } from "../nodes/node.registry.js";
import type { WebhookContext } from "./webhook.context.js";
import { Webhook, WebhookDelivery } from "./webhook.type.js";

/** A webhook-id: "msg_" and 32 hex digits, or the row number a delivery from before them was sent with. */
const MESSAGE_ID: NodeKey<string> = {
  parse: (text) => (/^(msg_[0-9a-f]{32}|[1-9]\d{0,9})$/.test(text) ? text : null),
  format: (id) => id,
};

registerNodeKind({
  type: Webhook,
  typeName: "Webhook",
  key: ROW_ID,
  visibleTo: "staff",
  load: (ctx: WebhookContext, id) => ctx.loaders.webhooksById.load(id),
});

registerNodeKind({
  type: WebhookDelivery,
  typeName: "WebhookDelivery",
  key: MESSAGE_ID,
  keyOf: (d) => (d as WebhookDelivery).messageId,
  visibleTo: "staff",
  load: (ctx: WebhookContext, messageId) => ctx.loaders.deliveriesByMessageId.load(messageId),
});
