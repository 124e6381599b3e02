/**
 * Which requests read from a replica (db/replicas.ts), and what a caller's write tells the replicas.
 *
 * A query operation whose every root field is a list that tolerates lag (`allOrders`, `orders`, with
 * everything they nest: items, payments, history…) by a signed-in caller is read from a replica that
 * is within REPLICA_MAX_LAG_MS of the primary and has replayed the caller's last write. Everything
 * else — every mutation and its answer, single-order reads, node lookups, guests (whose writes, by
 * order token or payment page, are not tied to a user), subscriptions — reads the primary.
 *
 * After a signed-in caller's mutation, the user's `lastWriteAt` is set to the primary's time (one
 * UPDATE, only when replicas are configured, after the mutation's own transaction): every server
 * reads it with the caller's token on their next request, so a caller's reads after their own write
 * go to the primary (or a replica that has it) whichever server they reach.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { OperationDefinitionNode } from "graphql";
import type { Context } from "../context.js";
import type { Replicas } from "../db/replicas.js";
import { noteUserWrite } from "../users/user.repository.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** Root fields whose answer may lag the primary by up to REPLICA_MAX_LAG_MS. */
export const LAG_TOLERANT_FIELDS: ReadonlySet<string> = new Set(["allOrders", "orders"]);

function toleratesLag(operation: OperationDefinitionNode): boolean {
  if (operation.operation !== "query") return false;
  let lists = 0;
  for (const s of operation.selectionSet.selections) {
    if (s.kind !== "Field") return false; // a fragment at the root: not looked into
    if (s.name.value === "__typename") continue;
    if (!LAG_TOLERANT_FIELDS.has(s.name.value)) return false;
    lists++;
  }
  return lists > 0;
}

export function replicaReadsPlugin(replicas: Replicas, prisma: PrismaClient): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const viewer = contextValue.viewer;
          if (!operation || viewer.kind !== "user" || !toleratesLag(operation)) return;
          contextValue.reads = replicas.reader(viewer.user.lastWriteAt ?? null) ?? undefined;
        },
        async willSendResponse({ operation, contextValue }) {
          const viewer = contextValue.viewer;
          if (operation?.operation !== "mutation" || viewer.kind !== "user") return;
          // Not recorded (the primary gone): the answer stands; the caller's lists may then come
          // from a replica, at most REPLICA_MAX_LAG_MS behind.
          await noteUserWrite(prisma, viewer.user.id).catch(() => {});
        },
      };
    },
  };
}
