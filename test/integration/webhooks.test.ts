/**
 * Webhooks over HTTP on a real database, delivered to a receiver on 127.0.0.1: every event type
 * signed (verified on its own), retries, giving up, switching off and on, redelivery, SSRF refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddOrderNoteDocument,
  ChangeOrderStatusDocument,
  CreateOrderDocument,
  CreateWebhookDocument,
  DeleteWebhookDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RedeliverWebhookDeliveryDocument,
  RefundOrderPaymentDocument,
  UpdateWebhookDocument,
  WebhookDeliveriesDocument,
  WebhooksDocument,
  type CreateOrderInput,
  type OrderEventType,
} from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { signatureIsValid, startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { testPaymentMethod } from "../helpers/payment-method.js";

/** Refuses every refund ("no-…" transaction ids). */
const failing = testPaymentMethod({ identifier: "refusing", label: "Refusing", orderPayment: false }).method;

describe.each(backends())("webhooks on %s", (backend) => {
  let t: TestServer;
  let staff: { id: string; token: string };
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer(backend, {
      paymentMethods: [failing],
      env: {
        PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,refusing",
        WEBHOOK_ALLOW_PRIVATE: "on",
        WEBHOOK_RETRY_DELAYS: "0.2,0.2",
        WEBHOOK_TIMEOUT_MS: "500",
      },
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  async function webhook(path: string, events?: OrderEventType[]) {
    const r = await t.ok(
      CreateWebhookDocument,
      { input: { url: `${receiver.url}${path}`, events } },
      { token: staff.token },
    );
    if (r.createWebhook.__typename !== "WebhookCreated") throw new Error(JSON.stringify(r.createWebhook));
    return { id: r.createWebhook.webhook.id, secret: r.createWebhook.secret };
  }
  const order = (over: Partial<CreateOrderInput> = {}) => t.order(over, { token: staff.token });
  const at = (path: string) => receiver.received.filter((r) => r.path === path);
  const deliveries = async (id: string, status?: "PENDING" | "SUCCEEDED" | "FAILED") =>
    (await t.ok(WebhookDeliveriesDocument, { id, first: 100, status }, { token: staff.token })).webhook!.deliveries;

  it("creates endpoints with a secret shown once, for staff only", async () => {
    const r = await t.ok(
      CreateWebhookDocument,
      { input: { url: `${receiver.url}/created`, description: "warehouse" } },
      { token: staff.token },
    );
    expect(r.createWebhook.__typename).toBe("WebhookCreated");
    const created = r.createWebhook as { secret: string; webhook: { id: string; events: string[]; enabled: boolean } };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const key = Buffer.from(created.secret.slice(6), "base64");
    expect(key.length).toBeGreaterThanOrEqual(24);
    expect(key.length).toBeLessThanOrEqual(64);
    expect(created.webhook).toMatchObject({ events: [], enabled: true });
    const listed = (await t.ok(WebhooksDocument, {}, { token: staff.token })).webhooks;
    expect(listed.map((w) => w.id)).toContain(created.webhook.id);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const alice = await t.user("alice-webhooks@example.com");
    expect((await t.gql(WebhooksDocument, {})).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(WebhooksDocument, {}, { token: alice.token })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const refused = await t.gql(CreateWebhookDocument, { input: { url: `${receiver.url}/x` } }, { token: alice.token });
    expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await t.ok(DeleteWebhookDocument, { id: created.webhook.id }, { token: staff.token })).deleteWebhook).toBe(
      true,
    );
    expect((await t.ok(DeleteWebhookDocument, { id: created.webhook.id }, { token: staff.token })).deleteWebhook).toBe(
      false,
    );
  });

  it("delivers every event type, signed, with the event as staff see it", async () => {
    const hook = await webhook("/all");
    const o = await order({ status: "CREATED" });
    await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "pay-in-advance", token: o.token });
    const paid = await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "33.00", transactionId: "no-w1", paymentMethod: "refusing" } },
      { token: staff.token },
    );
    const paymentId = (paid.recordOrderPayment as { payments: { id: string }[] }).payments[0].id;
    await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId, amount: "1.00" } },
      { token: staff.token },
    );
    await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "PROCESSING" }, { token: staff.token });
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "private words", public: false }, { token: staff.token });
    const expected = [
      "ORDER_CREATED",
      "PAYMENT_STARTED",
      "STATUS_CHANGED",
      "PAYMENT_RECORDED",
      "REFUND_FAILED",
      "STATUS_CHANGED",
      "NOTE_ADDED",
    ];
    await waitFor(() => at("/all").length >= expected.length, "every event");
    const got = at("/all");
    expect(got.map((r) => JSON.parse(r.body).type)).toEqual(expected);
    for (const r of got) {
      expect(signatureIsValid(hook.secret, r), r.body).toBe(true);
      expect(signatureIsValid(hook.secret, { ...r, body: r.body + " " })).toBe(false);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(Math.abs(Number(r.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    }
    const bodies = got.map((r) => JSON.parse(r.body));
    expect(bodies[0]).toEqual({
      type: "ORDER_CREATED",
      timestamp: bodies[0].data.dateCreated,
      data: {
        id: expect.any(String),
        type: "ORDER_CREATED",
        dateCreated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        orderRef: o.ref,
        public: true,
        actor: { id: staff.id, email: "staff@example.com", isStaff: true },
        fromStatus: null,
        toStatus: "CREATED",
        amount: null,
        paymentMethod: null,
        transactionId: null,
        message: null,
        shipmentId: null,
        returnId: null,
        lines: null,
      },
    });
    expect(bodies[1].data).toMatchObject({
      type: "PAYMENT_STARTED",
      actor: null,
      amount: "33.00",
      paymentMethod: "pay-in-advance",
    });
    expect(bodies[3].data).toMatchObject({ amount: "33.00", transactionId: "no-w1", paymentMethod: "refusing" });
    expect(bodies[4].data).toMatchObject({
      type: "REFUND_FAILED",
      public: false,
      amount: "1.00",
      message: "The payment method refused the refund.",
    });
    expect(bodies[6].data).toMatchObject({ type: "NOTE_ADDED", public: false, message: "private words" });
    // the webhook-id is the delivery's id ("msg_" and 32 random hex digits), and the deliveries are
    // visible to staff (their outcomes are written once the receiver has answered: wait for them)
    await waitFor(
      async () => (await deliveries(hook.id, "SUCCEEDED")).totalCount === expected.length,
      "the outcomes recorded",
    );
    const list = await deliveries(hook.id);
    expect(list.totalCount).toBe(expected.length);
    expect(list.nodes.map((d) => d.id).sort()).toEqual(got.map((r) => r.headers["webhook-id"]).sort());
    for (const r of got) expect(r.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(
      list.nodes.every(
        (d) => d.status === "SUCCEEDED" && d.attempts === 1 && d.lastStatusCode === 200 && d.dateDelivered,
      ),
    ).toBe(true);
    expect(list.nodes.map((d) => d.event.type)).toEqual([...expected].reverse()); // newest first
  });

  it("sends an endpoint only the event types it asked for", async () => {
    await webhook("/notes", ["NOTE_ADDED"]);
    const o = await order();
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "hello", public: true }, { token: staff.token });
    await waitFor(() => at("/notes").length >= 1, "the note");
    await new Promise((r) => setTimeout(r, 300));
    expect(at("/notes").map((r) => JSON.parse(r.body).type)).toEqual(["NOTE_ADDED"]);
  });

  it("retries with the same webhook-id until a 2xx, keeping every attempt", async () => {
    receiver.answer("/flaky", (n) => (n < 3 ? 500 : 204));
    const hook = await webhook("/flaky", ["ORDER_CREATED"]);
    await order();
    await waitFor(() => at("/flaky").length >= 3, "three attempts");
    const ids = at("/flaky").map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(1);
    await waitFor(async () => (await deliveries(hook.id)).nodes[0]?.status === "SUCCEEDED", "success recorded");
    const [d] = (await deliveries(hook.id)).nodes;
    expect(d).toMatchObject({ id: ids[0], attempts: 3, lastStatusCode: 204, lastError: null, nextAttemptAt: null });
    expect(d.attemptLog.map((a) => [a.statusCode, a.error])).toEqual([
      [500, "HTTP 500"],
      [500, "HTTP 500"],
      [204, null],
    ]);
  });

  it("gives up after the last delay; redirects and silence are failures", async () => {
    receiver.answer("/down", () => 503);
    receiver.answer("/moved", () => ({ status: 302, headers: { location: `${receiver.url}/all` } }));
    receiver.answer("/silent", () => "hang");
    const hooks = await Promise.all(["/down", "/moved", "/silent"].map((p) => webhook(p, ["ORDER_CREATED"])));
    await order();
    for (const h of hooks)
      await waitFor(async () => (await deliveries(h.id)).nodes[0]?.status === "FAILED", `FAILED on ${h.id}`);
    const [down, moved, silent] = await Promise.all(hooks.map(async (h) => (await deliveries(h.id)).nodes[0]));
    expect(down).toMatchObject({ attempts: 3, lastStatusCode: 503, nextAttemptAt: null });
    expect(moved.lastError).toMatch(/HTTP 302 \(redirects are not followed\)/);
    expect(silent).toMatchObject({ lastStatusCode: null });
    expect(silent.lastError).toMatch(/timed out after 500 ms/);
    expect(at("/moved")).toHaveLength(3); // the redirect's target was never asked
  });

  it("redelivers a delivery now, with the same webhook-id", async () => {
    const hook = await webhook("/again", ["ORDER_CREATED"]);
    await order();
    await waitFor(() => at("/again").length >= 1, "the first delivery");
    const [d] = (await deliveries(hook.id)).nodes;
    const again = await t.ok(RedeliverWebhookDeliveryDocument, { id: d.id }, { token: staff.token });
    expect(again.redeliverWebhookDelivery).toMatchObject({ id: d.id, status: "PENDING" });
    await waitFor(() => at("/again").length >= 2, "the second delivery");
    expect(at("/again").map((r) => r.headers["webhook-id"])).toEqual([d.id, d.id]);
    for (const id of ["999999", "1", "msg_00000000000000000000000000000000", "x".repeat(5000)])
      expect(
        (await t.ok(RedeliverWebhookDeliveryDocument, { id }, { token: staff.token })).redeliverWebhookDelivery,
      ).toBeNull();
  });

  it("writes no delivery for a change that rolled back", async () => {
    const hook = await webhook("/rolled", ["PAYMENT_STARTED", "STATUS_CHANGED"]);
    const o = await order({ extra: { dummyPayment: "fail" } });
    const r = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "dummy", token: o.token });
    expect(r.payOrder.__typename).toBe("PaymentFailedError");
    await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "SHIPPED" }, { token: staff.token }); // refused
    await new Promise((r) => setTimeout(r, 500));
    expect((await deliveries(hook.id)).totalCount).toBe(0);
    expect(at("/rolled")).toHaveLength(0);
  });
});

describe.each(backends())("an endpoint failing for too long on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer(backend, {
      env: {
        WEBHOOK_ALLOW_PRIVATE: "on",
        WEBHOOK_RETRY_DELAYS: "0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1",
        WEBHOOK_DISABLE_AFTER_HOURS: "0.0003", // about a second
      },
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("is switched off with a reason, and switched back on by staff", async () => {
    let up = false;
    receiver.answer("/sick", () => (up ? 200 : 500));
    const r = await t.ok(
      CreateWebhookDocument,
      { input: { url: `${receiver.url}/sick`, events: ["ORDER_CREATED"] } },
      { token: staff.token },
    );
    const id = (r.createWebhook as { webhook: { id: string } }).webhook.id;
    const create = () => t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token });
    await create();
    const state = async () =>
      (await t.ok(WebhookDeliveriesDocument, { id, first: 10 }, { token: staff.token })).webhook!;
    await waitFor(async () => !(await state()).enabled, "switched off");
    const off = await state();
    expect(off.disabledReason).toMatch(/^Every delivery attempt failed from /);
    expect(off.deliveries.nodes.every((d) => d.status === "FAILED")).toBe(true);
    await create(); // no delivery while it is off
    expect((await state()).deliveries.totalCount).toBe(1);
    up = true;
    const on = await t.ok(UpdateWebhookDocument, { id, input: { enabled: true } }, { token: staff.token });
    expect(on.updateWebhook).toMatchObject({ __typename: "Webhook", enabled: true, disabledReason: null });
    await create();
    await waitFor(async () => (await state()).deliveries.nodes[0].status === "SUCCEEDED", "delivered again");
    const after = await state();
    expect(after.deliveries.nodes.map((d) => d.status)).toEqual(["SUCCEEDED", "FAILED"]); // the failed one stays failed
  });
});

describe("webhook URLs (private addresses refused)", () => {
  let t: TestServer;
  let staff: { token: string };
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer("embedded", { env: { WEBHOOK_RETRY_DELAYS: "" } });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it.each([
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://10.1.2.3/hook",
    "http://172.20.0.1/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fd00::1]/hook",
    "http://0.0.0.0/hook",
    "ftp://example.com/hook",
    "file:///etc/passwd",
    "not a url",
    "http://user:pass@93.184.216.34/hook",
  ])("refuses %s with InvalidInputError on url", async (url) => {
    const r = await t.ok(CreateWebhookDocument, { input: { url } }, { token: staff.token });
    expect(r.createWebhook).toMatchObject({
      __typename: "InvalidInputError",
      errorCode: "INVALID_INPUT_ERROR",
      field: "url",
    });
  });

  it("says how to allow a private address (for development)", async () => {
    const r = await t.ok(CreateWebhookDocument, { input: { url: `${receiver.url}/hook` } }, { token: staff.token });
    expect(r.createWebhook).toMatchObject({ __typename: "InvalidInputError", field: "url" });
    expect((r.createWebhook as { message: string }).message).toMatch(
      /loopback, private or link-local address.*WEBHOOK_ALLOW_PRIVATE=on/,
    );
  });

  it("takes a public address, and refuses a private one on update too", async () => {
    const r = await t.ok(
      CreateWebhookDocument,
      { input: { url: "https://93.184.216.34/hook" } },
      { token: staff.token },
    );
    expect(r.createWebhook.__typename).toBe("WebhookCreated");
    const id = (r.createWebhook as { webhook: { id: string } }).webhook.id;
    const u = await t.ok(UpdateWebhookDocument, { id, input: { url: "http://127.0.0.1:9/" } }, { token: staff.token });
    expect(u.updateWebhook).toMatchObject({ __typename: "InvalidInputError", field: "url" });
    await t.ok(DeleteWebhookDocument, { id }, { token: staff.token });
  });

  it("checks the address again when delivering, and sends nothing to a private one", async () => {
    // A URL that turned private after it was saved (written to the table directly here).
    const w = await t.server.prisma.webhook.create({
      data: { url: `${receiver.url}/private`, secret: "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", events: [] },
    });
    await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token });
    const d = async () =>
      (await t.ok(WebhookDeliveriesDocument, { id: String(w.id) }, { token: staff.token })).webhook!.deliveries
        .nodes[0];
    await waitFor(async () => (await d())?.status === "FAILED", "the refused attempt");
    expect((await d()).lastError).toMatch(/internal address.*WEBHOOK_ALLOW_PRIVATE=on/);
    expect(receiver.received).toHaveLength(0);
  });
});

describe("webhook-ids across databases", () => {
  it("are unique: two installations never send the same webhook-id", async () => {
    const receiver = await startReceiver();
    const servers = await Promise.all(
      backends()
        .flatMap((b) => [b, b])
        .map((b) => startTestServer(b, { env: { WEBHOOK_ALLOW_PRIVATE: "on" } })),
    );
    try {
      // The same steps on each fresh database: the same row ids, so before the ids were random
      // every installation sent webhook-id 1, 2, 3…
      for (const [i, t] of servers.entries()) {
        const staff = await t.user("staff@example.com", { staff: true });
        const r = await t.ok(
          CreateWebhookDocument,
          { input: { url: `${receiver.url}/db${i}`, events: ["ORDER_CREATED"] as never } },
          { token: staff.token },
        );
        expect(r.createWebhook.__typename).toBe("WebhookCreated");
        for (let n = 0; n < 3; n++)
          await t.ok(CreateOrderDocument, { input: orderInput() as never }, { token: staff.token });
      }
      const expected = servers.length * 3;
      await waitFor(() => receiver.received.length >= expected, `${expected} deliveries`);
      const ids = receiver.received.map((r) => r.headers["webhook-id"]);
      expect(ids).toHaveLength(expected);
      expect(new Set(ids).size).toBe(expected);
      // the order of events is in the body: the event's timestamp and id
      for (const r of receiver.received) {
        const body = JSON.parse(r.body);
        expect(body.timestamp).toBe(body.data.dateCreated);
        expect(body.data.id).toMatch(/^\d+$/);
      }
    } finally {
      await Promise.all(servers.map((t) => t.close()));
      await receiver.close();
    }
  });
});
