/**
 * Thrown errors are for what a client cannot recover from with data: no or bad credentials, not
 * staff, no such order, bad arguments, a refused request. Business refusals are result types
 * (see *.errors.ts).
 *
 * An error a client may read is made here, by `publicError` (or one of the helpers below): it is a
 * PublicError, and formatError lets it through as it is. Anything else that reaches formatError
 * is masked as INTERNAL_SERVER_ERROR, whatever code it carries: an error is public because of how
 * it was made, not because its code is on a list.
 */
import { GraphQLError } from "graphql";
import { ThrownCode } from "./error-codes.js";

export { ThrownCode };

/** An error whose message and code a client may read. */
export class PublicError extends GraphQLError {
  constructor(code: ThrownCode, message: string, o: { status?: number; extensions?: Record<string, unknown> } = {}) {
    super(message, {
      extensions: { ...o.extensions, code, ...(o.status !== undefined && { http: { status: o.status } }) },
    });
  }
}

/** An error for the client: `code`, `message`, and the HTTP status the whole answer gets, if any. */
export function publicError(
  code: ThrownCode,
  message: string,
  o: { status?: number; extensions?: Record<string, unknown> } = {},
): PublicError {
  return new PublicError(code, message, o);
}

/** The PublicError an error is or wraps (a resolver's error as graphql-js or graphql-jit report it), if any. */
export function publicErrorIn(error: unknown): PublicError | undefined {
  const seen = new Set<unknown>();
  for (
    let e = error;
    e && typeof e === "object" && !seen.has(e);
    e = (e as { originalError?: unknown }).originalError
  ) {
    if (e instanceof PublicError) return e;
    seen.add(e);
  }
  return undefined;
}

export function unauthenticated(
  message = "Authentication required: send an API token as 'Authorization: Bearer <token>'.",
): PublicError {
  return publicError(ThrownCode.UNAUTHENTICATED, message, { status: 401 });
}

export function forbidden(message = "Only staff may do this."): PublicError {
  return publicError(ThrownCode.FORBIDDEN, message);
}

export function notFound(message = "No order matches the given query."): PublicError {
  return publicError(ThrownCode.NOT_FOUND, message);
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): PublicError {
  return publicError(ThrownCode.BAD_USER_INPUT, message, { extensions });
}

export const SERVICE_UNAVAILABLE_MESSAGE = "The database is not available; try again shortly.";

/** The database is not there. The answer stays 200 (README, "HTTP status codes"); /healthz says 503. */
export function serviceUnavailable(message = SERVICE_UNAVAILABLE_MESSAGE): PublicError {
  return publicError(ThrownCode.SERVICE_UNAVAILABLE, message, { status: 200 });
}

/**
 * A scalar's refusal of an input value. A plain Error, not a GraphQLError, so that graphql-js
 * reports it with the node or variable it came from; formatError (http/input-paths.ts) then names
 * it by the path the client wrote (`input.amount: …`) instead of by graphql-js's wording.
 */
export class InputValueError extends Error {
  readonly extensions = { code: ThrownCode.BAD_USER_INPUT };
  constructor(message: string) {
    super(message);
    this.name = "InputValueError";
  }
}
