/**
 * Inputs a client types by hand or crafts, refused as bad input before anything runs, with nothing
 * written: money that is not exactly an amount, NUL however it is escaped, cursors holding values
 * their columns cannot, JSON nested without end, and a batch under one Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../src/shared/pagination.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { connectSubscriber } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/receiver.js";

interface Answer {
  status: number;
  json: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  } & Record<string, unknown>;
}

const NUL_MESSAGE = "Text may not contain the NUL character (U+0000).";

describe.each(backends())("hand-typed and crafted inputs on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let alice: { token: string };

  beforeAll(async () => {
    t = await startTestServer(backend, { env: { WEBHOOK_ALLOW_PRIVATE: "on" } });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
  });
  afterAll(() => t?.close());

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }
  const asStaff = () => ({ authorization: `Bearer ${staff.token}` });

  /** Everything a refused request must have left as it was. */
  async function snapshot(): Promise<string> {
    const p = t.server.prisma;
    const [orders, payments, refunds, notes, events] = await Promise.all([
      p.order.findMany({
        select: { ref: true, status: true, amountPaid: true, amountRefunded: true },
        orderBy: { id: "asc" },
      }),
      p.orderPayment.count(),
      p.orderRefund.count(),
      p.orderNote.count(),
      p.orderEvent.count(),
    ]);
    return JSON.stringify({ orders, payments, refunds, notes, events });
  }

  /**
   * Sends `body`, expects it refused as BAD_USER_INPUT with `message`, and nothing changed: a
   * request refused before it runs answers 400 with no data; an argument refused by its field
   * (`executed`) answers 200 with the error.
   */
  async function refused(
    body: unknown,
    message: string | RegExp,
    headers: Record<string, string> = asStaff(),
    o: { executed?: boolean } = {},
  ): Promise<Answer> {
    const before = await snapshot();
    const r = await post(body, headers);
    expect(r.status, JSON.stringify(r.json)).toBe(o.executed ? 200 : 400);
    if (!o.executed) expect(r.json.data ?? null).toBeNull();
    expect(r.json.errors?.[0].extensions?.code, JSON.stringify(r.json)).toBe("BAD_USER_INPUT");
    if (typeof message === "string") expect(r.json.errors?.[0].message).toBe(message);
    else expect(r.json.errors?.[0].message).toMatch(message);
    expect(await snapshot()).toBe(before);
    return r;
  }

  describe("money typed by hand", () => {
    const RECORD = `mutation($ref: String!, $input: RecordPaymentInput!) {
      recordOrderPayment(ref: $ref, input: $input) { __typename ... on Order { amountPaid } }
    }`;
    const REFUND = `mutation($ref: String!, $input: RefundPaymentInput!) {
      refundOrderPayment(ref: $ref, input: $input) { __typename ... on OrderRefund { amount } ... on ErrorResult { message } }
    }`;
    const BAD = ["1e1", "5.555", "+3", ".5", "5.", " 7 ", "7 ", "1,5", "- 3", "0x10", "", "NaN"];

    it("refuses more than two decimals, exponents, a +, a missing integer part and spaces, naming the field", async () => {
      const o = await t.order({ status: "PROCESSING" });
      for (const amount of BAD) {
        const r = await refused(
          {
            query: RECORD,
            variables: { ref: o.ref, input: { amount, transactionId: "t", paymentMethod: "pay-in-advance" } },
          },
          /^input\.amount: A money amount is a string of digits with at most two decimal places/,
        );
        expect(r.json.errors?.[0].extensions).toMatchObject({ field: "input.amount" });
        expect(r.json.errors?.[0].message).not.toMatch(/Variable "\$/);
      }
    });

    it("refuses bare JSON numbers and number literals", async () => {
      const o = await t.order({ status: "PROCESSING" });
      await refused(
        {
          query: RECORD,
          variables: { ref: o.ref, input: { amount: 10, transactionId: "t", paymentMethod: "pay-in-advance" } },
        },
        /^input\.amount: A money amount/,
      );
      for (const literal of ["10", "10.5", '"1e1"', '"5.555"']) {
        await refused(
          {
            query: `mutation { recordOrderPayment(ref: "${o.ref}", input: { amount: ${literal}, transactionId: "t", paymentMethod: "pay-in-advance" }) { __typename } }`,
          },
          /^input\.amount: A money amount/,
        );
      }
    });

    it("names the path the client wrote, wherever the amount sits", async () => {
      const r = await refused(
        {
          query: "mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }",
          variables: { input: orderInput({ items: [{ ...orderInput().items[0], unitPrice: "3.333" }] }) },
        },
        /^input\.items\.0\.unitPrice: A money amount/,
      );
      expect(r.json.errors?.[0].extensions).toMatchObject({ field: "input.items.0.unitPrice" });
      const o = await t.order({ status: "PROCESSING" });
      const recorded = await post(
        {
          query: RECORD,
          variables: { ref: o.ref, input: { amount: "10", transactionId: "t", paymentMethod: "pay-in-advance" } },
        },
        asStaff(),
      );
      const payment = await t.server.prisma.orderPayment.findFirstOrThrow({ where: { order: { ref: o.ref } } });
      expect(recorded.json.data?.recordOrderPayment).toMatchObject({ amountPaid: "10.00" });
      // A variable inside an object literal: the path is the argument's, not the variable's name.
      await refused(
        {
          query: `mutation($ref: String!, $amount: Decimal) { refundOrderPayment(ref: $ref, input: { paymentId: "${payment.id}", amount: $amount }) { __typename } }`,
          variables: { ref: o.ref, amount: "1e1" },
        },
        /^input\.amount: A money amount/,
      );
    });

    it("takes an amount with up to two places exactly, negative where a sign is allowed", async () => {
      const o = await t.order({ status: "PROCESSING" });
      const r = await post(
        {
          query: RECORD,
          variables: { ref: o.ref, input: { amount: "12.3", transactionId: "t", paymentMethod: "pay-in-advance" } },
        },
        asStaff(),
      );
      expect(r.json.data?.recordOrderPayment).toMatchObject({ amountPaid: "12.30" });
      const payment = await t.server.prisma.orderPayment.findFirstOrThrow({ where: { order: { ref: o.ref } } });
      const refund = await post(
        { query: REFUND, variables: { ref: o.ref, input: { paymentId: String(payment.id), amount: "5" } } },
        asStaff(),
      );
      expect(refund.json.data?.refundOrderPayment).toMatchObject({ amount: "5.00" });
      const extraRow = await post(
        {
          query:
            "mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on Order { total } } }",
          variables: { input: orderInput({ extraRows: [{ label: "Discount", amount: "-3.00" }] }) },
        },
        asStaff(),
      );
      expect(extraRow.json.data?.createOrder).toMatchObject({ __typename: "Order", total: "30.00" });
    });
  });

  describe("NUL in decoded values", () => {
    it("refuses NUL written as \\u{0} or \\u0000, in literals and variables, with nothing written", async () => {
      const o = await t.order();
      const note = (message: string) => `mutation { addOrderNote(ref: "${o.ref}", message: "${message}") { ref } }`;
      await refused({ query: note("a\\u{0}b") }, NUL_MESSAGE);
      await refused({ query: note("a\\u0000b") }, NUL_MESSAGE);
      await refused({ query: note("a\\u{000000}b") }, NUL_MESSAGE);
      await refused(
        {
          query: "mutation($ref: String!, $m: String!) { addOrderNote(ref: $ref, message: $m) { ref } }",
          variables: { ref: o.ref, m: "a\u0000b" },
        },
        NUL_MESSAGE,
      );
      // In a JSON input, as a value or as a key.
      await refused(
        {
          query: "mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }",
          variables: { input: orderInput({ extra: { note: "x\u0000" } }) },
        },
        NUL_MESSAGE,
      );
      await refused(
        {
          query: "mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }",
          variables: { input: orderInput({ extra: { "k\u0000": 1 } }) },
        },
        NUL_MESSAGE,
      );
    });

    it("refuses NUL in payOrder as bad input, never blaming the payment method", async () => {
      const o = await t.order();
      const pay = (ref: string, method: string, token: string) =>
        `mutation { payOrder(ref: "${ref}", paymentMethod: "${method}", token: "${token}") { __typename ... on ErrorResult { message } } }`;
      await refused({ query: pay(o.ref, "credit-card", `${o.token}\\u{0}`) }, NUL_MESSAGE, {});
      await refused({ query: pay(`${o.ref}\\u{0}`, "credit-card", o.token) }, NUL_MESSAGE, {});
      await refused({ query: pay(o.ref, "credit-card\\u{0}", o.token) }, NUL_MESSAGE, {});
      await refused(
        {
          query:
            "mutation($ref: String!, $m: String!, $token: String) { payOrder(ref: $ref, paymentMethod: $m, token: $token) { __typename } }",
          variables: { ref: o.ref, m: "credit-card", token: `${o.token}\u0000` },
        },
        NUL_MESSAGE,
        {},
      );
    });

    it("refuses NUL in a subscription's values too", async () => {
      const s = await connectSubscriber(t.url);
      try {
        const sub = s.subscribe('subscription { orderEvents(ref: "x\\u{0}", token: "y") { id } }');
        await waitFor(() => sub.errors.length > 0, "the refusal");
        expect(sub.errors).toMatchObject([{ message: NUL_MESSAGE, extensions: { code: "BAD_USER_INPUT" } }]);
      } finally {
        await s.dispose();
      }
    });
  });

  describe("crafted cursors", () => {
    const INVALID = /^Invalid cursor: /;
    const ids = [2 ** 53 - 1, 2 ** 31, -(2 ** 31) - 1, 1.5];
    const dates = [
      "-271821-04-20T00:00:00.000Z",
      "+275760-09-13T00:00:00.000Z",
      "0000-01-01T00:00:00.000Z",
      "2026-02-30T00:00:00.000Z",
      "2026-01-01",
    ];

    it("refuses every cursor part its column cannot hold, for staff, customers and guests, on every list", async () => {
      const guest = await t.order();
      const good = "2026-01-01T00:00:00.000Z";
      // allOrders, under each sort, as staff.
      for (const [sort, value] of [
        ["DATE_CREATED_DESC", good],
        ["TOTAL_ASC", "1.00"],
      ] as const) {
        const page = (after: string) => ({
          query: `query($after: String) { allOrders(orderBy: ${sort}, after: $after) { nodes { ref } } }`,
          variables: { after },
        });
        for (const id of ids)
          await refused(page(encodeCursor([sort, value, id])), INVALID, asStaff(), { executed: true });
        if (sort === "DATE_CREATED_DESC")
          for (const d of dates)
            await refused(page(encodeCursor([sort, d, 1])), INVALID, asStaff(), { executed: true });
        else
          for (const v of ["1e20", "12345678901234567.00", "1.000"])
            await refused(page(encodeCursor([sort, v, 1])), INVALID, asStaff(), { executed: true });
        // In range: answered.
        const ok = await post(page(encodeCursor([sort, value, 2 ** 31 - 1])), asStaff());
        expect(ok.json.errors).toBeUndefined();
      }
      // orders, as a customer.
      const mineQuery = (after: string) => ({
        query: "query($after: String) { orders(after: $after) { nodes { ref } } }",
        variables: { after },
      });
      for (const id of ids)
        await refused(
          mineQuery(encodeCursor(["DATE_CREATED_DESC", good, id])),
          INVALID,
          { authorization: `Bearer ${alice.token}` },
          { executed: true },
        );
      for (const d of dates)
        await refused(
          mineQuery(encodeCursor(["DATE_CREATED_DESC", d, 1])),
          INVALID,
          { authorization: `Bearer ${alice.token}` },
          { executed: true },
        );
      // history, as a guest with the order's token.
      const history = (after: string) => ({
        query: `query($after: String) { order(ref: "${guest.ref}", token: "${guest.token}") { history(after: $after) { nodes { type } } } }`,
        variables: { after },
      });
      for (const id of ids) await refused(history(encodeCursor(["event", id])), INVALID, {}, { executed: true });
      // deliveries, as staff.
      const created = await post(
        {
          query:
            'mutation { createWebhook(input: { url: "http://127.0.0.1:9/hook", events: [REFUND_FAILED] }) { __typename ... on WebhookCreated { webhook { id } } } }',
        },
        asStaff(),
      );
      const webhookId = (created.json.data?.createWebhook as { webhook: { id: string } }).webhook.id;
      const deliveries = (after: string) => ({
        query: `query($after: String) { webhook(id: "${webhookId}") { deliveries(after: $after) { nodes { id } } } }`,
        variables: { after },
      });
      for (const id of ids)
        await refused(deliveries(encodeCursor(["delivery", id])), INVALID, asStaff(), { executed: true });
    });
  });

  describe("deep JSON", () => {
    const nest = (depth: number): unknown => {
      let v: unknown = "x";
      for (let i = 0; i < depth; i++) v = { a: v };
      return v;
    };
    const DEEP = /^JSON may nest at most 64 levels \(MAX_JSON_DEPTH\)\.$/;

    it("refuses variables nested 100,000 deep from anyone, with 400", async () => {
      // Written by hand: JSON.stringify itself recurses.
      const depth = 100_000;
      const input = JSON.stringify(orderInput()).replace(
        /}$/,
        `,"extra":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`,
      );
      const body = `{"query":"mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }","variables":{"input":${input}}}`;
      await refused(body, DEEP, {});
    });

    it("refuses an order's extra nested 20,000 deep, and one in a literal past the limit; takes one within it", async () => {
      const depth = 20_000;
      const input = JSON.stringify(orderInput()).replace(
        /}$/,
        `,"extra":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}`,
      );
      await refused(
        `{"query":"mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }","variables":{"input":${input}}}`,
        DEEP,
      );
      const literal = (levels: number) =>
        `mutation { createOrder(input: { email: "c@example.com", billingAddress: "b", shippingAddress: "s", items: [{ productType: "p", product: { name: "n", code: "c" }, unitPrice: "1.00", quantity: 1 }], extra: ${"{ a: ".repeat(levels)}1${" }".repeat(levels)} }) { __typename } }`;
      // input is level 1, extra level 2: 63 levels of extra fit, 64 do not (in variables, the
      // variables object is level 1 and input level 2: 62 levels of extra fit).
      await refused({ query: literal(64) }, DEEP);
      const ok = await post({ query: literal(63) }, asStaff());
      expect(ok.json.data?.createOrder).toMatchObject({ __typename: "Order" });
      const viaVariables = await post(
        {
          query: "mutation($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }",
          variables: { input: orderInput({ extra: nest(62) as Record<string, unknown> }) },
        },
        asStaff(),
      );
      expect(viaVariables.json.data?.createOrder).toMatchObject({ __typename: "Order" });
    });
  });

  describe("a batch under one Idempotency-Key", () => {
    it("is refused with 400 before any of its operations runs", async () => {
      const o = await t.order();
      const note = (m: string) => ({ query: `mutation { addOrderNote(ref: "${o.ref}", message: "${m}") { ref } }` });
      const before = await snapshot();
      const r = await post([note("one"), note("two")], { ...asStaff(), "idempotency-key": "batch-key-1" });
      expect(r.status).toBe(400);
      expect(r.json.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^An Idempotency-Key covers one operation/),
        extensions: { code: "BAD_REQUEST" },
      });
      expect(await snapshot()).toBe(before);
      // Without the key, the batch runs; with it, one operation runs.
      const batch = await post([note("one"), note("two")], asStaff());
      expect(batch.status).toBe(200);
      const single = await post(note("three"), { ...asStaff(), "idempotency-key": "batch-key-1" });
      expect(single.status).toBe(200);
      expect(await t.server.prisma.orderNote.count({ where: { order: { ref: o.ref } } })).toBe(3);
    });
  });
});
