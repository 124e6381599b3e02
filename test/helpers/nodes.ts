/**
 * Scenario: an order with one object of every Node type hanging from it (items, a payment, a part
 * refund, public and private history events, a webhook's deliveries, a shipment, a return), and their global ids.
 */
import {
  AddOrderNoteDocument,
  CreateShipmentDocument,
  RequestReturnDocument,
  CreateWebhookDocument,
  OrderNodeIdsDocument,
  RecordOrderPaymentDocument,
  RefundOrderPaymentDocument,
  WebhookNodeIdsDocument,
  type CreateOrderInput,
} from "../generated/graphql.js";
import type { TestServer } from "./harness.js";

/** The Node types of the API, each with a global id of one of its objects in the scenario. */
export type NodeType =
  | "Order"
  | "OrderItem"
  | "OrderPayment"
  | "OrderRefund"
  | "OrderEvent"
  | "Webhook"
  | "WebhookDelivery"
  | "OrderShipment"
  | "OrderReturn";

export interface NodeScenario {
  ref: string;
  token: string;
  /** Global ids of the scenario's objects, by type (events: the public ones). */
  ids: Record<NodeType, string[]>;
  /** The contract's `id` of each, in the same order. */
  plainIds: Record<NodeType, string[]>;
  /** A private event of the order (a private note): staff's alone. */
  privateEventId: string;
}

/** A webhook that is never called (the test stops the dispatcher or does not care). */
export async function quietWebhook(t: TestServer, staffToken: string): Promise<string> {
  const r = await t.ok(
    CreateWebhookDocument,
    { input: { url: "http://127.0.0.1:9/hook", description: "nodes" } },
    { token: staffToken },
  );
  if (r.createWebhook.__typename !== "WebhookCreated") throw new Error(JSON.stringify(r.createWebhook));
  return r.createWebhook.webhook.id;
}

/**
 * An order (of `over`) with two items, a payment of 10.00 with a refund of 2.50, a public and a
 * private note, and the deliveries of its events to `webhookId`.
 */
export async function nodeScenario(
  t: TestServer,
  o: { staffToken: string; webhookId: string; over?: Partial<CreateOrderInput> },
): Promise<NodeScenario> {
  const token = o.staffToken;
  const order = await t.order(
    {
      items: [
        { productType: "p", productId: "1", product: { name: "Tea", code: "T" }, unitPrice: "6.00", quantity: 2 },
        { productType: "p", productId: "2", product: { name: "Cup", code: "C" }, unitPrice: "8.00", quantity: 1 },
      ],
      ...o.over,
    },
    { token },
  );
  const ref = order.ref;
  await t.ok(
    RecordOrderPaymentDocument,
    { ref, input: { amount: "10.00", transactionId: `tx-${ref}`, paymentMethod: "pay-in-advance" } },
    { token },
  );
  const before = (await t.ok(OrderNodeIdsDocument, { ref }, { token })).order!;
  await t.ok(
    RefundOrderPaymentDocument,
    { ref, input: { paymentId: before.payments[0].id, amount: "2.50", reason: "chipped" } },
    { token },
  );
  const shipped = await t.ok(
    CreateShipmentDocument,
    { ref, input: { lines: [{ itemId: before.items[0].id, quantity: 2 }], carrier: "DHL", trackingNumber: "JD1" } },
    { token },
  );
  if (shipped.createShipment.__typename !== "OrderShipment") throw new Error(JSON.stringify(shipped.createShipment));
  const returned = await t.ok(
    RequestReturnDocument,
    { ref, input: { lines: [{ itemId: before.items[0].id, quantity: 1 }], reason: "Too many" } },
    { token },
  );
  if (returned.requestReturn.__typename !== "OrderReturn") throw new Error(JSON.stringify(returned.requestReturn));
  await t.ok(AddOrderNoteDocument, { ref, message: "Gift wrapped", public: true }, { token });
  await t.ok(AddOrderNoteDocument, { ref, message: "Fragile: staff only", public: false }, { token });
  const shown = (await t.ok(OrderNodeIdsDocument, { ref }, { token })).order!;
  const hook = (await t.ok(WebhookNodeIdsDocument, { id: o.webhookId }, { token })).webhook!;
  const deliveries = hook.deliveries.nodes.filter((d) => d.event.orderRef === ref);
  const events = shown.history.nodes;
  const pick = <T extends { nodeId: string; id: string }>(xs: T[]) => ({
    ids: xs.map((x) => x.nodeId),
    plain: xs.map((x) => x.id),
  });
  const byType = {
    Order: pick([shown]),
    OrderItem: pick(shown.items),
    OrderPayment: pick(shown.payments),
    OrderRefund: pick(shown.refunds),
    OrderEvent: pick(events.filter((e) => e.public)),
    Webhook: pick([hook]),
    WebhookDelivery: pick(deliveries),
    OrderShipment: pick(shown.shipments),
    OrderReturn: pick(shown.returns),
  } satisfies Record<NodeType, unknown>;
  const privateEvent = events.find((e) => !e.public);
  if (!privateEvent || deliveries.length === 0) throw new Error("the scenario lacks a private event or deliveries");
  return {
    ref,
    token: order.token,
    ids: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, v.ids])) as Record<NodeType, string[]>,
    plainIds: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, v.plain])) as Record<NodeType, string[]>,
    privateEventId: privateEvent.nodeId,
  };
}
