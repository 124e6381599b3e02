/**
 * "Pay in advance" (bank transfer): paying puts a CREATED order on HOLD and hands back a page with
 * the transfer instructions. Staff record the money with recordOrderPayment when it arrives.
 */
import { amountOutstanding } from "../orders/order.balance.js";
import { formatMoney } from "../shared/money.js";
import { escapeHtml, orderPage } from "./html.js";
import type { PaymentMethod } from "./payment-method.js";

export function payInAdvance(): PaymentMethod {
  const identifier = "pay-in-advance";
  return {
    identifier,
    label: "Pay in advance",
    orderPayment: true,
    async pay(ctx) {
      if (ctx.order.status === "CREATED") await ctx.setStatus("HOLD");
      const o = ctx.order;
      return {
        url: ctx.url(`/payment/${identifier}/${encodeURIComponent(o.ref)}?token=${encodeURIComponent(o.token)}`),
        data: { reference: o.ref, amount: formatMoney(amountOutstanding(o)), currency: o.currency },
      };
    },
    async refund() {
      return true;
    },
    routes(router, deps) {
      orderPage(router, deps, (order) => ({
        title: "Pay by bank transfer",
        body: order.isPaid
          ? `<p class="note">Order ${escapeHtml(order.ref)} has been paid. Thank you!</p>`
          : `<p>Please transfer <strong>${formatMoney(amountOutstanding(order))} ${escapeHtml(order.currency)}</strong> to our bank account and give
<strong>${escapeHtml(order.ref)}</strong> as the payment reference. We ship your order when the money arrives.</p>`,
      }));
    },
  };
}
