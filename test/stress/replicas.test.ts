/**
 * Read replicas, with a real streaming replica (a private primary cluster and a pg_basebackup of it
 * that follows its WAL): lists are read on the replica, a caller's reads right after their own write
 * are not, and a replica stopped under load is skipped without an error reaching a client.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { print } from "graphql";
import {
  AllOrdersCountDocument,
  CreateOrderDocument,
  OrderDetailDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
} from "../generated/graphql.js";
import { BACKGROUND, orderInput } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import {
  privatePostgresAvailable,
  startPrivatePostgres,
  startPrivateReplica,
  type PrivatePostgres,
} from "../helpers/private-postgres.js";
import { loadConfig } from "../../src/config.js";
import type { StatementRoute } from "../../src/db/database.js";
import { createServer, type RunningServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";

const why = privatePostgresAvailable();
if (why) console.warn(`*** SKIPPING the read replica test: ${why}`);

const LIST = `query { allOrders(first: 100) { totalCount edges { node { ref status amountRefunded items { quantity } payments { amount } } } } }`;

describe.skipIf(why !== null)("read replicas", () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let server: RunningServer;
  let writer: string;
  let reader: string;
  const seen: { sql: string; route: StatementRoute }[] = [];
  const post = async (query: string, token: string, variables: object = {}) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as { data?: any; errors?: unknown[] }) };
  };
  /** The statements a request sent, by connection (the servers' background work left out). */
  const routed = async <T>(fn: () => Promise<T>): Promise<{ result: T; routes: Record<string, number> }> => {
    const from = seen.length;
    const result = await fn();
    const routes: Record<string, number> = {};
    for (const s of seen.slice(from)) if (!BACKGROUND.test(s.sql)) routes[s.route] = (routes[s.route] ?? 0) + 1;
    return { result, routes };
  };

  const onReplica = async (sql: string) => {
    const c = new pg.Client({ connectionString: replica.url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    primary = await startPrivatePostgres();
    replica = await startPrivateReplica(primary);
    const config = loadConfig({
      PORT: "0",
      LOG_LEVEL: "silent",
      DATABASE_URL: primary.url,
      DATABASE_REPLICA_URLS: replica.url,
      REPLICA_MAX_LAG_MS: "2000",
    });
    server = await createServer(config, {
      logger: createLogger("silent"),
      onQuery: (sql, route) => seen.push({ sql, route }),
    });
    const w = await createUser(server.prisma, "writer@example.com", true);
    const r = await createUser(server.prisma, "reader@example.com", true);
    writer = await issueApiToken(server.prisma, w.id);
    reader = await issueApiToken(server.prisma, r.id);
    for (let i = 0; i < 30; i++) {
      const made = await post(print(CreateOrderDocument), writer, { input: orderInput({ status: "PROCESSING" }) });
      expect(made.data.createOrder.ref).toBeTruthy();
    }
  });
  afterAll(async () => {
    await server?.close();
    replica?.destroy();
    primary?.destroy();
  });

  it("a list is read on the replica once it has replayed the writes: no statement of it on the primary", async () => {
    await waitFor(
      async () => (await post(LIST, reader)).data?.allOrders.totalCount === 30,
      "the replica to replay",
      30_000,
    );
    const { result, routes } = await routed(() => post(LIST, reader));
    expect(result.errors).toBeUndefined();
    expect(result.data.allOrders.edges).toHaveLength(30);
    // The token's lookup is the one statement on the primary; on the replica the page and its count,
    // and its orders' lines and payments (the OrderRelations view) unless the order cache holds them
    // at the version the replica's rows carry (the reads waiting for the replay above filled it).
    expect(routes).toEqual({ pool: 1, "replica:0": expect.any(Number) });
    expect(routes["replica:0"]).toBeGreaterThanOrEqual(2);
    expect(server.replicas.states()).toEqual([
      {
        replica: expect.stringMatching(/^PostgreSQL 127\.0\.0\.1:\d+\/postgres$/),
        status: "ok",
        lagMs: expect.any(Number),
      },
    ]);
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health.replicas).toEqual([expect.objectContaining({ status: "ok" })]);
  });

  it("a caller's reads right after their own write go to the primary; a replica behind REPLICA_MAX_LAG_MS is skipped", async () => {
    const list = (await post(LIST, writer)).data.allOrders.edges;
    const ref = list[0].node.ref as string;
    await post(print(RecordOrderPaymentDocument), writer, {
      ref,
      input: { amount: "33.00", transactionId: "t-1", paymentMethod: "credit-card" },
    });
    await waitFor(async () => {
      const rows = (await post(LIST, reader)).data.allOrders.edges;
      return rows.find((e: any) => e.node.ref === ref).node.payments.length === 1;
    }, "the payment on the replica");
    // The replica stops replaying (as a slow one would): what is written now, it does not have.
    await onReplica(`SELECT pg_wal_replay_pause()`);
    try {
      const refund = await routed(() => post(print(RefundOrderDocument), writer, { ref }));
      expect(refund.result.errors).toBeUndefined();
      expect(Object.keys(refund.routes)).toEqual(["pool"]); // a mutation and its answer: the primary
      // At once: the staff member who refunded sees the refund, in the order and in the list.
      const detail = await routed(() => post(print(OrderDetailDocument), writer, { ref }));
      expect(detail.result.data.order).toMatchObject({ status: "REFUNDED", amountRefunded: "33.00" });
      expect(Object.keys(detail.routes)).toEqual(["pool"]);
      const again = await routed(() => post(LIST, writer));
      const row = again.result.data.allOrders.edges.find((e: any) => e.node.ref === ref).node;
      expect(row).toMatchObject({ status: "REFUNDED", amountRefunded: "33.00" });
      expect(Object.keys(again.routes)).toEqual(["pool"]);
      // Someone else's list may lag, by REPLICA_MAX_LAG_MS at most: once the replica is further
      // behind than that, it is skipped and their list shows the refund too.
      await waitFor(() => server.replicas.states()[0].status === "lagging", "the replica found lagging", 30_000);
      const other = await routed(() => post(LIST, reader));
      expect(other.result.data.allOrders.edges.find((e: any) => e.node.ref === ref).node.status).toBe("REFUNDED");
      expect(Object.keys(other.routes)).toEqual(["pool"]);
    } finally {
      await onReplica(`SELECT pg_wal_replay_resume()`);
    }
    // Caught up past the writer's last write, the replica serves their lists again.
    await waitFor(
      async () => Object.keys((await routed(() => post(LIST, writer))).routes).includes("replica:0"),
      "the writer's lists back on the replica",
      30_000,
    );
    const later = (await post(LIST, writer)).data.allOrders.edges.find((e: any) => e.node.ref === ref).node;
    expect(later.status).toBe("REFUNDED");
  });

  it("a replica stopped under load is skipped: every answer complete, no error reaches a client", async () => {
    await waitFor(() => server.replicas.states()[0].status === "ok", "the replica");
    const answers: { errors?: unknown[]; n?: number }[] = [];
    let stopped = false;
    let sent = 0;
    const worker = async () => {
      // Bounded: at most 400 requests in all.
      while (sent < 400) {
        sent++;
        const r = await post(print(AllOrdersCountDocument), reader);
        answers.push({ errors: r.errors, n: r.data?.allOrders?.totalCount });
        if (stopped && answers.length > 40) break;
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));
    await waitFor(() => answers.length >= 20, "load on the replica");
    replica.stop(); // pg_ctl stop -m fast: its connections are ended mid-statement
    stopped = true;
    await load;
    expect(answers.filter((a) => a.errors)).toEqual([]);
    expect(answers.every((a) => a.n === 30)).toBe(true);
    expect(server.replicas.states()[0].status).toBe("down");
    const { routes } = await routed(() => post(LIST, reader));
    expect(Object.keys(routes)).toEqual(["pool"]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Started again, it is read from again once caught up.
    replica.start();
    await waitFor(() => server.replicas.states()[0].status === "ok", "the replica back", 60_000);
    await waitFor(
      async () => Object.keys((await routed(() => post(LIST, reader))).routes).includes("replica:0"),
      "lists on the replica again",
    );
  });
});
