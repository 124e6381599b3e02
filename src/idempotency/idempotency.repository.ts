/** Idempotency records: claim a key, complete it with the answer, or release it. */
import type { Reader } from "../orders/order.reads.js";

export type Claim =
  | { kind: "claimed"; id: number }
  | { kind: "replay"; response: unknown; httpStatus: number }
  | { kind: "mismatch" }
  | { kind: "busy" };

const POLL_MS = 50;

interface Row {
  id: number;
  requestHash: string;
  response: string | null;
  httpStatus: number | null;
}

/**
 * Claims (scope, key) for a request. A finished record with the same request is replayed; one with
 * another request is a mismatch; one still running is waited for (up to `waitMs`).
 */
export async function claimKey(
  db: Reader,
  q: { scope: string; key: string; requestHash: string; ttlSeconds: number; waitMs: number; now?: () => Date },
): Promise<Claim> {
  const now = q.now ?? (() => new Date());
  const deadline = Date.now() + q.waitMs;
  for (;;) {
    const at = now();
    await db.query(`DELETE FROM "IdempotencyRecord" WHERE "scope" = $1 AND "key" = $2 AND "expiresAt" < $3`, [q.scope, q.key, at]);
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO "IdempotencyRecord" ("scope", "key", "requestHash", "dateCreated", "expiresAt") VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("scope", "key") DO NOTHING RETURNING "id"`,
      [q.scope, q.key, q.requestHash, at, new Date(at.getTime() + q.ttlSeconds * 1000)],
    );
    if (inserted.rows.length === 1) {
      if (Math.random() < 0.01) await db.query(`DELETE FROM "IdempotencyRecord" WHERE "expiresAt" < $1`, [at]);
      return { kind: "claimed", id: inserted.rows[0].id };
    }
    const { rows } = await db.query<Row>(`SELECT "id", "requestHash", "response", "httpStatus" FROM "IdempotencyRecord" WHERE "scope" = $1 AND "key" = $2`, [
      q.scope,
      q.key,
    ]);
    const row = rows[0];
    if (!row) continue; // released between the insert and the read: try again
    if (row.requestHash !== q.requestHash) return { kind: "mismatch" };
    if (row.response !== null) return { kind: "replay", response: JSON.parse(row.response), httpStatus: row.httpStatus ?? 200 };
    if (Date.now() > deadline) return { kind: "busy" };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export async function completeKey(db: Reader, id: number, response: unknown, httpStatus: number): Promise<void> {
  await db.query(`UPDATE "IdempotencyRecord" SET "response" = $2, "httpStatus" = $3 WHERE "id" = $1`, [id, JSON.stringify(response), httpStatus]);
}

/** Forgets a claim whose request failed without a known outcome, so that a retry runs again. */
export async function releaseKey(db: Reader, id: number): Promise<void> {
  await db.query(`DELETE FROM "IdempotencyRecord" WHERE "id" = $1`, [id]);
}
