/**
 * What one WebSocket client can hold: MAX_SUBSCRIPTIONS_PER_SOCKET active subscriptions on a
 * connection (a flood of subscribe messages is refused past it, the heap stays bounded, and other
 * clients are served meanwhile), and MAX_WEBSOCKETS connections on a server (one more is closed
 * with 1013).
 */
import v8 from "node:v8";
import vm from "node:vm";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeDocument } from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { connectSubscriber, type Subscriber } from "../helpers/subscriber.js";

const SUBSCRIPTION = "subscription { orderEvents { id type orderRef } }";
const PER_SOCKET = 5;
const SOCKETS = 3;
const FLOOD = 5000;

/** graphql-js's `gc` where node runs without --expose-gc: the heap a flood leaves is measured after collection. */
function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

interface RawSocket {
  ws: WebSocket;
  messages: { id?: string; type: string; payload?: unknown }[];
  closed: Promise<{ code: number; reason: string }>;
}

/** A graphql-transport-ws connection spoken by hand, as a hostile client would: no client library pacing it. */
async function rawSocket(url: string, token?: string): Promise<RawSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const messages: RawSocket["messages"] = [];
  let isClosed = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => {
      isClosed = true;
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on("message", (data) => messages.push(JSON.parse(data.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(JSON.stringify({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} }));
  await waitFor(() => isClosed || messages.some((m) => m.type === "connection_ack"), "the acknowledgement or a close");
  return { ws, messages, closed };
}

describe.each(backends())("WebSocket limits on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string; email: string };
  const open: { close(): unknown }[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend, {
      env: { MAX_SUBSCRIPTIONS_PER_SOCKET: String(PER_SOCKET), MAX_WEBSOCKETS: String(SOCKETS) },
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(async () => {
    for (const s of open) await s.close();
    await t?.close();
  });

  it("refuses a flood of subscriptions on one socket past the cap, keeps the heap bounded, and serves others meanwhile", async () => {
    const gc = collector();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const socket = await rawSocket(t.url, staff.token);
    open.push({ close: () => socket.ws.close() });
    // One write of many frames: the server reads them back to back.
    const frames = Array.from({ length: FLOOD }, (_, i) =>
      JSON.stringify({ id: String(i), type: "subscribe", payload: { query: SUBSCRIPTION } }),
    );
    for (const f of frames) socket.ws.send(f);
    // Another client's request, sent while the flood is read, is answered.
    const other = await t.ok(MeDocument, {}, { token: staff.token });
    expect(other.me?.email).toBe(staff.email);

    const refusals = () => socket.messages.filter((m) => m.type === "error");
    await waitFor(() => refusals().length === FLOOD - PER_SOCKET, "every subscription past the cap refused");
    expect(t.server.events.subscriberCount).toBe(PER_SOCKET);
    expect(refusals()[0].payload).toEqual([
      {
        message:
          `This connection already has ${PER_SOCKET} active subscriptions (MAX_SUBSCRIPTIONS_PER_SOCKET): ` +
          "complete one before starting another, or open another connection.",
        extensions: { code: "TOO_MANY_SUBSCRIPTIONS" },
      },
    ]);
    // The first ones are those that run; the socket stays open and usable.
    expect(refusals().map((m) => Number(m.id))).not.toContain(0);
    gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    // 5,000 subscriptions held would take tens of megabytes; five take a few kilobytes.
    expect(grown).toBeLessThan(8 * 1024 * 1024);

    // Completing one makes room for another.
    socket.ws.send(JSON.stringify({ id: "0", type: "complete" }));
    await waitFor(() => t.server.events.subscriberCount === PER_SOCKET - 1, "the completed subscription to end");
    socket.ws.send(JSON.stringify({ id: "again", type: "subscribe", payload: { query: SUBSCRIPTION } }));
    await waitFor(() => t.server.events.subscriberCount === PER_SOCKET, "the new subscription");
    expect(socket.messages.filter((m) => m.id === "again")).toEqual([]);
    socket.ws.close();
    await socket.closed;
    await waitFor(() => t.server.events.subscriberCount === 0, "the socket's subscriptions to end");
  });

  it("closes a connection past MAX_WEBSOCKETS with 1013, and takes one again once a place is free", async () => {
    // Places held by the previous test's socket are given back once the server saw it close.
    const held: Subscriber[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      for (let attempt = 0; ; attempt++) {
        try {
          held.push(await connectSubscriber(t.url, staff.token));
          break;
        } catch (e) {
          if (attempt > 50) throw e;
          await new Promise((r) => setImmediate(r));
        }
      }
    }
    open.push(...held.map((s) => ({ close: () => s.dispose() })));
    const refused = await rawSocket(t.url, staff.token);
    expect(await refused.closed).toEqual({
      code: 1013,
      reason: `Too many connections: at most ${SOCKETS} (MAX_WEBSOCKETS). Try again later.`,
    });

    await held[0].dispose();
    const again = await (async () => {
      for (let attempt = 0; ; attempt++) {
        const s = await rawSocket(t.url, staff.token);
        if (s.messages.some((m) => m.type === "connection_ack")) return s;
        await s.closed;
        if (attempt > 100) throw new Error("no place was given back");
      }
    })();
    open.push({ close: () => again.ws.close() });
    again.ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: SUBSCRIPTION } }));
    await waitFor(() => t.server.events.subscriberCount >= 1, "a subscription on the new connection");
  });
});
