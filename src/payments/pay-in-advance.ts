/**
 * "Pay in advance" (bank transfer): paying puts a CREATED order on HOLD and hands back a page with
 * the transfer instructions. Staff record the money with recordOrderPayment when it arrives.
 */
import { formatMoney } from "../shared/money.js";
import { escapeHtml, page } from "./html.js";
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
        data: { reference: o.ref, amount: formatMoney(o.total.minus(o.amountPaid)), currency: o.currency },
      };
    },
    async refund() {
      return true;
    },
    routes(router, deps) {
      router.get("/:ref", async (req, res, next) => {
        try {
          const token = String(req.query.token ?? "");
          const order = token ? await deps.findOrder(req.params.ref, token) : null;
          if (!order) return void res.status(404).type("html").send(page("Order not found", "<p>No order matches this link.</p>"));
          const outstanding = formatMoney(order.total.minus(order.amountPaid));
          res.type("html").send(
            page(
              "Pay by bank transfer",
              order.isPaid
                ? `<p class="note">Order ${escapeHtml(order.ref)} has been paid. Thank you!</p>`
                : `<p>Please transfer <strong>${outstanding} ${escapeHtml(order.currency)}</strong> to our bank account and give
<strong>${escapeHtml(order.ref)}</strong> as the payment reference. We ship your order when the money arrives.</p>`,
            ),
          );
        } catch (e) {
          next(e);
        }
      });
    },
  };
}
