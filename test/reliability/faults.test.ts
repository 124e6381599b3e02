/**
 * Payment methods that throw or hang: a clear typed error or timeout, what was refunded stays
 * recorded, nothing half-written, the server keeps serving. And secrets stay out of the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MeDocument,
  OrderDetailDocument,
  PayOrderDocument,
  RecordOrderPaymentDocument,
  RefundOrderDocument,
  type CreateOrderInput,
} from "../generated/graphql.js";
import { backends, startTestServer, type TestServer } from "../helpers/harness.js";
import { testPaymentMethod } from "../helpers/payment-method.js";
import { createLogger } from "../../src/shared/log.js";

/** pay: puts the order on HOLD, records a payment, then throws or hangs as the order's extra.fault says. refund: by transaction id. */
const faulty = testPaymentMethod({ identifier: "faulty", label: "Faulty" }).method;

describe.each(backends())("faults on %s", (backend) => {
  let t: TestServer;
  let staff: { token: string };
  const logLines: string[] = [];

  const create = (over: Partial<CreateOrderInput> = {}) => t.order(over, { token: staff.token });

  beforeAll(async () => {
    t = await startTestServer(backend, {
      paymentMethods: [faulty],
      env: { PAYMENT_METHODS: "credit-card,dummy,faulty", PAYMENT_TIMEOUT_MS: "1500", LOG_LEVEL: "debug" },
      logger: createLogger("debug", { write: (l) => logLines.push(l) }),
    });
    staff = await t.user("staff@example.com", { staff: true });
  });
  afterAll(() => t?.close());

  it.each(["throw", "hang"])(
    "a method that %ss during pay: a typed error, nothing written, still serving",
    async (fault) => {
      const o = await create({ extra: { fault } });
      const started = Date.now();
      const r = (await t.ok(PayOrderDocument, { ref: o.ref, paymentMethod: "faulty", token: o.token })).payOrder;
      expect(r.__typename).toBe("PaymentFailedError");
      expect((r as { message: string }).message).toMatch(
        fault === "hang" ? /did not answer in time/ : /payment method failed/,
      );
      expect((r as { message: string }).message).not.toMatch(/sk_live|gateway\.internal/);
      expect(Date.now() - started).toBeLessThan(5000);
      const after = (await t.ok(OrderDetailDocument, { ref: o.ref, token: o.token })).order!;
      expect(after).toMatchObject({ status: "CREATED", payments: [], amountPaid: "0.00", dateUpdated: o.dateUpdated });
      expect((await t.ok(MeDocument, {}, { token: staff.token })).me?.email).toBe("staff@example.com");
    },
  );

  it("refund with a method that throws and one that hangs: the others are refunded and stay recorded", async () => {
    const o = await create({ status: "PROCESSING" });
    for (const id of ["ok-1", "throw-1", "hang-1", "ok-2"]) {
      await t.ok(
        RecordOrderPaymentDocument,
        { ref: o.ref, input: { amount: "5.00", transactionId: id, paymentMethod: "faulty" } },
        { token: staff.token },
      );
    }
    const r = (await t.ok(RefundOrderDocument, { ref: o.ref }, { token: staff.token })).refundOrder;
    if (r.__typename !== "RefundResult") throw new Error("expected a result");
    expect(r.refunded.map((p) => p.transactionId)).toEqual(["ok-1", "ok-2"]);
    expect(r.failed.map((p) => p.transactionId)).toEqual(["throw-1", "hang-1"]);
    expect(r.order).toMatchObject({ status: "PROCESSING", amountRefunded: "10.00" });
    const after = (await t.ok(OrderDetailDocument, { ref: o.ref }, { token: staff.token })).order!;
    expect(after.payments.filter((p) => p.refundedAt).map((p) => p.transactionId)).toEqual(["ok-1", "ok-2"]);
  });

  it("no API token or order token ever reaches the log", async () => {
    const o = await create();
    await t.gql(OrderDetailDocument, { ref: o.ref, token: o.token });
    await t.gql(MeDocument, {}, { token: "oat_wrong-token-value-1234567890" });
    await t.gql(PayOrderDocument, { ref: o.ref, paymentMethod: "credit-card", token: o.token });
    await fetch(`${t.url}/payment/credit-card/${o.ref}?token=${o.token}`);
    const bad = await create({ extra: { fault: "throw" } });
    await t.gql(PayOrderDocument, { ref: bad.ref, paymentMethod: "faulty", token: bad.token });
    expect(logLines.length).toBeGreaterThan(3);
    const all = logLines.join("\n");
    for (const secret of [staff.token, o.token, bad.token, "oat_wrong-token-value-1234567890"])
      expect(all).not.toContain(secret);
  });
});
