/**
 * The test payment method: one steerable method for every test that needs a payment method of its
 * own, as a shop would write one (README, "Payment methods"), deterministic, on 127.0.0.1 only.
 *
 * pay: answers a redirect to /<identifier> with `data: { step: "redirect" }`; an order whose
 *   `extra.fault` is "throw" or "hang" first puts the order on HOLD and records a payment of its
 *   total ("half-written"), then throws an error full of secrets or never answers.
 * refund, by the payment's transaction id: "no-…" is refused (false), "boom-…" and "throw…" throw
 *   (with `failure` as the method's words), "hang…" never answers, ids given to failOn() throw;
 *   any other is refunded, with `re_<transaction id>` as the method's reference (or with none, when
 *   `reference` is false). Every refund asked for is recorded in `refunds`, in call order.
 */
import type { PaymentMethod } from "../../src/payments/payment-method.js";

export interface TestPaymentMethod {
  method: PaymentMethod;
  /** The refunds asked for, in call order. */
  refunds: { transactionId: string; amount: string }[];
  /** Makes refunds of these transaction ids throw (until called again). */
  failOn(transactionIds: string[]): void;
}

const never = () => new Promise<never>(() => {});

export function testPaymentMethod(
  o: {
    identifier?: string;
    label?: string;
    /** Whether it can pay an existing order (payOrder); default yes. */
    orderPayment?: boolean;
    /** Offered to signed-in callers only. */
    signedInOnly?: boolean;
    /** Refunds whole payments only. */
    wholeOnly?: boolean;
    /** How long each refund takes. */
    refundDelayMs?: number;
    /** The method's words when a refund throws. */
    failure?: string;
    /** Whether a refund answers a reference of its own (default yes). */
    reference?: boolean;
  } = {},
): TestPaymentMethod {
  const identifier = o.identifier ?? "test";
  const refunds: { transactionId: string; amount: string }[] = [];
  let failing = new Set<string>();
  const method: PaymentMethod = {
    identifier,
    label: o.label ?? "Test",
    orderPayment: o.orderPayment ?? true,
    refundsWholePaymentsOnly: o.wholeOnly,
    isEnabled: o.signedInOnly ? (req) => req.viewer.kind === "user" : undefined,
    async pay(ctx) {
      const fault = ctx.order.extra.fault;
      if (fault === "throw" || fault === "hang") {
        await ctx.setStatus("HOLD");
        await ctx.recordPayment({ amount: ctx.order.total, transactionId: "half-written" });
        if (fault === "throw") throw new TypeError("socket hang up at gateway.internal:443 with key sk_live_123");
        await never();
      }
      return { url: ctx.url(`/${identifier}`), data: { step: "redirect" } };
    },
    async refund(payment, amount) {
      const id = payment.transactionId;
      refunds.push({ transactionId: id, amount: amount.toFixed(2) });
      if (o.refundDelayMs) await new Promise((r) => setTimeout(r, o.refundDelayMs));
      if (id.startsWith("boom-") || id.startsWith("throw") || failing.has(id)) {
        throw new Error(o.failure ?? "gateway exploded");
      }
      if (id.startsWith("no-")) return false;
      if (id.startsWith("hang")) await never();
      return o.reference === false ? true : { transactionId: `re_${id}` };
    },
  };
  return { method, refunds, failOn: (ids) => void (failing = new Set(ids)) };
}
