/**
 * "Credit Card": a hosted payment page on this server. payOrder returns its URL; the page shows the
 * order and a Pay button, which POSTs back to the same URL. That POST records one payment of the
 * outstanding amount and moves the order to PROCESSING; a second POST records nothing.
 */
import { randomUUID } from "node:crypto";
import express from "express";
import { amountOutstanding } from "../orders/order.balance.js";
import { formatMoney } from "../shared/money.js";
import { escapeHtml, orderPage, page, sendNotFound } from "./html.js";
import type { PaymentMethod } from "./payment-method.js";

export function creditCard(): PaymentMethod {
  const identifier = "credit-card";
  const pagePath = (ref: string, token: string) =>
    `/payment/${identifier}/${encodeURIComponent(ref)}?token=${encodeURIComponent(token)}`;
  return {
    identifier,
    label: "Credit Card",
    orderPayment: true,
    async pay(ctx) {
      return { url: ctx.url(pagePath(ctx.order.ref, ctx.order.token)) };
    },
    async refund() {
      return { transactionId: `ccr_${randomUUID()}` };
    },
    routes(router, deps) {
      orderPage(router, deps, (order) => {
        const outstanding = amountOutstanding(order);
        const payable = deps.paymentError(order) === null;
        const body = `<table><tr><td>Order</td><td class="r">${escapeHtml(order.ref)}</td></tr>
<tr><td>Total</td><td class="r">${formatMoney(order.total)} ${escapeHtml(order.currency)}</td></tr>
<tr><td>To pay</td><td class="r"><strong>${formatMoney(outstanding)} ${escapeHtml(order.currency)}</strong></td></tr></table>
${
  payable
    ? `<form method="post"><p><button type="submit">Pay ${formatMoney(outstanding)} ${escapeHtml(order.currency)}</button></p></form>`
    : `<p class="note">${order.isPaid ? "This order has been paid. Thank you!" : "This order cannot be paid now."}</p>`
}`;
        return { title: "Pay by card", body };
      });
      router.post("/:ref", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res, next) => {
        try {
          const token = String(req.query.token ?? "");
          const done = token
            ? await deps.withOrder(req.params.ref, token, async (locked) => {
                const o = locked.order;
                if (locked.paymentError()) return { recorded: false, order: o };
                const amount = amountOutstanding(o);
                await locked.recordPayment({ amount, transactionId: `cc_${randomUUID()}` });
                await locked.setStatus("PROCESSING");
                return { recorded: true, order: locked.order };
              })
            : null;
          if (!done) return sendNotFound(res);
          const { recorded, order } = done.result;
          res
            .status(recorded ? 200 : 409)
            .type("html")
            .send(
              page(
                recorded ? "Payment received" : "Nothing to pay",
                recorded
                  ? `<p>We received ${formatMoney(order.amountPaid)} ${escapeHtml(order.currency)} for order ${escapeHtml(order.ref)}. Thank you!</p>`
                  : `<p class="note">Order ${escapeHtml(order.ref)} ${order.isPaid ? "is already paid" : "cannot be paid now"}; nothing was charged.</p>`,
              ),
            );
        } catch (e) {
          next(e);
        }
      });
    },
  };
}
