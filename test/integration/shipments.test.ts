/** Shipments over HTTP on a real database: quantities, statuses, events, refusals, who sees what. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeOrderStatusDocument,
  CreateShipmentDocument,
  CreateWebhookDocument,
  MarkShipmentDeliveredDocument,
  OrderFulfillmentDocument,
  PageFulfillmentDocument,
  type CreateOrderInput,
  type CreateShipmentInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

const TWO_LINES: Partial<CreateOrderInput> = {
  items: [
    { productType: "p", productId: "1", product: { name: "Tea", code: "T" }, unitPrice: "6.00", quantity: 3 },
    { productType: "p", productId: "2", product: { name: "Cup", code: "C" }, unitPrice: "8.00", quantity: 1 },
  ],
};

describe.each(backends())("shipments on %s", (backend) => {
  let t: TestServer;
  let staff: { id: string; token: string };
  let alice: { id: string; token: string };
  let bob: { token: string };
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startTestServer(backend, { env: { WEBHOOK_ALLOW_PRIVATE: "on" } });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const order = (over: Partial<CreateOrderInput> = {}) =>
    t.order({ ...TWO_LINES, status: "PROCESSING", userId: alice.id, ...over }, { token: staff.token });
  const ship = (
    ref: string,
    lines: CreateShipmentInput["lines"],
    over: Partial<CreateShipmentInput> = {},
    token = staff.token,
  ) =>
    t.gql(
      CreateShipmentDocument,
      {
        ref,
        input: {
          lines,
          carrier: "DHL",
          trackingNumber: "JD0001",
          trackingUrl: "https://track.example/JD0001",
          ...over,
        },
      },
      { token },
    );
  const state = async (ref: string, token = staff.token) =>
    (await t.ok(OrderFulfillmentDocument, { ref }, { token })).order!;

  it("ships in parts; the last unit moves the order to SHIPPED, delivery to DELIVERED, each with its event", async () => {
    const o = await order();
    const [tea, cup] = o.items.map((i) => i.id);
    const first = await ship(o.ref, [{ itemId: tea, quantity: 2 }]);
    expect(first.data!.createShipment).toMatchObject({
      __typename: "OrderShipment",
      carrier: "DHL",
      trackingNumber: "JD0001",
      trackingUrl: "https://track.example/JD0001",
      deliveredAt: null,
      lines: [{ itemId: tea, quantity: 2, item: { id: tea, name: "Tea" } }],
      createdBy: { id: staff.id },
    });
    let s = await state(o.ref);
    expect(s.status).toBe("PROCESSING");
    expect(s.fulfillmentStatus).toBe("PARTIALLY_SHIPPED");
    expect(s.items.map((i) => i.quantityShipped)).toEqual([2, 0]);

    const second = await ship(o.ref, [
      { itemId: cup, quantity: 1 },
      { itemId: tea, quantity: 1 },
    ]);
    expect(second.data!.createShipment.__typename).toBe("OrderShipment");
    s = await state(o.ref);
    expect(s.status).toBe("SHIPPED");
    expect(s.fulfillmentStatus).toBe("SHIPPED");
    expect(s.items.map((i) => i.quantityShipped)).toEqual([3, 1]);
    const events = s.history.nodes.filter((e) => e.type !== "ORDER_CREATED");
    expect(events).toEqual([
      expect.objectContaining({
        type: "SHIPMENT_CREATED",
        public: true,
        message: null,
        lines: [{ itemId: tea, quantity: 2, restock: null }],
      }),
      expect.objectContaining({ type: "SHIPMENT_CREATED", public: true, message: null, actor: { id: staff.id } }),
      expect.objectContaining({ type: "STATUS_CHANGED", fromStatus: "PROCESSING", toStatus: "SHIPPED" }),
    ]);
    expect(events[1].lines).toEqual([
      { itemId: cup, quantity: 1, restock: null },
      { itemId: tea, quantity: 1, restock: null },
    ]);

    const ids = s.shipments.map((x) => x.id);
    expect(events.map((e) => e.shipmentId).slice(0, 2)).toEqual(ids);
    const d1 = await t.ok(MarkShipmentDeliveredDocument, { ref: o.ref, shipmentId: ids[0] }, { token: staff.token });
    expect(d1.markShipmentDelivered).toMatchObject({ __typename: "OrderShipment", id: ids[0] });
    expect((await state(o.ref)).fulfillmentStatus).toBe("SHIPPED");
    await t.ok(MarkShipmentDeliveredDocument, { ref: o.ref, shipmentId: ids[1] }, { token: staff.token });
    const again = await t.ok(MarkShipmentDeliveredDocument, { ref: o.ref, shipmentId: ids[1] }, { token: staff.token });
    expect(again.markShipmentDelivered).toMatchObject({ __typename: "OrderShipment" });
    s = await state(o.ref);
    expect(s.fulfillmentStatus).toBe("DELIVERED");
    expect(s.shipments.every((x) => x.deliveredAt !== null)).toBe(true);
    expect(s.history.nodes.filter((e) => e.type === "SHIPMENT_DELIVERED").map((e) => e.shipmentId)).toEqual(ids);
  });

  it("keeps a status the rules do not let move to SHIPPED, and says why to staff only", async () => {
    const o = await order({ status: "CREATED" });
    const r = await ship(
      o.ref,
      o.items.map((i) => ({ itemId: i.id, quantity: i.quantity })),
    );
    expect(r.data!.createShipment.__typename).toBe("OrderShipment");
    const s = await state(o.ref);
    expect(s).toMatchObject({ status: "CREATED", fulfillmentStatus: "SHIPPED" });
    const event = s.history.nodes.find((e) => e.type === "SHIPMENT_CREATED")!;
    expect(event.message).toBe(
      "Every line is shipped; the status stays: Can't change order with status 'Created' to 'Shipped'.",
    );
    const seen = await state(o.ref, alice.token);
    expect(seen.history.nodes.find((e) => e.type === "SHIPMENT_CREATED")!.message).toBeNull();
    expect(seen.history.nodes.some((e) => e.type === "STATUS_CHANGED")).toBe(false);
  });

  it("refuses too many units, unknown or foreign items, bad input and unshippable orders, writing nothing", async () => {
    const o = await order();
    const other = await order();
    const [tea] = o.items.map((i) => i.id);
    await ship(o.ref, [{ itemId: tea, quantity: 2 }]);
    const before = await state(o.ref);

    const tooMany = await ship(o.ref, [{ itemId: tea, quantity: 2 }]);
    expect(tooMany.data!.createShipment).toEqual({
      __typename: "QuantityNotAvailableError",
      errorCode: "QUANTITY_NOT_AVAILABLE_ERROR",
      message: "At most 1 of this item can be shipped.",
      field: "lines.0.quantity",
      itemId: tea,
      available: 1,
    });
    const cases: [CreateShipmentInput["lines"], Partial<CreateShipmentInput>, string][] = [
      [[{ itemId: other.items[0].id, quantity: 1 }], {}, "lines.0.itemId"],
      [[{ itemId: "999999999", quantity: 1 }], {}, "lines.0.itemId"],
      [[{ itemId: "x", quantity: 1 }], {}, "lines.0.itemId"],
      [[{ itemId: tea, quantity: 0 }], {}, "lines.0.quantity"],
      [[{ itemId: tea, quantity: -1 }], {}, "lines.0.quantity"],
      [
        [
          { itemId: tea, quantity: 1 },
          { itemId: tea, quantity: 1 },
        ],
        {},
        "lines.1.itemId",
      ],
      [[], {}, "lines"],
      [[{ itemId: tea, quantity: 1 }], { trackingUrl: "javascript:alert(1)" }, "trackingUrl"],
      [[{ itemId: tea, quantity: 1 }], { trackingUrl: "ftp://track.example/1" }, "trackingUrl"],
      [[{ itemId: tea, quantity: 1 }], { trackingUrl: "not a url" }, "trackingUrl"],
      [[{ itemId: tea, quantity: 1 }], { carrier: "  " }, "carrier"],
      [[{ itemId: tea, quantity: 1 }], { trackingNumber: "x".repeat(129) }, "trackingNumber"],
    ];
    for (const [lines, over, field] of cases) {
      const r = await ship(o.ref, lines, over);
      expect(r.data!.createShipment, JSON.stringify([lines, over])).toMatchObject({
        __typename: "InvalidOrderInputError",
        errorCode: "INVALID_ORDER_INPUT_ERROR",
        field,
      });
    }
    expect(await state(o.ref)).toEqual(before);

    for (const status of ["CANCELLED", "FAILED"] as const) {
      const c = await order({ status: "CREATED" });
      await t.ok(ChangeOrderStatusDocument, { ref: c.ref, status }, { token: staff.token });
      const r = await ship(c.ref, [{ itemId: c.items[0].id, quantity: 1 }]);
      expect(r.data!.createShipment).toMatchObject({
        __typename: "OrderNotShippableError",
        errorCode: "ORDER_NOT_SHIPPABLE_ERROR",
        status,
      });
      expect((await state(c.ref)).shipments).toEqual([]);
    }
    const unknown = await ship("2000-99999", [{ itemId: tea, quantity: 1 }]);
    expect(unknown.errors![0].extensions!.code).toBe("NOT_FOUND");
    const wrongShipment = await t.ok(
      MarkShipmentDeliveredDocument,
      { ref: other.ref, shipmentId: before.shipments[0].id },
      { token: staff.token },
    );
    expect(wrongShipment.markShipmentDelivered).toMatchObject({
      __typename: "InvalidOrderInputError",
      field: "shipmentId",
    });
  });

  it("customers and guests see shipments and tracking; only staff see who shipped; only staff ship", async () => {
    const o = await order();
    await ship(o.ref, [{ itemId: o.items[0].id, quantity: 1 }]);
    const mine = await state(o.ref, alice.token);
    expect(mine.shipments).toEqual([
      expect.objectContaining({ carrier: "DHL", trackingUrl: "https://track.example/JD0001", createdBy: null }),
    ]);
    const guest = (await t.ok(OrderFulfillmentDocument, { ref: o.ref, token: o.token })).order!;
    expect(guest.shipments).toHaveLength(1);
    expect(guest.history.nodes.find((e) => e.type === "SHIPMENT_CREATED")!.actor).toBeNull();
    expect((await t.ok(OrderFulfillmentDocument, { ref: o.ref }, { token: bob.token })).order).toBeNull();

    const asAlice = await ship(o.ref, [{ itemId: o.items[0].id, quantity: 1 }], {}, alice.token);
    expect(asAlice.errors![0].extensions!.code).toBe("FORBIDDEN");
    const asGuest = await t.gql(MarkShipmentDeliveredDocument, { ref: o.ref, shipmentId: mine.shipments[0].id });
    expect(asGuest.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    expect((await state(o.ref)).shipments).toHaveLength(1);
  });

  it("an Idempotency-Key ships once, however often the request is sent", async () => {
    const o = await order();
    const send = () =>
      t.gql(
        CreateShipmentDocument,
        {
          ref: o.ref,
          input: { lines: [{ itemId: o.items[0].id, quantity: 1 }], carrier: "UPS", trackingNumber: "1Z" },
        },
        { token: staff.token, headers: { "idempotency-key": `ship-${o.ref}` } },
      );
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    const shipped = [a, b, c].map((r) => r.data?.createShipment).filter(Boolean);
    expect(shipped.length).toBeGreaterThanOrEqual(2);
    for (const r of shipped) expect(r).toMatchObject({ __typename: "OrderShipment" });
    expect((await state(o.ref)).shipments).toHaveLength(1);
    expect((await state(o.ref)).items[0].quantityShipped).toBe(1);
  });

  it("shipment events reach webhooks and subscribers", async () => {
    const hook = await t.ok(
      CreateWebhookDocument,
      { input: { url: `${receiver.url}/ship`, events: ["SHIPMENT_CREATED", "SHIPMENT_DELIVERED"] } },
      { token: staff.token },
    );
    expect(hook.createWebhook.__typename).toBe("WebhookCreated");
    const o = await order();
    const sub = await connectSubscriber(t.url, alice.token);
    const before = t.server.events.subscriberCount;
    const got = sub.subscribe<{ orderEvents: { type: string; shipmentId: string; message: string | null } }>(
      `subscription($ref: String) { orderEvents(ref: $ref) { type shipmentId message lines { itemId quantity } } }`,
      { ref: o.ref },
    );
    try {
      await waitFor(() => t.server.events.subscriberCount > before, "the subscription");
      const r = await ship(o.ref, [{ itemId: o.items[0].id, quantity: 3 }]);
      const shipmentId = (r.data!.createShipment as { id: string }).id;
      await t.ok(MarkShipmentDeliveredDocument, { ref: o.ref, shipmentId }, { token: staff.token });
      await waitFor(() => got.items.length >= 2, "the subscriber's events");
      expect(got.items.map((i) => i.orderEvents)).toEqual([
        { type: "SHIPMENT_CREATED", shipmentId, message: null, lines: [{ itemId: o.items[0].id, quantity: 3 }] },
        { type: "SHIPMENT_DELIVERED", shipmentId, message: null, lines: null },
      ]);
      const mine = () =>
        receiver.received.filter((x) => x.path === "/ship" && JSON.parse(x.body).data.orderRef === o.ref);
      await waitFor(() => mine().length >= 2, "the webhook deliveries");
      const bodies = mine().map((x) => JSON.parse(x.body));
      expect(bodies.map((b) => [b.type, b.data.shipmentId])).toEqual([
        ["SHIPMENT_CREATED", shipmentId],
        ["SHIPMENT_DELIVERED", shipmentId],
      ]);
      expect(bodies[0].data.lines).toEqual([{ itemId: o.items[0].id, quantity: 3, restock: null }]);
    } finally {
      await got.stop();
      await sub.dispose();
    }
  });

  it("a page of orders with their shipments and returns costs the same statements for 5 orders as for 25", async () => {
    for (let i = 0; i < 25; i++) {
      const o = await order();
      await ship(o.ref, [{ itemId: o.items[0].id, quantity: 1 + (i % 3) }]);
    }
    const cost = async (first: number) => {
      t.statements.length = 0;
      const r = await t.ok(PageFulfillmentDocument, { first }, { token: staff.token });
      expect(r.allOrders.nodes).toHaveLength(first);
      expect(r.allOrders.nodes.every((n) => n.shipments.length > 0 && n.fulfillmentStatus !== "UNFULFILLED")).toBe(
        true,
      );
      // (the webhook of the test above is being sent its deliveries meanwhile, in transactions that read
      // their events and write their outcomes: those statements are not the page's, which reads no event)
      return t.statements.filter((sql) => !/"(Webhook\w*|OrderEvent)"|^\s*(BEGIN|COMMIT|ROLLBACK)\b/.test(sql)).length;
    };
    const small = await cost(5);
    if (process.env.SHOW_SQL) console.log(t.statements.join("\n---\n"));
    expect(await cost(25)).toBe(small);
    // the orders' ids and versions, then (for orders the order cache does not hold) their rows and
    // items, then shipments and returns (the caller's token is cached)
    expect(small).toBeLessThanOrEqual(5);
  });
});
