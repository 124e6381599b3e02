/** Domain records as GraphQL objects (class instances, so that unions resolve by class). */
import type { PaymentRegistry } from "../payments/registry.js";
import type { OrderItemRecord, OrderPaymentRecord, OrderRecord } from "./order.model.js";
import { Order, type OrderItem, type OrderPayment } from "./order.types.js";

export function toOrderNode(o: OrderRecord): Order {
  return Object.assign(new Order(), o);
}

function productText(v: unknown, fallback: string): string {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : fallback;
}

export function toItemNode(i: OrderItemRecord): OrderItem {
  return { ...i, name: productText(i.product.name, "(no name)"), code: productText(i.product.code, "(no code)") };
}

export function toPaymentNodes(payments: readonly OrderPaymentRecord[], registry: PaymentRegistry): OrderPayment[] {
  return payments.map((p) => ({ ...p, paymentMethodLabel: registry.label(p.paymentMethod) }));
}
