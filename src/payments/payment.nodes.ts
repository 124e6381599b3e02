/** Payment records as GraphQL objects. */
import type { OrderPaymentRecord } from "./payment.model.js";
import type { OrderPayment } from "./payment.type.js";
import type { PaymentRegistry } from "./registry.js";

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
