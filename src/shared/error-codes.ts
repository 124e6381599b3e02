/**
 * Every code a client may read, each written once: a refusal's `errorCode` (members of the result
 * unions, shared/error-result.ts) and a thrown error's `extensions.code` (shared/errors.ts). README,
 * "HTTP status codes", says what each means over HTTP.
 */

/** A set of codes as an object whose keys are its values (`Codes.X === "X"`). */
function codeSet<const T extends string>(names: readonly T[]): { readonly [K in T]: K } {
  return Object.freeze(Object.fromEntries(names.map((n) => [n, n]))) as { readonly [K in T]: K };
}

/** The codes of refusals: `ErrorResult.errorCode`, the GraphQL enum `ErrorCode`. */
export const ErrorCode = codeSet([
  "INVALID_STATUS_TRANSITION_ERROR",
  "PAYMENT_METHOD_NOT_AVAILABLE_ERROR",
  "ORDER_NOT_PAYABLE_ERROR",
  "ORDER_ALREADY_PAID_ERROR",
  "PAYMENT_FAILED_ERROR",
  "ORDER_ALREADY_REFUNDED_ERROR",
  "INVALID_ORDER_INPUT_ERROR",
  "REFUND_AMOUNT_ERROR",
  "REFUND_FAILED_ERROR",
  "INVALID_INPUT_ERROR",
  // order edits
  "ORDER_NOT_EDITABLE_ERROR",
  "ORDER_CHANGED_ERROR",
  // Shipments and returns
  "ORDER_NOT_SHIPPABLE_ERROR",
  "QUANTITY_NOT_AVAILABLE_ERROR",
  "RETURN_WINDOW_CLOSED_ERROR",
  "INVALID_RETURN_TRANSITION_ERROR",
]);
export type ErrorCode = keyof typeof ErrorCode;

/**
 * The codes of thrown errors (`extensions.code`). `inBody`: an error about the document or its
 * variables, which a client that accepts `application/json` gets with status 200 (the GraphQL over
 * HTTP specification's advice), and one that accepts `application/graphql-response+json` with 400.
 */
const THROWN = {
  /** No or a bad API token where one was sent (401). */
  UNAUTHENTICATED: {},
  /** Not staff, or introspection refused. */
  FORBIDDEN: {},
  /** No such order, or one the caller may not see. */
  NOT_FOUND: {},
  /** A bad argument or variable value. */
  BAD_USER_INPUT: { inBody: true },
  GRAPHQL_PARSE_FAILED: { inBody: true },
  GRAPHQL_VALIDATION_FAILED: { inBody: true },
  /** No operation of that name in the document. */
  OPERATION_RESOLUTION_FAILURE: { inBody: true },
  /** A query limit exceeded (MAX_QUERY_*). */
  QUERY_TOO_COMPLEX: { inBody: true },
  /** The request itself is malformed (400). */
  BAD_REQUEST: {},
  PERSISTED_QUERY_NOT_FOUND: {},
  PERSISTED_QUERY_NOT_SUPPORTED: {},
  /** The Idempotency-Key was used for another request (422). */
  IDEMPOTENCY_KEY_REUSED: {},
  /** A request with this Idempotency-Key is still running (409). */
  IDEMPOTENCY_KEY_IN_USE: {},
  /** A subscription's reader fell too far behind (SUBSCRIPTION_QUEUE). */
  EVENTS_DROPPED: {},
  /** A WebSocket connection already has MAX_SUBSCRIPTIONS_PER_SOCKET subscriptions active. */
  TOO_MANY_SUBSCRIPTIONS: {},
  /** The client's operations running at once already cost MAX_CLIENT_COST_IN_FLIGHT (429, Retry-After). */
  TOO_MANY_REQUESTS: {},
  /** The database is not available. */
  SERVICE_UNAVAILABLE: {},
  /** Anything unexpected, masked (with a request id the log line carries too). */
  INTERNAL_SERVER_ERROR: {},
} as const satisfies Record<string, { inBody?: true }>;

export type ThrownCode = keyof typeof THROWN;
export const ThrownCode = codeSet(Object.keys(THROWN) as ThrownCode[]);

/** Whether errors with this code are answered in the body (see THROWN). */
export function answeredInBody(code: unknown): boolean {
  return typeof code === "string" && Object.hasOwn(THROWN, code) && "inBody" in THROWN[code as ThrownCode];
}
