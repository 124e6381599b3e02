/** Users and their API tokens. */
import type { ViewerUser } from "../auth/viewer.js";
import { hashApiToken, newApiToken } from "../auth/tokens.js";
import type { Prisma as PrismaNS, PrismaClient } from "../generated/prisma/client.js";

/** Users and tokens are written through Prisma (the CLI, the demo, tests). */
type Db = PrismaClient | PrismaNS.TransactionClient;
import type { Reader } from "../orders/order.reads.js";

export type UserRecord = ViewerUser;

const userSelect = { id: true, email: true, isStaff: true } as const;

/**
 * The user owning a live (not revoked) token, or null: one statement on the hash's unique index,
 * run on every authenticated request, so it is hand-written SQL (see order.reads.ts).
 */
export async function findUserByApiToken(db: Reader, token: string): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRecord>(
    `SELECT u."id", u."email", u."isStaff" FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId" WHERE t."tokenHash" = $1 AND t."revokedAt" IS NULL`,
    [hashApiToken(token)],
  );
  return rows[0] ?? null;
}

export async function usersByIds(db: Reader, ids: readonly number[]): Promise<UserRecord[]> {
  const { rows } = await db.query<UserRecord>(`SELECT "id", "email", "isStaff" FROM "User" WHERE "id" = ANY($1)`, [ids]);
  return rows;
}

export async function userExists(db: Reader, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM "User" WHERE "id" = $1`, [id]);
  return (rowCount ?? 0) > 0;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  return db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: userSelect });
}

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`A user with email ${email} already exists.`);
    this.name = "UserExistsError";
  }
}

export async function createUser(db: Db, email: string, isStaff: boolean): Promise<UserRecord> {
  const normalized = email.trim().toLowerCase();
  if (await findUserByEmail(db, normalized)) throw new UserExistsError(normalized);
  return db.user.create({ data: { email: normalized, isStaff }, select: userSelect });
}

/** Issues a new API token for the user and returns it; only its hash is kept. */
export async function issueApiToken(db: Db, userId: number): Promise<string> {
  const token = newApiToken();
  await db.apiToken.create({ data: { userId, tokenHash: hashApiToken(token) } });
  return token;
}

/** Revokes a token; false when no live token matches. */
export async function revokeApiToken(db: Db, token: string, now = new Date()): Promise<boolean> {
  const res = await db.apiToken.updateMany({ where: { tokenHash: hashApiToken(token), revokedAt: null }, data: { revokedAt: now } });
  return res.count > 0;
}
