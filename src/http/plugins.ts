/**
 * Apollo plugins: query limits, introspection policy and the schema hints that go with it; the
 * columns order reads select.
 */
import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLRequestContextDidResolveOperation,
  type GraphQLRequestContextWillSendResponse,
} from "@apollo/server";
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { isStaff } from "../auth/viewer.js";
import { publicError, ThrownCode } from "../shared/errors.js";
import { checkDocumentValues, checkJson } from "./inputs.js";
import { enforceLimits, measureOnce, type QueryShape } from "./limits.js";
import { currentRequest, noteOperation } from "./request-info.js";
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
 * subscriptions alike. Returns what it measured.
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
): QueryShape {
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
  const shape = measureOnce(op.schema, op.document, op.operation, op.variables ?? {});
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
  return shape;
}

/**
 * What each client's operations running at once cost, held to MAX_CLIENT_COST_IN_FLIGHT. Every
 * operation within the limits is allowed, but not all at once from one client: a customer (by
 * account) or an anonymous caller (by address) whose running operations cost that much gets 429 with
 * Retry-After for the next one, and other clients keep their share of the database (the embedded
 * one has a single connection; PostgreSQL a pool of DB_POOL_MAX). An operation always runs when its
 * client has nothing else running, whatever its cost. Staff are not held to it: they are the
 * operators, and their tools page through everything.
 */
export class CostInFlight {
  private readonly running = new Map<string, number>();
  constructor(private readonly limit: number) {}

  /** The key operations of this caller share, or undefined when they are not held to the limit. */
  client(viewer: Viewer, address: string | undefined): string | undefined {
    if (this.limit <= 0) return undefined;
    if (viewer.kind === "user") return viewer.user.isStaff ? undefined : `user:${viewer.user.id}`;
    return address === undefined ? undefined : `address:${address}`;
  }

  /** Counts an operation costing `cost` as running for `client`; throws TOO_MANY_REQUESTS past the limit. */
  take(client: string, cost: number): void {
    const now = this.running.get(client) ?? 0;
    if (now > 0 && now + cost > this.limit) {
      throw publicError(
        ThrownCode.TOO_MANY_REQUESTS,
        `Too many operations at once: those of this client still running cost ${now}, and this one ${cost}; ` +
          `together they may cost at most ${this.limit} (MAX_CLIENT_COST_IN_FLIGHT). Retry when they are answered.`,
        { extensions: { http: { status: 429, headers: new HeaderMap([["retry-after", "1"]]) } } },
      );
    }
    this.running.set(client, now + cost);
  }

  done(client: string, cost: number): void {
    const left = (this.running.get(client) ?? 0) - cost;
    if (left > 0) this.running.set(client, left);
    else this.running.delete(client);
  }

  /** Clients with operations running (for tests of the bookkeeping). */
  get clients(): number {
    return this.running.size;
  }
}

type Operation = GraphQLRequestContextDidResolveOperation<Context>;
type Response = GraphQLRequestContextWillSendResponse<Context>;

/**
 * Refuses an operation that checkOperation refuses, or a subscription (served over WebSocket), and
 * holds the caller to MAX_CLIENT_COST_IN_FLIGHT; returns what to call when its answer goes.
 */
function admit(
  config: Pick<Config, "limits" | "introspection">,
  inFlight: CostInFlight,
  { schema, document, operation, request, contextValue }: Operation,
): (() => void) | undefined {
  const shape = checkOperation(config, {
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
  const client = inFlight.client(contextValue.viewer, currentRequest()?.remoteAddress);
  if (client === undefined) return undefined;
  const cost = shape.cost;
  inFlight.take(client, cost);
  return () => inFlight.done(client, cost);
}

/**
 * Takes the schema hints out of every error a caller who may not introspect gets: from parsing,
 * validation, variables that do not fit their type, and execution alike.
 */
function dropSuggestions(config: Pick<Config, "introspection">, { response, contextValue }: Response): void {
  if (mayIntrospect(config, contextValue?.viewer ?? { kind: "anonymous" })) return;
  const body = response.body;
  const result = body.kind === "single" ? body.singleResult : body.initialResult;
  if (result.errors) result.errors = result.errors.map((e) => ({ ...e, message: withoutSuggestions(e.message) }));
}

/**
 * Gives the operation's order reads the columns it shows (order.select.ts): the request's loaders,
 * made when a resolver first reads them (context.ts), fetch just those. Here, once the operation is
 * known, on the context Apollo hands the resolvers (its own copy of the one the request started with).
 */
function narrowOrderReads({ document, schema, contextValue }: Operation): void {
  contextValue.select = selectFor(schema, document);
}

/** The columns an operation's order reads select, alone (narrowOrderReads; requestPlugin does it too). */
export function orderReadsPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return { didResolveOperation: async (rc) => narrowOrderReads(rc) };
    },
  };
}

/**
 * What the server does for every request over HTTP, as one plugin (one set of hooks a request rather
 * than one per concern): notes the operation (for the request's log line and metrics, and an
 * unexpected error's log line), applies the limits and MAX_CLIENT_COST_IN_FLIGHT (admit), narrows
 * the order reads (narrowOrderReads), and takes the schema hints out of errors (dropSuggestions).
 */
export function requestPlugin(
  config: Pick<Config, "limits" | "introspection">,
  inFlight = new CostInFlight(config.limits.clientCostInFlight),
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let done: (() => void) | undefined;
      return {
        async didResolveOperation(rc) {
          noteOperation(rc.operationName, rc.operation?.operation);
          done = admit(config, inFlight, rc);
          narrowOrderReads(rc);
        },
        async willSendResponse(rc) {
          done?.();
          done = undefined;
          dropSuggestions(config, rc);
        },
      };
    },
  };
}
