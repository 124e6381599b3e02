/** Idempotency records, through Prisma Client: claim a key, complete it with the answer, or release it. */
import type { Db } from "../db/transaction.js";

export type Claim =
  | { kind: "claimed"; id: number }
  | { kind: "replay"; response: unknown; httpStatus: number }
  | { kind: "mismatch" }
  | { kind: "busy" };

const POLL_MS = 50;

/**
 * Claims (scope, key) for a request. A finished record with the same request is replayed; one with
 * another request is a mismatch; one still running is waited for (up to `waitMs`).
 */
export async function claimKey(
  db: Db,
  q: { scope: string; key: string; requestHash: string; ttlSeconds: number; waitMs: number; now?: () => Date },
): Promise<Claim> {
  const now = q.now ?? (() => new Date());
  const deadline = Date.now() + q.waitMs;
  for (;;) {
    const at = now();
    await db.idempotencyRecord.deleteMany({ where: { scope: q.scope, key: q.key, expiresAt: { lt: at } } });
    // INSERT … ON CONFLICT DO NOTHING RETURNING: a row back means this request holds the key.
    const [inserted] = await db.idempotencyRecord.createManyAndReturn({
      data: [
        {
          scope: q.scope,
          key: q.key,
          requestHash: q.requestHash,
          dateCreated: at,
          expiresAt: new Date(at.getTime() + q.ttlSeconds * 1000),
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    if (inserted) {
      if (Math.random() < 0.01) await db.idempotencyRecord.deleteMany({ where: { expiresAt: { lt: at } } });
      return { kind: "claimed", id: inserted.id };
    }
    const row = await db.idempotencyRecord.findUnique({
      where: { scope_key: { scope: q.scope, key: q.key } },
      select: { requestHash: true, response: true, httpStatus: true },
    });
    if (!row) continue; // released between the insert and the read: try again
    if (row.requestHash !== q.requestHash) return { kind: "mismatch" };
    if (row.response !== null)
      return { kind: "replay", response: JSON.parse(row.response), httpStatus: row.httpStatus ?? 200 };
    if (Date.now() > deadline) return { kind: "busy" };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export async function completeKey(db: Db, id: number, response: unknown, httpStatus: number): Promise<void> {
  await db.idempotencyRecord.update({
    where: { id },
    data: { response: JSON.stringify(response), httpStatus },
    select: { id: true },
  });
}

/** Forgets a claim whose request failed without a known outcome, so that a retry runs again. */
export async function releaseKey(db: Db, id: number): Promise<void> {
  await db.idempotencyRecord.deleteMany({ where: { id } });
}
