/**
 * The authorization matrix of `node` and `nodes`: every Node type × every kind of caller sees exactly
 * what the type's own fields show them, and an object the caller may not see answers exactly like
 * one that does not exist (null, no error). A guest's order token travels in the Order-Token header,
 * which a signed-in caller's request does not use.
 */
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { possibleTypes } from "../../src/schema.js";
import { NodeDocument, NodesDocument } from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { nodeScenario, quietWebhook, type NodeScenario, type NodeType } from "../helpers/nodes.js";

type Caller =
  "anonymous" | "anonymous+token" | "anonymous+wrong" | "owner" | "owner+wrong" | "other" | "other+token" | "staff";
const CALLERS: Caller[] = [
  "anonymous",
  "anonymous+token",
  "anonymous+wrong",
  "owner",
  "owner+wrong",
  "other",
  "other+token",
  "staff",
];
/** What each kind of object is, for the matrix: order-owned (public or private) or staff's. */
type Audience = "order" | "staff";
const AUDIENCE: Record<NodeType, Audience> = {
  Order: "order",
  OrderItem: "order",
  OrderPayment: "order",
  OrderRefund: "order",
  OrderEvent: "order", // the public ones; the private event is staff's (below)
  Webhook: "staff",
  WebhookDelivery: "staff",
  OrderShipment: "order",
  OrderReturn: "order",
};
const seesOrder: Record<Caller, boolean> = {
  anonymous: false,
  "anonymous+token": true,
  "anonymous+wrong": false,
  owner: true,
  "owner+wrong": true, // a signed-in caller is who they are; the header is not used
  other: false,
  "other+token": false, // the header does not lend a signed-in caller another's order
  staff: true,
};

const b64 = (text: string) => Buffer.from(text, "latin1").toString("base64url");
/** A global id of the type that no object has. */
const missingOf = (type: NodeType) =>
  b64(type === "WebhookDelivery" ? `WebhookDelivery:msg_${"0".repeat(32)}` : `${type}:2000000000`);

describe.each(backends())("node and nodes: authorization matrix on %s", (backend) => {
  let t: TestServer;
  let shop: NodeScenario;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer(backend, { env: { WEBHOOK_ALLOW_PRIVATE: "on" } });
    await t.server.dispatcher.stop();
    tokens.staff = (await t.user("staff@example.com", { staff: true })).token;
    const owner = await t.user("owner@example.com");
    tokens.owner = owner.token;
    tokens.other = (await t.user("other@example.com")).token;
    const webhookId = await quietWebhook(t, tokens.staff);
    shop = await nodeScenario(t, { staffToken: tokens.staff, webhookId, over: { userId: owner.id } });
  });
  afterAll(() => t?.close());

  function headersOf(caller: Caller): Record<string, string> {
    const [who, token] = caller.split("+");
    return {
      "content-type": "application/json",
      ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}),
      ...(token === "token"
        ? { "order-token": shop.token }
        : token === "wrong"
          ? { "order-token": "x".repeat(43) }
          : {}),
    };
  }
  async function post(query: string, variables: Record<string, unknown>, caller: Caller) {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: headersOf(caller),
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, any> | null; errors?: unknown[] };
  }
  const visible = (type: NodeType, caller: Caller) =>
    AUDIENCE[type] === "staff" ? caller === "staff" : seesOrder[caller];

  it("the matrix covers every Node type of the schema", () => {
    expect(Object.keys(AUDIENCE).sort()).toEqual(possibleTypes().Node);
    expect(Object.keys(shop.ids).sort()).toEqual(possibleTypes().Node);
  });

  it.each(CALLERS)(
    "node for %s: each type visible as its fields are, or exactly like a missing object",
    async (caller) => {
      const query = print(NodeDocument);
      for (const type of Object.keys(AUDIENCE) as NodeType[]) {
        const missing = await post(query, { id: missingOf(type) }, caller);
        expect(missing, `${type} missing`).toEqual({ data: { node: null } });
        for (const id of shop.ids[type]) {
          const got = await post(query, { id }, caller);
          if (visible(type, caller)) {
            expect(got.errors, `${type} as ${caller}`).toBeUndefined();
            expect(got.data!.node, `${type} as ${caller}`).toMatchObject({ __typename: type, nodeId: id });
          } else expect(got, `${type} as ${caller}`).toEqual(missing);
        }
      }
      const privateEvent = await post(query, { id: shop.privateEventId }, caller);
      if (caller === "staff")
        expect(privateEvent.data!.node).toMatchObject({ __typename: "OrderEvent", public: false });
      else expect(privateEvent).toEqual({ data: { node: null } });
    },
  );

  it.each(CALLERS)("nodes for %s: the same answer in each position, nulls where hidden or missing", async (caller) => {
    const types = Object.keys(AUDIENCE) as NodeType[];
    const ids = [...types.flatMap((type) => shop.ids[type]), shop.privateEventId, ...types.map(missingOf)];
    const expected = [
      ...types.flatMap((type) => shop.ids[type].map((id) => (visible(type, caller) ? { type, id } : null))),
      caller === "staff" ? { type: "OrderEvent", id: shop.privateEventId } : null,
      ...types.map(() => null),
    ];
    const r = await post(print(NodesDocument), { ids }, caller);
    expect(r.errors).toBeUndefined();
    expect(
      r.data!.nodes.map(
        (n: { __typename: string; nodeId: string } | null) => n && { type: n.__typename, id: n.nodeId },
      ),
    ).toEqual(expected);
  });

  it.each(CALLERS)(
    "fields through node for %s are the type's own: refund reasons and private notes for staff",
    async (caller) => {
      if (!seesOrder[caller]) return;
      const r = await post(
        `query($order: ID!, $refund: ID!) {
        order: node(id: $order) { ... on Order { notes { message } statusTransitions { value } } }
        refund: node(id: $refund) { ... on OrderRefund { amount reason } }
      }`,
        { order: shop.ids.Order[0], refund: shop.ids.OrderRefund[0] },
        caller,
      );
      const staff = caller === "staff";
      expect(r.data!.refund).toEqual({ amount: "2.50", reason: staff ? "chipped" : null });
      expect(r.data!.order.notes.map((n: { message: string }) => n.message)).toEqual(
        staff ? ["Gift wrapped", "Fragile: staff only"] : ["Gift wrapped"],
      );
      if (staff) expect(r.errors).toBeUndefined();
      else
        expect(r.errors).toEqual([
          expect.objectContaining({
            path: ["order", "statusTransitions"],
            extensions: expect.objectContaining({
              code: caller.startsWith("anonymous") ? "UNAUTHENTICATED" : "FORBIDDEN",
            }),
          }),
        ]);
    },
  );
});
