/**
 * Order edits over HTTP on a real database: preview and commit, the totals createOrder would give,
 * the settlement to the cent (owed and paid through payOrder, refunded newest payment first, or kept),
 * every refusal, and ORDER_EDITED in history, subscriptions and webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeOrderStatusDocument,
  CommitOrderEditDocument,
  CreateShipmentDocument,
  CreateWebhookDocument,
  EditedOrderDocument,
  PayOrderDocument,
  PreviewOrderEditDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
  type CommitOrderEditInput,
  type CreateOrderInput,
  type OrderEditInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";
import { signatureIsValid, startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { connectSubscriber, type Subscriber } from "../helpers/subscriber.js";

const item = (unitPrice: string, quantity = 1, name = "Mug") => ({
  productType: "shop.Product",
  productId: name.toLowerCase(),
  product: { name, code: name.toUpperCase() },
  unitPrice,
  quantity,
});

describe.each(backends())("order edits on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let alice: { id: string; token: string };
  let receiver: Receiver;
  let subscriber: Subscriber | undefined;
  const parts = testPaymentMethod({ identifier: "parts", label: "Parts Pay", orderPayment: false });

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer(backend, {
      paymentMethods: [parts.method],
      env: {
        PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,parts",
        PAYMENT_TIMEOUT_MS: "2000",
        WEBHOOK_ALLOW_PRIVATE: "on",
      },
    });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
  });
  afterAll(async () => {
    await subscriber?.dispose().catch(() => {});
    await t?.close();
    await receiver?.close();
  });

  const order = (over: Partial<CreateOrderInput> = {}) =>
    t.order(
      { items: [item("10.00", 2), item("5.00", 1, "Plate")], status: "PROCESSING", ...over },
      { token: staff.token },
    );
  const preview = (ref: string, changes: OrderEditInput, token = staff.token) =>
    t.gql(PreviewOrderEditDocument, { ref, changes }, { token });
  const commit = (ref: string, input: CommitOrderEditInput, token = staff.token, headers?: Record<string, string>) =>
    t.gql(CommitOrderEditDocument, { ref, input }, { token, headers });
  const state = async (ref: string) => (await t.ok(EditedOrderDocument, { ref }, { token: staff.token })).order!;
  const pay = (ref: string, amount: string, transactionId: string) =>
    t.ok(
      RecordOrderPaymentDocument,
      { ref, input: { amount, transactionId, paymentMethod: "parts" } },
      { token: staff.token },
    );
  /** Previews, then commits what was previewed with the total and version it showed. */
  async function edit(ref: string, changes: OrderEditInput, overpayment: "REFUND" | "KEEP" = "KEEP") {
    const p = (await preview(ref, changes)).data!.previewOrderEdit;
    if (p.__typename !== "OrderEditPreview") throw new Error(JSON.stringify(p));
    const r = (
      await commit(ref, { changes, expectedTotal: p.after.total, expectedVersion: p.editVersion, overpayment })
    ).data!.commitOrderEdit;
    return { preview: p, result: r };
  }

  it("previews new lines, totals and settlement and writes nothing", async () => {
    const o = await order({ extraRows: [{ label: "Shipping", amount: "4.90" }] });
    const [mug, plate] = o.items;
    const before = await state(o.ref);
    const r = await preview(o.ref, {
      changeItems: [{ itemId: mug.id, quantity: 3, unitPrice: "9.50" }],
      removeItems: [plate.id],
      addItems: [item("0.34", 3, "Spoon")],
      extraRows: [{ label: "Shipping", amount: "0.00" }],
    });
    expect(r.errors).toBeUndefined();
    const p = r.data!.previewOrderEdit;
    expect(p).toMatchObject({
      __typename: "OrderEditPreview",
      editVersion: 0,
      order: { ref: o.ref, total: "29.90", editVersion: 0 },
      before: { subtotal: "25.00", total: "29.90" },
      after: {
        items: [
          { itemId: mug.id, quantity: 3, unitPrice: "9.50", subtotal: "28.50", total: "28.50" },
          { itemId: null, name: "Spoon", quantity: 3, unitPrice: "0.34", subtotal: "1.02", total: "1.02" },
        ],
        extraRows: [{ label: "Shipping", amount: "0.00" }],
        subtotal: "29.52",
        total: "29.52",
      },
      // nothing was paid: all of the new total is owed
      settlement: { netPaid: "0.00", difference: "29.52", amountOutstanding: "29.52", amountRefunded: "0.00" },
    });
    expect(await state(o.ref)).toEqual(before);
  });

  it("recomputes totals exactly as createOrder does", async () => {
    const lines = [
      item("0.34", 3, "A"),
      item("19.99", 7, "B"),
      { ...item("2.50", 2, "C"), extraRows: [{ label: "Gift wrap", amount: "1.25" }] },
    ];
    const extraRows = [
      { label: "Discount", amount: "-3.33" },
      { label: "Shipping", amount: "4.90" },
    ];
    const made = await t.order({ items: lines, extraRows }, { token: staff.token });
    const o = await order();
    const { result } = await edit(o.ref, { removeItems: o.items.map((i) => i.id), addItems: lines, extraRows });
    expect(result).toMatchObject({ __typename: "CommittedOrderEdit" });
    if (result.__typename !== "CommittedOrderEdit") return;
    expect(result.order).toMatchObject({ subtotal: made.subtotal, total: made.total });
    expect(result.order.items.map((i) => [i.unitPrice, i.quantity, i.subtotal, i.total])).toEqual(
      made.items.map((i) => [i.unitPrice, i.quantity, i.subtotal, i.total]),
    );
  });

  it("a higher total is owed, and payOrder takes exactly that, in PROCESSING too", async () => {
    const o = await order({ status: "CREATED" });
    // paid in full by card: 25.00, and the order is PROCESSING
    const first = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token });
    const url = (first.payOrder as { url: string }).url;
    expect((await fetch(url, { method: "POST" })).status).toBe(200);
    expect(await state(o.ref)).toMatchObject({ status: "PROCESSING", isPaid: true, amountOutstanding: "0.00" });

    const { result } = await edit(o.ref, { changeItems: [{ itemId: o.items[1].id, quantity: 3 }] });
    expect(result).toMatchObject({
      __typename: "CommittedOrderEdit",
      order: {
        status: "PROCESSING",
        total: "35.00",
        isPaid: false,
        amountOutstanding: "10.00",
        amountOverpaid: "0.00",
        editVersion: 1,
      },
      edit: {
        version: 1,
        settlement: {
          netPaid: "25.00",
          difference: "10.00",
          amountOutstanding: "10.00",
          amountRefunded: "0.00",
          amountOverpaid: "0.00",
        },
      },
      refunds: [],
    });
    const again = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token });
    expect(again.payOrder.__typename).toBe("PaymentRedirect");
    expect((await fetch((again.payOrder as { url: string }).url, { method: "POST" })).status).toBe(200);
    const s = await state(o.ref);
    expect(s).toMatchObject({ isPaid: true, amountPaid: "35.00", amountOutstanding: "0.00", amountOverpaid: "0.00" });
    expect(s.payments.map((p) => p.amount)).toEqual(["25.00", "10.00"]);
    const started = s.history.edges.map((e) => e.node).filter((e) => e.type === "PAYMENT_STARTED");
    expect(started.map((e) => e.amount)).toEqual(["25.00", "10.00"]);
    // paid: nothing more to pay
    const third = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token });
    expect(third.payOrder).toMatchObject({ __typename: "OrderAlreadyPaidError" });
    // a bank transfer asks for what is owed too; an order never edited stays unpayable in PROCESSING
    await edit(o.ref, { changeItems: [{ itemId: o.items[1].id, quantity: 4 }] });
    const transfer = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "pay-in-advance", token: o.token });
    expect(transfer.payOrder).toMatchObject({ __typename: "PaymentRedirect", data: { amount: "5.00" } });
    const never = await order();
    const refused = await t.ok(PayOrderDocument, { ref: never.ref, paymentMethod: "credit-card", token: never.token });
    expect(refused.payOrder).toMatchObject({
      __typename: "OrderNotPayableError",
      message: "Payment for order with status 'Processing' is not allowed.",
    });
  });

  it("a lower total is refunded newest payment first, to the cent, when the caller says REFUND", async () => {
    const o = await order(); // 25.00
    await pay(o.ref, "20.00", "old-1");
    await pay(o.ref, "5.00", "new-1");
    const calls = parts.refunds.length;
    const { preview: p, result } = await edit(
      o.ref,
      { changeItems: [{ itemId: o.items[0].id, unitPrice: "1.00" }] },
      "REFUND",
    );
    expect(p.settlement).toEqual({
      netPaid: "25.00",
      difference: "-18.00",
      amountOutstanding: "0.00",
      amountRefunded: "18.00",
      amountOverpaid: "18.00",
    });
    expect(parts.refunds.slice(calls)).toEqual([
      { transactionId: "new-1", amount: "5.00" },
      { transactionId: "old-1", amount: "13.00" },
    ]);
    expect(result).toMatchObject({
      __typename: "CommittedOrderEdit",
      order: {
        total: "7.00",
        amountPaid: "25.00",
        amountRefunded: "18.00",
        amountOutstanding: "0.00",
        amountOverpaid: "0.00",
        isPaid: true,
      },
      edit: { overpayment: "REFUND", settlement: { amountRefunded: "18.00", amountOverpaid: "0.00" } },
      refunds: [
        { amount: "5.00", transactionId: "re_new-1" },
        { amount: "13.00", transactionId: "re_old-1" },
      ],
    });
    const s = await state(o.ref);
    expect(s.status).toBe("PROCESSING");
    expect(s.payments.map((x) => x.amountRefunded)).toEqual(["13.00", "5.00"]);
    const types = s.history.edges.map((e) => e.node.type);
    expect(types.slice(-3)).toEqual(["PAYMENT_REFUNDED", "PAYMENT_REFUNDED", "ORDER_EDITED"]);
    // a later edit up owes against what was paid net of refunds
    const up = await edit(o.ref, { changeItems: [{ itemId: o.items[0].id, unitPrice: "2.00" }] });
    expect(up.result).toMatchObject({ order: { total: "9.00", amountOutstanding: "2.00", isPaid: false } });
  });

  it("or keeps it as amountOverpaid, for staff to refund later", async () => {
    const o = await order();
    await pay(o.ref, "25.00", "keep-1");
    const calls = parts.refunds.length;
    const { result } = await edit(o.ref, { removeItems: [o.items[1].id] }, "KEEP");
    expect(parts.refunds.length).toBe(calls);
    expect(result).toMatchObject({
      order: { total: "20.00", amountOutstanding: "-5.00", amountOverpaid: "5.00", isPaid: true },
      edit: {
        overpayment: "KEEP",
        settlement: { difference: "-5.00", amountRefunded: "0.00", amountOverpaid: "5.00" },
      },
      refunds: [],
    });
    const paymentId = (await state(o.ref)).payments[0].id;
    await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId, amount: "5.00" } },
      { token: staff.token },
    );
    expect(await state(o.ref)).toMatchObject({
      amountOverpaid: "0.00",
      amountOutstanding: "0.00",
      status: "PROCESSING",
    });
  });

  it("a refund that fails first changes nothing; one that fails later keeps what was given back", async () => {
    const o = await order();
    await pay(o.ref, "20.00", "ok-2");
    await pay(o.ref, "5.00", "no-2"); // newest: refused by the method
    const before = await state(o.ref);
    const changes = { removeItems: [o.items[1].id] };
    const r = await commit(o.ref, { changes, expectedTotal: "20.00", overpayment: "REFUND" });
    expect(r.data!.commitOrderEdit).toMatchObject({
      __typename: "RefundFailedError",
      errorCode: "REFUND_FAILED_ERROR",
      paymentMethod: "parts",
    });
    const after = await state(o.ref);
    expect(after).toMatchObject({ total: before.total, editVersion: 0, amountRefunded: "0.00" });
    const failed = after.history.edges.map((e) => e.node).filter((e) => e.type === "REFUND_FAILED");
    expect(failed).toHaveLength(1);
    expect(failed[0].public).toBe(false);

    const o2 = await order();
    await pay(o2.ref, "15.00", "no-3"); // oldest: refused
    await pay(o2.ref, "10.00", "ok-3");
    const r2 = await commit(o2.ref, {
      changes: { changeItems: [{ itemId: o2.items[0].id, quantity: 1 }] },
      expectedTotal: "15.00",
      overpayment: "REFUND",
    });
    // 10.00 wanted back: all of the newest payment, then nothing more was needed
    expect(r2.data!.commitOrderEdit).toMatchObject({
      __typename: "CommittedOrderEdit",
      refunds: [{ amount: "10.00" }],
    });
    const o3 = await order();
    await pay(o3.ref, "15.00", "no-4");
    await pay(o3.ref, "10.00", "ok-4");
    const r3 = await commit(o3.ref, {
      changes: { removeItems: [o3.items[0].id] },
      expectedTotal: "5.00",
      overpayment: "REFUND",
    });
    expect(r3.data!.commitOrderEdit).toMatchObject({
      __typename: "CommittedOrderEdit",
      order: { total: "5.00", amountRefunded: "10.00", amountOverpaid: "10.00" },
      edit: { settlement: { difference: "-20.00", amountRefunded: "10.00", amountOverpaid: "10.00" } },
      refunds: [{ amount: "10.00" }],
    });
  });

  it("refuses a commit when the order changed after the preview, and writes nothing", async () => {
    const o = await order();
    const changes = { changeItems: [{ itemId: o.items[0].id, quantity: 5 }] };
    const p = (await preview(o.ref, changes)).data!.previewOrderEdit;
    expect(p).toMatchObject({ after: { total: "55.00" }, editVersion: 0 });
    await edit(o.ref, { addItems: [item("1.00")] });
    const stale = await commit(o.ref, { changes, expectedTotal: "55.00", overpayment: "KEEP" });
    expect(stale.data!.commitOrderEdit).toMatchObject({
      __typename: "OrderChangedError",
      errorCode: "ORDER_CHANGED_ERROR",
      expectedTotal: "55.00",
      total: "56.00",
      editVersion: 1,
    });
    // the same total, but another edit came between: refused when the version is given
    const o2 = await order();
    const same = { changeItems: [{ itemId: o2.items[1].id, unitPrice: "6.00" }] };
    await edit(o2.ref, { addItems: [item("0.00", 1, "Free sample")] });
    const v = await commit(o2.ref, { changes: same, expectedTotal: "26.00", expectedVersion: 0, overpayment: "KEEP" });
    expect(v.data!.commitOrderEdit).toMatchObject({ __typename: "OrderChangedError", total: "26.00", editVersion: 1 });
    expect(await state(o2.ref)).toMatchObject({ total: "25.00", editVersion: 1 });
  });

  it("refuses bad changes naming the field, and statuses past processing, and writes nothing", async () => {
    const o = await order();
    const [a, b] = o.items;
    const cases: [OrderEditInput, string][] = [
      [{}, "changes"],
      [{ changeItems: [{ itemId: "999999", quantity: 2 }] }, "changes.changeItems.0.itemId"],
      [{ changeItems: [{ itemId: a.id, quantity: 0 }] }, "changes.changeItems.0.quantity"],
      [{ changeItems: [{ itemId: a.id, unitPrice: "-1" }] }, "changes.changeItems.0.unitPrice"],
      [{ changeItems: [{ itemId: a.id }] }, "changes.changeItems.0"],
      [{ changeItems: [{ itemId: a.id, quantity: 3 }], removeItems: [a.id] }, "changes.changeItems.0.itemId"],
      [{ removeItems: [a.id, b.id] }, "changes.removeItems"],
      [{ addItems: [{ ...item("1.00"), product: { name: "No code" } }] }, "changes.addItems.0.product.code"],
      [{ changeItems: [{ itemId: a.id, quantity: 2 }] }, "changes"], // leaves the order as it is
    ];
    for (const [changes, field] of cases) {
      const p = (await preview(o.ref, changes)).data!.previewOrderEdit;
      expect(p, field).toMatchObject({
        __typename: "InvalidOrderInputError",
        errorCode: "INVALID_ORDER_INPUT_ERROR",
        field,
      });
      const c = (await commit(o.ref, { changes, expectedTotal: "1.00", overpayment: "REFUND" })).data!.commitOrderEdit;
      expect(c, field).toMatchObject({ __typename: "InvalidOrderInputError", field });
    }
    // money that is not exactly an amount is refused before the edit is looked at, named by its path
    const ten = await preview(o.ref, { extraRows: [{ label: "x", amount: "ten" }] });
    expect(ten.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "changes.extraRows.0.amount" });
    const bad = await commit(o.ref, { changes: { removeItems: [b.id] }, expectedTotal: "twenty", overpayment: "KEEP" });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.expectedTotal" });

    for (const status of ["SHIPPED", "COMPLETED", "REFUNDED"] as const) {
      const s = await order();
      if (status === "COMPLETED")
        await t.ok(ChangeOrderStatusDocument, { ref: s.ref, status: "SHIPPED" }, { token: staff.token });
      await t.ok(ChangeOrderStatusDocument, { ref: s.ref, status }, { token: staff.token });
      const p = (await preview(s.ref, { removeItems: [s.items[1].id] })).data!.previewOrderEdit;
      expect(p).toMatchObject({ __typename: "OrderNotEditableError", errorCode: "ORDER_NOT_EDITABLE_ERROR", status });
      const c = (
        await commit(s.ref, { changes: { removeItems: [s.items[1].id] }, expectedTotal: "20.00", overpayment: "KEEP" })
      ).data!.commitOrderEdit;
      expect(c).toMatchObject({
        __typename: "OrderNotEditableError",
        status,
        message: expect.stringMatching(/can't be edited/),
      });
      expect(await state(s.ref)).toMatchObject({ total: "25.00", editVersion: 0 });
    }
    const cancelled = await order({ status: "CANCELLED" });
    expect(
      (await preview(cancelled.ref, { removeItems: [cancelled.items[1].id] })).data!.previewOrderEdit,
    ).toMatchObject({ __typename: "OrderNotEditableError" });
    // CREATED, HOLD and FAILED may still move to PROCESSING: editable
    for (const status of ["CREATED", "HOLD", "FAILED"] as const) {
      const s = await order({ status });
      expect((await edit(s.ref, { removeItems: [s.items[1].id] })).result.__typename, status).toBe(
        "CommittedOrderEdit",
      );
    }
    expect(await state(o.ref)).toMatchObject({ total: "25.00", editVersion: 0 });
  });

  it("a shipped line cannot drop below what was shipped nor be removed; a fully shipped order cannot be edited", async () => {
    const o = await order(); // 2 mugs, 1 plate, PROCESSING
    const [mug, plate] = o.items;
    const ship = (itemId: string, quantity: number) =>
      t.ok(
        CreateShipmentDocument,
        { ref: o.ref, input: { lines: [{ itemId, quantity }], carrier: "DHL", trackingNumber: "T1" } },
        { token: staff.token },
      );
    expect((await ship(mug.id, 1)).createShipment.__typename).toBe("OrderShipment");
    const removed = (await preview(o.ref, { removeItems: [mug.id] })).data!.previewOrderEdit;
    expect(removed).toMatchObject({
      __typename: "InvalidOrderInputError",
      field: "changes.removeItems.0",
      message: expect.stringMatching(/shipped/),
    });
    const more = (await edit(o.ref, { changeItems: [{ itemId: mug.id, quantity: 3 }] })).result;
    expect(more).toMatchObject({ __typename: "CommittedOrderEdit", order: { total: "35.00" } });
    expect((await ship(mug.id, 1)).createShipment.__typename).toBe("OrderShipment"); // 2 of 3 shipped
    const below = (await preview(o.ref, { changeItems: [{ itemId: mug.id, quantity: 1 }] })).data!.previewOrderEdit;
    expect(below).toMatchObject({
      __typename: "InvalidOrderInputError",
      field: "changes.changeItems.0.quantity",
      message: "2 of this line were shipped: the quantity can't go below 2.",
    });
    const floor = (await preview(o.ref, { changeItems: [{ itemId: mug.id, quantity: 2 }] })).data!.previewOrderEdit;
    expect(floor).toMatchObject({ __typename: "OrderEditPreview", after: { total: "25.00" } });
    expect((await ship(mug.id, 1)).createShipment.__typename).toBe("OrderShipment");
    expect((await ship(plate.id, 1)).createShipment.__typename).toBe("OrderShipment");
    const all = (await preview(o.ref, { addItems: [item("1.00")] })).data!.previewOrderEdit;
    expect(all).toMatchObject({ __typename: "OrderNotEditableError" });
  });

  it("is for staff only; an unknown order is NOT_FOUND", async () => {
    const o = await order();
    const changes = { removeItems: [o.items[1].id] };
    for (const token of [alice.token, null]) {
      const p = await preview(o.ref, changes, token as string);
      expect(p.errors?.[0].extensions?.code).toBe(token ? "FORBIDDEN" : "UNAUTHENTICATED");
      const c = await commit(o.ref, { changes, expectedTotal: "20.00", overpayment: "KEEP" }, token as string);
      expect(c.errors?.[0].extensions?.code).toBe(token ? "FORBIDDEN" : "UNAUTHENTICATED");
    }
    expect((await preview("2099-99999", changes)).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    expect(
      (await commit("2099-99999", { changes, expectedTotal: "1.00", overpayment: "KEEP" })).errors?.[0].extensions
        ?.code,
    ).toBe("NOT_FOUND");
    expect(await state(o.ref)).toMatchObject({ editVersion: 0 });
  });

  it("honours Idempotency-Key: the same commit again is answered again and edits once", async () => {
    const o = await order();
    const input = {
      changes: { addItems: [item("3.00", 1, "Saucer")] },
      expectedTotal: "28.00",
      overpayment: "KEEP" as const,
    };
    const key = { "idempotency-key": `edit-${o.ref}` };
    const first = await commit(o.ref, input, staff.token, key);
    const second = await commit(o.ref, input, staff.token, key);
    expect(first.data!.commitOrderEdit).toMatchObject({ __typename: "CommittedOrderEdit", order: { editVersion: 1 } });
    expect(second.data).toEqual(first.data);
    const s = await state(o.ref);
    expect(s).toMatchObject({ total: "28.00", editVersion: 1 });
    expect(s.history.edges.filter((e) => e.node.type === "ORDER_EDITED")).toHaveLength(1);
  });

  it("ORDER_EDITED, with before and after, reaches history, subscribers and webhooks", async () => {
    const hook = await t.ok(
      CreateWebhookDocument,
      { input: { url: `${receiver.url}/edits`, events: ["ORDER_EDITED"] } },
      { token: staff.token },
    );
    if (hook.createWebhook.__typename !== "WebhookCreated") throw new Error("no webhook");
    const secret = hook.createWebhook.secret;
    subscriber = await connectSubscriber(t.url, alice.token);
    const sub = subscriber.subscribe<{
      orderEvents: {
        type: string;
        public: boolean;
        edit: { version: number; before: { total: string }; after: { total: string } } | null;
      };
    }>(
      `subscription { orderEvents(types: [ORDER_EDITED]) { type public edit { version before { total } after { total } } } }`,
    );
    await waitFor(() => t.server.events.subscriberCount >= 1, "the subscription");
    const o = await order({ userId: alice.id });
    await edit(o.ref, { changeItems: [{ itemId: o.items[1].id, quantity: 2 }] });

    await waitFor(() => sub.items.length >= 1, "the subscriber's event");
    expect(sub.items[0].orderEvents).toEqual({
      type: "ORDER_EDITED",
      public: true,
      edit: { version: 1, before: { total: "25.00" }, after: { total: "30.00" } },
    });

    await waitFor(() => receiver.received.some((r) => r.path === "/edits"), "the webhook delivery");
    const got = receiver.received.find((r) => r.path === "/edits")!;
    expect(signatureIsValid(secret, got)).toBe(true);
    const body = JSON.parse(got.body) as {
      type: string;
      data: {
        orderRef: string;
        amount: string;
        edit: {
          version: number;
          before: { total: string };
          after: { total: string; items: { itemId: string; quantity: number }[] };
          settlement: { amountOutstanding: string };
        };
      };
    };
    expect(body.type).toBe("ORDER_EDITED");
    expect(body.data).toMatchObject({
      orderRef: o.ref,
      amount: "30.00",
      edit: {
        version: 1,
        before: { total: "25.00" },
        after: { total: "30.00" },
        settlement: { amountOutstanding: "30.00" },
      },
    });
    expect(body.data.edit.after.items.map((i) => [i.itemId, i.quantity])).toEqual([
      [o.items[0].id, 2],
      [o.items[1].id, 2],
    ]);

    // the owner sees it in the order's history too
    const own = await t.ok(EditedOrderDocument, { ref: o.ref }, { token: alice.token });
    const edited = own.order!.history.edges.map((e) => e.node).find((e) => e.type === "ORDER_EDITED")!;
    expect(edited).toMatchObject({
      public: true,
      edit: { version: 1, before: { total: "25.00" }, after: { total: "30.00" } },
    });
  });
  // README, "Paid, owed and refunded": a refund never makes an order owe.
  const refundPart = async (ref: string, amount: string) => {
    const paymentId = (await state(ref)).payments.at(-1)!.id;
    const r = await t.ok(RefundOrderPaymentDocument, { ref, input: { paymentId, amount } }, { token: staff.token });
    expect(r.refundOrderPayment).toMatchObject({ __typename: "OrderRefund", amount });
  };
  const transferAmount = async (o: { ref: string; token: string }) => {
    const r = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "pay-in-advance", token: o.token });
    expect(r.payOrder.__typename).toBe("PaymentRedirect");
    return (r.payOrder as { data: Record<string, unknown> }).data.amount;
  };

  it("a goodwill refund before an edit is not charged again by it", async () => {
    const o = await order(); // 25.00
    await pay(o.ref, "25.00", `goodwill-${o.ref}`);
    await refundPart(o.ref, "4.00");
    expect(await state(o.ref)).toMatchObject({
      isPaid: true,
      amountRefunded: "4.00",
      amountOutstanding: "0.00",
      amountOverpaid: "0.00",
    });
    // a third mug: 10.00 more is owed, not 10.00 + the 4.00 given back
    const { preview: p, result } = await edit(o.ref, { changeItems: [{ itemId: o.items[0].id, quantity: 3 }] });
    expect(p.settlement).toMatchObject({ netPaid: "25.00", difference: "10.00", amountOutstanding: "10.00" });
    expect(result).toMatchObject({
      __typename: "CommittedOrderEdit",
      order: { total: "35.00", isPaid: false, amountOutstanding: "10.00", amountOverpaid: "0.00" },
    });
    expect(await transferAmount(o)).toBe("10.00");
    // and one that lowers the total gives back only what the new total no longer needs
    const down = await edit(o.ref, { changeItems: [{ itemId: o.items[0].id, quantity: 1 }] }, "KEEP");
    expect(down.result).toMatchObject({
      order: { total: "15.00", isPaid: true, amountOutstanding: "-10.00", amountOverpaid: "10.00" },
      edit: { settlement: { netPaid: "25.00", difference: "-10.00", amountOverpaid: "10.00" } },
    });
  });

  it("staff refunding an overpayment, then an edit raising the total: owes exactly the new difference", async () => {
    for (const given of ["5.00", "8.00"]) {
      const o = await order(); // 25.00
      await pay(o.ref, "25.00", `over-${o.ref}`);
      await edit(o.ref, { removeItems: [o.items[1].id] }, "KEEP"); // 20.00: 5.00 overpaid
      expect(await state(o.ref)).toMatchObject({ amountOverpaid: "5.00", amountOutstanding: "-5.00" });
      // 5.00 gives the overpayment back; 8.00 gives 3.00 more, which the order does not then owe
      await refundPart(o.ref, given);
      expect(await state(o.ref)).toMatchObject({ isPaid: true, amountOverpaid: "0.00", amountOutstanding: "0.00" });
      const { preview: p, result } = await edit(o.ref, { changeItems: [{ itemId: o.items[0].id, quantity: 3 }] });
      expect(p.settlement, given).toMatchObject({ netPaid: "20.00", difference: "10.00", amountOutstanding: "10.00" });
      expect(result, given).toMatchObject({ order: { total: "30.00", isPaid: false, amountOutstanding: "10.00" } });
      expect(await transferAmount(o)).toBe("10.00");
    }
  });

  it("an order never edited keeps the ancestor's answers: refunds leave it paid, REFUNDED included", async () => {
    const o = await order(); // 25.00
    await pay(o.ref, "25.00", `never-${o.ref}`);
    await refundPart(o.ref, "10.00");
    expect(await state(o.ref)).toMatchObject({
      status: "PROCESSING",
      isPaid: true,
      amountRefunded: "10.00",
      amountOutstanding: "0.00",
      amountOverpaid: "0.00",
    });
    const all = await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token });
    expect(all.refundOrder).toMatchObject({ order: { status: "REFUNDED", isPaid: true, amountRefunded: "25.00" } });
    expect(await state(o.ref)).toMatchObject({
      status: "REFUNDED",
      isPaid: true,
      editVersion: 0,
      amountOutstanding: "0.00",
      amountOverpaid: "0.00",
    });
    // overpaid: the refund of the overpayment is what amountOverpaid and amountOutstanding lose
    const over = await order(); // 25.00
    await pay(over.ref, "30.00", `never-over-${over.ref}`);
    expect(await state(over.ref)).toMatchObject({ isPaid: true, amountOutstanding: "-5.00", amountOverpaid: "5.00" });
    await refundPart(over.ref, "2.00");
    expect(await state(over.ref)).toMatchObject({ isPaid: true, amountOutstanding: "-3.00", amountOverpaid: "3.00" });
    await refundPart(over.ref, "10.00");
    expect(await state(over.ref)).toMatchObject({ isPaid: true, amountOutstanding: "0.00", amountOverpaid: "0.00" });
  });
});
