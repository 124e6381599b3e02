/** Orders over HTTP on a real database: creation, reading, who sees what, statuses, notes, lists. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddOrderNoteDocument,
  AllOrdersCountDocument,
  AllOrdersDocument,
  BenchAllOrdersDocument,
  ChangeOrderStatusDocument,
  CreateOrderDocument,
  LastOrderDocument,
  MeDocument,
  MyOrdersDocument,
  OrderDetailDocument,
  OrderPaymentMethodsDocument,
  OrderStatusDocument,
  OrderTransitionsDocument,
  RecordOrderPaymentDocument,
  type OrderFieldsFragment,
} from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import type { CreateOrderInput } from "../generated/graphql.js";

/** The shop every group of tests below works in: a server and its users (one per backend). */
interface Shop {
  t: TestServer;
  staff: { id: string; token: string };
  alice: { id: string; token: string };
  bob: { id: string; token: string };
  /** An order made by createOrder as staff (or as `token`'s user). */
  create(over?: Partial<CreateOrderInput>, token?: string): Promise<OrderFieldsFragment>;
}

describe.each(backends())("orders on %s", (backend) => {
  const shop = {} as Shop;
  beforeAll(async () => {
    shop.t = await startTestServer(backend);
    shop.staff = await shop.t.user("staff@example.com", { staff: true });
    shop.alice = await shop.t.user("alice@example.com");
    shop.bob = await shop.t.user("bob@example.com");
    shop.create = (over = {}, token = shop.staff.token) => shop.t.order(over, { token });
  });
  afterAll(() => shop.t?.close());

  describe("createOrder", () => creating(shop));
  describe("who sees what", () => visibility(shop));
  describe("statuses", () => statuses(shop));
  describe("notes", () => notes(shop));
  describe("lists", () => lists(shop));
});

function creating(shop: Shop): void {
  let t: Shop["t"], staff: Shop["staff"], alice: Shop["alice"];
  const create: Shop["create"] = (...args) => shop.create(...args);
  beforeAll(() => void ({ t, staff, alice } = shop));
  it("computes amounts in decimal and answers the REST order shape", async () => {
    const o = await create({
      userId: alice.id,
      items: [
        {
          productType: "shop.Product",
          productId: "A",
          product: { name: "Prod A", code: "A", color: "red" },
          unitPrice: "10.50",
          quantity: 2,
        },
        {
          productType: "shop.Product",
          product: { name: "Prod B", code: "B" },
          unitPrice: "3.34",
          quantity: 1,
          extraRows: [{ label: "Engraving", amount: "2.34", modifier: "engrave" }],
        },
      ],
      extraRows: [{ label: "Discount 10%", amount: "-2.43", modifier: "discount", extra: { code: "TEN" } }],
      extra: { giftMessage: "hi", rows: "kept" },
    });
    expect(o.ref).toMatch(/^\d{4}-\d{5}$/);
    expect(o.ref.slice(0, 4)).toBe(String(new Date().getUTCFullYear()));
    expect(o.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(o).toMatchObject({
      status: "CREATED",
      statusDisplay: "Created",
      isPaid: false,
      currency: "USD",
      user: { id: alice.id, email: "alice@example.com", isStaff: false },
      subtotal: "26.68", // 21.00 + (3.34 + 2.34)
      total: "24.25",
      amountPaid: "0.00",
      amountRefunded: "0.00",
      amountOutstanding: "24.25",
      extra: { giftMessage: "hi", rows: "kept" },
      extraRows: [{ label: "Discount 10%", amount: "-2.43", modifier: "discount", extra: { code: "TEN" } }],
      payments: [],
      notes: [],
    });
    expect(o.items.map((i) => [i.name, i.code, i.unitPrice, i.quantity, i.subtotal, i.total])).toEqual([
      ["Prod A", "A", "10.50", 2, "21.00", "21.00"],
      ["Prod B", "B", "3.34", 1, "3.34", "5.68"],
    ]);
    expect(o.items[0].product).toEqual({ name: "Prod A", code: "A", color: "red" });
    expect(o.items[1].extraRows).toEqual([{ label: "Engraving", amount: "2.34", modifier: "engrave", extra: {} }]);
    expect(Date.parse(o.dateCreated)).toBe(Date.parse(o.dateUpdated));
  });

  it("hands out refs that follow each other, even to concurrent creates", async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => create()));
    const numbers = results.map((o) => Number(o.ref.split("-")[1])).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(12);
    expect(numbers[11] - numbers[0]).toBe(11);
    expect(new Set(results.map((o) => o.token)).size).toBe(12);
  });

  it("keeps a caller-given status and a zero total counts as paid", async () => {
    const o = await create({
      status: "HOLD",
      items: [{ productType: "x", product: { name: "Free", code: "F" }, unitPrice: "0", quantity: 1 }],
    });
    expect(o.status).toBe("HOLD");
    expect(o.total).toBe("0.00");
    expect(o.isPaid).toBe(true);
  });

  it.each([
    [{ items: [] }, "items"],
    [{ email: "not-an-email" }, "email"],
    [{ userId: "999999" }, "userId"],
    [{ userId: "abc" }, "userId"],
    [
      { items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: "1", quantity: 0 }] },
      "items.0.quantity",
    ],
    [
      { items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: "-1", quantity: 1 }] },
      "items.0.unitPrice",
    ],
    [{ items: [{ productType: "p", product: { code: "C" }, unitPrice: "1", quantity: 1 }] }, "items.0.product.name"],
    [{ items: [{ productType: "p", product: { name: "N" }, unitPrice: "1", quantity: 1 }] }, "items.0.product.code"],
    [
      {
        items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: "99999999999999", quantity: 1000 }],
      },
      "items.0.quantity",
    ],
  ])("refuses %j with InvalidOrderInputError on %s and writes nothing", async (over, field) => {
    const before = (await t.ok(AllOrdersCountDocument, {}, { token: staff.token })).allOrders.totalCount;
    const r = await t.ok(CreateOrderDocument, { input: orderInput(over) }, { token: staff.token });
    expect(r.createOrder).toMatchObject({
      __typename: "InvalidOrderInputError",
      errorCode: "INVALID_ORDER_INPUT_ERROR",
      field,
    });
    expect((r.createOrder as { message: string }).message.length).toBeGreaterThan(5);
    expect((await t.ok(AllOrdersCountDocument, {}, { token: staff.token })).allOrders.totalCount).toBe(before);
  });

  it("reads amounts with 17 significant digits back exactly, through the detail and the lists", async () => {
    const big = "999999999999999.99";
    const o = await create({
      userId: alice.id,
      email: "big@example.com",
      items: [{ productType: "p", product: { name: "Big", code: "B" }, unitPrice: big, quantity: 1 }],
    });
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "123456789012345.67", transactionId: "big-1", paymentMethod: "cash" } },
      { token: staff.token },
    );
    const detail = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: alice.token })).order!;
    expect([detail.total, detail.items[0].unitPrice, detail.items[0].total, detail.payments[0].amount]).toEqual([
      big,
      big,
      big,
      "123456789012345.67",
    ]);
    expect(detail.amountOutstanding).toBe("876543210987654.32");
    const page = await t.ok(AllOrdersDocument, { filter: { search: "big@example.com" } }, { token: staff.token });
    expect(page.allOrders.edges.map((e) => e.node.total)).toEqual([big]);
    // A page with its lines and payments, read with the orders in one statement (as JSON: the
    // amounts as text, never numbers).
    const lines = await t.ok(BenchAllOrdersDocument, { filter: { search: "big@example.com" } }, { token: staff.token });
    const [node] = lines.allOrders.nodes;
    expect([node.total, node.items[0].unitPrice, node.items[0].total, node.payments[0].amount]).toEqual([
      big,
      big,
      big,
      "123456789012345.67",
    ]);
  });

  it("is staff only", async () => {
    const anon = await t.gql(CreateOrderDocument, { input: orderInput() });
    expect(anon.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const customer = await t.gql(CreateOrderDocument, { input: orderInput() }, { token: alice.token });
    expect(customer.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
}

function visibility(shop: Shop): void {
  let t: Shop["t"], staff: Shop["staff"], alice: Shop["alice"], bob: Shop["bob"];
  const create: Shop["create"] = (...args) => shop.create(...args);
  beforeAll(() => void ({ t, staff, alice, bob } = shop));
  let aliceOrder: OrderFieldsFragment;
  let guestOrder: OrderFieldsFragment;
  beforeAll(async () => {
    aliceOrder = await create({ userId: alice.id, email: "alice@example.com" });
    guestOrder = await create({ email: "guest@example.com" });
  });

  it("the owner sees their order, another customer gets null as for a missing ref", async () => {
    expect((await t.ok(OrderDetailDocument, { ref: aliceOrder.ref }, { token: alice.token })).order?.ref).toBe(
      aliceOrder.ref,
    );
    const other = await t.gql(OrderDetailDocument, { ref: aliceOrder.ref }, { token: bob.token });
    const missing = await t.gql(OrderDetailDocument, { ref: "1999-99999" }, { token: bob.token });
    expect(other).toEqual(missing);
    expect(other.data?.order).toBeNull();
  });

  it("an anonymous caller needs the exact token", async () => {
    expect((await t.ok(OrderDetailDocument, { ref: guestOrder.ref, token: guestOrder.token })).order?.ref).toBe(
      guestOrder.ref,
    );
    expect((await t.ok(OrderDetailDocument, { ref: guestOrder.ref, token: aliceOrder.token })).order).toBeNull();
    expect((await t.ok(OrderDetailDocument, { ref: guestOrder.ref, token: "" })).order).toBeNull();
    expect((await t.ok(OrderDetailDocument, { ref: guestOrder.ref })).order).toBeNull();
  });

  it("a signed-in user's token argument is ignored, both ways", async () => {
    expect(
      (await t.ok(OrderDetailDocument, { ref: guestOrder.ref, token: guestOrder.token }, { token: alice.token })).order,
    ).toBeNull();
    expect(
      (await t.ok(OrderDetailDocument, { ref: aliceOrder.ref, token: "garbage" }, { token: alice.token })).order?.ref,
    ).toBe(aliceOrder.ref);
  });

  it("staff see any order", async () => {
    expect((await t.ok(OrderDetailDocument, { ref: guestOrder.ref }, { token: staff.token })).order?.ref).toBe(
      guestOrder.ref,
    );
  });

  it("orders lists the caller's own orders; staff too see only their own", async () => {
    const mine = await t.ok(MyOrdersDocument, {}, { token: alice.token });
    expect(mine.orders.nodes.map((o) => o.ref)).toContain(aliceOrder.ref);
    expect(mine.orders.nodes.every((o) => o.ref !== guestOrder.ref)).toBe(true);
    expect((await t.ok(MyOrdersDocument, {}, { token: staff.token })).orders.totalCount).toBe(0);
    expect((await t.ok(MyOrdersDocument, {})).orders.nodes).toEqual([]);
    expect((await t.ok(MyOrdersDocument, { token: guestOrder.token })).orders.nodes.map((o) => o.ref)).toEqual([
      guestOrder.ref,
    ]);
  });

  it("lastOrder: the newest visible order; staff get the newest in the shop", async () => {
    const newest = await create({ email: "newest@example.com" });
    expect((await t.ok(LastOrderDocument, {}, { token: staff.token })).lastOrder?.ref).toBe(newest.ref);
    expect((await t.ok(LastOrderDocument, {}, { token: alice.token })).lastOrder?.ref).not.toBe(newest.ref);
    expect((await t.ok(LastOrderDocument, { token: guestOrder.token })).lastOrder?.ref).toBe(guestOrder.ref);
    expect((await t.ok(LastOrderDocument, {})).lastOrder).toBeNull();
    expect((await t.ok(LastOrderDocument, {}, { token: bob.token })).lastOrder).toBeNull();
  });

  it("orderPaymentMethods is null for an invisible order", async () => {
    expect(
      (await t.ok(OrderPaymentMethodsDocument, { ref: aliceOrder.ref }, { token: bob.token })).orderPaymentMethods,
    ).toBeNull();
    expect(
      (await t.ok(OrderPaymentMethodsDocument, { ref: aliceOrder.ref }, { token: alice.token })).orderPaymentMethods
        ?.length,
    ).toBe(3);
  });

  it("me is the signed-in user or null", async () => {
    expect((await t.ok(MeDocument, {}, { token: alice.token })).me).toEqual({
      id: alice.id,
      email: "alice@example.com",
      isStaff: false,
    });
    expect((await t.ok(MeDocument, {})).me).toBeNull();
  });
}

function statuses(shop: Shop): void {
  let t: Shop["t"], staff: Shop["staff"], alice: Shop["alice"];
  const create: Shop["create"] = (...args) => shop.create(...args);
  beforeAll(() => void ({ t, staff, alice } = shop));
  it("orderStatus lists every transition with its reason (staff)", async () => {
    const o = await create({ status: "HOLD" });
    const s = (await t.ok(OrderStatusDocument, { ref: o.ref }, { token: staff.token })).orderStatus!;
    expect(s.status).toBe("HOLD");
    expect(s.statusDisplay).toBe("Hold");
    expect(s.statusTransitions).toHaveLength(9);
    expect(s.statusTransitions.find((x) => x.value === "SHIPPED")?.error).toBe(
      "Can't change order with status 'Hold' to 'Shipped'.",
    );
    expect(s.statusTransitions.filter((x) => !x.error).map((x) => x.value)).toEqual([
      "HOLD",
      "FAILED",
      "CANCELLED",
      "PROCESSING",
    ]);
    expect((await t.ok(OrderStatusDocument, { ref: "1999-00000" }, { token: staff.token })).orderStatus).toBeNull();
  });

  it("staff-only operations refuse before looking the order up", async () => {
    for (const ref of ["1999-00000", (await create()).ref]) {
      expect((await t.gql(OrderStatusDocument, { ref }, { token: alice.token })).errors?.[0].extensions?.code).toBe(
        "FORBIDDEN",
      );
      expect((await t.gql(OrderStatusDocument, { ref })).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(
        (await t.gql(ChangeOrderStatusDocument, { ref, status: "HOLD" }, { token: alice.token })).errors?.[0].extensions
          ?.code,
      ).toBe("FORBIDDEN");
    }
  });

  it("Order.statusTransitions is FORBIDDEN for non-staff and listed for staff", async () => {
    const o = await create({ userId: alice.id });
    const r = await t.gql(OrderTransitionsDocument, { ref: o.ref }, { token: alice.token });
    expect(r.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(r.errors?.[0].path).toEqual(["order", "statusTransitions"]);
    expect(r.data?.order).toEqual({ ref: o.ref, statusTransitions: null });
    const s = await t.ok(OrderTransitionsDocument, { ref: o.ref }, { token: staff.token });
    expect(s.order?.statusTransitions).toHaveLength(9);
  });

  it("changeOrderStatus follows the table, refuses with the exact message and changes nothing then", async () => {
    const o = await create();
    const bad = (await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "SHIPPED" }, { token: staff.token }))
      .changeOrderStatus;
    expect(bad).toEqual({
      __typename: "InvalidStatusTransitionError",
      errorCode: "INVALID_STATUS_TRANSITION_ERROR",
      message: "Can't change order with status 'Created' to 'Shipped'.",
      fromStatus: "CREATED",
      toStatus: "SHIPPED",
    });
    const same = (await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "CREATED" }, { token: staff.token }))
      .changeOrderStatus;
    expect(same).toMatchObject({ __typename: "Order", status: "CREATED", dateUpdated: o.dateUpdated });
    let last = o.dateUpdated;
    for (const status of ["PROCESSING", "SHIPPED", "COMPLETED", "REFUNDED"] as const) {
      await new Promise((r) => setTimeout(r, 5));
      const r = (await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status }, { token: staff.token }))
        .changeOrderStatus;
      expect(r).toMatchObject({ __typename: "Order", status });
      const updated = (r as { dateUpdated: string }).dateUpdated;
      expect(Date.parse(updated)).toBeGreaterThan(Date.parse(last));
      last = updated;
    }
    expect(
      (await t.gql(ChangeOrderStatusDocument, { ref: "1999-00000", status: "HOLD" }, { token: staff.token }))
        .errors?.[0].extensions?.code,
    ).toBe("NOT_FOUND");
  });
}

function notes(shop: Shop): void {
  let t: Shop["t"], staff: Shop["staff"], alice: Shop["alice"];
  const create: Shop["create"] = (...args) => shop.create(...args);
  beforeAll(() => void ({ t, staff, alice } = shop));
  it("staff add notes; customers see only the public ones", async () => {
    const o = await create({ userId: alice.id });
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "Left at the door", public: true }, { token: staff.token });
    const r = await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "Customer was rude" }, { token: staff.token });
    expect(r.addOrderNote.notes.map((n) => [n.message, n.public])).toEqual([
      ["Left at the door", true],
      ["Customer was rude", false],
    ]);
    const seen = await t.ok(OrderDetailDocument, { ref: o.ref }, { token: alice.token });
    expect(seen.order?.notes.map((n) => n.message)).toEqual(["Left at the door"]);
    const blank = await t.gql(AddOrderNoteDocument, { ref: o.ref, message: "  " }, { token: staff.token });
    expect(blank.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const denied = await t.gql(AddOrderNoteDocument, { ref: o.ref, message: "hi" }, { token: alice.token });
    expect(denied.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
}

function lists(shop: Shop): void {
  let t: Shop["t"], staff: Shop["staff"], alice: Shop["alice"];
  const create: Shop["create"] = (...args) => shop.create(...args);
  beforeAll(() => void ({ t, staff, alice } = shop));
  let refs: string[];
  beforeAll(async () => {
    // A shop of its own, so that counts are exact: orders for one email.
    refs = [];
    for (let i = 0; i < 25; i++) {
      const o = await create({
        email: "list@example.com",
        status: i % 5 === 0 ? "HOLD" : "CREATED",
        items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: `${(i % 7) + 1}.00`, quantity: 1 }],
      });
      refs.push(o.ref);
    }
  });

  it("pages newest first with opaque cursors, no gaps, no repeats", async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    let pages = 0;
    do {
      const r = await t.ok(
        AllOrdersDocument,
        { first: 10, after, filter: { search: "list@example.com" } },
        { token: staff.token },
      );
      seen.push(...r.allOrders.edges.map((e) => e.node.ref));
      expect(r.allOrders.pageInfo.hasPreviousPage).toBe(pages > 0);
      after = r.allOrders.pageInfo.hasNextPage ? r.allOrders.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...refs].reverse());
  });

  it("defaults to 20 and refuses more than 100", async () => {
    const r = await t.ok(AllOrdersDocument, { filter: { search: "list@example.com" } }, { token: staff.token });
    expect(r.allOrders.edges).toHaveLength(20);
    const tooMany = await t.gql(AllOrdersDocument, { first: 101 }, { token: staff.token });
    expect(tooMany.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const negative = await t.gql(AllOrdersDocument, { first: -1 }, { token: staff.token });
    expect(negative.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const badCursor = await t.gql(AllOrdersDocument, { after: "garbage" }, { token: staff.token });
    expect(badCursor.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("filters by status, paid state, ref prefix and dates, and counts only when asked", async () => {
    const count = async (filter: object) =>
      (
        await t.ok(
          AllOrdersCountDocument,
          { filter: { search: "list@example.com", ...filter } },
          { token: staff.token },
        )
      ).allOrders.totalCount;
    expect(await count({})).toBe(25);
    expect(await count({ status: ["HOLD"] })).toBe(5);
    expect(await count({ status: ["HOLD", "CREATED"] })).toBe(25);
    expect(await count({ isPaid: true })).toBe(0);
    expect(await count({ isPaid: false })).toBe(25);
    expect(await count({ createdAfter: "2000-01-01T00:00:00Z", createdBefore: "2999-01-01T00:00:00Z" })).toBe(25);
    expect(await count({ createdAfter: "2999-01-01T00:00:00Z" })).toBe(0);
    const byRef = await t.ok(AllOrdersDocument, { filter: { search: refs[3] } }, { token: staff.token });
    expect(byRef.allOrders.edges.map((e) => e.node.ref)).toEqual([refs[3]]);
    const prefix = await t.ok(
      AllOrdersCountDocument,
      { filter: { search: refs[0].slice(0, 5) } },
      { token: staff.token },
    );
    expect(prefix.allOrders.totalCount).toBeGreaterThanOrEqual(25);
    t.statements.length = 0;
    await t.ok(AllOrdersDocument, { first: 5 }, { token: staff.token });
    expect(t.statements.some((s) => /count\(/i.test(s))).toBe(false);
  });

  it("sorts by total both ways, ties broken by id, across pages", async () => {
    for (const orderBy of ["TOTAL_ASC", "TOTAL_DESC", "DATE_CREATED_ASC"] as const) {
      const all: { ref: string; total: string }[] = [];
      let after: string | null | undefined;
      do {
        const r = await t.ok(
          AllOrdersDocument,
          { first: 7, after, orderBy, filter: { search: "list@example.com" } },
          { token: staff.token },
        );
        all.push(...r.allOrders.edges.map((e) => e.node));
        after = r.allOrders.pageInfo.hasNextPage ? r.allOrders.pageInfo.endCursor : null;
      } while (after);
      expect(all).toHaveLength(25);
      expect(new Set(all.map((o) => o.ref)).size).toBe(25);
      const totals = all.map((o) => Number(o.total));
      if (orderBy === "TOTAL_ASC") expect(totals).toEqual([...totals].sort((a, b) => a - b));
      if (orderBy === "TOTAL_DESC") expect(totals).toEqual([...totals].sort((a, b) => b - a));
      if (orderBy === "DATE_CREATED_ASC") expect(all.map((o) => o.ref)).toEqual(refs);
    }
  });

  it("allOrders is staff only", async () => {
    expect((await t.gql(AllOrdersDocument, {}, { token: alice.token })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(AllOrdersDocument, {})).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });
}
