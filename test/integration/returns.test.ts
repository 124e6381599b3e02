/** Returns over HTTP on a real database: the steps, the money, every refusal, who sees what, events out. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApproveReturnDocument,
  CommitOrderEditDocument,
  CreateShipmentDocument,
  CreateWebhookDocument,
  DeclineReturnDocument,
  OrderReturnsDocument,
  PageReturnsDocument,
  ReceiveReturnDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundReturnDocument,
  RequestReturnDocument,
  type CreateOrderInput,
  type RequestReturnInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";

// Tea 3 × 6.00, Cup 1 × 8.00, shipping 5.00: 31.00.
const SHOP: Partial<CreateOrderInput> = {
  items: [
    { productType: "p", productId: "1", product: { name: "Tea", code: "T" }, unitPrice: "6.00", quantity: 3 },
    { productType: "p", productId: "2", product: { name: "Cup", code: "C" }, unitPrice: "8.00", quantity: 1 },
  ],
  extraRows: [{ label: "Shipping", amount: "5.00" }],
};

describe.each(backends())("returns on %s", (backend) => {
  let t: TestServer;
  let closed: TestServer;
  let staff: { id: string; token: string };
  let alice: { id: string; token: string };
  let bob: { token: string };
  let receiver: Receiver;
  const parts = testPaymentMethod({ identifier: "parts", orderPayment: false });

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [parts.method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,parts", WEBHOOK_ALLOW_PRIVATE: "on" },
    });
    closed = await startTestServer(backend, { env: { RETURN_WINDOW_DAYS: "0" } });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await closed?.close();
    await receiver?.close();
  });

  /** A paid order of alice's (paid in `payments` parts), every unit shipped. */
  async function shipped(payments = ["31.00"], over: Partial<CreateOrderInput> = {}, server = t) {
    const token =
      server === t ? staff.token : (await server.user(`s${Math.random()}@example.com`, { staff: true })).token;
    const o = await server.order(
      { ...SHOP, status: "PROCESSING", userId: server === t ? alice.id : null, ...over },
      { token },
    );
    for (const [i, amount] of payments.entries())
      await server.ok(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount, transactionId: `${over.email ?? "tx"}-${o.ref}-${i}`, paymentMethod: "parts" } },
        { token },
      );
    const r = await server.ok(
      CreateShipmentDocument,
      {
        ref: o.ref,
        input: {
          lines: o.items.map((i) => ({ itemId: i.id, quantity: i.quantity })),
          carrier: "DHL",
          trackingNumber: "1",
        },
      },
      { token },
    );
    expect(r.createShipment.__typename).toBe("OrderShipment");
    return { ...o, tea: o.items[0].id, cup: o.items[1].id, staffToken: token };
  }
  const request = (
    ref: string,
    lines: RequestReturnInput["lines"],
    token: string | null = alice.token,
    orderToken?: string,
  ) => t.gql(RequestReturnDocument, { ref, input: { lines, reason: "Too many" }, token: orderToken }, { token });
  const state = async (ref: string, token = staff.token) =>
    (await t.ok(OrderReturnsDocument, { ref }, { token })).order!;
  async function through(ref: string, returnId: string, restock = true) {
    const items = (await state(ref)).returns.find((r) => r.id === returnId)!.lines.map((l) => l.itemId);
    await t.ok(ApproveReturnDocument, { ref, returnId, note: "ok" }, { token: staff.token });
    await t.ok(
      ReceiveReturnDocument,
      { ref, returnId, input: { lines: items.map((itemId) => ({ itemId, restock })) } },
      { token: staff.token },
    );
    return t.ok(RefundReturnDocument, { ref, returnId }, { token: staff.token });
  }

  it("requested, approved, received and refunded: the share of what was paid, and the rest to the cent", async () => {
    const hook = await t.ok(
      CreateWebhookDocument,
      { input: { url: `${receiver.url}/stock`, events: ["RETURN_RECEIVED"] } },
      { token: staff.token },
    );
    expect(hook.createWebhook.__typename).toBe("WebhookCreated");
    const o = await shipped();
    const asked = await request(o.ref, [{ itemId: o.tea, quantity: 1 }]);
    expect(asked.data!.requestReturn).toMatchObject({
      __typename: "OrderReturn",
      status: "REQUESTED",
      reason: "Too many",
      lines: [{ itemId: o.tea, quantity: 1, restock: null, item: { name: "Tea" } }],
      requestedBy: null, // alice does not see who asked
    });
    const returnId = (asked.data!.requestReturn as { id: string }).id;
    const approved = await t.ok(
      ApproveReturnDocument,
      { ref: o.ref, returnId, note: "Box dented" },
      { token: staff.token },
    );
    expect(approved.approveReturn).toMatchObject({
      status: "APPROVED",
      staffNote: "Box dented",
      requestedBy: { id: alice.id },
    });
    const received = await t.ok(
      ReceiveReturnDocument,
      { ref: o.ref, returnId, input: { lines: [{ itemId: o.tea, restock: true }], note: "Fine" } },
      { token: staff.token },
    );
    expect(received.receiveReturn).toMatchObject({ status: "RECEIVED", lines: [{ itemId: o.tea, restock: true }] });
    const refunded = await t.ok(RefundReturnDocument, { ref: o.ref, returnId }, { token: staff.token });
    // 31.00 × 6.00 / 26.00 = 7.1538… → 7.15
    expect(refunded.refundReturn).toMatchObject({
      __typename: "OrderReturn",
      status: "REFUNDED",
      amountRefunded: "7.15",
    });
    let s = await state(o.ref);
    expect(s).toMatchObject({ status: "SHIPPED", amountRefunded: "7.15" });
    expect(s.refunds).toEqual([expect.objectContaining({ amount: "7.15", reason: `Return ${returnId}` })]);
    expect(s.items.map((i) => [i.quantityShipped, i.quantityReturned])).toEqual([
      [3, 1],
      [1, 0],
    ]);
    const events = s.history.nodes.filter((e) => e.type.startsWith("RETURN_"));
    expect(events).toEqual([
      {
        type: "RETURN_REQUESTED",
        public: true,
        message: "Too many",
        returnId,
        lines: [{ itemId: o.tea, quantity: 1, restock: null }],
      },
      { type: "RETURN_APPROVED", public: true, message: "Box dented", returnId, lines: null },
      {
        type: "RETURN_RECEIVED",
        public: true,
        message: "Fine",
        returnId,
        lines: [{ itemId: o.tea, quantity: 1, restock: true }],
      },
    ]);
    const seen = await state(o.ref, alice.token);
    expect(seen.returns[0]).toMatchObject({ staffNote: null, requestedBy: null, amountRefunded: "7.15" });
    expect(seen.history.nodes.filter((e) => e.type.startsWith("RETURN_")).map((e) => e.message)).toEqual([
      "Too many",
      null,
      null,
    ]);

    // The rest, in one return: exactly what is left of 31.00, and the order is REFUNDED.
    const rest = await request(o.ref, [
      { itemId: o.tea, quantity: 2 },
      { itemId: o.cup, quantity: 1 },
    ]);
    const last = await through(o.ref, (rest.data!.requestReturn as { id: string }).id, false);
    expect(last.refundReturn).toMatchObject({ status: "REFUNDED", amountRefunded: "23.85" });
    s = await state(o.ref);
    expect(s).toMatchObject({ status: "REFUNDED", amountPaid: "31.00", amountRefunded: "31.00" });

    const stock = () =>
      receiver.received.filter((r) => r.path === "/stock" && JSON.parse(r.body).data.orderRef === o.ref);
    await waitFor(() => stock().length >= 2, "the RETURN_RECEIVED deliveries");
    expect(stock().map((r) => JSON.parse(r.body).data.lines)).toEqual([
      [{ itemId: o.tea, quantity: 1, restock: true }],
      [
        { itemId: o.tea, quantity: 2, restock: false },
        { itemId: o.cup, quantity: 1, restock: false },
      ],
    ]);
  });

  it("apportions unit by unit, to the cent, across payments newest first, and never beyond what was paid", async () => {
    const o = await shipped(["11.00", "20.00"]);
    const ids: string[] = [];
    for (const quantity of [1, 1, 1]) {
      const r = await request(o.ref, [{ itemId: o.tea, quantity }]);
      ids.push((r.data!.requestReturn as { id: string }).id);
    }
    const cup = await request(o.ref, [{ itemId: o.cup, quantity: 1 }]);
    ids.push((cup.data!.requestReturn as { id: string }).id);
    const amounts: string[] = [];
    for (const id of ids) {
      const r = await through(o.ref, id);
      amounts.push((r.refundReturn as { amountRefunded: string }).amountRefunded);
    }
    // 31 × 6/26 = 7.1538…: 7.15, then 14.31 − 7.15 = 7.16, then 21.46 − 14.31 = 7.15, then the rest.
    expect(amounts).toEqual(["7.15", "7.16", "7.15", "9.54"]);
    const s = await state(o.ref);
    expect(s.amountRefunded).toBe("31.00");
    expect(s.status).toBe("REFUNDED");
    // newest payment first: the 20.00 payment is used up before the 11.00 one is touched
    const byPayment = s.refunds.map((r) => [r.payment.id, r.amount]);
    expect(byPayment[0][1]).toBe("7.15");
    expect(new Set(byPayment.slice(0, 2).map((p) => p[0])).size).toBe(1);
  });

  it("a declined return gives its units back; its reason is public", async () => {
    const o = await shipped();
    const r = await request(o.ref, [{ itemId: o.tea, quantity: 3 }]);
    const returnId = (r.data!.requestReturn as { id: string }).id;
    const more = await request(o.ref, [{ itemId: o.tea, quantity: 1 }]);
    expect(more.data!.requestReturn).toMatchObject({
      __typename: "QuantityNotAvailableError",
      field: "lines.0.quantity",
      itemId: o.tea,
      available: 0,
    });
    const declined = await t.ok(
      DeclineReturnDocument,
      { ref: o.ref, returnId, reason: "Opened packs" },
      { token: staff.token },
    );
    expect(declined.declineReturn).toMatchObject({ status: "DECLINED", declineReason: "Opened packs" });
    const seen = await state(o.ref, alice.token);
    expect(seen.returns[0].declineReason).toBe("Opened packs");
    expect(seen.history.nodes.find((e) => e.type === "RETURN_DECLINED")!.message).toBe("Opened packs");
    const again = await request(o.ref, [{ itemId: o.tea, quantity: 3 }]);
    expect(again.data!.requestReturn.__typename).toBe("OrderReturn");
  });

  it("refuses what does not fit, out of order steps, closed windows and strangers, writing nothing", async () => {
    const o = await shipped();
    const unshipped = await t.order({ ...SHOP, status: "PROCESSING", userId: alice.id }, { token: staff.token });
    const none = await request(unshipped.ref, [{ itemId: unshipped.items[0].id, quantity: 1 }]);
    expect(none.data!.requestReturn).toMatchObject({ __typename: "QuantityNotAvailableError", available: 0 });
    const tooMany = await request(o.ref, [{ itemId: o.tea, quantity: 4 }]);
    expect(tooMany.data!.requestReturn).toMatchObject({
      __typename: "QuantityNotAvailableError",
      errorCode: "QUANTITY_NOT_AVAILABLE_ERROR",
      message: "At most 3 of this item can be returned.",
      available: 3,
    });
    for (const [lines, field] of [
      [[{ itemId: unshipped.items[0].id, quantity: 1 }], "lines.0.itemId"],
      [[{ itemId: o.tea, quantity: 0 }], "lines.0.quantity"],
      [[], "lines"],
    ] as const) {
      const r = await request(o.ref, [...lines]);
      expect(r.data!.requestReturn).toMatchObject({ __typename: "InvalidOrderInputError", field });
    }
    const blank = await t.gql(
      RequestReturnDocument,
      { ref: o.ref, input: { lines: [{ itemId: o.tea, quantity: 1 }], reason: " " } },
      { token: alice.token },
    );
    expect(blank.data!.requestReturn).toMatchObject({ __typename: "InvalidOrderInputError", field: "reason" });
    expect((await request(o.ref, [{ itemId: o.tea, quantity: 1 }], bob.token)).errors![0].extensions!.code).toBe(
      "NOT_FOUND",
    );
    expect((await request(o.ref, [{ itemId: o.tea, quantity: 1 }], null)).errors![0].extensions!.code).toBe(
      "NOT_FOUND",
    );
    expect((await state(o.ref)).returns).toEqual([]);

    const guest = await request(o.ref, [{ itemId: o.tea, quantity: 1 }], null, o.token);
    const returnId = (guest.data!.requestReturn as { id: string }).id;
    const step = async (doc: "receive" | "refund") =>
      doc === "receive"
        ? (
            await t.ok(
              ReceiveReturnDocument,
              { ref: o.ref, returnId, input: { lines: [{ itemId: o.tea, restock: true }] } },
              { token: staff.token },
            )
          ).receiveReturn
        : (await t.ok(RefundReturnDocument, { ref: o.ref, returnId }, { token: staff.token })).refundReturn;
    expect(await step("receive")).toMatchObject({
      __typename: "InvalidReturnTransitionError",
      errorCode: "INVALID_RETURN_TRANSITION_ERROR",
      message: "A return with status 'Requested' cannot become 'Received'.",
      returnId,
      fromStatus: "REQUESTED",
      toStatus: "RECEIVED",
    });
    expect(await step("refund")).toMatchObject({ __typename: "InvalidReturnTransitionError", toStatus: "REFUNDED" });
    const approve = await t.gql(ApproveReturnDocument, { ref: o.ref, returnId }, { token: alice.token });
    expect(approve.errors![0].extensions!.code).toBe("FORBIDDEN");
    await t.ok(ApproveReturnDocument, { ref: o.ref, returnId }, { token: staff.token });
    const twice = await t.ok(ApproveReturnDocument, { ref: o.ref, returnId }, { token: staff.token });
    expect(twice.approveReturn).toMatchObject({ fromStatus: "APPROVED", toStatus: "APPROVED" });
    const wrongLines = await t.ok(
      ReceiveReturnDocument,
      { ref: o.ref, returnId, input: { lines: [{ itemId: o.cup, restock: true }] } },
      { token: staff.token },
    );
    expect(wrongLines.receiveReturn).toMatchObject({ __typename: "InvalidOrderInputError", field: "lines.0.itemId" });
    const other = await shipped();
    const foreign = await t.ok(ApproveReturnDocument, { ref: other.ref, returnId }, { token: staff.token });
    expect(foreign.approveReturn).toMatchObject({ __typename: "InvalidOrderInputError", field: "returnId" });
    expect((await state(o.ref)).returns[0].status).toBe("APPROVED");

    const late = await shipped(["31.00"], {}, closed);
    const r = await closed.gql(RequestReturnDocument, {
      ref: late.ref,
      input: { lines: [{ itemId: late.tea, quantity: 1 }], reason: "Late" },
      token: late.token,
    });
    expect(r.data!.requestReturn).toMatchObject({
      __typename: "ReturnWindowClosedError",
      errorCode: "RETURN_WINDOW_CLOSED_ERROR",
      field: "lines.0.itemId",
      itemId: late.tea,
      windowDays: 0,
    });
  });

  it("a method that fails: RefundFailedError, nothing refunded, the return stays RECEIVED", async () => {
    const o = await shipped(["31.00"], { email: "no-refund@example.com" });
    const r = await request(o.ref, [{ itemId: o.cup, quantity: 1 }]);
    const returnId = (r.data!.requestReturn as { id: string }).id;
    const failed = await through(o.ref, returnId);
    expect(failed.refundReturn).toMatchObject({ __typename: "RefundFailedError", paymentMethod: "parts" });
    const s = await state(o.ref);
    expect(s.returns[0]).toMatchObject({ status: "RECEIVED", amountRefunded: "0.00" });
    expect(s.amountRefunded).toBe("0.00");
    expect(s.refunds).toEqual([]);
  });

  it("a refund that fails part-way across two payments: recorded once, the rest owed, a retry gives only the rest", async () => {
    // Paid 31.00, then an edit raises the total to 39.00 (a second cup) and the 8.00 it owes is paid
    // by a second payment.
    const o = await t.order({ ...SHOP, status: "PROCESSING", userId: alice.id }, { token: staff.token });
    const [tea, cup] = [o.items[0].id, o.items[1].id];
    const [first, second] = [`two-first-${o.ref}`, `two-second-${o.ref}`];
    const pay = (amount: string, transactionId: string) =>
      t.ok(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount, transactionId, paymentMethod: "parts" } },
        { token: staff.token },
      );
    await pay("31.00", first);
    const edited = await t.ok(
      CommitOrderEditDocument,
      {
        ref: o.ref,
        input: {
          changes: { changeItems: [{ itemId: cup, quantity: 2 }] },
          expectedTotal: "39.00",
          overpayment: "KEEP",
        },
      },
      { token: staff.token },
    );
    expect(edited.commitOrderEdit).toMatchObject({
      order: { total: "39.00", amountOutstanding: "8.00", isPaid: false },
    });
    await pay("8.00", second);
    const shipped = await t.ok(
      CreateShipmentDocument,
      {
        ref: o.ref,
        input: {
          lines: [
            { itemId: tea, quantity: 3 },
            { itemId: cup, quantity: 2 },
          ],
          carrier: "DHL",
          trackingNumber: "2",
        },
      },
      { token: staff.token },
    );
    expect(shipped.createShipment.__typename).toBe("OrderShipment");
    let s = await state(o.ref);
    expect(s).toMatchObject({ total: "39.00", amountPaid: "39.00", isPaid: true, amountOutstanding: "0.00" });

    // A tea and both cups: 39.00 × 22.00 / 34.00 = 25.2352… → 25.24, newest payment first: 8.00 of
    // the second payment, then 17.24 of the first, whose method fails.
    const asked = await request(o.ref, [
      { itemId: tea, quantity: 1 },
      { itemId: cup, quantity: 2 },
    ]);
    const returnId = (asked.data!.requestReturn as { id: string }).id;
    parts.failOn([first]);
    const failed = await through(o.ref, returnId);
    expect(failed.refundReturn).toMatchObject({
      __typename: "RefundFailedError",
      errorCode: "REFUND_FAILED_ERROR",
      paymentMethod: "parts",
    });
    expect((failed.refundReturn as { message: string }).message).toMatch(/8\.00 .*given back.*17\.24 is still owed/);
    s = await state(o.ref);
    expect(s.returns[0]).toMatchObject({ status: "RECEIVED", amountRefunded: "8.00", amountToRefund: "17.24" });
    expect(s).toMatchObject({ status: "SHIPPED", amountPaid: "39.00", amountRefunded: "8.00" });
    const payments = s.refunds.map((r) => r.payment.id);
    expect(s.refunds.map((r) => [r.amount, r.reason])).toEqual([["8.00", `Return ${returnId}`]]);
    expect(s.history.nodes.filter((e) => e.type === "PAYMENT_REFUNDED")).toHaveLength(1);
    expect(s.history.nodes.filter((e) => e.type === "REFUND_FAILED")).toEqual([
      expect.objectContaining({ public: false }),
    ]);
    // the customer sees what is still owed, not the method's words
    const seen = await state(o.ref, alice.token);
    expect(seen.returns[0]).toMatchObject({ status: "RECEIVED", amountToRefund: "17.24" });
    expect(seen.history.nodes.some((e) => e.type === "REFUND_FAILED")).toBe(false);

    // The retry asks the first payment for the rest only; then never again.
    parts.failOn([]);
    const retried = await t.ok(RefundReturnDocument, { ref: o.ref, returnId }, { token: staff.token });
    expect(retried.refundReturn).toMatchObject({
      __typename: "OrderReturn",
      status: "REFUNDED",
      amountRefunded: "25.24",
      amountToRefund: "0.00",
    });
    const again = await t.ok(RefundReturnDocument, { ref: o.ref, returnId }, { token: staff.token });
    expect(again.refundReturn).toMatchObject({ __typename: "InvalidReturnTransitionError", fromStatus: "REFUNDED" });
    s = await state(o.ref);
    expect(s.refunds.map((r) => r.amount)).toEqual(["8.00", "17.24"]);
    expect(s.refunds[1].payment.id).not.toBe(payments[0]);
    expect(s.amountRefunded).toBe("25.24");

    // The rest of the goods: what is left of 39.00, to the cent, and the order is REFUNDED.
    const rest = await request(o.ref, [{ itemId: tea, quantity: 2 }]);
    const last = await through(o.ref, (rest.data!.requestReturn as { id: string }).id);
    expect(last.refundReturn).toMatchObject({ status: "REFUNDED", amountRefunded: "13.76" });
    s = await state(o.ref);
    expect(s).toMatchObject({ status: "REFUNDED", amountPaid: "39.00", amountRefunded: "39.00" });
    expect(s.refunds.map((r) => r.amount)).toEqual(["8.00", "17.24", "13.76"]);
    // What the method was asked, by payment: the second payment once; the first, the failed try and
    // the two that went through, 31.00 in all.
    const asks = parts.refunds.filter((r) => r.transactionId === first || r.transactionId === second);
    expect(asks).toEqual([
      { transactionId: second, amount: "8.00" },
      { transactionId: first, amount: "17.24" },
      { transactionId: first, amount: "17.24" },
      { transactionId: first, amount: "13.76" },
    ]);
  });

  it("refunds never change isPaid: a never-edited order keeps the ancestor's balance, REFUNDED and paid", async () => {
    const o = await shipped();
    const r = await request(o.ref, [{ itemId: o.cup, quantity: 1 }]);
    await through(o.ref, (r.data!.requestReturn as { id: string }).id);
    // 31.00 × 8.00 / 26.00 = 9.5384… → 9.54 given back for the cup
    let s = await state(o.ref);
    expect(s).toMatchObject({ amountRefunded: "9.54", isPaid: true, amountOutstanding: "0.00" });
    const all = await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token });
    expect(all.refundOrder.__typename).not.toMatch(/Error$/);
    s = await state(o.ref);
    expect(s).toMatchObject({
      status: "REFUNDED",
      total: "31.00",
      amountPaid: "31.00",
      amountRefunded: "31.00",
      isPaid: true,
      amountOutstanding: "0.00",
    });
  });

  it("a page of orders with what their received returns are owed costs the same statements for 2 orders as for 6", async () => {
    for (let i = 0; i < 6; i++) {
      const o = await shipped();
      const r = await request(o.ref, [{ itemId: o.cup, quantity: 1 }]);
      const returnId = (r.data!.requestReturn as { id: string }).id;
      await t.ok(ApproveReturnDocument, { ref: o.ref, returnId }, { token: staff.token });
      await t.ok(
        ReceiveReturnDocument,
        { ref: o.ref, returnId, input: { lines: [{ itemId: o.cup, restock: true }] } },
        { token: staff.token },
      );
    }
    const cost = async (first: number) => {
      t.statements.length = 0;
      const r = await t.ok(PageReturnsDocument, { first }, { token: staff.token });
      // 31.00 × 8.00 / 26.00 = 9.5384… → 9.54 owed for each cup
      expect(r.allOrders.nodes.map((n) => n.returns)).toEqual(
        Array.from({ length: first }, () => [expect.objectContaining({ status: "RECEIVED", amountToRefund: "9.54" })]),
      );
      return t.statements.filter((sql) => !/"(Webhook\w*|OrderEvent)"|^\s*(BEGIN|COMMIT|ROLLBACK)\b/.test(sql)).length;
    };
    const small = await cost(2);
    expect(await cost(6)).toBe(small);
  });

  // README, "Paid, owed and refunded": a return's refund pays back goods that stay in the total.
  it("a return's refund never makes an edited order owe, nor a later edit charge its goods again", async () => {
    const o = await t.order({ ...SHOP, status: "PROCESSING", userId: alice.id }, { token: staff.token });
    const [tea, cup] = [o.items[0].id, o.items[1].id];
    const pay = (amount: string, i: number) =>
      t.ok(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount, transactionId: `owe-${o.ref}-${i}`, paymentMethod: "parts" } },
        { token: staff.token },
      );
    const edit = (quantity: number, expectedTotal: string) =>
      t.ok(
        CommitOrderEditDocument,
        {
          ref: o.ref,
          input: { changes: { changeItems: [{ itemId: cup, quantity }] }, expectedTotal, overpayment: "KEEP" },
        },
        { token: staff.token },
      );
    await pay("31.00", 0);
    await edit(2, "39.00");
    await pay("8.00", 1);
    await t.ok(
      CreateShipmentDocument,
      { ref: o.ref, input: { lines: [{ itemId: tea, quantity: 1 }], carrier: "DHL", trackingNumber: "3" } },
      { token: staff.token },
    );
    const r = await request(o.ref, [{ itemId: tea, quantity: 1 }]);
    // 39.00 × 6.00 / 34.00 = 6.88 back for the tea
    const refunded = await through(o.ref, (r.data!.requestReturn as { id: string }).id);
    expect(refunded.refundReturn).toMatchObject({ status: "REFUNDED", amountRefunded: "6.88" });
    expect(await state(o.ref)).toMatchObject({ isPaid: true, amountOutstanding: "0.00" });
    // a third cup: 8.00 more is owed, not 8.00 + the tea's 6.88
    const more = await edit(3, "47.00");
    expect(more.commitOrderEdit).toMatchObject({ order: { amountOutstanding: "8.00", isPaid: false } });
  });

  it("an edit's settlement refund is not taken off the returned goods' share again", async () => {
    const o = await t.order({ ...SHOP, status: "PROCESSING", userId: alice.id }, { token: staff.token });
    const [tea, cup] = [o.items[0].id, o.items[1].id];
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "31.00", transactionId: `settled-${o.ref}`, paymentMethod: "parts" } },
      { token: staff.token },
    );
    // one tea less: 25.00, and the 6.00 is given back
    const edited = await t.ok(
      CommitOrderEditDocument,
      {
        ref: o.ref,
        input: {
          changes: { changeItems: [{ itemId: tea, quantity: 2 }] },
          expectedTotal: "25.00",
          overpayment: "REFUND",
        },
      },
      { token: staff.token },
    );
    expect(edited.commitOrderEdit).toMatchObject({ order: { amountRefunded: "6.00", amountOutstanding: "0.00" } });
    await t.ok(
      CreateShipmentDocument,
      {
        ref: o.ref,
        input: {
          lines: [
            { itemId: tea, quantity: 2 },
            { itemId: cup, quantity: 1 },
          ],
          carrier: "DHL",
          trackingNumber: "4",
        },
      },
      { token: staff.token },
    );
    // 25.00 paid for 20.00 of goods: the cup is 25.00 × 8.00 / 20.00 = 10.00, the teas the other 15.00
    const first = await request(o.ref, [{ itemId: cup, quantity: 1 }]);
    const cupBack = await through(o.ref, (first.data!.requestReturn as { id: string }).id);
    expect(cupBack.refundReturn).toMatchObject({ status: "REFUNDED", amountRefunded: "10.00" });
    const second = await request(o.ref, [{ itemId: tea, quantity: 2 }]);
    const teasBack = await through(o.ref, (second.data!.requestReturn as { id: string }).id);
    expect(teasBack.refundReturn).toMatchObject({ status: "REFUNDED", amountRefunded: "15.00" });
    expect(await state(o.ref)).toMatchObject({
      status: "REFUNDED",
      amountRefunded: "31.00",
      isPaid: true,
      amountOutstanding: "0.00",
    });
  });

  it("an Idempotency-Key asks once", async () => {
    const o = await shipped();
    const send = () =>
      t.gql(
        RequestReturnDocument,
        { ref: o.ref, input: { lines: [{ itemId: o.tea, quantity: 1 }], reason: "Once" } },
        { token: alice.token, headers: { "idempotency-key": `return-${o.ref}` } },
      );
    const answers = [await send(), await send()];
    expect(answers.map((a) => a.data!.requestReturn.__typename)).toEqual(["OrderReturn", "OrderReturn"]);
    expect((await state(o.ref)).returns).toHaveLength(1);
  });
});
