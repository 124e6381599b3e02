/** Users and their API tokens, through Prisma Client. */
import type { ViewerUser } from "../auth/viewer.js";
import type { TokenUser } from "../auth/token-cache.js";
import { hashApiToken, newApiToken } from "../auth/tokens.js";
import type { Db } from "../db/transaction.js";

export type UserRecord = ViewerUser;

export const USER_SELECT = { id: true, email: true, isStaff: true } as const;

/**
 * The user owning a live (not revoked) token, or null: run on every authenticated request that the
 * token cache does not answer, looked up by the hash's unique index. With when their last mutation
 * ended (read replicas use it).
 */
export async function findUserByApiToken(db: Db, token: string): Promise<TokenUser | null> {
  return findUserByApiTokenHash(db, hashApiToken(token));
}

/** findUserByApiToken, by the token's hash (hashApiToken). */
export async function findUserByApiTokenHash(db: Db, tokenHash: string): Promise<TokenUser | null> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash },
    select: { revokedAt: true, user: { select: { ...USER_SELECT, lastWriteAt: true } } },
    relationLoadStrategy: "join",
  });
  return row && row.revokedAt === null ? row.user : null;
}

export function usersByIds(db: Db, ids: readonly number[]): Promise<UserRecord[]> {
  return db.user.findMany({ where: { id: { in: [...ids] } }, select: USER_SELECT });
}

export async function userExists(db: Db, id: number): Promise<boolean> {
  return (await db.user.findUnique({ where: { id }, select: { id: true } })) !== null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  return db.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: USER_SELECT });
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
  return db.user.create({ data: { email: normalized, isStaff }, select: USER_SELECT });
}

/** Issues a new API token for the user and returns it; only its hash is kept. */
export async function issueApiToken(db: Db, userId: number): Promise<string> {
  const token = newApiToken();
  await db.apiToken.create({ data: { userId, tokenHash: hashApiToken(token) }, select: { id: true } });
  return token;
}

/** Revokes a token; false when no live token matches. */
export async function revokeApiToken(db: Db, token: string, now = new Date()): Promise<boolean> {
  const res = await db.apiToken.updateMany({
    where: { tokenHash: hashApiToken(token), revokedAt: null },
    data: { revokedAt: now },
  });
  return res.count > 0;
}

/**
 * Records that the user's mutation has ended, in the primary's time (after its transaction: the
 * time is later than its commit). Raw SQL: Prisma cannot write the database's clock_timestamp().
 */
export async function noteUserWrite(db: Db, userId: number): Promise<void> {
  await db.$executeRaw`UPDATE "User" SET "lastWriteAt" = clock_timestamp() WHERE "id" = ${userId}`;
}
