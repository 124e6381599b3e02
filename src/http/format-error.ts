/**
 * What a client sees of an error, on every path (queries and mutations over HTTP with either
 * executor, subscriptions over WebSocket):
 * - an input value a scalar refused is named by the path the client wrote (input-paths.ts);
 * - an error made to be read (a PublicError, shared/errors.ts), and one graphql-js or Apollo made
 *   about the request itself (it does not parse or validate, a variable does not fit its type, no
 *   such operation, a malformed request), go out as they are;
 * - a database that is not there is SERVICE_UNAVAILABLE, whichever resolver or step met it;
 * - anything else is masked as INTERNAL_SERVER_ERROR, never with a stack trace or SQL, and logged
 *   once, with the operation's name, the field's path and the request's id, which the client gets
 *   in `extensions.requestId`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "../shared/db-errors.js";
import { publicErrorIn, SERVICE_UNAVAILABLE_MESSAGE, ThrownCode } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import { inputPathOf } from "./input-paths.js";

export const MASKED_MESSAGE = "Internal server error";

/** The request an error belongs to. */
export interface RequestInfo {
  requestId: string;
  operation?: string | null;
}

const current = new AsyncLocalStorage<RequestInfo>();

/** Runs an HTTP request's handling with an id of its own, which formatError finds for its errors. */
export function withRequestInfo<T>(fn: () => T): T {
  return current.run({ requestId: randomUUID() }, fn);
}

/** Notes the running request's operation name (for the log line of an unexpected error). */
export function noteOperation(name: string | null | undefined): void {
  const info = current.getStore();
  if (info) info.operation = name ?? null;
}

/** The codes Apollo gives the errors it makes about a request (its own vocabulary, not a list of ours). */
const APOLLO_REQUEST_CODES = new Set<string>(
  Object.values(ApolloServerErrorCode).filter((c) => c !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
);

/** graphql-js and Apollo, reading the request before anything ran: no path, and a code of Apollo's. */
function aboutTheRequest(error: unknown): boolean {
  return error instanceof GraphQLError && !error.path && APOLLO_REQUEST_CODES.has(String(error.extensions?.code ?? ""));
}

/** The error and what it wraps (graphql-js and graphql-jit keep a resolver's error as originalError). */
function* chain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (
    let e = error;
    e && typeof e === "object" && !seen.has(e);
    e = (e as { originalError?: unknown }).originalError
  ) {
    seen.add(e);
    yield e;
  }
}

export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
  o: { log?: Logger; request?: RequestInfo } = {},
): GraphQLFormattedError {
  const input = error instanceof GraphQLError ? inputPathOf(error) : null;
  if (input) {
    return {
      message: input.message,
      locations: formatted.locations,
      extensions: { code: ThrownCode.BAD_USER_INPUT, field: input.field },
    };
  }
  if (publicErrorIn(error) || aboutTheRequest(error)) {
    const message = formatted.message.replace(/^Context creation failed: /, "");
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message, extensions };
  }
  // A refusal of the request itself that Apollo made with a 4xx status and no code of its own.
  const head = (error as GraphQLError)?.extensions?.http as { status?: number } | undefined;
  if (error instanceof GraphQLError && !error.originalError && !formatted.path && head?.status && head.status < 500) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: ThrownCode.BAD_REQUEST } };
  }
  const request = o.request ?? current.getStore();
  if ([...chain(error)].some(isDatabaseUnavailable)) {
    o.log?.warn("database unavailable", { requestId: request?.requestId, path: formatted.path });
    return {
      message: SERVICE_UNAVAILABLE_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ThrownCode.SERVICE_UNAVAILABLE },
    };
  }
  const requestId = request?.requestId ?? randomUUID();
  const original = [...chain(error)].pop();
  o.log?.error("unexpected error", {
    requestId,
    operation: request?.operation ?? null,
    path: formatted.path,
    message: original instanceof Error ? original.message : String(original),
  });
  return {
    message: MASKED_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ThrownCode.INTERNAL_SERVER_ERROR, requestId },
  };
}
