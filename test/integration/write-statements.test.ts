/**
 * What a write sends to the database, statement by statement: one transaction with the order's row
 * locked and read in one statement, the change, and its event with its webhook deliveries and its
 * NOTIFY in one more. Each statement a write sends costs Prisma CPU and the database a round trip
 * (BENCHMARKS.md, writes): a change that adds one fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddOrderNoteDocument,
  ChangeOrderStatusDocument,
  CreateWebhookDocument,
  OrderHistoryDocument,
  RecordOrderPaymentDocument,
  RefundOrderPaymentDocument,
} from "../generated/graphql.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";
import {
  BACKGROUND,
  backends,
  openTestDatabase,
  orderInput,
  startTestServer,
  type Backend,
  type TestServer,
} from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";

/** The statements of one request, the caller's token lookup left out, each as the kind it is. */
function kinds(statements: string[]): string[] {
  return statements
    .filter((s) => !/"ApiToken"/.test(s))
    .map((s) => {
      const sql = s.replace(/\s+/g, " ").trim();
      if (/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql)) return sql.split(" ")[0].toUpperCase();
      if (/^SELECT .* FROM "Order" WHERE "ref" = \$1 AND .* FOR UPDATE$/.test(sql)) return "lock and read the order";
      if (/INSERT INTO "OrderEvent"/.test(sql) && /INSERT INTO "WebhookDelivery"/.test(sql) && /pg_notify/.test(sql)) {
        if (/INSERT INTO "OrderRefund"/.test(sql) && /UPDATE "OrderPayment"/.test(sql) && /UPDATE "Order" /.test(sql))
          return "refund, payment, order + event + deliveries + NOTIFY";
        if (/UPDATE "Order" SET "status"/.test(sql)) return "status + event + deliveries + NOTIFY";
        if (/INSERT INTO "OrderNote"/.test(sql) && /UPDATE "Order" SET "dateUpdated"/.test(sql))
          return "note, order + event + deliveries + NOTIFY";
        return "event + deliveries + NOTIFY";
      }
      const m = /^(INSERT INTO|UPDATE|SELECT .*? FROM|DELETE FROM) "public"\."(\w+)"/.exec(sql);
      if (m) return `${m[1].split(" ")[0]} ${m[2]}`;
      return sql.slice(0, 80);
    });
}

describe.each(backends())("the statements of a write on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  const parts = testPaymentMethod({ identifier: "parts", orderPayment: false });

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [parts.method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,parts", WEBHOOK_ALLOW_PRIVATE: "on" },
    });
    staff = await t.user("staff-statements@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it("a status change: the lock and read, then the update with the event, its deliveries and NOTIFY", async () => {
    const o = await t.order({}, { token: staff.token });
    t.statements.length = 0;
    const r = await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "HOLD" }, { token: staff.token });
    expect(r.changeOrderStatus).toMatchObject({ __typename: "Order", status: "HOLD" });
    expect(kinds(t.statements)).toEqual([
      "BEGIN",
      "lock and read the order",
      "status + event + deliveries + NOTIFY",
      "COMMIT",
    ]);
    // The answer is the row as written: what a read after the commit sees.
    const history = (await t.ok(OrderHistoryDocument, { ref: o.ref }, { token: staff.token })).order!.history;
    expect(history.nodes.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ["ORDER_CREATED", null, "CREATED"],
      ["STATUS_CHANGED", "CREATED", "HOLD"],
    ]);
  });

  it("a note: the lock and read, then the note and the order's dateUpdated with the event", async () => {
    const o = await t.order({}, { token: staff.token });
    const before = await t.server.prisma.order.findUniqueOrThrow({ where: { ref: o.ref } });
    t.statements.length = 0;
    const r = await t.ok(
      AddOrderNoteDocument,
      { ref: o.ref, message: "Left with the neighbour", public: true },
      { token: staff.token },
    );
    expect(r.addOrderNote.notes.map((n) => [n.message, n.public])).toEqual([["Left with the neighbour", true]]);
    expect(kinds(t.statements).slice(0, 4)).toEqual([
      "BEGIN",
      "lock and read the order",
      "note, order + event + deliveries + NOTIFY",
      "COMMIT",
    ]);
    const after = await t.server.prisma.order.findUniqueOrThrow({ where: { ref: o.ref } });
    expect(after.dateUpdated.getTime()).toBeGreaterThan(before.dateUpdated.getTime());
    const history = (await t.ok(OrderHistoryDocument, { ref: o.ref }, { token: staff.token })).order!.history;
    expect(history.nodes.map((e) => [e.type, e.message])).toEqual([
      ["ORDER_CREATED", null],
      ["NOTE_ADDED", "Left with the neighbour"],
    ]);
  });

  it("a refused change locks and reads the order, and writes nothing", async () => {
    const o = await t.order({}, { token: staff.token });
    t.statements.length = 0;
    const r = await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "COMPLETED" }, { token: staff.token });
    expect(r.changeOrderStatus.__typename).toBe("InvalidStatusTransitionError");
    expect(kinds(t.statements)).toEqual(["BEGIN", "lock and read the order", "COMMIT"]);
  });

  it("a partial refund: no statement reads back what it wrote, nor after the commit", async () => {
    const o = await t.order(
      {
        items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: "30.00", quantity: 1 }],
        status: "PROCESSING",
      },
      { token: staff.token },
    );
    const paid = await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "30.00", transactionId: "tx-statements", paymentMethod: "parts" } },
      { token: staff.token },
    );
    if (paid.recordOrderPayment.__typename !== "Order") throw new Error("payment refused");
    const paymentId = paid.recordOrderPayment.payments[0].id;
    t.statements.length = 0;
    const r = await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId, amount: "0.01" } },
      { token: staff.token },
    );
    expect(r.refundOrderPayment).toMatchObject({
      __typename: "OrderRefund",
      amount: "0.01",
      payment: { id: paymentId },
    });
    expect(kinds(t.statements)).toEqual([
      "BEGIN",
      "lock and read the order",
      "SELECT OrderPayment",
      "refund, payment, order + event + deliveries + NOTIFY",
      "COMMIT",
    ]);
  });

  it("writes each enabled webhook's delivery in the event's statement, only for the types it wants", async () => {
    for (const events of [[], ["STATUS_CHANGED"], ["NOTE_ADDED"]] as const) {
      await t.ok(
        CreateWebhookDocument,
        { input: { url: "http://127.0.0.1:9/hook", events: [...events] } },
        { token: staff.token },
      );
    }
    const o = await t.order({}, { token: staff.token });
    await t.ok(ChangeOrderStatusDocument, { ref: o.ref, status: "HOLD" }, { token: staff.token });
    // (The dispatcher's own statements run beside the write's here: the statement list is the first test's.)
    const rows = await t.server.prisma.webhookDelivery.findMany({
      where: { event: { order: { ref: o.ref }, type: "STATUS_CHANGED" } },
      select: { webhook: { select: { events: true } } },
    });
    expect(rows.map((d) => d.webhook.events).sort()).toEqual([[], ["STATUS_CHANGED"]]);
  });
});

/**
 * Prepared statements (DATABASE_PREPARED_STATEMENTS, db/database.ts: statementNames): named on the
 * embedded database and on a PostgreSQL server reached directly, so that each connection parses and
 * plans a statement once; never where the pool may be a transaction pooler
 * (test/integration/pooler.test.ts runs a real one).
 */
describe("prepared statements", () => {
  const noPostgres = !backends().includes("postgres");
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => {});
  });

  /** A server on a fresh database, and a write whose statements it answers with the names they went with. */
  async function serverOn(
    backend: Backend,
    env: Record<string, string> = {},
    opts: { otherDirectUrl?: boolean; oneConnection?: boolean } = {},
  ) {
    const fresh = await openTestDatabase(backend);
    opened.push({ close: fresh.drop });
    let db = fresh.db;
    if (opts.oneConnection) {
      // A pool of one connection: every statement goes on it, and PostgreSQL's view of its session
      // (pg_prepared_statements) is the view of all of them.
      db = await openDatabase({ kind: "postgres", url: fresh.url! }, { poolMax: 1 });
      opened.push(db);
    }
    if (opts.otherDirectUrl) {
      // The same database under another URL as DATABASE_DIRECT_URL: the pool is then taken for a pooler.
      const direct = new URL(fresh.url!);
      direct.searchParams.set("application_name", "direct");
      db = await openDatabase({ kind: "postgres", url: fresh.url!, directUrl: direct.toString() });
      opened.push(db);
    }
    const seen: { sql: string; name?: string }[] = [];
    db.observe((sql, _route, name) => seen.push({ sql, name }));
    const server = await createServer(loadConfig({ PORT: "0", LOG_LEVEL: "silent", ...env }), {
      db,
      logger: createLogger("silent"),
    });
    opened.push(server);
    const staff = await createUser(server.prisma, "staff-prepared@example.com", true);
    const token = await issueApiToken(server.prisma, staff.id);
    const write = async () => {
      const made = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { ref } } }`,
          variables: { input: orderInput() },
        }),
      });
      const ref = ((await made.json()) as { data: { createOrder: { ref: string } } }).data.createOrder.ref;
      seen.length = 0;
      for (const status of ["HOLD", "PROCESSING", "SHIPPED"]) {
        const r = await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: `mutation($ref: String!, $s: OrderStatus!) { changeOrderStatus(ref: $ref, status: $s) { ... on Order { status } } }`,
            variables: { ref, s: status },
          }),
        });
        expect(
          ((await r.json()) as { data: { changeOrderStatus: { status: string } } }).data.changeOrderStatus,
        ).toEqual({
          status,
        });
      }
      return seen.filter((s) => !BACKGROUND.test(s.sql));
    };
    return { server, db, write };
  }

  /** Every statement but BEGIN and COMMIT is named after its text, and prepared on the pool's one connection. */
  async function expectNamedAndPrepared(db: Database, statements: { sql: string; name?: string }[]) {
    const named = statements.filter((s) => !/^(BEGIN|COMMIT)$/i.test(s.sql.trim()));
    expect(named.length).toBeGreaterThan(0);
    for (const s of named) expect(s.name).toMatch(/^prisma_[\w-]{27}$/);
    // One name per text, the same every time it is sent.
    const byText = new Map<string, Set<string>>();
    for (const s of named) byText.set(s.sql, (byText.get(s.sql) ?? new Set()).add(s.name!));
    for (const names of byText.values()) expect(names.size).toBe(1);
    expect(new Set(named.map((s) => s.name)).size).toBe(byText.size);
    // Prepared on the server's one connection: PostgreSQL knows them by these names.
    const { rows } = await db.pool.query<{ name: string }>(`SELECT name FROM pg_prepared_statements`);
    const prepared = new Set(rows.map((r) => r.name));
    for (const s of named) expect(prepared, s.sql).toContain(s.name);
  }

  it.skipIf(noPostgres)(
    "on a server reached directly, every statement of a write but BEGIN and COMMIT is named after its text",
    async () => {
      const { db, write } = await serverOn("postgres", {}, { oneConnection: true });
      await expectNamedAndPrepared(db, await write());
    },
  );

  it("the embedded database (its one connection, the process's for its whole life): named and prepared too", async () => {
    const { db, write } = await serverOn("embedded");
    await expectNamedAndPrepared(db, await write());
  });

  it.each(backends())("DATABASE_PREPARED_STATEMENTS=off (%s): none is named", async (backend) => {
    const { write } = await serverOn(backend, { DATABASE_PREPARED_STATEMENTS: "off" });
    expect((await write()).filter((s) => s.name !== undefined)).toEqual([]);
  });

  it.skipIf(noPostgres)(
    "a pool with another DATABASE_DIRECT_URL (a pooler in between, as far as the server knows): none is named",
    async () => {
      const { write } = await serverOn("postgres", {}, { otherDirectUrl: true });
      expect((await write()).filter((s) => s.name !== undefined)).toEqual([]);
    },
  );
});
