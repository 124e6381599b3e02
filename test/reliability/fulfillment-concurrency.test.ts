/**
 * Storms on shipments and returns over HTTP: every write locks its order, so no unit is shipped twice
 * and no more units are asked back than were shipped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateShipmentDocument,
  OrderFulfillmentDocument,
  OrderReturnsDocument,
  RequestReturnDocument,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";

describe.each(backends())("shipment and return storms on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };

  beforeAll(async () => {
    t = await startTestServer(backend);
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it("50 concurrent shipments of the last unit: one ships it, 49 are told none is left", async () => {
    const o = await t.order(
      {
        status: "PROCESSING",
        items: [{ productType: "p", product: { name: "Lamp", code: "L" }, unitPrice: "40.00", quantity: 3 }],
      },
      { token: staff.token },
    );
    const itemId = o.items[0].id;
    const first = await t.ok(
      CreateShipmentDocument,
      { ref: o.ref, input: { lines: [{ itemId, quantity: 2 }], carrier: "DHL", trackingNumber: "first" } },
      { token: staff.token },
    );
    expect(first.createShipment.__typename).toBe("OrderShipment");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.gql(
          CreateShipmentDocument,
          { ref: o.ref, input: { lines: [{ itemId, quantity: 1 }], carrier: "DHL", trackingNumber: `storm-${i}` } },
          { token: staff.token },
        ),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const kinds = results.map((r) => r.data!.createShipment.__typename);
    expect(kinds.filter((k) => k === "OrderShipment")).toHaveLength(1);
    expect(kinds.filter((k) => k === "QuantityNotAvailableError")).toHaveLength(49);
    for (const r of results)
      if (r.data!.createShipment.__typename === "QuantityNotAvailableError")
        expect(r.data!.createShipment).toMatchObject({ available: 0, itemId });
    const s = (await t.ok(OrderFulfillmentDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(s.shipments).toHaveLength(2);
    expect(s.items[0].quantityShipped).toBe(3);
    expect(s).toMatchObject({ status: "SHIPPED", fulfillmentStatus: "SHIPPED" });
    const events = s.history.nodes.map((e) => e.type);
    expect(events.filter((e) => e === "SHIPMENT_CREATED")).toHaveLength(2);
    expect(events.filter((e) => e === "STATUS_CHANGED")).toHaveLength(1);
  });

  it("30 concurrent return requests over 5 shipped units: exactly what fits is asked back", async () => {
    const o = await t.order(
      {
        status: "PROCESSING",
        items: [{ productType: "p", product: { name: "Mug", code: "M" }, unitPrice: "9.00", quantity: 6 }],
      },
      { token: staff.token },
    );
    const itemId = o.items[0].id;
    await t.ok(
      CreateShipmentDocument,
      { ref: o.ref, input: { lines: [{ itemId, quantity: 5 }], carrier: "DHL", trackingNumber: "mugs" } },
      { token: staff.token },
    );
    // 30 guests' requests of 1 or 2 units: at most 5 units in all may be asked back
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.gql(RequestReturnDocument, {
          ref: o.ref,
          token: o.token,
          input: { lines: [{ itemId, quantity: 1 + (i % 2) }], reason: `storm ${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const asked = results
      .map((r) => r.data!.requestReturn)
      .filter((r) => r.__typename === "OrderReturn")
      .reduce((n, r) => n + (r as { lines: { quantity: number }[] }).lines[0].quantity, 0);
    const refused = results.filter((r) => r.data!.requestReturn.__typename === "QuantityNotAvailableError");
    expect(asked).toBeLessThanOrEqual(5);
    expect(asked).toBeGreaterThanOrEqual(4); // a 2 may be refused when only 1 is left
    expect(refused.length).toBe(30 - results.filter((r) => r.data!.requestReturn.__typename === "OrderReturn").length);
    const s = (await t.ok(OrderReturnsDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(s.returns.reduce((n, r) => n + r.lines[0].quantity, 0)).toBe(asked);
    expect(s.history.nodes.filter((e) => e.type === "RETURN_REQUESTED")).toHaveLength(s.returns.length);
  });
});
