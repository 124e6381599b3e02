/** Many requests at once over HTTP: nothing is paid, refunded or numbered twice, no update is lost. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeOrderStatusDocument,
  CreateOrderDocument,
  OrderDetailDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
  type OrderFieldsFragment,
} from "../generated/graphql.js";
import { backends, orderInput, pooledBackends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";
import { DEFAULT_TRANSITIONS, type OrderStatus } from "../../src/orders/status.js";

describe.each([...backends(), ...pooledBackends()])("concurrency on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  const counting = testPaymentMethod({ identifier: "counting", orderPayment: false, refundDelayMs: 5 });
  const refunded = () => counting.refunds.map((r) => r.transactionId);

  async function create(over: Record<string, unknown> = {}): Promise<OrderFieldsFragment> {
    const r = await t.ok(CreateOrderDocument, { input: orderInput(over) }, { token: staff.token });
    if (r.createOrder.__typename !== "Order") throw new Error("refused");
    return r.createOrder;
  }

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [counting.method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,counting" },
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it("50 concurrent refunds of one order offer each payment to its method exactly once", async () => {
    const o = await create({ status: "PROCESSING" });
    for (let i = 0; i < 4; i++) {
      await t.ok(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount: "10.00", transactionId: `cc-${i}`, paymentMethod: "counting" } },
        { token: staff.token },
      );
    }
    const results = await Promise.all(
      Array.from({ length: 50 }, () => t.gql(RefundOrderDocument, { ref: o.ref }, { token: staff.token })),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    const kinds = results.map((r) => r.data!.refundOrder.__typename);
    expect(kinds.filter((k) => k === "RefundResult")).toHaveLength(1);
    expect(kinds.filter((k) => k === "OrderAlreadyRefundedError")).toHaveLength(49);
    expect(refunded().sort()).toEqual([0, 1, 2, 3].map((i) => `cc-${i}`)); // each exactly once
    const after = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(after.status).toBe("REFUNDED");
    expect(after.amountRefunded).toBe("40.00");
    expect(after.payments.every((p) => p.refundedAt)).toBe(true);
  });

  it("50 concurrent refunds of 10.00 on a 30.00 payment: 3 refunds, 47 refused, the method called 3 times", async () => {
    const o = await create({ status: "PROCESSING" });
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "30.00", transactionId: "storm-1", paymentMethod: "counting" } },
      { token: staff.token },
    );
    const paid = await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "3.00", transactionId: "storm-2", paymentMethod: "counting" } },
      { token: staff.token },
    );
    const paymentId = (paid.recordOrderPayment as { payments: { id: string; transactionId: string }[] }).payments.find(
      (p) => p.transactionId === "storm-1",
    )!.id;
    counting.refunds.length = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        t.gql(
          RefundOrderPaymentDocument,
          { ref: o.ref, input: { paymentId, amount: "10.00" } },
          { token: staff.token },
        ),
      ),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    const kinds = results.map((r) => r.data!.refundOrderPayment.__typename);
    expect(kinds.filter((k) => k === "OrderRefund")).toHaveLength(3);
    expect(kinds.filter((k) => k === "RefundAmountError")).toHaveLength(47);
    expect(refunded()).toEqual(["storm-1", "storm-1", "storm-1"]);
    const after = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(after).toMatchObject({ amountRefunded: "30.00", status: "PROCESSING" });
  });

  it("50 concurrent confirmations of one card payment page record one payment", async () => {
    const o = await create();
    const pay = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token }))
      .payOrder as { url: string };
    const statuses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(pay.url, { method: "POST" }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const after = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(after.payments).toHaveLength(1);
    expect(after).toMatchObject({ amountPaid: "33.00", isPaid: true, status: "PROCESSING" });
  });

  it("200 concurrent createOrder get 200 distinct refs and no error", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.gql(CreateOrderDocument, { input: orderInput({ email: `c${i}@example.com` }) }, { token: staff.token }),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    const refs = results.map((r) => (r.data!.createOrder as { ref: string }).ref);
    expect(new Set(refs).size).toBe(200);
  });

  it("concurrent status changes: each success is one legal step, none is lost, dateUpdated moves forward", async () => {
    const o = await create();
    const targets: OrderStatus[] = [
      "HOLD",
      "FAILED",
      "PROCESSING",
      "CANCELLED",
      "SHIPPED",
      "COMPLETED",
      "REFUNDED",
      "HOLD",
      "PROCESSING",
      "SHIPPED",
    ];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: targets[i % targets.length] }, { token: staff.token }),
      ),
    );
    const successes = results
      .map((r) => r.changeOrderStatus)
      .filter((r): r is Extract<typeof r, { __typename: "Order" }> => r.__typename === "Order");
    // Replay the successes in the order their writes happened: each must be legal from the one before.
    const ordered = [...successes].sort((a, b) => Date.parse(a.dateUpdated) - Date.parse(b.dateUpdated));
    let current: OrderStatus = "CREATED";
    let last = Date.parse(o.dateUpdated);
    for (const s of ordered) {
      if (s.status !== current) {
        expect(DEFAULT_TRANSITIONS[current], `${current} -> ${s.status}`).toContain(s.status);
        expect(Date.parse(s.dateUpdated)).toBeGreaterThanOrEqual(last);
        last = Date.parse(s.dateUpdated);
      }
      current = s.status as OrderStatus;
    }
    const final = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(final.status).toBe(current);
    expect(Date.parse(final.dateUpdated)).toBe(last);
    for (const r of results.map((x) => x.changeOrderStatus)) {
      if (r.__typename === "InvalidStatusTransitionError")
        expect(DEFAULT_TRANSITIONS[r.fromStatus as OrderStatus]).not.toContain(r.toStatus);
    }
  });

  it("concurrent recordOrderPayment with one transaction id records it once", async () => {
    const o = await create();
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        t.ok(
          RecordOrderPaymentDocument,
          { ref: o.ref, input: { amount: "5.00", transactionId: "webhook-1", paymentMethod: "cash" } },
          { token: staff.token },
        ),
      ),
    );
    const kinds = results.map((r) => r.recordOrderPayment.__typename);
    expect(kinds.filter((k) => k === "Order")).toHaveLength(1);
    expect(kinds.filter((k) => k === "InvalidOrderInputError")).toHaveLength(29);
    const after = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(after.payments).toHaveLength(1);
    expect(after.amountPaid).toBe("5.00");
  });
});
