/**
 * The client kit, used as a client team would: a real Apollo Client (core, HttpLink, in Node) reads a
 * refused status change through the ErrorResult interface, and an order through the Node interface,
 * with the kit's possibleTypes; and the kit is what the schema says. (Relay: relay.test.ts.)
 */
import fs from "node:fs";
import path from "node:path";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { possibleTypes, printPossibleTypesFile } from "../../src/schema.js";
import { orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { CreateOrderDocument, OrderNodeIdsDocument } from "../generated/graphql.js";

const root = path.resolve(__dirname, "..", "..");
const kitPossibleTypes = JSON.parse(fs.readFileSync(path.join(root, "client", "possible-types.json"), "utf8"));

const CHANGE = gql`
  mutation Change($ref: String!, $status: OrderStatus!) {
    changeOrderStatus(ref: $ref, status: $status) {
      __typename
      ... on Order {
        ref
        status
      }
      ... on ErrorResult {
        errorCode
        message
      }
      ... on InvalidStatusTransitionError {
        fromStatus
        toStatus
      }
    }
  }
`;

describe("the client kit", () => {
  let t: TestServer;
  let staff: { token: string };
  beforeAll(async () => {
    t = await startTestServer("embedded");
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  const client = (types?: Record<string, string[]>) =>
    new ApolloClient({
      link: new HttpLink({ uri: `${t.url}/graphql`, headers: { authorization: `Bearer ${staff.token}` } }),
      cache: new InMemoryCache(types ? { possibleTypes: types } : {}),
    });

  it("client/possible-types.json is what the schema says (npm run build writes it)", () => {
    expect(fs.readFileSync(path.join(root, "client", "possible-types.json"), "utf8")).toBe(printPossibleTypesFile());
    expect(possibleTypes().ErrorResult).toContain("InvalidStatusTransitionError");
    expect(possibleTypes().Node).toEqual([
      "Order",
      "OrderEvent",
      "OrderItem",
      "OrderPayment",
      "OrderRefund",
      "OrderReturn",
      "OrderShipment",
      "Webhook",
      "WebhookDelivery",
    ]);
  });

  it("Apollo Client keeps `id` as it was: its cache keys objects by type and id, and reads node through possibleTypes", async () => {
    const o = (await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token })).createOrder as {
      ref: string;
    };
    const { nodeId } = (await t.ok(OrderNodeIdsDocument, { ref: o.ref }, { token: staff.token })).order!;
    const apollo = client(kitPossibleTypes);
    const r = await apollo.query<{ node: { __typename: string; ref: string; items: { id: string; name: string }[] } }>({
      query: gql`
        query ($id: ID!) {
          node(id: $id) {
            __typename
            ... on Order {
              id
              ref
              items {
                id
                name
              }
            }
          }
        }
      `,
      variables: { id: nodeId },
    });
    expect(r.data?.node).toMatchObject({ __typename: "Order", ref: o.ref, items: [{ name: "Product" }] });
    const cache = apollo.cache.extract() as Record<string, { __typename?: string }>;
    const order = Object.entries(cache).find(([, v]) => v.__typename === "Order")!;
    const item = Object.entries(cache).find(([, v]) => v.__typename === "OrderItem")!;
    expect(order[0]).toMatch(/^Order:\d+$/);
    expect(item[0]).toMatch(/^OrderItem:\d+$/);
  });

  it("Apollo Client reads a refusal's message through `... on ErrorResult` with the kit's possibleTypes", async () => {
    const o = (await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token })).createOrder as {
      ref: string;
    };
    const refused = await client(kitPossibleTypes).mutate({
      mutation: CHANGE,
      variables: { ref: o.ref, status: "SHIPPED" },
    });
    expect(refused.data).toEqual({
      changeOrderStatus: {
        __typename: "InvalidStatusTransitionError",
        errorCode: "INVALID_STATUS_TRANSITION_ERROR",
        message: "Can't change order with status 'Created' to 'Shipped'.",
        fromStatus: "CREATED",
        toStatus: "SHIPPED",
      },
    });
    const moved = await client(kitPossibleTypes).mutate({
      mutation: CHANGE,
      variables: { ref: o.ref, status: "HOLD" },
    });
    expect(moved.data).toEqual({ changeOrderStatus: { __typename: "Order", ref: o.ref, status: "HOLD" } });
  });

  it("without possibleTypes, Apollo Client drops the interface fragment's fields (why the kit has them)", async () => {
    const o = (await t.ok(CreateOrderDocument, { input: orderInput() }, { token: staff.token })).createOrder as {
      ref: string;
    };
    const warned: string[] = [];
    const warn = vi
      .spyOn(console, "warn")
      .mockImplementation((...args: unknown[]) => void warned.push(args.map(String).join(" ")));
    try {
      const r = await client().mutate({ mutation: CHANGE, variables: { ref: o.ref, status: "SHIPPED" } });
      expect((r.data as { changeOrderStatus: Record<string, unknown> }).changeOrderStatus.message).toBeUndefined();
    } finally {
      warn.mockRestore();
    }
    expect(warned.join("\n")).toMatch(/missing `possibleTypes` entry/);
  });
});
