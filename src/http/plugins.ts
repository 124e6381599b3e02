/** Apollo plugins: query limits and introspection policy; the columns order reads select. */
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { isStaff } from "../auth/viewer.js";
import { publicError, ThrownCode } from "../shared/errors.js";
import { enforceLimits, measure } from "./limits.js";
import { selectFor } from "../orders/order.select.js";
import type { Viewer } from "../auth/viewer.js";

/** PostgreSQL text cannot hold NUL (U+0000): refuse it up front rather than fail in the database. */
function hasNul(query: string | undefined, variables: unknown): boolean {
  return (
    (query !== undefined && (query.includes("\0") || /\\u0000/i.test(query))) ||
    (variables != null && /\\u0000/i.test(JSON.stringify(variables)))
  );
}

/**
 * Refuses, with an error naming the reason, an operation whose text holds NUL, that is introspection
 * where INTROSPECTION does not allow it, or that exceeds a limit. For HTTP (the plugin below) and
 * subscriptions alike.
 */
export function checkOperation(
  config: Pick<Config, "limits" | "introspection">,
  op: {
    query: string | undefined;
    document: DocumentNode;
    operation: OperationDefinitionNode | undefined;
    variables: Record<string, unknown> | undefined;
    operationName?: string | null;
    viewer: Viewer;
  },
): void {
  if (hasNul(op.query, op.variables)) {
    throw publicError(ThrownCode.BAD_USER_INPUT, "Text may not contain the NUL character (U+0000).", { status: 400 });
  }
  if (!op.operation) {
    // GraphiQL sends a remembered operationName that the edited document may no longer have.
    throw publicError(
      ThrownCode.OPERATION_RESOLUTION_FAILURE,
      op.operationName
        ? `The document has no operation named "${op.operationName}".`
        : "The document has no operation to run.",
      { status: 400 },
    );
  }
  const shape = measure(op.document, op.operation, op.variables ?? {});
  if (shape.introspection && config.introspection !== "on") {
    if (config.introspection === "off" || !isStaff(op.viewer)) {
      throw publicError(
        ThrownCode.FORBIDDEN,
        config.introspection === "off"
          ? "Introspection is disabled on this server."
          : "Introspection is for staff on this server.",
        { status: 403 },
      );
    }
  }
  enforceLimits(shape, config.limits);
}

export function limitsPlugin(config: Pick<Config, "limits" | "introspection">): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          checkOperation(config, {
            operationName: request.operationName,
            query: request.query,
            document,
            operation,
            variables: request.variables,
            viewer: contextValue.viewer,
          });
          if (operation?.operation === "subscription") {
            throw publicError(
              ThrownCode.BAD_REQUEST,
              "Subscriptions are served over WebSocket on this path (the graphql-ws protocol).",
              { status: 400 },
            );
          }
        },
      };
    },
  };
}

/**
 * Gives the operation's order reads the columns it shows (order.select.ts): the request's loaders,
 * made when a resolver first reads them (context.ts), fetch just those. Here, once the operation is
 * known, on the context Apollo hands the resolvers (its own copy of the one the request started with).
 */
export function orderReadsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          contextValue.select = selectFor(schema, document);
        },
      };
    },
  };
}
