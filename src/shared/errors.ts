/**
 * Thrown errors are for what a client cannot recover from with data: no or bad credentials, not
 * staff, no such order, bad arguments. Business refusals are result types (see *.errors.ts).
 * Anything else is masked as INTERNAL_SERVER_ERROR by the server's formatError.
 */
import { GraphQLError } from "graphql";

export const ErrorCodes = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const;

/** Codes whose messages are safe to show as they are. */
export const PUBLIC_CODES = new Set<string>([
  ErrorCodes.UNAUTHENTICATED,
  ErrorCodes.FORBIDDEN,
  ErrorCodes.NOT_FOUND,
  ErrorCodes.BAD_USER_INPUT,
  ErrorCodes.SERVICE_UNAVAILABLE,
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "QUERY_TOO_COMPLEX",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_KEY_IN_USE",
]);

export function unauthenticated(
  message = "Authentication required: send an API token as 'Authorization: Bearer <token>'.",
): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCodes.UNAUTHENTICATED, http: { status: 401 } } });
}

export function forbidden(message = "Only staff may do this."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCodes.FORBIDDEN } });
}

export function notFound(message = "No order matches the given query."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCodes.NOT_FOUND } });
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCodes.BAD_USER_INPUT, ...extensions } });
}

export function serviceUnavailable(message = "The database is not available; try again shortly."): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCodes.SERVICE_UNAVAILABLE, http: { status: 503 } } });
}
