/** API tokens and order tokens: random, base64url; API tokens are stored only as SHA-256. */
import { createHash, randomBytes } from "node:crypto";

/** 32 random bytes as base64url: 43 characters (the REST ancestor's order token). */
export function newOrderToken(): string {
  return randomBytes(32).toString("base64url");
}

/** A new API token: "oat_" + 32 random bytes as base64url. */
export function newApiToken(): string {
  return `oat_${randomBytes(32).toString("base64url")}`;
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Reads "Authorization: Bearer <token>". undefined when there is no header; null when it is malformed. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return m ? m[1] : null;
}
