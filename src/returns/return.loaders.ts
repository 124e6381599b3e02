/** Per-request loaders of orders' returns: one statement for a whole page, lines included. */
import DataLoader from "dataloader";
import type { OrderScope } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { scopedLoaders } from "../nodes/node.registry.js";
import { groupBy, oneBy } from "../shared/records.js";
import type { ReturnRecord } from "./return.model.js";
import type { OrderRefundFacts } from "./return.rules.js";
import { refundFactsOf, returnsOf, visibleReturnsByIds } from "./return.repository.js";

export interface ReturnLoaders {
  /** An order's returns, oldest first, with their lines. */
  returns: DataLoader<number, ReturnRecord[]>;
  /** What apportioning a return's refund reads of its order: the order's amounts, its items' quantities and totals. */
  refundFacts: DataLoader<number, OrderRefundFacts | null>;
  /** Returns by id whose order a scope covers (`node`, `nodes`). */
  visibleReturns(scope: OrderScope): DataLoader<number, ReturnRecord | null>;
}

export function createReturnLoaders(prisma: PrismaClient): ReturnLoaders {
  return {
    returns: new DataLoader(async (ids) => groupBy(ids, await returnsOf(prisma, ids), (r) => r.orderId)),
    refundFacts: new DataLoader(async (ids) => {
      const facts = await refundFactsOf(prisma, ids);
      return ids.map((id) => facts.get(id) ?? null);
    }),
    visibleReturns: scopedLoaders(async (scope, ids) =>
      oneBy(ids, await visibleReturnsByIds(prisma, ids, scope), (r) => r.id),
    ),
  };
}
