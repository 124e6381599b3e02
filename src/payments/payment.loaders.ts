/** Per-request loaders of orders' payments and refunds: one statement per relation for a whole page. */
import DataLoader from "dataloader";
import type { OrderScope } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { scopedLoaders } from "../nodes/node.registry.js";
import { groupBy, oneBy } from "../shared/records.js";
import type { OrderRefundRecord } from "./payment.model.js";
import { toPaymentNodes } from "./payment.nodes.js";
import {
  paymentsByIds,
  paymentsOf,
  refundsOfOrders,
  refundsOfPayments,
  visiblePaymentsByIds,
  visibleRefundsByIds,
} from "./payment.repository.js";
import type { OrderPayment } from "./payment.type.js";
import type { PaymentRegistry } from "./registry.js";

export interface PaymentLoaders {
  /** An order's payments, as GraphQL nodes with their method labels. */
  payments: DataLoader<number, OrderPayment[]>;
  /** One payment by its id, as a GraphQL node. */
  payment: DataLoader<number, OrderPayment | null>;
  /** Refunds by order id. */
  orderRefunds: DataLoader<number, OrderRefundRecord[]>;
  /** Refunds by payment id. */
  paymentRefunds: DataLoader<number, OrderRefundRecord[]>;
  /** Payments by id whose order a scope covers (`node`, `nodes`), as GraphQL nodes. */
  visiblePayments(scope: OrderScope): DataLoader<number, OrderPayment | null>;
  /** Refunds by id whose order a scope covers (`node`, `nodes`). */
  visibleRefunds(scope: OrderScope): DataLoader<number, OrderRefundRecord | null>;
}

export function createPaymentLoaders(prisma: PrismaClient, registry: PaymentRegistry): PaymentLoaders {
  return {
    payments: new DataLoader(async (ids) =>
      groupBy(ids, toPaymentNodes(await paymentsOf(prisma, ids), registry), (p) => p.orderId),
    ),
    payment: new DataLoader(async (ids) =>
      oneBy(ids, toPaymentNodes(await paymentsByIds(prisma, ids), registry), (p) => p.id),
    ),
    orderRefunds: new DataLoader(async (ids) => groupBy(ids, await refundsOfOrders(prisma, ids), (r) => r.orderId)),
    paymentRefunds: new DataLoader(async (ids) =>
      groupBy(ids, await refundsOfPayments(prisma, ids), (r) => r.paymentId),
    ),
    visiblePayments: scopedLoaders(async (scope, ids) =>
      oneBy(ids, toPaymentNodes(await visiblePaymentsByIds(prisma, ids, scope), registry), (p) => p.id),
    ),
    visibleRefunds: scopedLoaders(async (scope, ids) =>
      oneBy(ids, await visibleRefundsByIds(prisma, ids, scope), (r) => r.id),
    ),
  };
}
