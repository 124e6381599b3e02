/**
 * Write transactions on one pool connection: BEGIN, the caller's statements, COMMIT (ROLLBACK on any
 * throw). Hand-written SQL rather than Prisma's interactive transactions: Prisma's client runtime grew
 * the server's memory by ~100 MB off-heap under a write load (measured in BENCHMARKS.md), pg does not.
 */
import type pg from "pg";
import type { Database } from "./database.js";

/** What a transaction's statements run on. */
export type Tx = Pick<pg.PoolClient, "query">;

/**
 * `idleTimeoutMs`: how long the transaction may sit between two statements (a payment method call
 * happens there) before the server ends it, locks and all. Default 15 s.
 */
export async function withTransaction<T>(db: Database, fn: (tx: Tx) => Promise<T>, opts: { idleTimeoutMs?: number } = {}): Promise<T> {
  const client = await db.pool.connect();
  let broken: unknown;
  try {
    await client.query("BEGIN");
    await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1000, Math.round(opts.idleTimeoutMs ?? 15_000))}`);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      broken = rollbackError; // the connection is gone: let the pool drop it
    }
    throw e;
  } finally {
    client.release(broken as Error | undefined);
  }
}
