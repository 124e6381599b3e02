/** Idempotency-Key: the same request again gets the first answer and has no second effect. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AllOrdersCountDocument,
  CreateOrderDocument,
  OrderDetailDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
} from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";

describe.each(backends())("idempotency on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  const { method, refunds } = testPaymentMethod({ identifier: "counting", orderPayment: false });
  const refundCalls = () => refunds.map((r) => r.transactionId);
  const key = () => ({ "idempotency-key": randomUUID() });
  const count = async () => (await t.ok(AllOrdersCountDocument, {}, { token: staff.token })).allOrders.totalCount;

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,counting" },
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it("createOrder: a retry gets the same order, and one is created", async () => {
    const headers = key();
    const before = await count();
    const first = await t.gql(CreateOrderDocument, { input: orderInput() }, { token: staff.token, headers });
    const again = await t.gql(CreateOrderDocument, { input: orderInput() }, { token: staff.token, headers });
    expect(again.data).toEqual(first.data);
    expect(await count()).toBe(before + 1);
  });

  it("concurrent requests with one key have one effect and one answer", async () => {
    const headers = key();
    const before = await count();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.gql(CreateOrderDocument, { input: orderInput() }, { token: staff.token, headers }),
      ),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(new Set(results.map((r) => JSON.stringify(r.data))).size).toBe(1);
    expect(await count()).toBe(before + 1);
  });

  it("recordOrderPayment, payOrder and refundOrder replay without a second effect", async () => {
    const created = (await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token })).createOrder as {
      ref: string;
      token: string;
    };
    const payKey = key();
    const p1 = await t.gql(
      PayOrderDocument,
      { ref: created.ref, paymentMethod: "pay-in-advance", token: created.token },
      { headers: payKey },
    );
    const p2 = await t.gql(
      PayOrderDocument,
      { ref: created.ref, paymentMethod: "pay-in-advance", token: created.token },
      { headers: payKey },
    );
    expect(p2.data).toEqual(p1.data);

    const recKey = key();
    const vars = { ref: created.ref, input: { amount: "10.00", transactionId: "bank-1", paymentMethod: "counting" } };
    const r1 = await t.gql(RecordOrderPaymentDocument, vars, { token: staff.token, headers: recKey });
    const r2 = await t.gql(RecordOrderPaymentDocument, vars, { token: staff.token, headers: recKey });
    expect(r1.data?.recordOrderPayment.__typename).toBe("Order");
    expect(r2.data).toEqual(r1.data); // without the key the second would be a duplicate-transaction error

    const refKey = key();
    refunds.length = 0;
    const f1 = await t.gql(RefundOrderDocument, { ref: created.ref }, { token: staff.token, headers: refKey });
    const f2 = await t.gql(RefundOrderDocument, { ref: created.ref }, { token: staff.token, headers: refKey });
    expect(f1.data?.refundOrder.__typename).toBe("RefundResult");
    expect(f2.data).toEqual(f1.data);
    expect(refundCalls()).toEqual(["bank-1"]);
  });

  it("refundOrderPayment replays the first answer without a second refund", async () => {
    const o = (await t.ok(CreateOrderDocument, { input: orderInput({ status: "PROCESSING" }) }, { token: staff.token }))
      .createOrder as { ref: string };
    const paid = await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "33.00", transactionId: "card-9", paymentMethod: "counting" } },
      { token: staff.token },
    );
    const paymentId = (paid.recordOrderPayment as { payments: { id: string }[] }).payments[0].id;
    refunds.length = 0;
    const headers = key();
    const vars = { ref: o.ref, input: { paymentId, amount: "5.00", reason: "dent" } };
    const first = await t.gql(RefundOrderPaymentDocument, vars, { token: staff.token, headers });
    const again = await t.gql(RefundOrderPaymentDocument, vars, { token: staff.token, headers });
    expect(first.data?.refundOrderPayment.__typename).toBe("OrderRefund");
    expect(again.data).toEqual(first.data);
    expect(refundCalls()).toEqual(["card-9"]);
    const after = await t.gql(RefundOrderPaymentDocument, vars, { token: staff.token, headers: key() });
    expect((after.data?.refundOrderPayment as { id: string }).id).not.toBe(
      (first.data?.refundOrderPayment as { id: string }).id,
    );
  });

  it("the same key with another request is refused and changes nothing", async () => {
    const headers = key();
    await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token, headers });
    const before = await count();
    const res = await t.gql(
      CreateOrderDocument,
      { input: orderInput({ email: "else@example.com" }) },
      { token: staff.token, headers },
    );
    expect(res.status).toBe(422);
    expect(res.errors?.[0].extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await count()).toBe(before);
  });

  it("keys belong to the caller, and expire", async () => {
    // A server of its own with a short TTL: on this file's server, keys outlive any replay, however
    // slowly a loaded machine answers the first request.
    const short = await startTestServer(backend, { env: { IDEMPOTENCY_TTL_SECONDS: "1" } });
    try {
      const [mine, theirs] = [
        await short.user("staff@example.com", { staff: true }),
        await short.user("o@example.com", { staff: true }),
      ];
      const orders = async () =>
        (await short.ok(AllOrdersCountDocument, {}, { token: mine.token })).allOrders.totalCount;
      const headers = key();
      await short.gql(CreateOrderDocument, { input: orderInput() }, { token: mine.token, headers });
      await short.gql(CreateOrderDocument, { input: orderInput() }, { token: theirs.token, headers });
      expect(await orders()).toBe(2);
      await new Promise((r) => setTimeout(r, 1100)); // the TTL
      await short.gql(CreateOrderDocument, { input: orderInput() }, { token: mine.token, headers });
      expect(await orders()).toBe(3);
    } finally {
      await short.close();
    }
  });

  it("a refused input is kept as the answer too, and a query ignores the key", async () => {
    const headers = key();
    const bad = { input: orderInput({ items: [] }) };
    const a = await t.gql(CreateOrderDocument, bad, { token: staff.token, headers });
    const b = await t.gql(CreateOrderDocument, bad, { token: staff.token, headers });
    expect(a.data?.createOrder.__typename).toBe("InvalidOrderInputError");
    expect(b.data).toEqual(a.data);
    const q = await t.gql(OrderDetailDocument, { ref: "1999-00000" }, { token: staff.token, headers });
    expect(q.data?.order).toBeNull();
  });
});
