/**
 * Two servers on one PostgreSQL, as two machines of a deployment would run: a change made through
 * one reaches a subscriber of the other, and both deliver webhooks, each delivery once, in order.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createServer, type RunningServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";
import { gql } from "../helpers/processes.js";
import { openTestDatabase } from "../helpers/harness.js";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { ref } } }`;
const NOTE = `mutation($ref: String!, $m: String!) { addOrderNote(ref: $ref, message: $m, public: true) { ref } }`;
const HOOK = `mutation($url: String!) { createWebhook(input: { url: $url }) { ... on WebhookCreated { webhook { id } } } }`;
const item = { productType: "p", product: { name: "N", code: "C" }, unitPrice: "1.00", quantity: 1 };

describe.skipIf(!inject("pgAdminUrl"))("two servers on one PostgreSQL", () => {
  let testDb: Awaited<ReturnType<typeof openTestDatabase>>;
  let second: Database;
  let a: RunningServer;
  let b: RunningServer;
  let token: string;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    testDb = await openTestDatabase("postgres");
    second = await openDatabase({ kind: "postgres", url: testDb.url! });
    const config = loadConfig({
      PORT: "0",
      LOG_LEVEL: "silent",
      WEBHOOK_ALLOW_PRIVATE: "on",
      WEBHOOK_CONCURRENCY: "1", // each server holds one endpoint at a time: with two endpoints, both work
    });
    a = await createServer(config, { db: testDb.db, logger: createLogger("silent") });
    b = await createServer(config, { db: second, logger: createLogger("silent") });
    const staff = await createUser(a.prisma, "staff@example.com", true);
    token = await issueApiToken(a.prisma, staff.id);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
    await testDb?.drop();
    await receiver?.close();
  });

  it("a subscriber on B sees a change made on A", async () => {
    const s = await connectSubscriber(b.url, token);
    try {
      const sub = s.subscribe<{ orderEvents: { type: string; orderRef: string } }>(
        `subscription { orderEvents { type orderRef } }`,
      );
      await waitFor(() => b.events.subscriberCount === 1, "the subscription on B");
      const made = await gql(a.url, CREATE, token, { input: { email: "x@example.com", items: [item] } });
      const ref = made.data.createOrder.ref;
      await waitFor(() => sub.items.length >= 1, "the event on B");
      expect(sub.items[0].orderEvents).toEqual({ type: "ORDER_CREATED", orderRef: ref });
      await sub.stop();
    } finally {
      await s.dispose();
    }
  });

  // As long as its waits allow (the orders 60 s, the deliveries 120 s): on a loaded machine the whole
  // takes more than the suite's default minute.
  it(
    "1,000 events, two servers delivering: each delivery arrives once, an order's events in order",
    { timeout: 240_000 },
    async () => {
      for (const path of ["/one", "/two"]) {
        const r = await gql(a.url, HOOK, token, { url: `${receiver.url}${path}` });
        expect(r.data.createWebhook.webhook.id).toBeTruthy();
      }
      const before = { a: a.dispatcher.attempted, b: b.dispatcher.attempted };
      // 100 orders and 9 notes each, through both servers, 8 requests at a time: 1,000 events.
      const refs: string[] = [];
      let next = 0;
      const work = Array.from({ length: 1000 }, (_, i) => i);
      const worker = async () => {
        for (let i = next++; i < work.length; i = next++) {
          const server = i % 2 === 0 ? a : b;
          if (i < 100) {
            const r = await gql(server.url, CREATE, token, { input: { email: `c${i}@example.com`, items: [item] } });
            refs.push(r.data.createOrder.ref);
          } else {
            await waitFor(() => refs.length === 100, "the orders", 60_000);
            const r = await gql(server.url, NOTE, token, { ref: refs[i % 100], m: `note ${i}` });
            expect(r.errors).toBeUndefined();
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const at = (path: string) => receiver.received.filter((r) => r.path === path);
      await waitFor(() => at("/one").length >= 1000 && at("/two").length >= 1000, "2,000 deliveries", 120_000);
      await new Promise((r) => setTimeout(r, 1500)); // a duplicate would have come by now
      for (const path of ["/one", "/two"]) {
        const got = at(path);
        const ids = got.map((r) => r.headers["webhook-id"]);
        expect(new Set(ids).size, path).toBe(1000);
        expect(got, path).toHaveLength(1000); // no delivery twice
        const byOrder = new Map<string, number[]>();
        for (const r of got) {
          const { data } = JSON.parse(r.body);
          byOrder.set(data.orderRef, [...(byOrder.get(data.orderRef) ?? []), Number(data.id)]);
        }
        expect(byOrder.size).toBe(100);
        for (const [ref, events] of byOrder) expect(events, ref).toEqual([...events].sort((x, y) => x - y));
      }
      const shares = { a: a.dispatcher.attempted - before.a, b: b.dispatcher.attempted - before.b };
      expect(shares.a + shares.b).toBe(2000);
      expect(shares.a).toBeGreaterThan(0);
      expect(shares.b).toBeGreaterThan(0);
      console.log(
        `two servers delivered 2,000 webhooks: A ${shares.a}, B ${shares.b}; no duplicates, every order's events in order`,
      );
    },
  );
});
