/**
 * Apollo plugins: query limits, introspection policy and the schema hints that go with it; one log
 * line per operation.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { isStaff } from "../auth/viewer.js";
import { publicError, ThrownCode } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import { checkDocumentValues, checkJson } from "./inputs.js";
import { enforceLimits, measure } from "./limits.js";
import { selectFor } from "../orders/order.select.js";
import type { Viewer } from "../auth/viewer.js";

/** Whether INTROSPECTION lets this caller read the schema. */
export function mayIntrospect(config: Pick<Config, "introspection">, viewer: Viewer): boolean {
  return config.introspection === "on" || (config.introspection === "staff" && isStaff(viewer));
}

/**
 * graphql-js's hints in its errors ("Did you mean \"allOrders\"?", "… the enum value …", "… to use an
 * inline fragment on …"), for fields, arguments, input fields, enum values and types alike: enough to
 * rebuild the schema one guess at a time, so a caller who may not introspect does not get them.
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** The message without its schema hints. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, "");
}

/**
 * Refuses, with an error naming the reason, an operation whose values hold NUL or nest too deep
 * (inputs.ts: PostgreSQL text cannot hold NUL; refused up front rather than failed in the database), that is introspection
 * where INTROSPECTION does not allow it, or that exceeds a limit. For HTTP (the plugin below) and
 * subscriptions alike.
 */
export function checkOperation(
  config: Pick<Config, "limits" | "introspection">,
  op: {
    schema: GraphQLSchema;
    query: string | undefined;
    document: DocumentNode;
    operation: OperationDefinitionNode | undefined;
    variables: Record<string, unknown> | undefined;
    operationName?: string | null;
    viewer: Viewer;
  },
): void {
  checkJson(op.variables ?? {}, config.limits.jsonDepth);
  checkDocumentValues(op.document, config.limits.jsonDepth);
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
  const shape = measure(op.schema, op.document, op.operation, op.variables ?? {});
  if (shape.introspection && !mayIntrospect(config, op.viewer)) {
    throw publicError(
      ThrownCode.FORBIDDEN,
      config.introspection === "off"
        ? "Introspection is disabled on this server."
        : "Introspection is for staff on this server.",
      { status: 403 },
    );
  }
  enforceLimits(shape, config.limits);
}

export function limitsPlugin(config: Pick<Config, "limits" | "introspection">): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          checkOperation(config, {
            schema,
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
 * Takes the schema hints out of every error a caller who may not introspect gets: from parsing,
 * validation, variables that do not fit their type, and execution alike.
 */
export function suggestionsPlugin(config: Pick<Config, "introspection">): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (mayIntrospect(config, contextValue?.viewer ?? { kind: "anonymous" })) return;
          const body = response.body;
          const result = body.kind === "single" ? body.singleResult : body.initialResult;
          if (result.errors)
            result.errors = result.errors.map((e) => ({ ...e, message: withoutSuggestions(e.message) }));
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

/** At debug level: operation name and type, status and duration. Never variables or headers. */
export function logPlugin(log: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation }) {
          log.debug("graphql", {
            operation: request.operationName ?? null,
            type: operation?.operation ?? null,
            status: response.http.status ?? 200,
            errors: response.body.kind === "single" ? (response.body.singleResult.errors?.length ?? 0) : 0,
            ms: Math.round(performance.now() - started),
          });
        },
      };
    },
  };
}
