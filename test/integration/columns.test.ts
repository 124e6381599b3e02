/**
 * Order reads fetch only the columns an operation shows (src/orders/order.columns.ts). Whatever
 * fields an operation selects, through whichever query, fragments or aliases, every field answers
 * exactly what it answers when everything is selected; and a page that shows fewer fields sends
 * fewer columns.
 */
import fc from "fast-check";
import { getNamedType, isLeafType, parse, type GraphQLObjectType } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AddOrderNoteDocument, CreateOrderDocument, RecordOrderPaymentDocument } from "../generated/graphql.js";
import { createSchema } from "../../src/schema.js";
import { defineOrderRules, mustBePaidBefore } from "../../src/orders/status.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";

const schema = createSchema();
const fieldsOf = (name: string) => Object.values((schema.getType(name) as GraphQLObjectType).getFields());

/**
 * A selection of every field of a type (objects with all their own fields, a type at most once on a
 * path), except where `pick` says.
 */
function selection(
  typeName: string,
  pick: (type: string, field: string) => boolean = () => true,
  path: string[] = [],
): string {
  const parts: string[] = [];
  for (const f of fieldsOf(typeName)) {
    if (!pick(typeName, f.name)) continue;
    // An event's edit comes from the event's own row, not from order or item columns; its nested lines
    // would take the full selection past the query cost limit.
    if (typeName === "OrderEvent" && f.name === "edit") continue;
    const named = getNamedType(f.type);
    if (isLeafType(named)) parts.push(f.name);
    else if (!path.includes(named.name))
      parts.push(`${f.name} { ${selection(named.name, pick, [...path, typeName])} }`);
  }
  return parts.length ? parts.join(" ") : "__typename";
}

const ORDER_FIELDS = fieldsOf("Order").map((f) => f.name);
const ITEM_FIELDS = fieldsOf("OrderItem").map((f) => f.name);

/** The same fields picked out of a full answer. */
function project(full: unknown, picked: unknown): unknown {
  if (Array.isArray(picked)) return (full as unknown[]).map((x, i) => project(x, picked[i]));
  if (picked === null || typeof picked !== "object") return full;
  const full_ = full as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(picked).map((k) => [k, project(full_[k], (picked as Record<string, unknown>)[k])]),
  );
}

const doc = (text: string) => parse(text) as TypedDocumentNode<Record<string, unknown>, Record<string, unknown>>;

describe.each(backends())("order reads fetch the columns an operation shows, on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let alice: { id: string; token: string };
  let ref: string;
  /** An order of alice's paid in full, newer than `ref`'s (isPaid true: the status rules look at it). */
  let paidRef: string;

  beforeAll(async () => {
    // A rule that looks at isPaid, so that statusTransitions answers differently for the paid order.
    t = await startTestServer(backend, { rules: defineOrderRules({ rules: [mustBePaidBefore("PROCESSING")] }) });
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
    const created = await t.ok(
      CreateOrderDocument,
      {
        input: orderInput({
          userId: alice.id,
          email: "alice@example.com",
          billingAddress: "1 Bill Street",
          shippingAddress: "2 Ship Street",
          extra: { gift: true, message: "hi" },
          extraRows: [{ label: "Shipping", amount: "4.99", modifier: "shipping", extra: { carrier: "post" } }],
          items: [
            {
              productType: "shop.Product",
              productId: "A",
              product: { name: "Prod A", code: "A", color: "red" },
              unitPrice: "10.50",
              quantity: 2,
              extra: { size: "L" },
            },
            {
              productType: "shop.Gift",
              product: { name: "Gift", code: "G", note: "wrapped" },
              unitPrice: "3.34",
              quantity: 1,
              extraRows: [{ label: "Wrap", amount: "1.00" }],
            },
          ],
        }),
      },
      { token: staff.token },
    );
    if (created.createOrder.__typename !== "Order")
      throw new Error(`not created: ${JSON.stringify(created.createOrder)}`);
    ({ ref } = created.createOrder as { ref: string });
    await t.ok(
      RecordOrderPaymentDocument,
      { ref, input: { amount: "5.00", transactionId: "cols-1", paymentMethod: "cash" } },
      { token: staff.token },
    );
    await t.ok(AddOrderNoteDocument, { ref, message: "private", public: false }, { token: staff.token });
    await t.ok(AddOrderNoteDocument, { ref, message: "public", public: true }, { token: staff.token });
    const paid = await t.order({ userId: alice.id, email: "alice@example.com" }, { token: staff.token });
    paidRef = paid.ref;
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: paidRef, input: { amount: paid.total, transactionId: "cols-2", paymentMethod: "cash" } },
      { token: staff.token },
    );
  });
  afterAll(() => t?.close());

  const entryPoints = [
    { name: "order", query: (sel: string) => `query { order(ref: "REF") { ${sel} } }`, get: (d: any) => d.order },
    {
      name: "order (paid in full)",
      paid: true,
      query: (sel: string) => `query { order(ref: "PAID") { ${sel} } }`,
      get: (d: any) => d.order,
    },
    {
      name: "lastOrder (paid in full)",
      paid: true,
      query: (sel: string) => `query { lastOrder { ${sel} } }`,
      get: (d: any) => d.lastOrder,
    },
    {
      name: "orders",
      query: (sel: string) => `query { orders(first: 5) { nodes { ${sel} } } }`,
      get: (d: any) => d.orders.nodes[1],
    },
    {
      name: "allOrders",
      query: (sel: string) => `query { allOrders(first: 5, filter: { search: "REF" }) { edges { node { ${sel} } } } }`,
      get: (d: any) => d.allOrders.edges[0].node,
    },
    {
      name: "allOrders (paid in full)",
      paid: true,
      query: (sel: string) => `query { allOrders(first: 5, filter: { search: "PAID" }) { nodes { ${sel} } } }`,
      get: (d: any) => d.allOrders.nodes[0],
    },
  ];

  it.each(entryPoints)(
    "any choice of order and item fields through $name answers what the full selection answers",
    async (entry) => {
      const caller = entry.name.startsWith("allOrders") ? staff.token : alice.token;
      const run = async (sel: string) => {
        const r = await t.gql(
          doc(entry.query(sel).replace("REF", ref).replace("PAID", paidRef)),
          {},
          {
            token: caller,
          },
        );
        expect(r.errors, sel).toBeUndefined();
        return entry.get(r.data);
      };
      // statusTransitions is staff-only: the customer's selections leave it out.
      const allowed = ORDER_FIELDS.filter((f) => caller === staff.token || f !== "statusTransitions");
      const full = await run(selection("Order", (type, f) => type !== "Order" || allowed.includes(f)));
      expect(full).toMatchObject(entry.paid ? { ref: paidRef, isPaid: true } : { ref, isPaid: false });
      await fc.assert(
        fc.asyncProperty(
          fc.subarray(allowed, { minLength: 1 }),
          fc.subarray(ITEM_FIELDS, { minLength: 1 }),
          async (orderFields, itemFields) => {
            const sel = selection("Order", (type, f) =>
              type === "Order" ? orderFields.includes(f) : type === "OrderItem" ? itemFields.includes(f) : true,
            );
            const picked = await run(sel);
            expect(picked).toEqual(project(full, picked));
          },
        ),
        { numRuns: 25 },
      );
    },
  );

  it("counts fields reached through fragments, inline fragments and aliases", async () => {
    const full = (
      await t.ok(
        doc(
          `query { order(ref: "${ref}") { ${selection("Order", (type, f) => type !== "Order" || f !== "statusTransitions")} } }`,
        ),
        {},
        { token: alice.token },
      )
    ).order as any;
    const r = await t.ok(
      doc(`
        query { order(ref: "${ref}") { ...A ... on Order { ship: shippingAddress items { ...I } } } }
        fragment A on Order { bill: billingAddress extra extraRows { label amount } dateUpdated }
        fragment I on OrderItem { n: name code product extra subtotal }`),
      {},
      { token: alice.token },
    );
    expect(r.order).toEqual({
      bill: "1 Bill Street",
      ship: "2 Ship Street",
      extra: { gift: true, message: "hi" },
      extraRows: [{ label: "Shipping", amount: "4.99" }],
      dateUpdated: full.dateUpdated,
      items: full.items.map((i: any) => ({
        n: i.name,
        code: i.code,
        product: i.product,
        extra: i.extra,
        subtotal: i.subtotal,
      })),
    });
    expect(r.order).toMatchObject({
      items: [
        { n: "Prod A", code: "A" },
        { n: "Gift", code: "G" },
      ],
    });
  });

  it("a page that shows fewer fields sends fewer columns; a field that asks the payment methods gets them all", async () => {
    const ordersSql = () => t.statements.filter((s) => /FROM "public"\."Order"/.test(s) && !/COUNT\(/i.test(s));
    const itemsSql = () => t.statements.filter((s) => /FROM "public"\."OrderItem"/.test(s));
    const relationsSql = () => t.statements.filter((s) => /FROM "public"\."OrderRelations"/.test(s));
    t.statements.length = 0;
    await t.ok(
      doc(`query { allOrders(first: 5) { nodes { ref total items { name unitPrice } } } }`),
      {},
      { token: staff.token },
    );
    expect(ordersSql().at(-1)).not.toMatch(/"billingAddress"|"extra"|"token"|"amountPaid"|"isPaid"|"userId"/);
    // A page's lines come from the order cache (src/orders/order.cache.ts), and those of the orders
    // it does not hold in one statement from the OrderRelations view (each line whole, as JSON), with
    // the payments and notes the cache keeps too: never row by row from OrderItem.
    expect(itemsSql()).toEqual([]);
    expect(relationsSql().length).toBeLessThanOrEqual(1);
    for (const s of relationsSql()) expect(s).toMatch(/"items".*"payments".*"notes"/s);
    // Lines read by id (nodes) still fetch the columns the operation shows.
    t.statements.length = 0;
    const page = await t.ok(
      doc(`query { allOrders(first: 1) { nodes { items { nodeId } } } }`),
      {},
      {
        token: staff.token,
      },
    );
    const itemId = (page as { allOrders: { nodes: { items: { nodeId: string }[] }[] } }).allOrders.nodes[0].items[0]
      .nodeId;
    t.statements.length = 0;
    await t.ok(
      doc(`query($id: ID!) { node(id: $id) { ... on OrderItem { name unitPrice } } }`),
      { id: itemId },
      {
        token: staff.token,
      },
    );
    expect(itemsSql().at(-1)).toMatch(/"product"/);
    expect(itemsSql().at(-1)).not.toMatch(/"extraRows"|"productType"/);
    t.statements.length = 0;
    await t.ok(
      doc(`query { allOrders(first: 5) { nodes { ref paymentMethods { identifier error } } } }`),
      {},
      { token: staff.token },
    );
    expect(ordersSql().at(-1)).toMatch(/"billingAddress".*"extraRows".*"dateUpdated"/s);
  });
});
