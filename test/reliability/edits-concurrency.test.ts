/**
 * Concurrent edit commits of one order over HTTP, on both databases: exactly one wins, every other
 * gets OrderChangedError, and the money is settled once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CommitOrderEditDocument,
  EditedOrderDocument,
  RecordOrderPaymentDocument,
  type CommitOrderEditInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";

describe.each(backends())("concurrent edit commits on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  const counting = testPaymentMethod({ identifier: "counting", orderPayment: false, refundDelayMs: 5 });

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [counting.method],
      env: { PAYMENT_METHODS: "credit-card,pay-in-advance,dummy,counting" },
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  const commitAll = (ref: string, inputs: CommitOrderEditInput[]) =>
    Promise.all(inputs.map((input) => t.gql(CommitOrderEditDocument, { ref, input }, { token: staff.token })));
  const state = async (ref: string) => (await t.ok(EditedOrderDocument, { ref }, { token: staff.token })).order!;

  it("30 commits of the same previewed edit: one wins and refunds once, the rest are told the order changed", async () => {
    const o = await t.order(
      {
        status: "PROCESSING",
        items: [{ productType: "p", product: { name: "N", code: "C" }, unitPrice: "10.00", quantity: 4 }],
      },
      { token: staff.token },
    );
    await t.ok(
      RecordOrderPaymentDocument,
      { ref: o.ref, input: { amount: "40.00", transactionId: "storm-1", paymentMethod: "counting" } },
      { token: staff.token },
    );
    const input: CommitOrderEditInput = {
      changes: { changeItems: [{ itemId: o.items[0].id, quantity: 1 }] },
      expectedTotal: "10.00",
      expectedVersion: 0,
      overpayment: "REFUND",
    };
    const results = await commitAll(
      o.ref,
      Array.from({ length: 30 }, () => input),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    const kinds = results.map((r) => r.data!.commitOrderEdit.__typename);
    expect(kinds.filter((k) => k === "CommittedOrderEdit")).toHaveLength(1);
    expect(kinds.filter((k) => k === "OrderChangedError")).toHaveLength(29);
    expect(counting.refunds.filter((r) => r.transactionId === "storm-1")).toEqual([
      { transactionId: "storm-1", amount: "30.00" },
    ]);
    const s = await state(o.ref);
    expect(s).toMatchObject({ total: "10.00", amountRefunded: "30.00", editVersion: 1, isPaid: true });
    expect(s.history.edges.filter((e) => e.node.type === "ORDER_EDITED")).toHaveLength(1);
  });

  it("30 different edits previewed on the same order: one wins, each other is refused with the total it would give now", async () => {
    const o = await t.order({ status: "PROCESSING" }, { token: staff.token }); // 33.00
    const inputs: CommitOrderEditInput[] = Array.from({ length: 30 }, (_, i) => ({
      changes: {
        addItems: [
          { productType: "p", product: { name: `Extra ${i}`, code: `E${i}` }, unitPrice: `${i + 1}.00`, quantity: 1 },
        ],
      },
      expectedTotal: `${33 + i + 1}.00`,
      overpayment: "KEEP",
    }));
    const results = await commitAll(o.ref, inputs);
    expect(results.every((r) => !r.errors)).toBe(true);
    const answers = results.map((r) => r.data!.commitOrderEdit);
    const won = answers.findIndex((a) => a.__typename === "CommittedOrderEdit");
    expect(won).toBeGreaterThanOrEqual(0);
    answers.forEach((a, i) => {
      if (i === won) return;
      // what a fresh preview of this edit would show now: the winner's line is on the order
      expect(a).toMatchObject({ __typename: "OrderChangedError", total: `${33 + won + 1 + i + 1}.00`, editVersion: 1 });
    });
    const s = await state(o.ref);
    expect(s).toMatchObject({ total: `${33 + won + 1}.00`, editVersion: 1, amountOutstanding: `${33 + won + 1}.00` });
  });
});
