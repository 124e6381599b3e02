/**
 * Idempotency-Key for mutations. A client sends `Idempotency-Key: <unique string>` with a mutation;
 * the same key with the same operation and variables gets the first answer again (with the header
 * `Idempotent-Replayed: true`) and no second effect; the same key with another request is refused
 * (IDEMPOTENCY_KEY_REUSED, 422). Keys are scoped to the caller and forgotten after the TTL. A request
 * refused as a whole (no data: bad variables, missing credentials) or failed with an unexpected error
 * forgets its key, since nothing was written; answers with data (including typed refusals) are kept.
 */
import { createHash } from "node:crypto";
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from "@apollo/server";
import type { Context } from "../context.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { ThrownCode } from "../shared/errors.js";
import { claimKey, completeKey, releaseKey } from "./idempotency.repository.js";

const KEY = /^[\x21-\x7e]{1,255}$/;

function errorResponse(status: number, code: ThrownCode, message: string): GraphQLResponse {
  return {
    http: { status, headers: new HeaderMap() },
    body: { kind: "single", singleResult: { errors: [{ message, extensions: { code } }] } },
  };
}

export function idempotencyPlugin(
  db: PrismaClient,
  opts: { ttlSeconds: number; waitMs?: number },
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const key = request.http?.headers.get("idempotency-key");
      if (key === undefined) return;
      let claimed: number | null = null;
      return {
        async responseForOperation({ operation, contextValue }) {
          if (operation.operation !== "mutation") return null;
          if (!KEY.test(key))
            return errorResponse(
              400,
              ThrownCode.BAD_REQUEST,
              "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            );
          const viewer = contextValue.viewer;
          const scope = viewer.kind === "user" ? `user:${viewer.user.id}` : "anonymous";
          const requestHash = createHash("sha256")
            .update(JSON.stringify([request.query ?? "", request.operationName ?? null, request.variables ?? {}]))
            .digest("hex");
          const claim = await claimKey(db, {
            scope,
            key,
            requestHash,
            ttlSeconds: opts.ttlSeconds,
            waitMs: opts.waitMs ?? 30_000,
          });
          switch (claim.kind) {
            case "claimed":
              claimed = claim.id;
              return null;
            case "replay":
              return {
                http: { status: claim.httpStatus, headers: new HeaderMap([["idempotent-replayed", "true"]]) },
                body: { kind: "single", singleResult: claim.response as never },
              };
            case "mismatch":
              return errorResponse(
                422,
                ThrownCode.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was used for a different request.",
              );
            case "busy":
              return errorResponse(
                409,
                ThrownCode.IDEMPOTENCY_KEY_IN_USE,
                "A request with this Idempotency-Key is still running; retry later.",
              );
          }
        },
        async willSendResponse({ response }) {
          if (claimed === null) return;
          const id = claimed;
          claimed = null;
          if (response.body.kind !== "single") return releaseKey(db, id);
          const result = response.body.singleResult;
          const unknownOutcome = result.errors?.some((e) =>
            [ThrownCode.INTERNAL_SERVER_ERROR, ThrownCode.SERVICE_UNAVAILABLE].includes(e.extensions?.code as never),
          );
          // Nothing ran (bad variables, no credentials...): forget the key, so that a corrected retry may use it.
          const refusedWhole = result.data == null;
          if (unknownOutcome || refusedWhole) await releaseKey(db, id);
          else
            await completeKey(
              db,
              id,
              { data: result.data, ...(result.errors ? { errors: result.errors } : {}) },
              response.http.status ?? 200,
            );
        },
      };
    },
  };
}
