/**
 * "Dummy": a deterministic method for development and tests, off unless listed in PAYMENT_METHODS.
 * pay fails with "Dummy payment error" when the order's extra.dummyPayment is "fail", else returns
 * a URL and records nothing; refund fails for payments whose transaction id starts with "fail".
 */
import type { PaymentMethod } from "./payment-method.js";
import { PaymentError } from "./payment-method.js";
import { escapeHtml, orderPage } from "./html.js";

export function dummy(): PaymentMethod {
  return {
    identifier: "dummy",
    label: "Dummy",
    orderPayment: true,
    async pay(ctx) {
      if (ctx.order.extra.dummyPayment === "fail") throw new PaymentError("Dummy payment error");
      return {
        url: ctx.url(
          `/payment/dummy/${encodeURIComponent(ctx.order.ref)}?token=${encodeURIComponent(ctx.order.token)}`,
        ),
      };
    },
    async refund(payment) {
      return !payment.transactionId.startsWith("fail");
    },
    routes(router, deps) {
      orderPage(router, deps, (order) => ({
        title: "Dummy payment",
        body: `<p class="note">Order ${escapeHtml(order.ref)}: the dummy method charges nothing.</p>`,
      }));
    },
  };
}
