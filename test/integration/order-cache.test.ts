/**
 * The order cache (src/orders/order.cache.ts) is never stale: a read right after a change sees it,
 * on the server that made it and on another one, whichever path wrote it; and it saves what it
 * should: a page of orders it holds costs two statements fewer, a detail it holds reads no relations,
 * and refunds are never read by a statement of their own.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createServer, type RunningServer } from "../../src/server.js";
import { createLogger } from "../../src/shared/log.js";
import { Money } from "../../src/shared/money.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";
import { BACKGROUND, backends, openTestDatabase, startTestServer, type TestServer } from "../helpers/harness.js";
import { gql } from "../helpers/processes.js";

const CREATE = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { ... on Order { ref token } } }`;
const NOTE = `mutation($ref: String!, $m: String!, $p: Boolean!) { addOrderNote(ref: $ref, message: $m, public: $p) { ref } }`;
const PAY = `mutation($ref: String!, $input: RecordPaymentInput!) {
  recordOrderPayment(ref: $ref, input: $input) { __typename } }`;
const REFUND = `mutation($ref: String!, $input: RefundPaymentInput!) {
  refundOrderPayment(ref: $ref, input: $input) { __typename } }`;
const STATUS = `mutation($ref: String!, $s: OrderStatus!) { changeOrderStatus(ref: $ref, status: $s) { __typename } }`;
const PREVIEW = `query($ref: String!, $changes: OrderEditInput!) {
  previewOrderEdit(ref: $ref, changes: $changes) { __typename ... on OrderEditPreview { editVersion after { total } } } }`;
const COMMIT = `mutation($ref: String!, $input: CommitOrderEditInput!) {
  commitOrderEdit(ref: $ref, input: $input) { __typename } }`;
const SHOWN = `ref status items { id quantity total } payments { id amount amountRefunded } notes { message }
  refunds { id amount reason dateCreated }`;
const DETAIL = `query($ref: String!, $token: String) { order(ref: $ref, token: $token) { ${SHOWN} } }`;
const PAGE = `query($email: String!) { allOrders(first: 5, filter: { search: $email }) { nodes { ${SHOWN} } } }`;
/** An order's history alone: a page of it checks the history cache with the versions it reads (history/event.cache.ts). */
const HISTORY = `ref history(first: 50) { totalCount nodes { type message } }`;
const HISTORY_DETAIL = `query($ref: String!) { order(ref: $ref) { ${HISTORY} } }`;
const HISTORY_PAGE = `query($email: String!) { allOrders(first: 5, filter: { search: $email }) { nodes { ${HISTORY} } } }`;

interface History {
  ref: string;
  history: { totalCount: number; nodes: { type: string; message: string | null }[] };
}

/** The event each kind of change records (a refund may record a change of status too). */
const RECORDS = {
  note: "NOTE_ADDED",
  payment: "PAYMENT_RECORDED",
  refund: "PAYMENT_REFUNDED",
  status: "STATUS_CHANGED",
  edit: "ORDER_EDITED",
} as const;

interface Shown {
  ref: string;
  status: string;
  items: { id: string; quantity: number; total: string }[];
  payments: { id: string; amount: string; amountRefunded: string }[];
  notes: { message: string }[];
  refunds: { id: string; amount: string; reason: string | null; dateCreated: string }[];
}

const line = (name: string) => ({ productType: "p", product: { name, code: name }, unitPrice: "2.00", quantity: 1 });

/** The changes a round makes through one server, and what a read must show after each. */
const KINDS = ["note", "payment", "refund", "status", "edit"] as const;

/** A client of one or two servers: writes through `write`, reads through `read`. */
function client(write: () => string, read: () => string, token: () => string) {
  const call = async (url: string, query: string, variables: Record<string, unknown>) => {
    const r = await gql(url, query, token(), variables);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data;
  };
  const detail = async (ref: string): Promise<Shown> => (await call(read(), DETAIL, { ref })).order;
  const inPage = async (email: string, ref: string): Promise<Shown> =>
    (await call(read(), PAGE, { email })).allOrders.nodes.find((o: Shown) => o.ref === ref);
  return {
    /** The order's history as a detail and as a page show it (the page first). */
    async histories(email: string, ref: string): Promise<History[]> {
      const page = (await call(read(), HISTORY_PAGE, { email })).allOrders.nodes.find((o: History) => o.ref === ref);
      return [page, (await call(read(), HISTORY_DETAIL, { ref })).order];
    },
    async create(email: string): Promise<string> {
      const r = await call(write(), CREATE, { input: { email, items: [line("A"), line("B")] } });
      return r.createOrder.ref;
    },
    detail,
    inPage,
    /** Makes a change of `kind` through the writing server; answers what a read must show now. */
    async change(kind: (typeof KINDS)[number], ref: string, round: number, before: Shown): Promise<(o: Shown) => void> {
      switch (kind) {
        case "note": {
          const m = `note ${round}`;
          await call(write(), NOTE, { ref, m, p: round % 2 === 0 });
          return (o) => expect(o.notes.map((n) => n.message)).toEqual([...before.notes.map((n) => n.message), m]);
        }
        case "payment": {
          const input = { amount: "1.00", transactionId: `t${round}`, paymentMethod: "credit-card" };
          expect((await call(write(), PAY, { ref, input })).recordOrderPayment.__typename).toBe("Order");
          return (o) => expect(o.payments).toHaveLength(before.payments.length + 1);
        }
        case "refund": {
          if (before.payments.length === 0) {
            const input = { amount: "1.00", transactionId: `r${round}`, paymentMethod: "credit-card" };
            await call(write(), PAY, { ref, input });
            before = await detail(ref);
          }
          const paymentId = before.payments[0].id;
          const reason = `refund ${round}`;
          const r = await call(write(), REFUND, { ref, input: { paymentId, amount: "0.50", reason } });
          expect(r.refundOrderPayment.__typename).toBe("OrderRefund");
          const refunded = new Money(before.payments[0].amountRefunded).plus("0.50").toFixed(2);
          return (o) => {
            expect(o.payments[0].amountRefunded).toBe(refunded);
            expect(o.refunds.map((x) => [x.amount, x.reason])).toEqual([
              ...before.refunds.map((x) => [x.amount, x.reason]),
              ["0.50", reason],
            ]);
          };
        }
        case "status": {
          const s = before.status === "HOLD" ? "CREATED" : "HOLD";
          expect((await call(write(), STATUS, { ref, s })).changeOrderStatus.__typename).toBe("Order");
          return (o) => expect(o.status).toBe(s);
        }
        case "edit": {
          const quantity = before.items[0].quantity + 1;
          const changes = { changeItems: [{ itemId: before.items[0].id, quantity }] };
          const p = (await call(write(), PREVIEW, { ref, changes })).previewOrderEdit;
          expect(p.__typename).toBe("OrderEditPreview");
          const input = { changes, expectedTotal: p.after.total, expectedVersion: p.editVersion, overpayment: "KEEP" };
          expect((await call(write(), COMMIT, { ref, input })).commitOrderEdit.__typename).toBe("CommittedOrderEdit");
          return (o) => expect(o.items[0]).toMatchObject({ quantity, total: (2 * quantity).toFixed(2) });
        }
      }
    },
  };
}

/**
 * `rounds` rounds: a new order, read (so the reading server holds it), changed by one kind of
 * change through the writing server, and read right after the change was acknowledged, as a
 * detail and in a page.
 */
async function changesAreSeen(c: ReturnType<typeof client>, email: string, rounds: number) {
  for (let round = 0; round < rounds; round++) {
    const kind = KINDS[round % KINDS.length];
    const ref = await c.create(email);
    await c.inPage(email, ref);
    const [history] = await c.histories(email, ref);
    const before = await c.detail(ref);
    const expectSeen = await c.change(kind, ref, round, before);
    // The detail first, then the page; then the page first, after a second change of the same kind.
    expectSeen(await c.detail(ref));
    expectSeen(await c.inPage(email, ref));
    const seenIn = await expectRecorded(c, email, ref, history, RECORDS[kind]);
    const now = await c.inPage(email, ref);
    const again = kind === "status" ? "note" : kind;
    const expectAgain = await c.change(again, ref, round + 1000, now);
    expectAgain(await c.inPage(email, ref));
    expectAgain(await c.detail(ref));
    await expectRecorded(c, email, ref, seenIn, RECORDS[again]);
  }
}

/** The order's history, in a page and in a detail, holds what it held and, after it, the change's event. */
async function expectRecorded(
  c: ReturnType<typeof client>,
  email: string,
  ref: string,
  before: History,
  recorded: string,
): Promise<History> {
  const [page, detail] = await c.histories(email, ref);
  for (const o of [page, detail]) {
    expect(o.history.totalCount).toBeGreaterThan(before.history.totalCount);
    expect(o.history.nodes).toHaveLength(o.history.totalCount);
    expect(o.history.nodes.slice(0, before.history.nodes.length)).toEqual(before.history.nodes);
    expect(o.history.nodes.slice(before.history.nodes.length).map((n) => n.type)).toContain(recorded);
  }
  expect(detail).toEqual(page);
  return page;
}

describe.skipIf(!inject("pgAdminUrl"))("the order cache, two servers on one PostgreSQL", () => {
  let testDb: Awaited<ReturnType<typeof openTestDatabase>>;
  let second: Database;
  let a: RunningServer;
  let b: RunningServer;
  let token: string;

  beforeAll(async () => {
    testDb = await openTestDatabase("postgres");
    second = await openDatabase({ kind: "postgres", url: testDb.url! });
    const config = loadConfig({ PORT: "0", LOG_LEVEL: "silent" });
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
  });

  it(
    "a read on B right after a change acknowledged by A sees it, in a detail and in a page",
    { timeout: 240_000 },
    async () => {
      await changesAreSeen(
        client(
          () => a.url,
          () => b.url,
          () => token,
        ),
        "two@example.com",
        30,
      );
    },
  );

  it("a refund written alone, by any path (SQL here, no payment with it), is seen by B's next page and detail", async () => {
    const c = client(
      () => a.url,
      () => b.url,
      () => token,
    );
    const email = "by-hand@example.com";
    const ref = await c.create(email);
    await c.change("payment", ref, 0, await c.detail(ref));
    const { id: orderId } = await a.prisma.order.findUniqueOrThrow({ where: { ref }, select: { id: true } });
    const { id: paymentId } = await a.prisma.orderPayment.findFirstOrThrow({
      where: { orderId },
      select: { id: true },
    });
    const seen = async (expected: Partial<Shown["refunds"][number]>[]) => {
      for (const o of [await c.inPage(email, ref), await c.detail(ref)])
        expect(o.refunds.map(({ amount, reason, dateCreated }) => ({ amount, reason, dateCreated }))).toEqual(expected);
    };
    await seen([]); // B holds the order
    await testDb.db.query(
      `INSERT INTO "OrderRefund" ("orderId", "paymentId", "amount", "reason", "dateCreated")
       VALUES ($1, $2, 0.25, 'by hand', '2026-01-02T03:04:05.678Z')`,
      [orderId, paymentId],
    );
    await seen([{ amount: "0.25", reason: "by hand", dateCreated: "2026-01-02T03:04:05.678Z" }]);
    await testDb.db.query(`UPDATE "OrderRefund" SET "reason" = 'changed by hand' WHERE "orderId" = $1`, [orderId]);
    await seen([{ amount: "0.25", reason: "changed by hand", dateCreated: "2026-01-02T03:04:05.678Z" }]);
    await testDb.db.query(`DELETE FROM "OrderRefund" WHERE "orderId" = $1`, [orderId]);
    await seen([]);
  });

  it("an order's row changed by any path (SQL here) is seen by B's next page, which holds the row", async () => {
    const c = client(
      () => a.url,
      () => b.url,
      () => token,
    );
    const email = "row-by-hand@example.com";
    const ref = await c.create(email);
    const page = `query($email: String!) { allOrders(first: 5, filter: { search: $email }) {
      nodes { ref status billingAddress total isPaid amountPaid items { quantity } } } }`;
    const read = async () => (await gql(b.url, page, token, { email })).data.allOrders.nodes[0];
    expect(await read()).toMatchObject({ ref, status: "CREATED", total: "4.00", isPaid: false, amountPaid: "0.00" });
    const sent: string[] = [];
    const stop = second.observe((sql) => sent.push(sql));
    try {
      // B holds the order: its page reads ids and versions only
      expect(await read()).toMatchObject({ ref, status: "CREATED" });
      expect(sent.filter((s) => !/"ApiToken"/.test(s) && !BACKGROUND.test(s))).toEqual([
        expect.stringMatching(
          /^SELECT "t0"\."id", "t0"\."relationsVersion", "t0"\."rowVersion" FROM "public"\."Order"/,
        ),
      ]);
      const edits: [string, unknown[], Record<string, unknown>][] = [
        [`UPDATE "Order" SET "status" = 'HOLD' WHERE ref = $1`, [ref], { status: "HOLD" }],
        [
          `UPDATE "Order" SET "amountPaid" = 4, "isPaid" = true, "total" = 4.00 WHERE ref = $1`,
          [ref],
          { isPaid: true, amountPaid: "4.00" },
        ],
        [`UPDATE "Order" SET "billingAddress" = 'by hand' WHERE ref = $1`, [ref], { billingAddress: "by hand" }],
      ];
      for (const [sql, params, now] of edits) {
        await testDb.db.query(sql, params);
        expect(await read()).toMatchObject(now);
      }
    } finally {
      stop();
    }
  });
  it("an event written, changed or deleted by any path (SQL here) is seen by B's next page and detail, which hold the history", async () => {
    const c = client(
      () => a.url,
      () => b.url,
      () => token,
    );
    const email = "events-by-hand@example.com";
    const ref = await c.create(email);
    const { id: orderId } = await a.prisma.order.findUniqueOrThrow({ where: { ref }, select: { id: true } });
    const seen = async (expected: History["history"]["nodes"]) => {
      for (const o of await c.histories(email, ref)) {
        expect(o.history.nodes).toEqual(expected);
        expect(o.history.totalCount).toBe(expected.length);
      }
    };
    const created = { type: "ORDER_CREATED", message: null };
    await seen([created]); // B holds the history
    const sent: string[] = [];
    const stop = second.observe((sql) => sent.push(sql));
    try {
      // a page of orders whose history B holds: their ids and versions, no events
      await gql(b.url, HISTORY_PAGE, token, { email });
      expect(sent.filter((s) => !/"ApiToken"/.test(s) && !BACKGROUND.test(s))).toEqual([
        expect.stringMatching(
          /^SELECT "t0"\."id", "t0"\."relationsVersion", "t0"\."rowVersion" FROM "public"\."Order"/,
        ),
      ]);
    } finally {
      stop();
    }
    await testDb.db.query(
      `INSERT INTO "OrderEvent" ("orderId", "type", "public", "message", "dateCreated")
       VALUES ($1, 'NOTE_ADDED', true, 'by hand', now())`,
      [orderId],
    );
    await seen([created, { type: "NOTE_ADDED", message: "by hand" }]);
    await testDb.db.query(
      `UPDATE "OrderEvent" SET "message" = 'changed by hand' WHERE "orderId" = $1 AND "message" = 'by hand'`,
      [orderId],
    );
    await seen([created, { type: "NOTE_ADDED", message: "changed by hand" }]);
    await testDb.db.query(`DELETE FROM "OrderEvent" WHERE "orderId" = $1 AND "type" = 'NOTE_ADDED'`, [orderId]);
    await seen([created]);
  });
});

describe.each(backends())("the order cache (%s)", (backend) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    token = (await t.user("staff@example.com", { staff: true })).token;
  });
  afterAll(() => t?.close());

  it("a read right after each kind of change sees it", { timeout: 120_000 }, async () => {
    await changesAreSeen(
      client(
        () => t.url,
        () => t.url,
        () => token,
      ),
      "one@example.com",
      KINDS.length,
    );
  });

  it("a page of orders it holds costs two statements fewer; a detail it holds reads no relations", async () => {
    const c = client(
      () => t.url,
      () => t.url,
      () => token,
    );
    const email = "counted@example.com";
    const refs = [await c.create(email), await c.create(email), await c.create(email)];
    // refs[0] with a refund (and the payment it gives back from): read with the order, as its lines are
    await c.change("refund", refs[0], 0, await c.detail(refs[0]));
    const relations = () => t.statements.filter((s) => /"OrderRelations"/.test(s));
    const refunds = () => t.statements.filter((s) => /"OrderRefund"/.test(s));
    // A page of orders it does not hold, then the same page again.
    t.statements.length = 0;
    expect((await c.inPage(email, refs[0])).refunds).toMatchObject([{ amount: "0.50", reason: "refund 0" }]);
    const cold = t.statements.length;
    expect(relations()).toHaveLength(1);
    expect(refunds()).toEqual([]);
    t.statements.length = 0;
    expect((await c.inPage(email, refs[0])).refunds).toMatchObject([{ amount: "0.50", reason: "refund 0" }]);
    expect(relations()).toEqual([]);
    expect(refunds()).toEqual([]);
    // the page's ids and versions alone: neither the rows nor the view
    expect(t.statements.length).toBe(cold - 2);
    // A detail of an order it holds: the order's row alone.
    t.statements.length = 0;
    const shown = await c.detail(refs[1]);
    expect(relations()).toEqual([]);
    expect(refunds()).toEqual([]);
    expect(shown.items).toHaveLength(2);
    // After a change, the same detail reads the relations once more, then not again.
    await c.change("note", refs[1], 0, shown);
    t.statements.length = 0;
    expect((await c.detail(refs[1])).notes).toHaveLength(1);
    expect(relations()).toHaveLength(1);
    t.statements.length = 0;
    await c.detail(refs[1]);
    expect(relations()).toEqual([]);
  });

  it("a page or a detail of orders whose history it holds reads no events; after a change, once more", async () => {
    const c = client(
      () => t.url,
      () => t.url,
      () => token,
    );
    const email = "history-counted@example.com";
    const refs = [await c.create(email), await c.create(email)];
    const events = () => t.statements.filter((s) => /"OrderEvent"/.test(s));
    t.statements.length = 0;
    await c.histories(email, refs[0]); // the page reads both orders' events; the detail, none
    expect(events()).toHaveLength(1);
    t.statements.length = 0;
    const [held] = await c.histories(email, refs[0]);
    expect(events()).toEqual([]);
    await c.change("note", refs[0], 0, await c.detail(refs[0]));
    t.statements.length = 0;
    await expectRecorded(c, email, refs[0], held, "NOTE_ADDED");
    expect(events()).toHaveLength(1);
    t.statements.length = 0;
    await c.histories(email, refs[1]);
    await c.histories(email, refs[0]);
    expect(events()).toEqual([]);
    // A page after a cursor is always read.
    const after = `query($ref: String!) { order(ref: $ref) { history(first: 1) { pageInfo { endCursor } } } }`;
    const cursor = (await gql(t.url, after, token, { ref: refs[0] })).data.order.history.pageInfo.endCursor;
    const next = `query($ref: String!, $after: String) { order(ref: $ref) {
      history(first: 5, after: $after) { nodes { type message } } } }`;
    t.statements.length = 0;
    const r = await gql(t.url, next, token, { ref: refs[0], after: cursor });
    expect(r.data.order.history.nodes).toEqual([{ type: "NOTE_ADDED", message: "note 0" }]);
    expect(events()).toHaveLength(1);
  });

  it("a change's answer shows the event it recorded, whatever history the cache holds", async () => {
    const c = client(
      () => t.url,
      () => t.url,
      () => token,
    );
    const email = "answer@example.com";
    const ref = await c.create(email);
    await c.histories(email, ref); // held
    const changed = `mutation($ref: String!) { changeOrderStatus(ref: $ref, status: HOLD) {
      ... on Order { ${HISTORY} } } }`;
    const r = await gql(t.url, changed, token, { ref });
    expect(r.data.changeOrderStatus.history.nodes.map((n: { type: string }) => n.type)).toEqual([
      "ORDER_CREATED",
      "STATUS_CHANGED",
    ]);
  });

  it("each change of a document's several answers shows what it and the changes before it wrote", async () => {
    const c = client(
      () => t.url,
      () => t.url,
      () => token,
    );
    const ref = await c.create("two-changes@example.com");
    const both = `mutation($ref: String!) {
      a: changeOrderStatus(ref: $ref, status: HOLD) { ... on Order { history { nodes { type } } notes { message } } }
      b: addOrderNote(ref: $ref, message: "after a", public: true) { history { nodes { type } } notes { message } } }`;
    const r = await gql(t.url, both, token, { ref });
    expect(r.errors).toBeUndefined();
    const types = (o: { history: { nodes: { type: string }[] } }) => o.history.nodes.map((n) => n.type);
    expect(types(r.data.a)).toEqual(["ORDER_CREATED", "STATUS_CHANGED"]);
    expect(r.data.a.notes).toEqual([]);
    expect(types(r.data.b)).toEqual(["ORDER_CREATED", "STATUS_CHANGED", "NOTE_ADDED"]);
    expect(r.data.b.notes).toEqual([{ message: "after a" }]);
  });

  it("what staff see of a history is never shown to a guest, nor a guest's view to staff", async () => {
    const c = client(
      () => t.url,
      () => t.url,
      () => token,
    );
    const email = "audiences@example.com";
    const created = await gql(t.url, CREATE, token, { input: { email, items: [line("A")] } });
    const { ref, token: orderToken } = created.data.createOrder as { ref: string; token: string };
    await gql(t.url, NOTE, token, { ref, m: "staff only", p: false });
    await c.change("refund", ref, 7, await c.detail(ref)); // a payment, and a refund with its reason
    const guest = async () =>
      (
        await gql(
          t.url,
          `query($ref: String!, $token: String) { order(ref: $ref, token: $token) { ${HISTORY} } }`,
          undefined,
          { ref, token: orderToken },
        )
      ).data.order as History;
    const staffSees = ["ORDER_CREATED", "NOTE_ADDED", "PAYMENT_RECORDED", "PAYMENT_REFUNDED"];
    const asStaff = async () => {
      const [page, detail] = await c.histories(email, ref);
      for (const o of [page, detail]) {
        expect(o.history.nodes.map((n) => n.type)).toEqual(staffSees);
        expect(o.history.nodes.map((n) => n.message)).toEqual([null, "staff only", null, "refund 7"]);
        expect(o.history.totalCount).toBe(4);
      }
    };
    const asGuest = async () => {
      const shown = await guest();
      expect(shown.history.nodes.map((n) => n.type)).toEqual(["ORDER_CREATED", "PAYMENT_RECORDED", "PAYMENT_REFUNDED"]);
      expect(shown.history.nodes.map((n) => n.message)).toEqual([null, null, null]);
      expect(shown.history.totalCount).toBe(3);
    };
    const events = () => t.statements.filter((s) => /"OrderEvent"/.test(s));
    // The guest first (its page held first), then staff; then both again, from what is held.
    await asGuest();
    await asStaff();
    t.statements.length = 0;
    await asStaff();
    await asGuest();
    expect(events()).toEqual([]);
    // After a change, staff first this time.
    await gql(t.url, NOTE, token, { ref, m: "staff again", p: false });
    staffSees.push("NOTE_ADDED");
    const [page] = await c.histories(email, ref);
    expect(page.history.nodes.at(-1)).toEqual({ type: "NOTE_ADDED", message: "staff again" });
    expect(page.history.totalCount).toBe(5);
    await asGuest();
  });
});

describe.each(backends())("with the order cache off (%s)", (backend) => {
  let t: TestServer;
  let token: string;
  beforeAll(async () => {
    t = await startTestServer(backend, { env: { ORDER_CACHE_SIZE: "0" } });
    token = (await t.user("staff@example.com", { staff: true })).token;
  });
  afterAll(() => t?.close());

  it("a read right after each kind of change sees it", { timeout: 120_000 }, async () => {
    await changesAreSeen(
      client(
        () => t.url,
        () => t.url,
        () => token,
      ),
      "off@example.com",
      KINDS.length,
    );
  });

  it("a page showing refunds reads them with its lines: the page and the view, no statement of their own", async () => {
    const c = client(
      () => t.url,
      () => t.url,
      () => token,
    );
    const email = "off-counted@example.com";
    const refs = [await c.create(email), await c.create(email)];
    await c.change("refund", refs[1], 0, await c.detail(refs[1]));
    const sent = () => t.statements.filter((s) => !/"ApiToken"/.test(s));
    t.statements.length = 0;
    const page = await c.inPage(email, refs[1]);
    expect(page.refunds).toMatchObject([{ amount: "0.50", reason: "refund 0" }]);
    expect(sent()).toHaveLength(2);
    expect(sent().filter((s) => /"OrderRelations"/.test(s))).toHaveLength(1);
    expect(sent().filter((s) => /"OrderRefund"/.test(s))).toEqual([]);
    // A detail: the order with its relations, in one statement.
    t.statements.length = 0;
    expect(await c.detail(refs[1])).toEqual(page);
    expect(sent()).toHaveLength(1);
  });
});
