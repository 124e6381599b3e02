/**
 * Subscription.orderEvents over WebSocket on a real database: who sees what (staff, staff on one
 * order, owner, guest with the token, another customer, anonymous), nothing for a rollback, limits,
 * bad credentials, and a reader too slow for its queue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AddOrderNoteDocument,
  ChangeOrderStatusDocument,
  CreateOrderDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  RefundOrderPaymentDocument,
  type CreateOrderInput,
} from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { waitFor } from "../helpers/receiver.js";
import { connectSubscriber, type Collected, type Subscriber } from "../helpers/subscriber.js";
import { DROPPED, EventStream, type BusEvent } from "../../src/subscriptions/event-bus.js";
import { Money } from "../../src/shared/money.js";

const EVENTS = `subscription($ref: String, $token: String, $types: [OrderEventType!]) {
  orderEvents(ref: $ref, token: $token, types: $types) { type orderRef public message actor { email } fromStatus toStatus }
}`;
type Got = {
  orderEvents: {
    type: string;
    orderRef: string;
    public: boolean;
    message: string | null;
    actor: { email: string } | null;
  };
};

describe.each(backends())("subscriptions on %s", (backend) => {
  let t: TestServer;
  let staff: { id: string; token: string };
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  const open: Subscriber[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend);
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
  });
  afterAll(async () => {
    for (const s of open) await s.dispose().catch(() => {});
    await t?.close();
  });

  async function connect(token?: string, opts?: { header?: boolean }) {
    const s = await connectSubscriber(t.url, token, opts);
    open.push(s);
    return s;
  }
  const order = (over: Partial<CreateOrderInput> = {}) => t.order(over, { token: staff.token });
  const note = (ref: string, message: string, isPublic: boolean) =>
    t.ok(AddOrderNoteDocument, { ref, message, public: isPublic }, { token: staff.token });
  /** Waits until the server has `n` subscriptions open (they open asynchronously). */
  const listening = async (n = 1) => waitFor(() => t.server.events.subscriberCount >= n, "the subscriptions");
  // Each test starts with no subscription open.
  afterEach(async () => {
    for (const s of open.splice(0)) await s.dispose().catch(() => {});
    await waitFor(() => t.server.events.subscriberCount === 0, "the subscriptions to close");
  });

  it("staff see every order's events as they are committed, private ones and actors included", async () => {
    const sub = (await connect(staff.token)).subscribe<Got>(EVENTS);
    await listening(1);
    const o = await order();
    await note(o.ref, "private", false);
    await waitFor(() => sub.items.length >= 2, "two events");
    expect(
      sub.items.map((i) => [
        i.orderEvents.type,
        i.orderEvents.orderRef,
        i.orderEvents.public,
        i.orderEvents.actor?.email,
      ]),
    ).toEqual([
      ["ORDER_CREATED", o.ref, true, "staff@example.com"],
      ["NOTE_ADDED", o.ref, false, "staff@example.com"],
    ]);
    await sub.stop();
  });

  it("reads each event's actor with the event: a user renamed between two events shows the new email", async () => {
    const clerk = await t.user("clerk@example.com", { staff: true });
    const sub = (await connect(staff.token)).subscribe<Got>(EVENTS, { types: ["NOTE_ADDED"] });
    await listening(1);
    const o = await order();
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "one", public: true }, { token: clerk.token });
    await waitFor(() => sub.items.length >= 1, "the first note");
    await t.server.prisma.user.update({
      where: { id: Number(clerk.id) },
      data: { email: "clerk.renamed@example.com" },
    });
    await t.ok(AddOrderNoteDocument, { ref: o.ref, message: "two", public: true }, { token: clerk.token });
    await waitFor(() => sub.items.length >= 2, "the second note");
    expect(sub.items.map((i) => i.orderEvents.actor?.email)).toEqual([
      "clerk@example.com",
      "clerk.renamed@example.com",
    ]);
    await sub.stop();
  });

  it("reads an event's actor once for all the subscriptions that show it", async () => {
    const o = await order();
    const subs: Collected<Got>[] = [];
    for (let i = 0; i < 5; i++)
      subs.push((await connect(staff.token)).subscribe<Got>(EVENTS, { types: ["NOTE_ADDED"] }));
    await listening(5);
    t.statements.length = 0;
    await note(o.ref, "for everyone", true);
    await waitFor(() => subs.every((s) => s.items.length >= 1), "the note on every subscription");
    expect(subs.map((s) => s.items[0].orderEvents.actor?.email)).toEqual(Array(5).fill("staff@example.com"));
    // The event is read once (with its order's ref and its actor), and no user by itself.
    expect(t.statements.filter((s) => /FROM "public"\."OrderEvent"/.test(s))).toHaveLength(1);
    expect(t.statements.filter((s) => /^SELECT [^(]* FROM "public"\."User"/.test(s))).toEqual([]);
    for (const s of subs) await s.stop();
  });

  it("subscribers of one event with one document get one answer per audience: staff theirs, a customer theirs", async () => {
    const o = await order({ userId: alice.id });
    const first = (await connect(staff.token)).subscribe<Got>(EVENTS, { types: ["NOTE_ADDED"] });
    const second = (await connect(staff.token)).subscribe<Got>(EVENTS, { types: ["NOTE_ADDED"] });
    const owner = (await connect(alice.token)).subscribe<Got>(EVENTS, { types: ["NOTE_ADDED"] });
    await listening(3);
    await note(o.ref, "for everyone", true);
    await waitFor(() => [first, second, owner].every((s) => s.items.length >= 1), "the note on every subscription");
    expect([first, second, owner].map((s) => s.items[0].orderEvents.actor?.email ?? null)).toEqual([
      "staff@example.com",
      "staff@example.com",
      null,
    ]);
    expect(owner.items[0].orderEvents.message).toBe("for everyone");
    for (const s of [first, second, owner]) await s.stop();
  });

  it("a customer gets their own orders' public events, without actors; a guest one order's with its token", async () => {
    const mine = await order({ userId: alice.id });
    const guestOrder = await order();
    const customer = (await connect(alice.token)).subscribe<Got>(EVENTS);
    const guest = (await connect()).subscribe<Got>(EVENTS, { ref: guestOrder.ref, token: guestOrder.token });
    const staffOne = (await connect(staff.token)).subscribe<Got>(EVENTS, { ref: mine.ref, types: ["NOTE_ADDED"] });
    await listening(3);
    await note(mine.ref, "for alice", true);
    await note(mine.ref, "staff only", false);
    await note(guestOrder.ref, "for the guest", true);
    await t.ok(ChangeOrderStatusDocument, { ref: mine.ref, status: "HOLD" }, { token: staff.token });
    await waitFor(
      () => customer.items.length >= 2 && guest.items.length >= 1 && staffOne.items.length >= 2,
      "the events",
    );
    await new Promise((r) => setTimeout(r, 200)); // nothing more arrives
    expect(customer.items.map((i) => [i.orderEvents.type, i.orderEvents.message, i.orderEvents.actor])).toEqual([
      ["NOTE_ADDED", "for alice", null],
      ["STATUS_CHANGED", null, null],
    ]);
    expect(guest.items.map((i) => [i.orderEvents.orderRef, i.orderEvents.message, i.orderEvents.actor])).toEqual([
      [guestOrder.ref, "for the guest", null],
    ]);
    expect(staffOne.items.map((i) => i.orderEvents.message)).toEqual(["for alice", "staff only"]);
    for (const s of [customer, guest, staffOne]) await s.stop();
  });

  it("a refund's reason reaches staff's subscriptions and no customer's", async () => {
    const o = await order({ userId: alice.id });
    const types = ["PAYMENT_REFUNDED" as const];
    const staffSub = (await connect(staff.token)).subscribe<Got>(EVENTS, { ref: o.ref, types });
    const owner = (await connect(alice.token)).subscribe<Got>(EVENTS, { types });
    const guest = (await connect()).subscribe<Got>(EVENTS, { ref: o.ref, token: o.token, types });
    await listening(3);
    const input = { amount: "5.00", transactionId: "r-1", paymentMethod: "pay-in-advance" };
    const paid = await t.ok(RecordOrderPaymentDocument, { ref: o.ref, input }, { token: staff.token });
    const payments = (paid.recordOrderPayment as { payments: { id: string }[] }).payments;
    await t.ok(
      RefundOrderPaymentDocument,
      { ref: o.ref, input: { paymentId: payments[0].id, amount: "1.00", reason: "staff's words" } },
      { token: staff.token },
    );
    await waitFor(() => [staffSub, owner, guest].every((s) => s.items.length >= 1), "the refund on every subscription");
    expect([staffSub, owner, guest].map((s) => [s.items[0].orderEvents.type, s.items[0].orderEvents.message])).toEqual([
      ["PAYMENT_REFUNDED", "staff's words"],
      ["PAYMENT_REFUNDED", null],
      ["PAYMENT_REFUNDED", null],
    ]);
    for (const s of [staffSub, owner, guest]) await s.stop();
  });

  it("refuses an order the caller may not see exactly like a missing one", async () => {
    const alices = await order({ userId: alice.id });
    const cases: [Subscriber, Record<string, unknown>][] = [
      [await connect(bob.token), { ref: alices.ref }], // another customer
      [await connect(bob.token), { ref: alices.ref, token: alices.token }], // a token does not open it for a signed-in user
      [await connect(), { ref: alices.ref }], // anonymous without the token
      [await connect(), { ref: alices.ref, token: "x".repeat(43) }],
      [await connect(), {}], // anonymous, no order
      [await connect(staff.token), { ref: "1999-99999" }],
    ];
    for (const [s, vars] of cases) {
      const sub = s.subscribe(EVENTS, vars);
      await waitFor(() => sub.errors.length > 0, "the refusal");
      const [error] = sub.errors as { extensions?: { code?: string }; message: string }[];
      expect(error.extensions?.code, JSON.stringify(vars)).toBe("NOT_FOUND");
    }
  });

  it("sends nothing for a change that rolled back", async () => {
    const sub = (await connect(staff.token)).subscribe<Got>(EVENTS, { types: ["PAYMENT_STARTED", "NOTE_ADDED"] });
    await listening(1);
    const o = await order({ extra: { dummyPayment: "fail" } });
    const pay = await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "dummy", token: o.token });
    expect(pay.payOrder.__typename).toBe("PaymentFailedError");
    await note(o.ref, "after", true);
    await waitFor(() => sub.items.length >= 1, "the note");
    expect(sub.items.map((i) => i.orderEvents.type)).toEqual(["NOTE_ADDED"]);
    await sub.stop();
  });

  it("takes the token from the upgrade request too, and refuses a bad one", async () => {
    const viaHeader = await connect(staff.token, { header: true });
    const sub = viaHeader.subscribe<Got>(EVENTS);
    await listening(1);
    await order();
    await waitFor(() => sub.items.length >= 1, "an event");
    expect(sub.items[0].orderEvents.actor?.email).toBe("staff@example.com");
    await sub.stop();
    await expect(connectSubscriber(t.url, "oat_not-a-token")).rejects.toThrow(/4403/);
  });

  it("applies the query limits, and serves subscriptions only", async () => {
    const s = await connect(staff.token);
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(" ");
    const tooManyAliases = s.subscribe(`subscription { orderEvents { ${aliases} } }`);
    const query = s.subscribe(`{ me { email } }`);
    const tooMany = s.subscribe(
      `subscription { ${Array.from({ length: 31 }, (_, i) => `a${i}: orderEvents { id }`).join(" ")} }`,
    );
    await waitFor(
      () => tooManyAliases.errors.length > 0 && query.errors.length > 0 && tooMany.errors.length > 0,
      "the refusals",
    );
    expect(tooManyAliases.errors).toMatchObject([
      { message: "Query has 31 aliases; the limit is 30.", extensions: { code: "QUERY_TOO_COMPLEX" } },
    ]);
    expect(JSON.stringify(query.errors)).toMatch(/Only subscriptions are served over WebSocket/);
    expect(JSON.stringify(tooMany.errors)).toMatch(/only one top level field/i);
  });
});

describe("a subscriber too slow for its queue", () => {
  const event = (id: number): BusEvent => ({
    id,
    orderId: 1,
    orderRef: "2026-00001",
    orderOwnerId: null,
    actorUser: null,
    traceContext: null,
    type: "NOTE_ADDED",
    public: true,
    actorId: null,
    fromStatus: null,
    toStatus: null,
    amount: new Money(0),
    paymentMethod: null,
    transactionId: null,
    message: String(id),
    dateCreated: new Date(),
    edit: null,
    shipmentId: null,
    returnId: null,
    lines: null,
  });

  it("keeps at most its queue, then drops it, says so once, and ends", async () => {
    let ended = 0;
    const stream = new EventStream({ publicOnly: false }, 3, () => ended++);
    for (let i = 1; i <= 3; i++) stream.push(event(i));
    expect((await stream.next()).value).toMatchObject({ id: 1 });
    for (let i = 4; i <= 10; i++) stream.push(event(i)); // 2, 3, 4 wait; 5 overflows
    expect(await stream.next()).toEqual({ value: DROPPED, done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);
  });

  it("hands an event straight to a waiting reader, and filters", async () => {
    const stream = new EventStream({ publicOnly: true, orderId: 1 }, 1, () => {});
    const next = stream.next();
    stream.push({ ...event(1), public: false });
    stream.push({ ...event(2), orderId: 2 });
    stream.push(event(3));
    expect((await next).value).toMatchObject({ id: 3 });
    await stream.return();
    expect((await stream.next()).done).toBe(true);
  });
});

describe.each(backends())("a subscriber too slow for its queue, over WebSocket, on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  beforeAll(async () => {
    t = await startTestServer(backend, { env: { SUBSCRIPTION_QUEUE: "1" } });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it("gets EVENTS_DROPPED with its message, then the subscription ends", async () => {
    const s = await connectSubscriber(t.url, staff.token);
    try {
      const sub = s.subscribe<Got>(EVENTS);
      await waitFor(() => t.server.events.subscriberCount === 1, "the subscription");
      // A refund of an order's every payment commits its events together, more than one waiting slot holds.
      for (let round = 0; round < 20 && sub.errors.length === 0; round++) {
        const o = (
          await t.ok(CreateOrderDocument, { input: orderInput({ status: "PROCESSING" }) }, { token: staff.token })
        ).createOrder as { ref: string };
        for (const n of [1, 2, 3, 4]) {
          const input = { amount: "1.00", transactionId: `t${n}`, paymentMethod: "pay-in-advance" };
          await t.ok(RecordOrderPaymentDocument, { ref: o.ref, input }, { token: staff.token });
        }
        await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token });
      }
      await waitFor(() => sub.errors.length > 0 || sub.completed, "the subscription to end");
      expect(sub.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/dropped/),
          extensions: expect.objectContaining({ code: "EVENTS_DROPPED" }),
        }),
      ]);
    } finally {
      await s.dispose();
    }
  });
});
