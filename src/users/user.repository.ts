/** Users and their API tokens. */
import type { ViewerUser } from "../auth/viewer.js";
import { hashApiToken, newApiToken } from "../auth/tokens.js";
import type { Db } from "../orders/order.repository.js";

export type UserRecord = ViewerUser;

const userSelect = { id: true, email: true, isStaff: true } as const;

/** The user owning a live (not revoked) token, or null. */
export async function findUserByApiToken(db: Db, token: string): Promise<UserRecord | null> {
  // One statement (an EXISTS on the hash index), however the token resolves.
  return db.user.findFirst({ where: { tokens: { some: { tokenHash: hashApiToken(token), revokedAt: null } } }, select: userSelect });
}

export async function usersByIds(db: Db, ids: readonly number[]): Promise<UserRecord[]> {
  return db.user.findMany({ where: { id: { in: [...ids] } }, select: userSelect });
}

export async function findUserById(db: Db, id: number): Promise<UserRecord | null> {
  return db.user.findUnique({ where: { id }, select: userSelect });
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
