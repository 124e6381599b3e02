/**
 * Payments and refunds as the domain sees them: the Prisma models of the same name, with money as
 * our decimal.js `Money`.
 */
import type { OrderPayment as OrderPaymentRow, OrderRefund as OrderRefundRow } from "../generated/prisma/client.js";
import type { Domain } from "../shared/records.js";

export type OrderPaymentRecord = Domain<OrderPaymentRow, "amount" | "amountRefunded", object>;

export type OrderRefundRecord = Domain<OrderRefundRow, "amount", object>;
