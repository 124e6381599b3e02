/** Paying, recording payments and refunding, over HTTP on a real database. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OrderDetailDocument,
  OrderPaymentMethodsDocument,
  PayOrderDocument,
  PaymentMethodsDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  ChangeOrderStatusDocument,
  type OrderFieldsFragment,
  type CreateOrderInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";

describe.each(backends())("payments on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let alice: { id: string; token: string };
  // Disabled for anonymous callers; its refunds are counted and steered by the test.
  const method = testPaymentMethod({ identifier: "counting", label: "Counting", signedInOnly: true, reference: false });
  const calls = () => method.refunds.map((r) => r.transactionId);

  const create = (over: Partial<CreateOrderInput> = {}): Promise<OrderFieldsFragment> =>
    t.order(over, { token: staff.token });
  const record = (ref: string, amount: string, transactionId: string, paymentMethod = "pay-in-advance") =>
    t.ok(RecordOrderPaymentDocument, { ref, input: { amount, transactionId, paymentMethod } }, { token: staff.token });

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [method.method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,counting" },
    });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
  });
  afterAll(() => t?.close());

  it("paymentMethods lists every configured method", async () => {
    expect((await t.ok(PaymentMethodsDocument, {})).paymentMethods).toEqual([
      { identifier: "credit-card", label: "Credit Card" },
      { identifier: "pay-in-advance", label: "Pay in advance" },
      { identifier: "dummy", label: "Dummy" },
      { identifier: "counting", label: "Counting" },
    ]);
  });

  describe("orderPaymentMethods", () => {
    it("lists enabled methods with the first reason each cannot pay: paid first, then status", async () => {
      const o = await create({ status: "NEW" });
      const anon = (await t.ok(OrderPaymentMethodsDocument, { ref: o.ref, token: o.token })).orderPaymentMethods!;
      expect(anon.map((m) => m.identifier)).toEqual(["credit-card", "pay-in-advance", "dummy"]); // counting is off for anonymous callers
      expect(anon.every((m) => m.error === "Payment for order with status 'New' is not allowed.")).toBe(true);
      await record(o.ref, "33.00", "t-paid");
      const paid = (await t.ok(OrderPaymentMethodsDocument, { ref: o.ref }, { token: staff.token }))
        .orderPaymentMethods!;
      expect(paid.map((m) => m.error)).toEqual(Array(4).fill("This order has already been paid for."));
      const fresh = await create();
      const ok = (await t.ok(OrderDetailDocument, { ref: fresh.ref }, { token: staff.token })).order!;
      expect(ok).toBeTruthy();
      const choices = (await t.ok(OrderPaymentMethodsDocument, { ref: fresh.ref }, { token: staff.token }))
        .orderPaymentMethods!;
      expect(choices.every((m) => m.error === null)).toBe(true);
    });
  });

  describe("payOrder", () => {
    it("refuses unknown, disabled and not-order-capable methods", async () => {
      const o = await create();
      for (const m of ["bitcoin", "counting"]) {
        const r = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: m, token: o.token })).payOrder;
        expect(r).toEqual({
          __typename: "PaymentMethodNotAvailableError",
          errorCode: "PAYMENT_METHOD_NOT_AVAILABLE_ERROR",
          message: `"${m}" is not a valid choice.`,
          paymentMethod: m,
        });
      }
      const asStaff = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "counting" }, { token: staff.token }))
        .payOrder;
      expect(asStaff).toMatchObject({ __typename: "PaymentRedirect", data: { step: "redirect" } });
    });

    it("an invisible order is NOT_FOUND, like a missing one", async () => {
      const o = await create();
      for (const vars of [{ ref: o.ref, token: "wrong" }, { ref: o.ref }, { ref: "1999-00000", token: o.token }]) {
        const r = await t.gql(PayOrderDocument, { ...vars, paymentMethod: "dummy" });
        expect(r.errors?.[0].extensions?.code).toBe("NOT_FOUND");
      }
      expect(
        (await t.gql(PayOrderDocument, { ref: o.ref, paymentMethod: "dummy" }, { token: alice.token })).errors?.[0]
          .extensions?.code,
      ).toBe("NOT_FOUND");
    });

    it("refuses a paid order, then an unpayable status", async () => {
      const paid = await create();
      await record(paid.ref, "40.00", "over");
      expect(
        (await t.ok(PayOrderDocument, { ref: paid.ref, paymentMethod: "dummy", token: paid.token })).payOrder,
      ).toEqual({
        __typename: "OrderAlreadyPaidError",
        errorCode: "ORDER_ALREADY_PAID_ERROR",
        message: "This order has already been paid for.",
      });
      const cancelled = await create({ status: "CANCELLED" });
      expect(
        (await t.ok(PayOrderDocument, { ref: cancelled.ref, paymentMethod: "dummy", token: cancelled.token })).payOrder,
      ).toEqual({
        __typename: "OrderNotPayableError",
        errorCode: "ORDER_NOT_PAYABLE_ERROR",
        message: "Payment for order with status 'Cancelled' is not allowed.",
        status: "CANCELLED",
      });
    });

    it("dummy: fails with the method's message when asked to, else redirects and records nothing", async () => {
      const failing = await create({ extra: { dummyPayment: "fail" } });
      expect(
        (await t.ok(PayOrderDocument, { ref: failing.ref, paymentMethod: "dummy", token: failing.token })).payOrder,
      ).toEqual({
        __typename: "PaymentFailedError",
        errorCode: "PAYMENT_FAILED_ERROR",
        message: "Dummy payment error",
        paymentMethod: "dummy",
      });
      const o = await create();
      const r = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "dummy", token: o.token })).payOrder;
      expect(r).toMatchObject({
        __typename: "PaymentRedirect",
        order: { ref: o.ref, status: "CREATED", isPaid: false, amountPaid: "0.00" },
      });
      expect((r as { url: string }).url.startsWith(t.url)).toBe(true);
    });

    it("pay-in-advance puts a CREATED order on HOLD and shows transfer instructions", async () => {
      const o = await create();
      const r = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "pay-in-advance", token: o.token }))
        .payOrder;
      expect(r).toMatchObject({
        __typename: "PaymentRedirect",
        data: { reference: o.ref, amount: "33.00", currency: "USD" },
        order: { status: "HOLD" },
      });
      const page = await fetch((r as { url: string }).url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(o.ref);
      await record(o.ref, "33.00", "bank-1");
      const after = (await t.ok(OrderDetailDocument, { ref: o.ref, token: o.token })).order!;
      expect(after).toMatchObject({ isPaid: true, amountPaid: "33.00", amountOutstanding: "0.00", status: "HOLD" });
    });

    it("credit-card: the hosted page takes one payment of the outstanding amount and moves to PROCESSING", async () => {
      const o = await create();
      await record(o.ref, "3.00", "deposit");
      const r = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token }))
        .payOrder as { url: string };
      const get = await fetch(r.url);
      expect(get.status).toBe(200);
      const html = await get.text();
      expect(html).toContain("30.00");
      expect(html).toContain('<form method="post"');
      const post = await fetch(r.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
      });
      expect(post.status).toBe(200);
      const again = await fetch(r.url, { method: "POST" });
      expect(again.status).toBe(409);
      const after = (await t.ok(OrderDetailDocument, { ref: o.ref, token: o.token })).order!;
      expect(after.status).toBe("PROCESSING");
      expect(after.payments.map((p) => [p.amount, p.paymentMethod, p.paymentMethodLabel])).toEqual([
        ["3.00", "pay-in-advance", "Pay in advance"],
        ["30.00", "credit-card", "Credit Card"],
      ]);
      expect(after.payments[1].transactionId).toMatch(/^cc_/);
      expect(after).toMatchObject({ isPaid: true, amountPaid: "33.00", amountOutstanding: "0.00" });
      const wrong = await fetch(r.url.replace(/token=[^&]+/, "token=nope"), { method: "POST" });
      expect(wrong.status).toBe(404);
    });
  });

  describe("recordOrderPayment", () => {
    it("adds to the paid amount; overpayment leaves a negative outstanding amount", async () => {
      const o = await create();
      const r1 = (await record(o.ref, "13", "t1")).recordOrderPayment;
      expect(r1).toMatchObject({ __typename: "Order", amountPaid: "13.00", isPaid: false, status: "CREATED" });
      const r2 = (await record(o.ref, "30", "t2", "cash")).recordOrderPayment;
      expect(r2).toMatchObject({ amountPaid: "43.00", amountOutstanding: "-10.00", isPaid: true });
      expect((r2 as { payments: { paymentMethodLabel: string }[] }).payments[1].paymentMethodLabel).toBe("cash");
    });

    it("refuses a non-positive amount, blanks and a duplicate transaction id, changing nothing", async () => {
      const o = await create();
      await record(o.ref, "1.00", "dup");
      for (const [input, field] of [
        [{ amount: "0", transactionId: "a", paymentMethod: "cash" }, "amount"],
        [{ amount: "-5", transactionId: "a", paymentMethod: "cash" }, "amount"],
        [{ amount: "1", transactionId: " ", paymentMethod: "cash" }, "transactionId"],
        [{ amount: "1", transactionId: "b", paymentMethod: "" }, "paymentMethod"],
        [{ amount: "1", transactionId: "dup", paymentMethod: "cash" }, "transactionId"],
      ] as const) {
        const r = (await t.ok(RecordOrderPaymentDocument, { ref: o.ref, input }, { token: staff.token }))
          .recordOrderPayment;
        expect(r, JSON.stringify(input)).toMatchObject({ __typename: "InvalidOrderInputError", field });
      }
      // What is not an amount at all is refused before the mutation runs, naming the input's path.
      const notAmount = await t.gql(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount: "abc", transactionId: "a", paymentMethod: "cash" } },
        { token: staff.token },
      );
      expect(notAmount.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount" });
      const after = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
      expect(after.payments).toHaveLength(1);
      expect(after.amountPaid).toBe("1.00");
    });

    it("is staff only", async () => {
      const o = await create();
      const r = await t.gql(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount: "1", transactionId: "x", paymentMethod: "cash" } },
        { token: alice.token },
      );
      expect(r.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    });
  });

  describe("refundOrder", () => {
    it("refunds every payment once, marks the order REFUNDED, and refuses a second time", async () => {
      const o = await create();
      await record(o.ref, "10.00", "r1", "counting");
      await record(o.ref, "23.00", "r2", "counting");
      await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "PROCESSING" }, { token: staff.token });
      method.refunds.length = 0;
      const r = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder;
      expect(r.__typename).toBe("RefundResult");
      if (r.__typename !== "RefundResult") return;
      expect(r.refunded.map((p) => p.transactionId)).toEqual(["r1", "r2"]);
      expect(r.refunded.every((p) => p.refundedAt !== null)).toBe(true);
      expect(r.failed).toEqual([]);
      expect(r.order).toMatchObject({ status: "REFUNDED", amountPaid: "33.00", amountRefunded: "33.00" });
      expect(calls()).toEqual(["r1", "r2"]);
      expect((await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder).toEqual({
        __typename: "OrderAlreadyRefundedError",
        errorCode: "ORDER_ALREADY_REFUNDED_ERROR",
        message: "Order is already marked as Refunded.",
      });
      expect(calls()).toHaveLength(2);
    });

    it("after a partial failure keeps the status, and a retry only retries the failures", async () => {
      const o = await create({ status: "HOLD" });
      await record(o.ref, "5.00", "p-ok", "counting");
      await record(o.ref, "6.00", "p-flaky", "counting");
      await record(o.ref, "7.00", "fail-dummy", "dummy");
      await record(o.ref, "8.00", "p-unknown", "no-such-method");
      method.refunds.length = 0;
      method.failOn(["p-flaky"]);
      const first = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder;
      if (first.__typename !== "RefundResult") throw new Error("expected a result");
      expect(first.refunded.map((p) => p.transactionId)).toEqual(["p-ok"]);
      expect(first.failed.map((p) => p.transactionId)).toEqual(["p-flaky", "fail-dummy", "p-unknown"]);
      expect(first.order).toMatchObject({ status: "HOLD", amountRefunded: "5.00" });
      method.failOn([]);
      const second = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder;
      if (second.__typename !== "RefundResult") throw new Error("expected a result");
      expect(second.refunded.map((p) => p.transactionId)).toEqual(["p-ok", "p-flaky"]);
      expect(second.failed.map((p) => p.transactionId)).toEqual(["fail-dummy", "p-unknown"]);
      expect(calls()).toEqual(["p-ok", "p-flaky", "p-flaky"]);
      expect(second.order.status).toBe("HOLD");
    });

    it("an order without payments becomes REFUNDED; staff only", async () => {
      const o = await create();
      expect(
        (await t.gql(RefundOrderDocument, { ref: o.ref }, { token: alice.token })).errors?.[0].extensions?.code,
      ).toBe("FORBIDDEN");
      expect((await t.gql(RefundOrderDocument, { ref: o.ref })).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      const r = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder;
      expect(r).toMatchObject({ __typename: "RefundResult", refunded: [], failed: [], order: { status: "REFUNDED" } });
      expect(Date.parse((r as { order: { dateUpdated: string } }).order.dateUpdated)).toBeGreaterThan(
        Date.parse(o.dateUpdated) - 1,
      );
    });
  });
});
