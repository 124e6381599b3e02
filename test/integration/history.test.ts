/** Order history over HTTP on a real database: every event type, who sees what, paging, and nothing for a refusal. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddOrderNoteDocument,
  ChangeOrderStatusDocument,
  OrderHistoryDocument,
  PageHistoriesDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
  type EventFieldsFragment,
  type CreateOrderInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";

/** A method whose refunds the test steers: refuses for "no-…" ids, throws for "boom-…" ids. */
const steered = testPaymentMethod({
  identifier: "steered",
  label: "Steered",
  orderPayment: false,
  failure: "gateway says: card account closed",
}).method;

describe.each(backends())("order history on %s", (backend) => {
  let t: TestServer;
  let staff: { id: string; email: string; token: string };
  let alice: { id: string; token: string };
  let bob: { token: string };

  const create = (over: Partial<CreateOrderInput> = {}) => t.order(over, { token: staff.token });
  async function history(
    ref: string,
    opts: { token?: string; orderToken?: string; first?: number; after?: string } = {},
  ) {
    const r = await t.ok(
      OrderHistoryDocument,
      { ref, token: opts.orderToken, first: opts.first, after: opts.after },
      { token: opts.token },
    );
    return r.order?.history ?? null;
  }
  const types = (events: EventFieldsFragment[]) => events.map((e) => e.type);

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [steered],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,steered" },
    });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
  });
  afterAll(() => t?.close());

  it("records every change in order, with its actor, amounts and words", async () => {
    const o = await create({ userId: alice.id });
    // the customer pays in advance: PAYMENT_STARTED by her, then the method puts the order on HOLD
    const pay = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "pay-in-advance" }, { token: alice.token });
    expect(pay.payOrder.__typename).toBe("PaymentRedirect");
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "33.00", transactionId: "bank-1", paymentMethod: "steered" } },
      { token: staff.token },
    );
    await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "PROCESSING" }, { token: staff.token });
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "Gift wrapped.", public: true }, { token: staff.token });
    await t.ok(
      AddOrderNoteDocument,
      { ref: o.ref, message: "Checked by hand.", public: false },
      { token: staff.token },
    );
    const refund = await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId: await paymentId(o.ref, "bank-1"), amount: "10.00", reason: "Broken mug" } },
      { token: staff.token },
    );
    expect(refund.refundOrderPayment).toMatchObject({
      __typename: "OrderRefund",
      amount: "10.00",
      transactionId: "re_bank-1",
      reason: "Broken mug",
    });

    const h = (await history(o.ref, { token: staff.token }))!;
    expect(types(h.nodes)).toEqual([
      "ORDER_CREATED",
      "PAYMENT_STARTED",
      "STATUS_CHANGED",
      "PAYMENT_RECORDED",
      "STATUS_CHANGED",
      "NOTE_ADDED",
      "NOTE_ADDED",
      "PAYMENT_REFUNDED",
    ]);
    const staffActor = { id: staff.id, email: "staff@example.com", isStaff: true };
    const aliceActor = { id: alice.id, email: "alice@example.com", isStaff: false };
    expect(h.nodes.map((e) => [e.actor, e.public, e.orderRef])).toEqual([
      [staffActor, true, o.ref],
      [aliceActor, true, o.ref],
      [aliceActor, true, o.ref],
      [staffActor, true, o.ref],
      [staffActor, true, o.ref],
      [staffActor, true, o.ref],
      [staffActor, false, o.ref],
      [staffActor, true, o.ref],
    ]);
    expect(h.nodes[0]).toMatchObject({ toStatus: "CREATED", fromStatus: null });
    expect(h.nodes[1]).toMatchObject({ amount: "33.00", paymentMethod: "pay-in-advance" });
    expect(h.nodes[2]).toMatchObject({ fromStatus: "CREATED", toStatus: "HOLD" });
    expect(h.nodes[3]).toMatchObject({ amount: "33.00", paymentMethod: "steered", transactionId: "bank-1" });
    expect(h.nodes[4]).toMatchObject({ fromStatus: "HOLD", toStatus: "PROCESSING" });
    expect(h.nodes[5].message).toBe("Gift wrapped.");
    expect(h.nodes[7]).toMatchObject({
      amount: "10.00",
      paymentMethod: "steered",
      transactionId: "re_bank-1",
      message: "Broken mug",
    });
    const times = h.nodes.map((e) => Date.parse(e.dateCreated));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("a payment page's records have no actor; a failed refund is a private event with the method's words", async () => {
    const o = await create();
    const pay = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token });
    const url = (pay.payOrder as { url: string }).url;
    expect((await fetch(url, { method: "POST" })).status).toBe(200);
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "5.00", transactionId: "boom-1", paymentMethod: "steered" } },
      { token: staff.token },
    );
    const failed = await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId: await paymentId(o.ref, "boom-1") } },
      { token: staff.token },
    );
    expect(failed.refundOrderPayment).toMatchObject({
      __typename: "RefundFailedError",
      errorCode: "REFUND_FAILED_ERROR",
      paymentMethod: "steered",
    });
    expect((failed.refundOrderPayment as { message: string }).message).not.toMatch(/card account closed/);

    const h = (await history(o.ref, { token: staff.token }))!;
    expect(types(h.nodes)).toEqual([
      "ORDER_CREATED",
      "PAYMENT_STARTED",
      "PAYMENT_RECORDED",
      "STATUS_CHANGED",
      "PAYMENT_RECORDED",
      "REFUND_FAILED",
    ]);
    expect(h.nodes[1].actor).toBeNull(); // a guest started it
    expect(h.nodes[2]).toMatchObject({ actor: null, amount: "33.00", paymentMethod: "credit-card" });
    expect(h.nodes[2].transactionId).toMatch(/^cc_/);
    expect(h.nodes[3]).toMatchObject({ actor: null, fromStatus: "CREATED", toStatus: "PROCESSING" });
    expect(h.nodes[5]).toMatchObject({
      public: false,
      amount: "5.00",
      paymentMethod: "steered",
      message: "gateway says: card account closed",
    });
  });

  it("a refused request writes nothing", async () => {
    const o = await create({ extra: { dummyPayment: "fail" } });
    const before = (await history(o.ref, { token: staff.token }))!.totalCount;
    expect(
      (await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "SHIPPED" }, { token: staff.token }))
        .changeOrderStatus.__typename,
    ).toBe("InvalidStatusTransitionError");
    expect(
      (await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "CREATED" }, { token: staff.token }))
        .changeOrderStatus.__typename,
    ).toBe("Order");
    expect(
      (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "dummy", token: o.token })).payOrder.__typename,
    ).toBe("PaymentFailedError");
    expect(
      (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "nope", token: o.token })).payOrder.__typename,
    ).toBe("PaymentMethodNotAvailableError");
    const bad = await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "-1", transactionId: "x", paymentMethod: "cash" } },
      { token: staff.token },
    );
    expect(bad.recordOrderPayment.__typename).toBe("InvalidOrderInputError");
    expect(
      (await t.gql(AddOrderNoteDocument, { ref: o.ref, message: "  " }, { token: staff.token })).errors?.[0].extensions
        ?.code,
    ).toBe("BAD_USER_INPUT");
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "1.00", transactionId: "t-1", paymentMethod: "steered" } },
      { token: staff.token },
    );
    const tooMuch = await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId: await paymentId(o.ref, "t-1"), amount: "1.01" } },
      { token: staff.token },
    );
    expect(tooMuch.refundOrderPayment.__typename).toBe("RefundAmountError");
    expect((await history(o.ref, { token: staff.token }))!.totalCount).toBe(before + 1); // the payment only
  });

  it("non-staff callers see public events only, with no actor and no refund reason; others see nothing", async () => {
    const o = await create({ userId: alice.id });
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "33.00", transactionId: "p-1", paymentMethod: "steered" } },
      { token: staff.token },
    );
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "secret", public: false }, { token: staff.token });
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "hello", public: true }, { token: staff.token });
    await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId: await paymentId(o.ref, "p-1"), amount: "3.00", reason: "sorry" } },
      { token: staff.token },
    );
    const staffView = (await history(o.ref, { token: staff.token }))!;
    expect(types(staffView.nodes)).toEqual([
      "ORDER_CREATED",
      "PAYMENT_RECORDED",
      "NOTE_ADDED",
      "NOTE_ADDED",
      "PAYMENT_REFUNDED",
    ]);
    const expected = ["ORDER_CREATED", "PAYMENT_RECORDED", "NOTE_ADDED", "PAYMENT_REFUNDED"];
    for (const view of [await history(o.ref, { token: alice.token }), await history(o.ref, { orderToken: o.token })]) {
      expect(types(view!.nodes)).toEqual(expected);
      expect(view!.totalCount).toBe(4);
      expect(view!.nodes.every((e) => e.actor === null && e.public)).toBe(true);
      expect(view!.nodes.map((e) => e.message)).toEqual([null, null, "hello", null]);
      expect(view!.nodes[3].amount).toBe("3.00");
    }
    expect(await history(o.ref, { token: bob.token })).toBeNull();
    expect(await history(o.ref)).toBeNull();
    expect(await history(o.ref, { orderToken: "x".repeat(43) })).toBeNull();
  });

  it("a page shows each event's time, amount and message as the event read alone does; non-staff get no refund reason either way", async () => {
    // A page reads its events as PostgreSQL's JSON text (times and amounts as text), `node` and
    // `nodes` through Prisma (a Date, a Decimal): the same answers, and the same hiding of the reason.
    const o = await create({ userId: alice.id });
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "33.00", transactionId: "n-1", paymentMethod: "steered" } },
      { token: staff.token },
    );
    await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId: await paymentId(o.ref, "n-1"), amount: "0.50", reason: "late" } },
      { token: staff.token },
    );
    const fields = "type dateCreated amount message";
    type Ev = { type: string; dateCreated: string; amount: string | null; message: string | null };
    const page = async (token: string) =>
      (
        await raw<{ order: { history: { nodes: (Ev & { nodeId: string })[] } } }>(
          `query($ref: String!) { order(ref: $ref) { history { nodes { nodeId ${fields} } } } }`,
          { ref: o.ref },
          token,
        )
      ).order.history.nodes;
    const alone = async (ids: string[], token: string) => {
      const one = await Promise.all(
        ids.map(
          async (id) =>
            (
              await raw<{ node: Ev }>(
                `query($id: ID!) { node(id: $id) { ... on OrderEvent { ${fields} } } }`,
                { id },
                token,
              )
            ).node,
        ),
      );
      const many = (
        await raw<{ nodes: Ev[] }>(
          `query($ids: [ID!]!) { nodes(ids: $ids) { ... on OrderEvent { ${fields} } } }`,
          { ids },
          token,
        )
      ).nodes;
      expect(many).toEqual(one);
      return one;
    };
    for (const [token, reason] of [
      [staff.token, "late"],
      [alice.token, null],
    ] as const) {
      const events = await page(token);
      expect(events.map((e) => e.type)).toEqual(["ORDER_CREATED", "PAYMENT_RECORDED", "PAYMENT_REFUNDED"]);
      expect(events.map((e) => [e.amount, e.message])).toEqual([
        [null, null],
        ["33.00", null],
        ["0.50", reason],
      ]);
      for (const e of events) expect(new Date(e.dateCreated).toISOString()).toBe(e.dateCreated);
      expect(
        await alone(
          events.map((e) => e.nodeId),
          token,
        ),
      ).toEqual(events.map(({ nodeId: _, ...e }) => e));
    }
  });

  it("pages oldest first by cursor, counts, and refuses a cursor from elsewhere", async () => {
    const o = await create();
    for (let i = 0; i < 6; i++)
      await t.ok(AddOrderNoteDocument, { ref: o.ref, message: `n${i}`, public: true }, { token: staff.token });
    const all = (await history(o.ref, { token: staff.token }))!;
    expect(all.totalCount).toBe(7);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await history(o.ref, { token: staff.token, first: 3, after }))!;
      seen.push(...page.nodes.map((e) => e.id));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
      expect(page.totalCount).toBe(7); // every event, whatever the cursor
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(all.nodes.map((e) => e.id));
    const past = (await history(o.ref, { token: staff.token, after: all.pageInfo.endCursor! }))!;
    expect(past.nodes).toEqual([]);
    expect(past.totalCount).toBe(7);
    const none = (await history(o.ref, { token: staff.token, first: 0 }))!;
    expect(none).toMatchObject({ nodes: [], totalCount: 7, pageInfo: { hasNextPage: true } });
    const bad = await t.gql(OrderHistoryDocument, { ref: o.ref, after: "bm9wZQ" }, { token: staff.token });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const big = await t.gql(OrderHistoryDocument, { ref: o.ref, first: 101 }, { token: staff.token });
    expect(big.errors?.[0]).toMatchObject({
      message: "first must be at most 100.",
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("a page of orders with their histories costs the same statements for 5 orders as for 50", async () => {
    for (let i = 0; i < 50; i++) {
      const o = await create();
      await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "n", public: true }, { token: staff.token });
    }
    const cost = async (first: number) => {
      t.statements.length = 0;
      const r = await t.ok(PageHistoriesDocument, { first, historyFirst: 10 }, { token: staff.token });
      expect(r.allOrders.nodes).toHaveLength(first);
      expect(
        r.allOrders.nodes.every((n) => n.history.nodes.length > 0 && n.history.totalCount >= n.history.nodes.length),
      ).toBe(true);
      // the events and their counts in one statement: no count of its own
      expect(t.statements.filter((sql) => /count/i.test(sql) && sql.includes('"OrderEvent"'))).toHaveLength(1);
      return t.statements.length;
    };
    const small = await cost(5);
    expect(await cost(50)).toBe(small);
    expect(small).toBeLessThanOrEqual(6);
  });

  it("counts every event of each order on a page, whether its page holds them all or not", async () => {
    // 1, 3, 4 and 6 events for staff; customers see only the public ones (created + public notes)
    const notes = [[], [true, false], [true, true, true], [true, false, true, false, false]];
    const refs: string[] = [];
    for (const publics of notes) {
      const o = await create({ userId: alice.id });
      for (const p of publics)
        await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "n", public: p }, { token: staff.token });
      refs.unshift(o.ref); // newest first, as the page lists them
    }
    const r = await t.ok(PageHistoriesDocument, { first: 4, historyFirst: 3 }, { token: staff.token });
    expect(r.allOrders.nodes.map((n) => n.ref)).toEqual(refs);
    expect(r.allOrders.nodes.map((n) => [n.history.totalCount, n.history.nodes.length])).toEqual([
      [6, 3],
      [4, 3],
      [3, 3],
      [1, 1],
    ]);
    const seen = await Promise.all(
      refs.map(async (ref) => {
        const h = (await history(ref, { token: staff.token, first: 3 }))!;
        const customer = (await history(ref, { token: alice.token, first: 3 }))!;
        const oneMore = (await history(ref, { token: staff.token, first: 3, after: h.pageInfo.startCursor! }))!;
        return [h.totalCount, customer.totalCount, customer.nodes.length, oneMore.totalCount];
      }),
    );
    expect(seen).toEqual([
      [6, 3, 3, 6],
      [4, 4, 3, 4],
      [3, 2, 2, 3],
      [1, 1, 1, 1],
    ]);
  });

  it("refundOrder records a refund and an event per payment, and the move to REFUNDED", async () => {
    const o = await create({ status: "PROCESSING" });
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "20.00", transactionId: "a-1", paymentMethod: "steered" } },
      { token: staff.token },
    );
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "13.00", transactionId: "a-2", paymentMethod: "steered" } },
      { token: staff.token },
    );
    await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token });
    const h = (await history(o.ref, { token: staff.token }))!;
    expect(types(h.nodes).slice(-3)).toEqual(["PAYMENT_REFUNDED", "PAYMENT_REFUNDED", "STATUS_CHANGED"]);
    expect(h.nodes.at(-1)).toMatchObject({ fromStatus: "PROCESSING", toStatus: "REFUNDED" });
  });

  /** An operation written here, not in test/operations: its data, failing the test on errors. */
  async function raw<R>(query: string, variables: Record<string, unknown>, token: string): Promise<R> {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: R; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  async function paymentId(ref: string, transactionId: string): Promise<string> {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${staff.token}` },
      body: JSON.stringify({
        query: `query($ref: String!) { order(ref: $ref) { payments { id transactionId } } }`,
        variables: { ref },
      }),
    });
    const body = (await res.json()) as { data: { order: { payments: { id: string; transactionId: string }[] } } };
    return body.data.order.payments.find((p) => p.transactionId === transactionId)!.id;
  }
});
