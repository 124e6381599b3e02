/**
 * Events out, measured against a running server (npm run bench -- --scenarios events; `webhooks`
 * for the first two parts only):
 * - webhook latency: events written through the API at a fixed 100 writes/s (an open loop: each
 *   write is sent on time whether or not the earlier ones were answered), each delivered to a
 *   receiver on 127.0.0.1; from the event's dateCreated to its arrival, p50 and p99, and the rate
 *   at which the writes were acknowledged;
 * - webhook throughput: a backlog of deliveries (four endpoints) sent as fast as the server can;
 * - subscriber latency: 1,000 graphql-ws subscribers connected, events at a steady rate; from the
 *   event's dateCreated to each subscriber's receipt, p50 and p99.
 * Same machine, same clock for the timestamps.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { cpuMsOf } from "./measure.js";

export interface EventResults {
  webhookLatency: {
    events: number;
    p50: number;
    p99: number;
    max: number;
    /** Writes acknowledged per second (sent at 100/s whatever the answers: an open loop). */
    writesPerSecond: number;
    /** How long the writes took to be answered. */
    writeP50: number;
    writeP99: number;
    /** Writes answered with an error (or not at all), of the 1,000. */
    refused: number;
    /** The first refusal's message, if any. */
    refusedWith?: string;
    /** The server's CPU time (all its threads, the embedded database's included) per write, its delivery included. */
    cpuMsPerWrite?: number;
  };
  /** Only on a PostgreSQL server: the backlog is written into the database directly. */
  webhookThroughput?: { deliveries: number; seconds: number; perSecond: number; endpoints: number };
  /** Left out with `--scenarios webhooks`. */
  subscriberLatency?: { subscribers: number; events: number; messages: number; p50: number; p99: number; max: number };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round1 = (x: number) => Math.round(x * 10) / 10;

async function gql(base: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** A receiver on 127.0.0.1 that notes when each delivery arrives. */
async function receiver(onBody: (path: string, body: string, at: number) => void) {
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      onBody(req.url ?? "/", Buffer.concat(chunks).toString(), Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Writes `count` events (notes) through the API at `perSecond`, on orders `refs`: each write is sent
 * on its due time whether or not the earlier ones were answered (an open loop, so a slow server
 * does not lower the rate it is asked to take). Returns how long each took to be answered, the rate
 * at which they were, and how many were refused (an error, or no answer).
 */
async function writeEvents(base: string, token: string, refs: string[], count: number, perSecond: number) {
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  const took: number[] = [];
  let lastAnswer = started;
  let refused = 0;
  let refusedWith: string | undefined;
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = Date.now();
    pending.push(
      gql(base, token, `mutation($ref: String!) { addOrderNote(ref: $ref, message: "bench", public: true) { ref } }`, {
        ref: refs[i % refs.length],
      }).then(
        () => {
          lastAnswer = Date.now();
          took.push(lastAnswer - sent);
        },
        (e: unknown) => {
          refused++;
          refusedWith ??= (e instanceof Error ? e.message : String(e)).slice(0, 300);
        },
      ),
    );
  }
  await Promise.all(pending);
  took.sort((a, b) => a - b);
  return {
    took,
    refused,
    refusedWith,
    perSecond: Math.round((took.length * 1000) / Math.max(1, lastAnswer - started)),
  };
}

async function until(check: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}

export async function runEventBench(o: {
  base: string;
  token: string;
  /** The database's URL; the throughput part runs only when it is a PostgreSQL server's. */
  dbUrl: string;
  refs: string[];
  /** Whether to measure the 1,000 subscribers too (the webhook part alone otherwise). */
  subscribers?: boolean;
  /** The server's process, for its CPU time. */
  pid?: number;
  log: (m: string) => void;
}): Promise<EventResults> {
  const { base, token, refs, log } = o;
  const arrivals = new Map<string, number[]>();
  const latencies: number[] = [];
  const rcv = await receiver((path, body, at) => {
    arrivals.set(path, [...(arrivals.get(path) ?? []), at]);
    if (path === "/latency") latencies.push(at - Date.parse(JSON.parse(body).timestamp));
  });
  const hookIds: number[] = [];
  try {
    // 1. Latency: one endpoint, 100 events a second for 10 seconds.
    const lat = await gql(
      base,
      token,
      `mutation($url: String!) { createWebhook(input: { url: $url, events: [NOTE_ADDED] }) { ... on WebhookCreated { webhook { id } } } }`,
      {
        url: `${rcv.url}/latency`,
      },
    );
    hookIds.push(Number(lat.createWebhook.webhook.id));
    log("events: webhook latency (1,000 events at 100/s, after 300 to warm up)…");
    const warm = await writeEvents(base, token, refs, 300, 100);
    await until(() => latencies.length >= 300 - warm.refused, 60_000);
    latencies.length = 0;
    const cpu0 = o.pid ? cpuMsOf(o.pid) : 0;
    const writes = await writeEvents(base, token, refs, 1000, 100);
    await until(() => latencies.length >= 1000 - writes.refused, 60_000);
    const cpuMs = o.pid ? cpuMsOf(o.pid) - cpu0 : undefined;
    await gql(base, token, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: String(hookIds.pop()) });
    const lsorted = [...latencies].sort((a, b) => a - b);

    // 2. Throughput (PostgreSQL server only): the backlog is written into the database directly,
    // which the embedded database's server process keeps to itself.
    let webhookThroughput: EventResults["webhookThroughput"];
    if (o.dbUrl.startsWith("postgres")) webhookThroughput = await throughput(o, rcv.url, arrivals);
    else log("events: webhook throughput skipped (it needs --db postgres)");

    const webhookLatency = {
      events: latencies.length,
      p50: percentile(lsorted, 50),
      p99: percentile(lsorted, 99),
      max: lsorted.at(-1) ?? 0,
      writesPerSecond: writes.perSecond,
      writeP50: percentile(writes.took, 50),
      writeP99: percentile(writes.took, 99),
      refused: writes.refused,
      refusedWith: writes.refusedWith,
      cpuMsPerWrite:
        cpuMs === undefined ? undefined : Math.round((cpuMs * 100) / Math.max(1, writes.took.length)) / 100,
    };
    if (o.subscribers === false) return { webhookLatency, webhookThroughput };
    return { webhookLatency, webhookThroughput, subscriberLatency: await subscriberLatency(base, token, refs, log) };
  } finally {
    for (const id of hookIds) {
      await gql(base, token, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: String(id) }).catch(() => {});
    }
    await rcv.close();
  }
}

/** 1,000 graphql-ws subscribers, each subscribed to every order's events; 200 events at 20/s. */
async function subscriberLatency(
  base: string,
  token: string,
  refs: string[],
  log: (m: string) => void,
): Promise<NonNullable<EventResults["subscriberLatency"]>> {
  const subscribers = 1000;
  log(`events: ${subscribers} subscribers…`);
  const clients: Client[] = [];
  const received: number[] = [];
  let messages = 0;
  for (let i = 0; i < subscribers; i++) {
    const client = createClient({
      url: `${base.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
    });
    client.subscribe<{ orderEvents: { dateCreated: string } }>(
      { query: `subscription { orderEvents(types: [NOTE_ADDED]) { dateCreated } }` },
      {
        next: (r) => {
          messages++;
          if (r.data) received.push(Date.now() - Date.parse(r.data.orderEvents.dateCreated));
        },
        error: () => {},
        complete: () => {},
      },
    );
    clients.push(client);
  }
  // The server's own count of its subscriptions (METRICS=on).
  const running = async () =>
    Number(/^graphql_subscriptions_active (\d+)/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
  for (let i = 0; i < 600 && (await running()) < subscribers; i++) await new Promise((r) => setTimeout(r, 100));
  await writeEvents(base, token, refs, 20, 20); // to warm up
  await until(() => messages >= 20 * subscribers, 60_000);
  received.length = 0;
  messages = 0;
  const events = 200;
  await writeEvents(base, token, refs, events, 20);
  await until(() => messages >= events * subscribers, 120_000);
  for (const c of clients) await c.dispose();
  const ssorted = received.sort((a, b) => a - b);

  return {
    subscribers,
    events,
    messages,
    p50: percentile(ssorted, 50),
    p99: percentile(ssorted, 99),
    max: ssorted.at(-1) ?? 0,
  };
}

/** A backlog of 4 × 5,000 deliveries of existing events, released at once: deliveries per second. */
async function throughput(
  o: { base: string; token: string; dbUrl: string; log: (m: string) => void },
  receiverUrl: string,
  arrivals: Map<string, number[]>,
): Promise<NonNullable<EventResults["webhookThroughput"]>> {
  const { base, token, log } = o;
  const db = new pg.Client({ connectionString: o.dbUrl });
  await db.connect();
  const burst: number[] = [];
  try {
    const endpoints = 4;
    const backlog = 5000;
    for (let e = 0; e < endpoints; e++) {
      const r = await gql(
        base,
        token,
        `mutation($url: String!) { createWebhook(input: { url: $url }) { ... on WebhookCreated { webhook { id } } } }`,
        {
          url: `${receiverUrl}/burst${e}`,
        },
      );
      burst.push(Number(r.createWebhook.webhook.id));
    }
    await db.query(`UPDATE "Webhook" SET enabled = false WHERE id = ANY($1)`, [burst]);
    await db.query(
      `INSERT INTO "WebhookDelivery" ("messageId", "webhookId", "eventId", "nextAttemptAt")
         SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), w, e.id, now() FROM unnest($1::int[]) AS w, (SELECT id FROM "OrderEvent" ORDER BY id LIMIT $2) e ORDER BY w, e.id`,
      [burst, backlog],
    );
    log(`events: webhook throughput (${endpoints} × ${backlog} deliveries)…`);
    const t0 = Date.now();
    await db.query(`UPDATE "Webhook" SET enabled = true WHERE id = ANY($1)`, [burst]);
    await db.query(`SELECT pg_notify('order_events', '0')`);
    const total = endpoints * backlog;
    const count = () => burst.reduce((s, _id, e) => s + (arrivals.get(`/burst${e}`)?.length ?? 0), 0);
    await until(() => count() >= total, 300_000);
    const last = Math.max(...burst.map((_id, e) => Math.max(...(arrivals.get(`/burst${e}`) ?? [0]))));
    const seconds = (last - t0) / 1000;
    return { deliveries: count(), seconds: round1(seconds), perSecond: Math.round(count() / seconds), endpoints };
  } finally {
    for (const id of burst) {
      await gql(base, token, `mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: String(id) }).catch(() => {});
    }
    await db.end();
  }
}
