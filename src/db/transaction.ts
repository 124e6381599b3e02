/**
 * Prisma Client as the server's data layer: what repositories take, and write transactions.
 */
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** What a repository reads and writes through: the client, or a transaction's client. */
export type Db = PrismaClient | Prisma.TransactionClient;

/** A transaction's client. */
export type Tx = Prisma.TransactionClient;

/** The default bound on a write transaction (a payment method call inside one brings its own). */
export const TRANSACTION_TIMEOUT_MS = 15_000;

/**
 * Runs `fn` in one interactive transaction: committed when it returns, rolled back when it throws.
 * `timeoutMs` bounds the whole transaction; Prisma rolls it back after that.
 */
export function inTransaction<T>(
  prisma: PrismaClient,
  fn: (tx: Tx) => Promise<T>,
  opts: { timeoutMs?: number } = {},
): Promise<T> {
  return prisma.$transaction(fn, { timeout: opts.timeoutMs ?? TRANSACTION_TIMEOUT_MS });
}
