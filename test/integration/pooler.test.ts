/**
 * Behind a real PgBouncer in transaction mode, as shops run PostgreSQL for many servers: migrations
 * and LISTEN on the direct URL, everything else through the pooler; two servers share events and
 * webhook work; and a server whose LISTEN goes through the pooler (no direct URL) says its event
 * path is degraded instead of letting subscriptions go silent.
 */
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase, type Database, type StatementRoute } from "../../src/db/database.js";
import { migrateDeploy } from "../../src/db/schema-engine.js";
import { createServer, type RunningServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";
import { BACKGROUND, openTestDatabase } from "../helpers/harness.js";
import { freePort, pgbouncerMissing, startPgBouncer, type PgBouncer } from "../helpers/pgbouncer.js";
import { gql } from "../helpers/processes.js";
import { startReceiver, waitFor, type Receiver } from "../helpers/receiver.js";
import { connectSubscriber } from "../helpers/subscriber.js";

const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { ref } } }`;
const STATUS = `mutation($ref: String!, $s: OrderStatus!) { changeOrderStatus(ref: $ref, status: $s) { __typename } }`;
const NOTE = `mutation($ref: String!, $m: String!) { addOrderNote(ref: $ref, message: $m, public: true) { ref } }`;
const HOOK = `mutation($url: String!) { createWebhook(input: { url: $url }) { ... on WebhookCreated { webhook { id } } } }`;
const item = { productType: "p", product: { name: "N", code: "C" }, unitPrice: "1.00", quantity: 1 };

const missing = pgbouncerMissing();
const required = process.env.REQUIRE_POSTGRES === "1";
if (inject("pgAdminUrl") && missing && !required)
  process.stderr.write(`\n*** ${missing}: SKIPPING the PgBouncer tests.\n\n`);

/** A TCP relay to PostgreSQL that the test can cut and restore (a network path to the database). */
async function startRelay(target: { host: string; port: number }) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await open();
  return {
    port,
    /** Drops every connection and refuses new ones. */
    async cut() {
      const s = server!;
      server = null;
      for (const sock of sockets) sock.destroy();
      await new Promise((r) => s.close(r));
    },
    restore: open,
    async close() {
      if (server) await this.cut();
    },
  };
}

describe.skipIf(!inject("pgAdminUrl") || (missing !== null && !required))("behind PgBouncer (transaction mode)", () => {
  let bouncer: PgBouncer;
  let testDb: Awaited<ReturnType<typeof openTestDatabase>>;
  let direct: string;
  let pooled: string;
  const opened: { close(): Promise<void> }[] = [];
  const routes: { sql: string; route: StatementRoute; name?: string }[] = [];
  let a: RunningServer;
  let b: RunningServer;
  let token: string;
  let receiver: Receiver;
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ PORT: "0", LOG_LEVEL: "silent", WEBHOOK_ALLOW_PRIVATE: "on", WEBHOOK_CONCURRENCY: "1", ...env });
  const open = async (url: string, directUrl?: string): Promise<Database> => {
    const db = await openDatabase({ kind: "postgres", url, directUrl });
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    if (missing) throw new Error(`${missing}; REQUIRE_POSTGRES=1 is set`);
    receiver = await startReceiver();
    testDb = await openTestDatabase("postgres"); // a fresh database, not migrated yet
    direct = testDb.url!;
    bouncer = await startPgBouncer(inject("pgAdminUrl")!);
    pooled = bouncer.through(direct);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    for (const db of opened.reverse()) await db.close().catch(() => {});
    await bouncer?.stop();
    await testDb?.drop();
    await receiver?.close();
  });

  it("migrations run on the direct URL, on one session whose advisory lock ends with it", async () => {
    const db = await open(pooled, direct);
    const seen: { sql: string; route: StatementRoute }[] = [];
    db.observe((sql, route) => seen.push({ sql, route }));
    expect((await migrateDeploy(db)).length).toBeGreaterThan(0);
    const session = seen.filter((s) => s.route === "session");
    // The engine takes a session-level lock and leaves it to the end of the session to release:
    // the session is the one connection migrations get, closed when they are done.
    expect(session.some((s) => /pg_advisory_lock\(/.test(s.sql))).toBe(true);
    expect(session.some((s) => /CREATE TABLE/.test(s.sql))).toBe(true);
    // Through the pooler, only the cheap "is everything applied?" look before the engine is loaded.
    const viaPool = seen.filter((s) => s.route === "pool").map((s) => s.sql);
    expect(viaPool.length).toBeGreaterThan(0);
    for (const sql of viaPool) expect(sql).toMatch(/FROM "_prisma_migrations"/);
    // Released: no advisory lock is left on this database.
    const c = new pg.Client({ connectionString: direct });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
  });

  it("two servers through the pooler: both prove their event path at start", async () => {
    const dbA = await open(pooled, direct);
    const dbB = await open(pooled, direct);
    dbA.observe((sql, route, name) => routes.push({ sql, route, name }));
    a = await createServer(config(), { db: dbA, logger: createLogger("silent") });
    b = await createServer(config(), { db: dbB, logger: createLogger("silent") });
    const staff = await createUser(a.prisma, "staff@example.com", true);
    token = await issueApiToken(a.prisma, staff.id);
    for (const s of [a, b]) {
      const health = await fetch(`${s.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", events: { status: "ok" } });
    }
  });

  it("a subscriber on B receives every change made on A", async () => {
    const made = await gql(a.url, CREATE, token, { input: { email: "x@example.com", items: [item] } });
    const ref = made.data.createOrder.ref as string;
    const s = await connectSubscriber(b.url, token);
    try {
      const sub = s.subscribe<{ orderEvents: { type: string; toStatus: string | null } }>(
        `subscription($ref: String) { orderEvents(ref: $ref) { type toStatus } }`,
        { ref },
      );
      await waitFor(() => b.events.subscriberCount === 1, "the subscription on B");
      for (const status of ["HOLD", "PROCESSING", "SHIPPED"]) {
        const r = await gql(a.url, STATUS, token, { ref, s: status });
        expect(r.data.changeOrderStatus.__typename).toBe("Order");
      }
      await waitFor(() => sub.items.length >= 3, "3 events on B");
      expect(sub.items.map((i) => i.orderEvents)).toEqual([
        { type: "STATUS_CHANGED", toStatus: "HOLD" },
        { type: "STATUS_CHANGED", toStatus: "PROCESSING" },
        { type: "STATUS_CHANGED", toStatus: "SHIPPED" },
      ]);
      expect(sub.errors).toEqual([]);
      await sub.stop();
    } finally {
      await s.dispose();
    }
  });

  it("webhooks go out exactly once, from both servers", { timeout: 120_000 }, async () => {
    const r = await gql(a.url, HOOK, token, { url: `${receiver.url}/hook` });
    expect(r.data.createWebhook.webhook.id).toBeTruthy();
    const made = await gql(b.url, CREATE, token, { input: { email: "y@example.com", items: [item] } });
    const ref = made.data.createOrder.ref as string;
    // 1 creation + 60 notes, through both servers, 4 requests at a time.
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < 60; i = next++) {
        const n = await gql(i % 2 ? a.url : b.url, NOTE, token, { ref, m: `note ${i}` });
        expect(n.errors).toBeUndefined();
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const got = () => receiver.received.filter((x) => x.path === "/hook");
    await waitFor(() => got().length >= 61, "61 deliveries", 90_000);
    // Every delivery is marked delivered before this looks: a duplicate would have been sent by then.
    await waitFor(
      async () => (await a.prisma.webhookDelivery.count({ where: { status: "PENDING" } })) === 0,
      "the deliveries' outcomes",
    );
    const ids = got().map((x) => x.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(61);
    expect(ids).toHaveLength(61);
    // The servers' own statements all went through the pooler, none on a session of their own.
    expect(routes.filter((s) => s.route !== "pool")).toEqual([]);
    expect(routes.filter((s) => !BACKGROUND.test(s.sql)).length).toBeGreaterThan(0);
    // And none was a named (prepared) statement: a transaction pooler may run the next on another
    // server connection, which never prepared it (DATABASE_PREPARED_STATEMENTS=auto).
    expect(routes.filter((s) => s.name !== undefined)).toEqual([]);
  });

  it("LISTEN through the pooler (no direct URL) is found out: error log, /healthz degraded, subscriptions refused", async () => {
    const lines: string[] = [];
    const db = await open(pooled); // DATABASE_URL only: LISTEN goes through the pooler too
    const named: string[] = [];
    db.observe((sql, _route, name) => name !== undefined && named.push(sql));
    const c = await createServer(config({ EVENT_CHECK_MS: "1000" }), {
      db,
      logger: createLogger("error", { format: "pretty", write: (l) => lines.push(l) }),
    });
    try {
      expect(lines.some((l) => /ERROR event path broken: .*DATABASE_DIRECT_URL/.test(l))).toBe(true);
      const health = await fetch(`${c.url}/healthz`);
      expect(health.status).toBe(200); // queries, mutations and webhooks still work (README: why not 503)
      const body = await health.json();
      expect(body).toMatchObject({ status: "degraded", database: "ok", events: { status: "degraded" } });
      expect(body.events.reason).toMatch(/did not come back/);
      // Queries and mutations still work through it.
      const made = await gql(c.url, CREATE, token, { input: { email: "z@example.com", items: [item] } });
      expect(made.data.createOrder.ref).toBeTruthy();
      // The pool might be a pooler (the event path check fails): no statement was prepared by name.
      expect(named).toEqual([]);
      // A subscription is refused, never left silent.
      const s = await connectSubscriber(c.url, token);
      try {
        const sub = s.subscribe(`subscription { orderEvents { type } }`);
        await waitFor(() => sub.errors.length > 0 || sub.completed, "the subscription's answer");
        expect(JSON.stringify(sub.errors)).toMatch(/SERVICE_UNAVAILABLE/);
        expect(sub.items).toEqual([]);
      } finally {
        await s.dispose();
      }
    } finally {
      await c.close();
    }
  });

  it("a subscription whose event path breaks ends with SERVICE_UNAVAILABLE; the path recovers by itself", async () => {
    const upstream = new URL(direct);
    const relay = await startRelay({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    const viaRelay = new URL(direct);
    viaRelay.hostname = "127.0.0.1";
    viaRelay.port = String(relay.port);
    const db = await open(pooled, viaRelay.toString());
    const d = await createServer(config({ EVENT_CHECK_MS: "500" }), { db, logger: createLogger("silent") });
    const s = await connectSubscriber(d.url, token);
    try {
      expect(d.events.eventPath.status).toBe("ok");
      const sub = s.subscribe(`subscription { orderEvents { type } }`);
      await waitFor(() => d.events.subscriberCount === 1, "the subscription");
      await relay.cut(); // the LISTEN connection is lost and cannot come back
      await waitFor(() => sub.errors.length > 0, "the subscription's end", 30_000);
      expect(JSON.stringify(sub.errors)).toMatch(/SERVICE_UNAVAILABLE/);
      expect((await (await fetch(`${d.url}/healthz`)).json()).events.status).toBe("degraded");
      await relay.restore();
      await waitFor(() => d.events.eventPath.status === "ok", "the event path back", 30_000);
      expect((await (await fetch(`${d.url}/healthz`)).json()).status).toBe("ok");
    } finally {
      await s.dispose();
      await d.close();
      await relay.close();
    }
  });
});
