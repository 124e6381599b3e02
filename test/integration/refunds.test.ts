/**
 * Partial refunds over HTTP on a real database: the arithmetic, every refusal, who sees what, and an
 * order's refunds read with the order exactly as their loaders read them.
 */
import fc from "fast-check";
import { parse } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeOrderStatusDocument,
  OrderHistoryDocument,
  OrderRefundsDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
  type CreateOrderInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";
import { Money } from "../../src/shared/money.js";

type Shown = { refunds: Record<string, unknown>[] } & Record<string, unknown>;
const doc = (text: string) => parse(text) as TypedDocumentNode<any, Record<string, unknown>>;
const REFUND_SHOWN = "id nodeId amount transactionId reason dateCreated payment { id }";
/** A page of orders (Order.refunds read with the orders: the OrderRelations view, or the order cache). */
const PAGE = doc(`query($search: String!) {
  allOrders(first: 5, filter: { search: $search }) { nodes { ref nodeId refunds { ${REFUND_SHOWN} } } } }`);
/** The caller's own orders, or the order of `token`. */
const OWN = doc(
  `query($token: String) { orders(first: 5, token: $token) { nodes { ref refunds { amount reason } } } }`,
);
/** An order read by its global id, without its relations: Order.refunds through the refunds loader. */
const BY_NODE = doc(`query($id: ID!) { node(id: $id) { ... on Order { refunds { ${REFUND_SHOWN} } } } }`);
/** The order's refunds, and each payment's (the payment refunds loader). */
const DETAIL = doc(`query($ref: String!, $token: String) {
  order(ref: $ref, token: $token) { refunds { ${REFUND_SHOWN} } payments { refunds { ${REFUND_SHOWN} } } } }`);

/**
 * An order paid 9999999999999999.99 (the most a decimal(18,2) holds) and refunded in two parts, shown
 * in a page twice (the relations from the OrderRelations view, then from the order cache when it is
 * on) and in a detail, with no statement for the order's refunds: each answers exactly what the
 * refunds loaders answer (the order read by its global id, without its relations; each payment's
 * refunds).
 */
async function refundsAsLoaded(t: TestServer, token: string, paymentMethod: string) {
  const big = "9999999999999999.99";
  const o = await t.order(
    {
      items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: big, quantity: 1 }],
      status: "PROCESSING",
    },
    { token },
  );
  await t.ok(
    RecordOrderPaymentDocument,
    { ref: o.ref, input: { amount: big, transactionId: "big-1", paymentMethod } },
    { token },
  );
  const p = (await t.ok(OrderRefundsDocument, { ref: o.ref }, { token })).order!.payments[0].id;
  for (const input of [
    { paymentId: p, amount: "9999999999999999.98", reason: "Nearly all" },
    { paymentId: p, amount: "0.01" },
  ])
    expect(
      (await t.ok(RefundOrderPaymentDocument, { ref: o.ref, input }, { token })).refundOrderPayment.__typename,
    ).toBe("OrderRefund");
  const refundSql = () => t.statements.filter((s) => /"OrderRefund"/.test(s));
  const page = async () => {
    t.statements.length = 0;
    const [node] = (await t.ok(PAGE, { search: o.ref }, { token })).allOrders.nodes as Shown[];
    expect(refundSql()).toEqual([]);
    return node;
  };
  const first = await page();
  const again = await page();
  t.statements.length = 0;
  const detail = (await t.ok(DETAIL, { ref: o.ref }, { token })).order as Shown & { payments: Shown[] };
  expect(refundSql()).toHaveLength(1); // the payments' refunds only
  t.statements.length = 0;
  const byNode = (await t.ok(BY_NODE, { id: first.nodeId }, { token })).node as Shown;
  expect(refundSql()).toHaveLength(1); // the order's refunds, by the loader
  expect(byNode.refunds).toMatchObject([
    { amount: "9999999999999999.98", reason: "Nearly all", transactionId: expect.any(String), payment: { id: p } },
    { amount: "0.01", reason: null, payment: { id: p } },
  ]);
  for (const shown of [first, again, detail]) expect(shown.refunds).toEqual(byNode.refunds);
  expect(detail.payments.flatMap((x) => x.refunds)).toEqual(byNode.refunds);
}

/** Records what it is asked to refund; refuses "no-…" ids, throws on "boom-…", hangs on "hang-…". */
function recordingMethod(identifier: string, opts: { wholeOnly?: boolean } = {}) {
  const m = testPaymentMethod({
    identifier,
    label: identifier === "whole" ? "Whole Pay" : "Parts Pay",
    orderPayment: false,
    wholeOnly: opts.wholeOnly,
  });
  return { method: m.method, calls: m.refunds };
}

describe.each(backends())("partial refunds on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let alice: { id: string; token: string };
  const parts = recordingMethod("parts");
  const whole = recordingMethod("whole", { wholeOnly: true });

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [parts.method, whole.method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,parts,whole", PAYMENT_TIMEOUT_MS: "300" },
    });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
  });
  afterAll(() => t?.close());

  const order = (total = "33.00", over: Partial<CreateOrderInput> = {}) =>
    t.order(
      {
        items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: total, quantity: 1 }],
        status: "PROCESSING",
        ...over,
      },
      { token: staff.token },
    );
  async function pay(ref: string, amount: string, transactionId: string, paymentMethod = "parts") {
    await t.ok(
      RecordOrderPaymentDocument,
      { ref, input: { amount, transactionId, paymentMethod } },
      { token: staff.token },
    );
    const o = (await t.ok(OrderRefundsDocument, { ref }, { token: staff.token })).order!;
    return o.payments.find((p) => p.amount === amount && !p.refunds.length)!.id;
  }
  const refund = (ref: string, input: { paymentId: string; amount?: string; reason?: string }, token = staff.token) =>
    t.gql(RefundOrderPaymentDocument, { ref, input }, { token });
  const state = async (ref: string) => (await t.ok(OrderRefundsDocument, { ref }, { token: staff.token })).order!;

  it("refunds in parts, exactly, and the last part makes the order REFUNDED", async () => {
    const o = await order("30.00");
    const p = await pay(o.ref, "30.00", "tx-1");
    const first = await refund(o.ref, { paymentId: p, amount: "10.00", reason: "Broken mug" });
    expect(first.data!.refundOrderPayment).toMatchObject({
      __typename: "OrderRefund",
      amount: "10.00",
      reason: "Broken mug",
      payment: { id: p },
    });
    let s = await state(o.ref);
    expect(s).toMatchObject({
      status: "PROCESSING",
      amountPaid: "30.00",
      amountRefunded: "10.00",
      refundableAmount: "20.00",
    });
    expect(s.payments[0]).toMatchObject({ amountRefunded: "10.00", refundableAmount: "20.00", refundedAt: null });
    await refund(o.ref, { paymentId: p, amount: "0.01" });
    const rest = await refund(o.ref, { paymentId: p }); // omitted: all that is left
    expect(rest.data!.refundOrderPayment).toMatchObject({ __typename: "OrderRefund", amount: "19.99", reason: null });
    s = await state(o.ref);
    expect(s).toMatchObject({ status: "REFUNDED", amountRefunded: "30.00", refundableAmount: "0.00" });
    expect(s.payments[0].refundedAt).not.toBeNull();
    expect(s.refunds.map((r) => r.amount)).toEqual(["10.00", "0.01", "19.99"]);
    expect(s.payments[0].refunds.map((r) => r.transactionId)).toEqual(s.refunds.map((r) => r.transactionId));
  });

  it("refuses zero, negative and too much with the maximum, and writes nothing", async () => {
    const o = await order("30.00");
    const p = await pay(o.ref, "20.00", "tx-2");
    await pay(o.ref, "10.00", "tx-2b");
    await refund(o.ref, { paymentId: p, amount: "5.00" });
    const calls = parts.calls.length;
    for (const amount of ["0", "0.00", "-1.00", "15.01", "1000"]) {
      const r = await refund(o.ref, { paymentId: p, amount });
      expect(r.data!.refundOrderPayment, amount).toMatchObject({
        __typename: "RefundAmountError",
        errorCode: "REFUND_AMOUNT_ERROR",
        maximumRefundable: "15.00",
      });
    }
    const bad = await refund(o.ref, { paymentId: p, amount: "ten" });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount" });
    expect(parts.calls.length).toBe(calls);
    expect((await state(o.ref)).refunds).toHaveLength(1);
    await refund(o.ref, { paymentId: p });
    const none = await refund(o.ref, { paymentId: p });
    expect(none.data!.refundOrderPayment).toMatchObject({ __typename: "RefundAmountError", maximumRefundable: "0.00" });
    expect((await state(o.ref)).status).toBe("PROCESSING"); // 10.00 of what was paid is not refunded
  });

  it("refuses a payment of another order, a REFUNDED order, an unknown ref, and non-staff callers first", async () => {
    const a = await order();
    const b = await order();
    const pb = await pay(b.ref, "33.00", "tx-3");
    expect((await refund(a.ref, { paymentId: pb })).data!.refundOrderPayment).toMatchObject({
      __typename: "InvalidOrderInputError",
      field: "paymentId",
    });
    expect((await refund(a.ref, { paymentId: "abc" })).data!.refundOrderPayment).toMatchObject({ field: "paymentId" });
    await t.ok(ChangeOrderStatusDocument, { ref: b.ref, status: "REFUNDED" }, { token: staff.token });
    expect((await refund(b.ref, { paymentId: pb })).data!.refundOrderPayment).toMatchObject({
      __typename: "OrderAlreadyRefundedError",
    });
    expect((await refund("1999-99999", { paymentId: pb })).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const anon = await t.gql(RefundOrderPaymentDocument, { ref: "1999-99999", input: { paymentId: pb } });
    expect(anon.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect((await refund("1999-99999", { paymentId: pb }, alice.token)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("a method that refuses, throws or hangs gives RefundFailedError, a generic message, and records nothing but that", async () => {
    const o = await order("30.00");
    const ids = [
      await pay(o.ref, "10.00", "no-1"),
      await pay(o.ref, "11.00", "boom-1"),
      await pay(o.ref, "9.00", "hang-1"),
    ];
    for (const paymentId of ids) {
      const r = (await refund(o.ref, { paymentId, amount: "1.00" })).data!.refundOrderPayment as {
        __typename: string;
        message: string;
      };
      expect(r).toMatchObject({
        __typename: "RefundFailedError",
        errorCode: "REFUND_FAILED_ERROR",
        paymentMethod: "parts",
      });
      expect(r.message).toBe("The payment method could not refund this payment; nothing was refunded.");
    }
    const s = await state(o.ref);
    expect(s).toMatchObject({ amountRefunded: "0.00", refunds: [] });
    const h = (await t.ok(OrderHistoryDocument, { ref: o.ref }, { token: staff.token })).order!.history.nodes;
    expect(h.filter((e) => e.type === "REFUND_FAILED").map((e) => e.message)).toEqual([
      "The payment method refused the refund.",
      "gateway exploded",
      "The payment method did not answer in time.",
    ]);
  });

  it("a method that refunds whole payments only refuses a part, saying so, and takes the whole", async () => {
    const o = await order("12.00");
    const p = await pay(o.ref, "12.00", "w-1", "whole");
    const part = (await refund(o.ref, { paymentId: p, amount: "2.00" })).data!.refundOrderPayment as {
      __typename: string;
      message: string;
    };
    expect(part.__typename).toBe("RefundFailedError");
    expect(part.message).toMatch(/Whole Pay refunds whole payments only/);
    expect(whole.calls).toHaveLength(0);
    expect((await refund(o.ref, { paymentId: p })).data!.refundOrderPayment).toMatchObject({
      __typename: "OrderRefund",
      amount: "12.00",
    });
    expect(whole.calls).toEqual([{ transactionId: "w-1", amount: "12.00" }]);
  });

  it("refundOrder gives back what is left of every payment; refunded lists the payments fully refunded", async () => {
    const o = await order("50.00");
    const p1 = await pay(o.ref, "30.00", "tx-4");
    await pay(o.ref, "20.00", "tx-5");
    await refund(o.ref, { paymentId: p1, amount: "12.50" });
    parts.calls.length = 0;
    const r = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder;
    expect(parts.calls).toEqual([
      { transactionId: "tx-4", amount: "17.50" },
      { transactionId: "tx-5", amount: "20.00" },
    ]);
    expect(r).toMatchObject({
      __typename: "RefundResult",
      failed: [],
      order: { status: "REFUNDED", amountRefunded: "50.00" },
    });
    expect((r as { refunded: { transactionId: string }[] }).refunded.map((p) => p.transactionId)).toEqual([
      "tx-4",
      "tx-5",
    ]);
  });

  it("refundOrder with a failing payment refunds the others, lists the failure, and keeps the status", async () => {
    const o = await order("40.00");
    await pay(o.ref, "25.00", "tx-6");
    await pay(o.ref, "15.00", "no-2");
    const r = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder as {
      refunded: { transactionId: string }[];
      failed: { transactionId: string }[];
      order: { status: string; amountRefunded: string };
    };
    expect(r.refunded.map((p) => p.transactionId)).toEqual(["tx-6"]);
    expect(r.failed.map((p) => p.transactionId)).toEqual(["no-2"]);
    expect(r.order).toMatchObject({ status: "PROCESSING", amountRefunded: "25.00" });
  });

  it("customers and guests see refunds without the reason", async () => {
    const o = await order("10.00", { userId: alice.id });
    const p = await pay(o.ref, "10.00", "tx-7");
    await refund(o.ref, { paymentId: p, amount: "4.00", reason: "Late delivery" });
    for (const opts of [{ token: alice.token }, {}]) {
      const seen = (await t.ok(OrderRefundsDocument, { ref: o.ref, token: o.token }, opts)).order!;
      expect(seen.refunds).toMatchObject([{ amount: "4.00", reason: null }]);
      expect(seen.payments[0]).toMatchObject({
        amountRefunded: "4.00",
        refundableAmount: "6.00",
        refunds: [{ reason: null }],
      });
      // In a page too: the refunds read with the orders, and the same rule for the reason.
      const own = (await t.ok(OWN, { token: o.token }, opts)).orders.nodes as Shown[];
      expect(own.find((x) => x.ref === o.ref)!.refunds).toEqual([{ amount: "4.00", reason: null }]);
    }
    expect((await state(o.ref)).refunds[0].reason).toBe("Late delivery");
    const staffPage = (await t.ok(PAGE, { search: o.ref }, { token: staff.token })).allOrders.nodes as Shown[];
    expect(staffPage[0].refunds).toMatchObject([{ amount: "4.00", reason: "Late delivery" }]);
  });

  it("a page and a detail show the refunds read with the order exactly as the refunds loaders give them, 18 digits too", async () => {
    await refundsAsLoaded(t, staff.token, "parts");
  });

  it("any sequence of refund amounts keeps refunded = Σ refunds ≤ paid, exactly", async () => {
    const cents = fc.integer({ min: -200, max: 3_000 });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(cents, { minLength: 1, maxLength: 6 }),
        async (paidCents, asks) => {
          const paid = new Money(paidCents).div(100);
          const o = await order(paid.toFixed(2));
          const p = await pay(o.ref, paid.toFixed(2), `prop-${paidCents}-${asks.join("_")}`);
          let refunded = new Money(0);
          for (const ask of asks) {
            const amount = new Money(ask).div(100);
            const r = (await refund(o.ref, { paymentId: p, amount: amount.toFixed(2) })).data!.refundOrderPayment;
            const left = paid.minus(refunded);
            if (amount.gt(0) && amount.lte(left)) {
              expect(r).toMatchObject({ __typename: "OrderRefund", amount: amount.toFixed(2) });
              refunded = refunded.plus(amount);
            } else if (left.gt(0)) {
              expect(r).toMatchObject({ __typename: "RefundAmountError", maximumRefundable: left.toFixed(2) });
            } else {
              expect(r.__typename).toBe("OrderAlreadyRefundedError"); // all that was paid is refunded
            }
          }
          const s = await state(o.ref);
          expect(s.amountRefunded).toBe(refunded.toFixed(2));
          expect(s.payments[0].amountRefunded).toBe(refunded.toFixed(2));
          expect(s.payments[0].refundableAmount).toBe(paid.minus(refunded).toFixed(2));
          expect(s.refundableAmount).toBe(paid.minus(refunded).toFixed(2));
          expect(s.status).toBe(refunded.eq(paid) ? "REFUNDED" : "PROCESSING");
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) >= 400 ? 15 : 5 },
    );
  });
});

describe.each(backends())("refunds read with their orders, the order cache off, on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  beforeAll(async () => {
    t = await startTestServer(backend, { env: { ORDER_CACHE_SIZE: "0" } });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it("a page and a detail show them exactly as the refunds loaders give them, 18 digits too", async () => {
    await refundsAsLoaded(t, staff.token, "credit-card");
  });
});
