/**
 * MAX_CLIENT_COST_IN_FLIGHT: the operations one client has running at once may cost at most that
 * much (default 5,000, the cost limit: one operation at the limit, or many small ones). Past it the
 * next one is refused with 429, Retry-After and TOO_MANY_REQUESTS, before it touches the database,
 * while other clients are served; in a batch that ran something, the refused operations are
 * answered as such in a 200. Customers count by account, anonymous callers by address; staff not.
 *
 * An operation is held in flight by a lock the test takes on the Order table (on the embedded
 * database, its transaction holds the single connection as well).
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeGlobalId } from "../../src/nodes/global-id.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";

/** 30 orders' histories of 99 events: cost 3,001, so two at once (6,002) are past 5,000. */
const nodesQuery = (id: string) =>
  `{ nodes(ids: [${Array.from({ length: 30 }, () => JSON.stringify(id)).join(",")}]) { ... on Order { history(first: 99) { nodes { id } } } } }`;
const OWN_ORDERS = "{ orders(first: 30) { nodes { history(first: 99) { nodes { id } } } } }";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } & unknown[];
}

/** POSTs from a given loopback address (127.0.0.1 by default), so that the server sees another client. */
function post(t: TestServer, body: unknown, headers: Record<string, string> = {}, from = "127.0.0.1"): Promise<Answer> {
  const url = new URL(`${t.url}/graphql`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        localAddress: from,
        agent: false,
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe.each(backends())("the cost one client may have in flight, on %s", (backend) => {
  let t: TestServer;
  let order: { id: string; token: string };
  let customer: { id: string; token: string };
  beforeAll(async () => {
    t = await startTestServer(backend);
    customer = await t.user("customer@example.com");
    order = await t.order({ userId: customer.id });
  });
  afterAll(() => t?.close());

  /** Runs `fn` while the Order table is locked; what reads it waits. */
  async function whileOrdersLocked(fn: () => Promise<void>): Promise<void> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.server.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`LOCK TABLE "Order" IN ACCESS EXCLUSIVE MODE`);
        locked();
        await released;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
    await isLocked;
    try {
      await fn();
    } finally {
      release();
      await holder;
    }
  }

  it("refuses an anonymous caller's operation past it with 429 and Retry-After, serves another address, and takes it again once the first is answered", async () => {
    const id = encodeGlobalId("Order", order.id);
    // With the order's token the nodes are read from the database (and wait for the lock);
    // without it an anonymous caller sees none of them and nothing is read.
    const reading = nodesQuery(id);
    const probe = { query: nodesQuery(id) };
    let held!: Promise<Answer>;
    await whileOrdersLocked(async () => {
      held = post(t, { query: reading }, { "order-token": order.token });
      let refused: Answer | undefined;
      await waitFor(async () => {
        const a = await post(t, probe);
        if (a.status === 429) refused = a;
        else expect(a.status).toBe(200); // sent before the held one was counted
        return refused !== undefined;
      }, "a second operation from the same address to be refused");
      expect(refused!.headers["retry-after"]).toBe("1");
      expect(refused!.json.errors).toEqual([
        {
          message:
            "Too many operations at once: those of this client still running cost 3001, and this one 3001; " +
            "together they may cost at most 5000 (MAX_CLIENT_COST_IN_FLIGHT). Retry when they are answered.",
          extensions: { code: "TOO_MANY_REQUESTS" },
        },
      ]);
      // The same with the default Accept: a refusal of the request, not of its document.
      expect((await post(t, probe, { accept: "application/json" })).status).toBe(429);
      // Another address is another client.
      const other = await post(t, probe, {}, "127.0.0.2");
      expect(other.status).toBe(200);
      expect(other.json.data).toEqual({ nodes: Array.from({ length: 30 }, () => null) });
    });
    // The held operation is answered once the lock goes, and its cost is given back.
    const answer = await held;
    expect(answer.status).toBe(200);
    expect((answer.json.data as { nodes: unknown[] }).nodes).toHaveLength(30);
    expect((await post(t, probe)).status).toBe(200);
  });

  it("answers a batch that ran something 200, with the operations past it refused in their own answers", async () => {
    const batch = [{ query: OWN_ORDERS }, { query: OWN_ORDERS }];
    const a = await post(t, batch, { authorization: `Bearer ${customer.token}` });
    expect(a.status).toBe(200);
    const answers = a.json as { errors?: { extensions?: { code?: string } }[] }[];
    const codes = answers.map((r) => r.errors?.[0]?.extensions?.code);
    expect(codes.sort()).toEqual(["TOO_MANY_REQUESTS", undefined]);
    // Staff are not held to it.
    const staff = await t.user("staff@example.com", { staff: true });
    const s = await post(t, batch, { authorization: `Bearer ${staff.token}` });
    expect(s.status).toBe(200);
    expect((s.json as { errors?: unknown }[]).map((r) => r.errors)).toEqual([undefined, undefined]);
  });
});
