/** Domain records as GraphQL objects (class instances, so that unions resolve by class). */
import type { PaymentRegistry } from "../payments/registry.js";
import type { OrderPaymentRecord, OrderRecord } from "./order.model.js";
import { Order, type OrderPayment } from "./order.type.js";

export function toOrderNode(o: OrderRecord): Order {
  return Object.assign(new Order(), o);
}

export function toPaymentNodes(payments: readonly OrderPaymentRecord[], registry: PaymentRegistry): OrderPayment[] {
  return payments.map((p) => ({
    id: p.id,
    orderId: p.orderId,
    amount: p.amount,
    transactionId: p.transactionId,
    paymentMethod: p.paymentMethod,
    paymentMethodLabel: registry.label(p.paymentMethod),
    dateCreated: p.dateCreated,
    amountRefunded: p.amountRefunded,
    refundedAt: p.refundedAt,
  }));
}
