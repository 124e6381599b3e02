import type { Response, Router } from "express";
import type { OrderRecord } from "../orders/order.model.js";
import type { PaymentRouteDeps } from "./payment-method.js";

/** Small, escaped HTML pages for the payment methods' own routes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td{padding:.25rem 0}td.r{text-align:right}
button{font-size:1.1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#2d6cdf;color:#fff;cursor:pointer}
.note{background:#f4f6fa;padding:.75rem 1rem;border-radius:.4rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

const NOT_FOUND = () => page("Order not found", "<p>No order matches this link.</p>");

/** 404 for a payment page whose ref and token match no order. */
export function sendNotFound(res: Response): void {
  res.status(404).type("html").send(NOT_FOUND());
}

/** GET /:ref?token=…: a page about one order, reached through the link its payment method handed out. */
export function orderPage(
  router: Router,
  deps: PaymentRouteDeps,
  render: (order: OrderRecord) => { title: string; body: string },
): void {
  router.get("/:ref", async (req, res, next) => {
    try {
      const token = String(req.query.token ?? "");
      const order = token ? await deps.findOrder(req.params.ref, token) : null;
      if (!order) return sendNotFound(res);
      const { title, body } = render(order);
      res.type("html").send(page(title, body));
    } catch (e) {
      next(e);
    }
  });
}
