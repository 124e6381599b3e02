/**
 * The authorization matrix: every query, mutation and staff-only field × every kind of caller gets
 * exactly the access of the REST ancestor's rules, and an order the caller may not see answers
 * exactly like a ref that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrderDetailDocument } from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";

type Caller = "anonymous" | "anonymous+token" | "anonymous+wrong" | "owner" | "other" | "staff";
const CALLERS: Caller[] = ["anonymous", "anonymous+token", "anonymous+wrong", "owner", "other", "staff"];
type Access = "see" | "hidden" | "UNAUTHENTICATED" | "FORBIDDEN" | "ok";

describe.each(backends())("authorization matrix on %s", (backend) => {
  let t: TestServer;
  const tokens: Record<string, string> = {};
  let target: { ref: string; token: string };
  const MISSING = "1999-99999";

  async function post(query: string, variables: Record<string, unknown>, caller: Caller) {
    const bearer =
      caller === "owner"
        ? tokens.owner
        : caller === "other"
          ? tokens.other
          : caller === "staff"
            ? tokens.staff
            : undefined;
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] };
  }
  /** A refusal: the error code, and no data for the field (null, or no data at all for a non-null field). */
  function expectRefused(
    res: { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] },
    field: string,
    code: string,
  ) {
    expect(
      res.errors?.map((e) => e.extensions?.code),
      field,
    ).toEqual([code]);
    expect(res.data?.[field] ?? null, field).toBeNull();
  }
  const orderTokenFor = (c: Caller) =>
    c === "anonymous+token"
      ? target.token
      : c === "anonymous+wrong"
        ? "x".repeat(43)
        : c === "anonymous"
          ? null
          : target.token;

  const newOrder = (userId?: string) => t.order(userId ? { userId } : {}, { token: tokens.staff });

  beforeAll(async () => {
    t = await startTestServer(backend);
    tokens.staff = (await t.user("staff@example.com", { staff: true })).token;
    const owner = await t.user("owner@example.com");
    tokens.owner = owner.token;
    tokens.other = (await t.user("other@example.com")).token;
    await newOrder(); // an older guest order
    target = await newOrder(owner.id);
  });
  afterAll(() => t?.close());

  const seesTarget: Record<Caller, boolean> = {
    anonymous: false,
    "anonymous+token": true,
    "anonymous+wrong": false,
    owner: true, // the token argument is ignored for a signed-in user: they see it as its owner
    other: false,
    staff: true,
  };
  const staffOnly: Record<Caller, Access> = {
    anonymous: "UNAUTHENTICATED",
    "anonymous+token": "UNAUTHENTICATED",
    "anonymous+wrong": "UNAUTHENTICATED",
    owner: "FORBIDDEN",
    other: "FORBIDDEN",
    staff: "ok",
  };

  it.each(CALLERS)(
    "order, orderPaymentMethods and payOrder for %s: visible or exactly like a missing order",
    async (caller) => {
      const token = orderTokenFor(caller);
      for (const [query, field] of [
        ["query($ref: String!, $token: String) { order(ref: $ref, token: $token) { ref } }", "order"],
        [
          "query($ref: String!, $token: String) { orderPaymentMethods(ref: $ref, token: $token) { identifier error } }",
          "orderPaymentMethods",
        ],
      ] as const) {
        const got = await post(query, { ref: target.ref, token }, caller);
        const missing = await post(query, { ref: MISSING, token }, caller);
        expect(missing).toEqual({ data: { [field]: null } });
        if (seesTarget[caller]) expect(got.data?.[field], field).not.toBeNull();
        else expect(got, field).toEqual(missing);
      }
      const pay =
        'mutation($ref: String!, $token: String) { payOrder(ref: $ref, paymentMethod: "dummy", token: $token) { __typename } }';
      const got = await post(pay, { ref: target.ref, token }, caller);
      const missing = await post(pay, { ref: MISSING, token }, caller);
      expect(missing.errors?.[0].extensions?.code).toBe("NOT_FOUND");
      if (seesTarget[caller])
        expect(got.data?.payOrder.__typename).toBe("PaymentRedirect"); // dummy records nothing
      else expect(JSON.stringify(got)).toBe(JSON.stringify(missing));
    },
  );

  it.each(CALLERS)("lists for %s: orders, lastOrder, allOrders, me, paymentMethods", async (caller) => {
    const token = orderTokenFor(caller);
    const orders = await post("query($token: String) { orders(token: $token) { nodes { ref } } }", { token }, caller);
    const last = await post("query($token: String) { lastOrder(token: $token) { ref } }", { token }, caller);
    const mine = orders.data!.orders.nodes.map((n: { ref: string }) => n.ref);
    const expectedMine = caller === "anonymous+token" || caller === "owner" ? [target.ref] : []; // staff: only their own (none)
    expect(mine).toEqual(expectedMine);
    expect(last.data!.lastOrder?.ref ?? null).toBe(seesTarget[caller] ? target.ref : null); // staff: the newest in the shop = target
    const all = await post("{ allOrders { nodes { ref } } }", {}, caller);
    if (staffOnly[caller] === "ok") expect(all.data!.allOrders.nodes).toHaveLength(2);
    else expectRefused(all, "allOrders", staffOnly[caller]);
    const me = await post("{ me { email } paymentMethods { identifier } }", {}, caller);
    expect(me.data!.paymentMethods).toHaveLength(3);
    expect(me.data!.me?.email ?? null).toBe(
      caller === "owner"
        ? "owner@example.com"
        : caller === "other"
          ? "other@example.com"
          : caller === "staff"
            ? "staff@example.com"
            : null,
    );
  });

  it.each(CALLERS)("staff-only queries and fields for %s refuse before any lookup", async (caller) => {
    for (const ref of [target.ref, MISSING]) {
      const r = await post("query($ref: String!) { orderStatus(ref: $ref) { status } }", { ref }, caller);
      if (staffOnly[caller] === "ok")
        expect(r.data!.orderStatus?.status ?? null).toBe(ref === MISSING ? null : "CREATED");
      else expectRefused(r, "orderStatus", staffOnly[caller]);
      const edit = await post(
        'query($ref: String!) { previewOrderEdit(ref: $ref, changes: { extraRows: [{ label: "x", amount: "1.00" }] }) { __typename } }',
        { ref },
        caller,
      );
      if (staffOnly[caller] !== "ok") expectRefused(edit, "previewOrderEdit", staffOnly[caller]);
      else if (ref === MISSING) expect(edit.errors?.[0].extensions?.code).toBe("NOT_FOUND");
      else expect(edit.data!.previewOrderEdit.__typename).toBe("OrderEditPreview");
    }
    if (!seesTarget[caller]) return;
    const r = await post(
      "query($ref: String!, $token: String) { order(ref: $ref, token: $token) { ref statusTransitions { value } } }",
      { ref: target.ref, token: orderTokenFor(caller) },
      caller,
    );
    if (caller === "staff") expect(r.data!.order.statusTransitions).toHaveLength(9);
    else {
      expect(r.data!.order.statusTransitions).toBeNull();
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual([
        caller.startsWith("anonymous") ? "UNAUTHENTICATED" : "FORBIDDEN",
      ]);
    }
  });

  it.each(CALLERS)("staff-only mutations for %s: refused before the lookup, nothing changes", async (caller) => {
    const history = async () =>
      (await post("query($ref: String!) { order(ref: $ref) { history { totalCount } } }", { ref: target.ref }, "staff"))
        .data!.order.history.totalCount;
    const eventsBefore = await history();
    const mutations = [
      ["mutation($ref: String!) { changeOrderStatus(ref: $ref, status: HOLD) { __typename } }", "changeOrderStatus"],
      ["mutation($ref: String!) { refundOrder(ref: $ref) { __typename } }", "refundOrder"],
      [
        'mutation($ref: String!) { recordOrderPayment(ref: $ref, input: { amount: "1", transactionId: "t", paymentMethod: "cash" }) { __typename } }',
        "recordOrderPayment",
      ],
      ['mutation($ref: String!) { addOrderNote(ref: $ref, message: "m") { ref } }', "addOrderNote"],
      [
        'mutation($ref: String!) { refundOrderPayment(ref: $ref, input: { paymentId: "1", amount: "1.00" }) { __typename } }',
        "refundOrderPayment",
      ],
      [
        'mutation($ref: String!) { commitOrderEdit(ref: $ref, input: { changes: { extraRows: [{ label: "x", amount: "1.00" }] }, expectedTotal: "34.00", overpayment: REFUND }) { __typename } }',
        "commitOrderEdit",
      ],
    ] as const;
    for (const [query, field] of mutations) {
      const ref = caller === "staff" ? (await newOrder()).ref : target.ref;
      for (const r of [ref, MISSING]) {
        const res = await post(query, { ref: r }, caller);
        if (staffOnly[caller] === "ok") {
          if (r === MISSING) expect(res.errors?.[0].extensions?.code, field).toBe("NOT_FOUND");
          else expect(res.data![field], field).toBeTruthy();
        } else expectRefused(res, field, staffOnly[caller]);
      }
    }
    const create = await post(
      'mutation { createOrder(input: { email: "a@b.co", items: [] }) { __typename } }',
      {},
      caller,
    );
    if (staffOnly[caller] === "ok") expect(create.data!.createOrder.__typename).toBe("InvalidOrderInputError");
    else expect(create.errors?.[0].extensions?.code).toBe(staffOnly[caller]);
    const after = (await t.ok(OrderDetailDocument, { ref: target.ref }, { token: tokens.staff })).order!;
    expect(after).toMatchObject({ status: "CREATED", payments: [], notes: [], refunds: [] });
    expect(await history()).toBe(eventsBefore);
  });
});
