/** Who is calling: the user of the API token in the Authorization header, or nobody. */
import type { ApiTokenCache } from "../auth/token-cache.js";
import { bearerToken, hashApiToken } from "../auth/tokens.js";
import { ANONYMOUS, type Viewer } from "../auth/viewer.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import { serviceUnavailable, unauthenticated } from "../shared/errors.js";
import { findUserByApiTokenHash } from "../users/user.repository.js";

/**
 * The caller of an Authorization header value (HTTP requests and WebSocket connections alike).
 * Anonymous without a header; UNAUTHENTICATED for a malformed header or a token that matches no
 * live token (never treated as anonymous); SERVICE_UNAVAILABLE when the database is gone. With a
 * token cache, a live token found recently is not looked up again (auth/token-cache.ts).
 */
export function authenticator(
  prisma: PrismaClient,
  cache?: ApiTokenCache,
): (authorization: string | undefined) => Promise<Viewer> {
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (token === undefined) return ANONYMOUS;
    if (token === null) throw unauthenticated("Malformed Authorization header: expected 'Bearer <token>'.");
    let user;
    try {
      const hash = hashApiToken(token);
      const load = () => findUserByApiTokenHash(prisma, hash);
      user = await (cache ? cache.lookup(hash, load) : load());
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw serviceUnavailable();
      throw e;
    }
    if (!user) throw unauthenticated("Invalid or revoked API token.");
    return { kind: "user", user };
  };
}

/**
 * The order token of an Order-Token header (`node` and `nodes` read it: a guest's way to an order
 * and what belongs to it there), or null when there is none.
 */
export function orderTokenHeader(value: string | string[] | undefined): string | null {
  const token = (Array.isArray(value) ? value.join(",") : (value ?? "")).trim();
  return token === "" ? null : token;
}
