/**
 * Global object identification: every Node type has a global id (`nodeId`) that is opaque, the same
 * on every request and unique across types, where the contract's `id` repeats from type to type;
 * `node` and `nodes` find any of them again. Malformed ids are refused before anything is read, and
 * `nodes` reads one statement per type, whatever the number of ids.
 */
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeDocument, NodesDocument } from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { nodeScenario, quietWebhook, type NodeScenario, type NodeType } from "../helpers/nodes.js";

const b64 = (text: string) => Buffer.from(text, "latin1").toString("base64url");

describe.each(backends())("global object identification on %s", (backend) => {
  let t: TestServer;
  let staff: { id: string; token: string };
  let owner: { id: string; token: string };
  let webhookId: string;
  let shop: NodeScenario;

  beforeAll(async () => {
    t = await startTestServer(backend, { env: { WEBHOOK_ALLOW_PRIVATE: "on" } });
    await t.server.dispatcher.stop(); // deliveries stay pending: nothing is sent
    staff = await t.user("staff@example.com", { staff: true });
    owner = await t.user("owner@example.com");
    webhookId = await quietWebhook(t, staff.token);
    shop = await nodeScenario(t, { staffToken: staff.token, webhookId, over: { userId: owner.id } });
  });
  afterAll(() => t?.close());

  const allIds = () => Object.values(shop.ids).flat();
  const auth = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });

  async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as {
      data?: Record<string, any> | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  }

  it("gives every Node a global id unique across types, where `id` repeats, the same on every request", async () => {
    const ids = allIds();
    expect(new Set(ids).size).toBe(ids.length);
    // The contract's ids collide across types (row 1 of orders, items, payments…): the reason for nodeId.
    const plain = Object.values(shop.plainIds).flat();
    expect(new Set(plain).size).toBeLessThan(plain.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    const again = await post("query($ref: String!) { order(ref: $ref) { nodeId } }", { ref: shop.ref }, auth(staff));
    expect(again.data!.order.nodeId).toBe(shop.ids.Order[0]);
  });

  it("finds every Node again by its global id, as the type it is, with the same `id`", async () => {
    for (const [type, ids] of Object.entries(shop.ids) as [NodeType, string[]][]) {
      for (const [i, id] of ids.entries()) {
        const r = await t.ok(NodeDocument, { id }, { token: staff.token });
        expect(r.node, `${type} ${id}`).toMatchObject({ __typename: type, nodeId: id, id: shop.plainIds[type][i] });
      }
    }
  });

  it("nodes answers in the order asked, null where there is no such object, repeats allowed", async () => {
    const missing = b64("Order:999999");
    const ids = [shop.ids.OrderPayment[0], missing, shop.ids.Order[0], shop.ids.OrderPayment[0]];
    const r = await t.ok(NodesDocument, { ids }, { token: staff.token });
    expect(r.nodes.map((n) => n && n.__typename)).toEqual(["OrderPayment", null, "Order", "OrderPayment"]);
    expect(r.nodes.map((n) => n && n.nodeId)).toEqual([ids[0], null, ids[2], ids[3]]);
    expect((await t.ok(NodesDocument, { ids: [] }, { token: staff.token })).nodes).toEqual([]);
  });

  it("a delivery's global id holds its webhook-id, never its row number", async () => {
    const [id] = shop.ids.WebhookDelivery;
    const [messageId] = shop.plainIds.WebhookDelivery;
    expect(messageId).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Buffer.from(id, "base64url").toString("latin1")).toBe(`WebhookDelivery:${messageId}`);
  });

  it("refuses a text that is not a global id with BAD_USER_INPUT, before anything is read", async () => {
    const order = Buffer.from(shop.ids.Order[0], "base64url").toString("latin1"); // "Order:<n>"
    const malformed = [
      "",
      "17",
      shop.plainIds.Order[0],
      order, // the plain text, not encoded
      `${shop.ids.Order[0]}=`, // padding
      `${shop.ids.Order[0]} `,
      shop.ids.Order[0].slice(0, -1) + (shop.ids.Order[0].endsWith("A") ? "B" : "A"), // other trailing bits
      b64("Order:0"),
      b64("Order:-1"),
      b64("Order:017"),
      b64("Order:2147483648"),
      b64("Order:1.5"),
      b64("Order:"),
      b64(":1"),
      b64("Order"),
      b64("Nope:1"),
      b64("User:1"), // a type that is not a Node
      b64("order:1"),
      b64("WebhookDelivery:msg_xyz"),
      b64("WebhookDelivery:msg_" + "0".repeat(31)),
      b64("Order:1\u00e9"),
      "€".repeat(10),
      "A".repeat(100_000),
    ];
    for (const id of malformed) {
      t.statements.length = 0;
      const r = await t.gql(NodeDocument, { id }, { token: staff.token });
      expect(r.data, JSON.stringify(id.slice(0, 40))).toEqual({ node: null });
      expect(r.errors, JSON.stringify(id.slice(0, 40))).toEqual([
        {
          message: "id is not a global id of this API: pass an object's nodeId.",
          locations: expect.any(Array),
          path: ["node"],
          extensions: { code: "BAD_USER_INPUT", argumentName: "id" },
        },
      ]);
      expect(t.statements.filter((s) => !/"ApiToken"/.test(s))).toEqual([]);
    }
    const r = await t.gql(
      NodesDocument,
      { ids: [shop.ids.Order[0], shop.ids.OrderItem[0], "17"] },
      { token: staff.token },
    );
    expect(r.errors?.map((e) => [e.message, e.extensions])).toEqual([
      [
        "ids.2 is not a global id of this API: pass an object's nodeId.",
        { code: "BAD_USER_INPUT", argumentName: "ids" },
      ],
    ]);
    expect(r.data).toBeNull(); // nodes is non-null: the error takes the whole answer
  });

  it("nodes takes at most 100 ids", async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => allIds()[i % allIds().length]);
    expect((await t.ok(NodesDocument, { ids: hundred }, { token: staff.token })).nodes).toHaveLength(100);
    const r = await t.gql(NodesDocument, { ids: [...hundred, hundred[0]] }, { token: staff.token });
    expect(r.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ["ids may hold at most 100 ids.", "BAD_USER_INPUT"],
    ]);
  });

  it("nodes reads one statement per type, whatever the number of ids: 100 ids of every type cost what 7 do", async () => {
    // More objects: ten more orders like the first, each with items, payments, refunds, events and deliveries.
    const more = [shop];
    for (let i = 0; i < 10; i++) more.push(await nodeScenario(t, { staffToken: staff.token, webhookId }));
    const pool = more.flatMap((s) => Object.values(s.ids).flat());
    const types = Object.keys(shop.ids) as NodeType[];
    const hundred = pool.slice(0, 100);
    const sevenOfAKind = types.map((type) => shop.ids[type][0]);
    for (const type of types)
      expect(
        hundred.some((id) => more.some((s) => s.ids[type].includes(id))),
        type,
      ).toBe(true);

    const statements = async (query: string, ids: string[]) => {
      t.statements.length = 0;
      const r = await post(query, { ids }, auth(staff));
      expect(r.errors).toBeUndefined();
      expect(r.data!.nodes.every((n: unknown) => n !== null)).toBe(true);
      return t.statements.filter((s) => !/"ApiToken"/.test(s));
    };
    /** The table each statement reads from first. */
    const tables = (sql: string[]) => sql.map((s) => /FROM "public"\."(\w+)" AS "t0"/.exec(s)?.[1] ?? s).sort();

    // The nodes alone: one statement per type.
    const bare = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename nodeId } }";
    expect(tables(await statements(bare, hundred))).toEqual([...types].sort());
    expect(tables(await statements(bare, sevenOfAKind))).toEqual([...types].sort());
    // With what the fragment shows of them (an order's items and payments, a refund's payment, a
    // delivery's event): one more statement per relation, whatever the number of ids.
    const full = print(NodesDocument);
    const few = await statements(full, sevenOfAKind);
    const many = await statements(full, hundred);
    expect(tables(many)).toEqual(tables(few));
    expect(many).toHaveLength(types.length + 4);
  });

  it("the Order-Token header shows a guest an order and what belongs to it, through node and nodes", async () => {
    const guest = await nodeScenario(t, { staffToken: staff.token, webhookId });
    const ids = [guest.ids.Order[0], guest.ids.OrderItem[0], guest.ids.OrderPayment[0], guest.ids.OrderEvent[0]];
    const query = print(NodesDocument);
    const without = await post(query, { ids });
    expect(without).toEqual({ data: { nodes: [null, null, null, null] } });
    const withToken = await post(query, { ids }, { "order-token": guest.token });
    expect(withToken.data!.nodes.map((n: { __typename: string } | null) => n?.__typename)).toEqual([
      "Order",
      "OrderItem",
      "OrderPayment",
      "OrderEvent",
    ]);
    // the token opens its own order only
    const other = await post(query, { ids: [shop.ids.Order[0]] }, { "order-token": guest.token });
    expect(other).toEqual({ data: { nodes: [null] } });
    // node, the same
    const one = await post(print(NodeDocument), { id: guest.ids.Order[0] }, { "order-token": guest.token });
    expect(one.data!.node).toMatchObject({ __typename: "Order", ref: guest.ref });
  });
});
