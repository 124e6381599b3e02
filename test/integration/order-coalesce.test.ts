/**
 * Reads of one order by ref that requests make at the same time share a statement
 * (src/orders/order.coalesce.ts): each caller still gets exactly what a read of its own would give
 * (its order when its scope covers it, nothing otherwise), and a read sees a change acknowledged
 * before it began.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateOrderDocument } from "../generated/graphql.js";
import { backends, orderInput, startTestServer, type TestServer } from "../helpers/harness.js";
import { gql } from "../helpers/processes.js";

const DETAIL = `query($ref: String!, $token: String) {
  order(ref: $ref, token: $token) { ref status total items { name quantity } payments { amount } notes { message } } }`;
const STATUS = `query($ref: String!) { orderStatus(ref: $ref) { status statusTransitions { value error } } }`;
const CHANGE = `mutation($ref: String!, $s: OrderStatus!) { changeOrderStatus(ref: $ref, status: $s) { __typename } }`;

describe.each(backends())("reads of orders by ref made at the same time, on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  const orders: { ref: string; token: string }[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend);
    staff = await t.user("staff@example.com", { staff: true });
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
    for (const userId of [alice.id, bob.id, undefined, undefined]) {
      const r = await t.ok(
        CreateOrderDocument,
        { input: orderInput(userId ? { userId } : {}) },
        { token: staff.token },
      );
      if (r.createOrder.__typename !== "Order") throw new Error("order not created");
      orders.push({ ref: r.createOrder.ref, token: r.createOrder.token! });
    }
  });
  afterAll(() => t?.close());

  /** Every kind of caller reading every order, as [caller's token, variables, query]. */
  function calls(): [string | undefined, Record<string, unknown>, string][] {
    const all: [string | undefined, Record<string, unknown>, string][] = [];
    for (const o of orders) {
      all.push([staff.token, { ref: o.ref }, DETAIL]);
      all.push([staff.token, { ref: o.ref }, STATUS]);
      all.push([alice.token, { ref: o.ref }, DETAIL]);
      all.push([bob.token, { ref: o.ref }, DETAIL]);
      all.push([undefined, { ref: o.ref, token: o.token }, DETAIL]);
      all.push([undefined, { ref: o.ref, token: orders[(orders.indexOf(o) + 1) % orders.length].token }, DETAIL]);
      all.push([undefined, { ref: o.ref }, DETAIL]);
      all.push([alice.token, { ref: o.ref }, STATUS]);
    }
    return all;
  }

  it("answers each caller as a read of its own would, its scope applied", async () => {
    const alone = [];
    for (const [token, variables, query] of calls()) alone.push(await gql(t.url, query, token, variables));
    // Each order is visible to staff, to its owner and to its token's holder, and to no one else.
    expect(alone.filter((a) => a.data?.order).length).toBe(orders.length * 2 + 2 /* alice's, bob's */);
    for (let round = 0; round < 3; round++) {
      t.statements.length = 0;
      const together = await Promise.all(
        calls().map(([token, variables, query]) => gql(t.url, query, token, variables)),
      );
      expect(together).toEqual(alone);
    }
  });

  it("shares a statement between reads made at the same time", async () => {
    await Promise.all(orders.map((o) => gql(t.url, STATUS, staff.token, { ref: o.ref }))); // warm
    let shared = false;
    for (let round = 0; round < 20 && !shared; round++) {
      t.statements.length = 0;
      const answers = await Promise.all(orders.map((o) => gql(t.url, STATUS, staff.token, { ref: o.ref })));
      expect(answers.every((a) => a.data?.orderStatus)).toBe(true);
      shared = t.statements.filter((s) => /FROM "public"\."Order"/.test(s)).length < orders.length;
    }
    expect(shared).toBe(true);
  });

  it("sees a change acknowledged before the read began", async () => {
    const { ref, token } = orders[3];
    for (const s of ["HOLD", "FAILED", "CANCELLED"]) {
      const changed = await gql(t.url, CHANGE, staff.token, { ref, s });
      expect(changed.data?.changeOrderStatus.__typename).toBe("Order");
      const [asStaff, asGuest] = await Promise.all([
        gql(t.url, STATUS, staff.token, { ref }),
        gql(t.url, DETAIL, undefined, { ref, token }),
      ]);
      expect(asStaff.data.orderStatus.status).toBe(s);
      expect(asGuest.data.order.status).toBe(s);
    }
  });
});
