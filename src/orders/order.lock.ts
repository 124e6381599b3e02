/** Write transactions on one order: the order's row is locked first, so writes to it never interleave. */
import type { OrderScope } from "../auth/viewer.js";
import { inTransaction, type Tx } from "../db/transaction.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { notFound } from "../shared/errors.js";
import type { OrderRecord } from "./order.model.js";
import { lockOrder } from "./order.repository.js";

/**
 * Runs `fn` in a transaction with the order (by ref, in `scope`) locked. NOT_FOUND when there is
 * no such order in the scope: an order the caller may not see is one that does not exist.
 */
export function withLockedOrder<T>(
  prisma: PrismaClient,
  ref: string,
  scope: OrderScope,
  fn: (tx: Tx, order: OrderRecord) => Promise<T>,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  return inTransaction(
    prisma,
    async (tx) => {
      const order = await lockOrder(tx, ref, scope);
      if (!order) throw notFound();
      return fn(tx, order);
    },
    opts,
  );
}
