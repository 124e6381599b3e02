/**
 * What the server asks of tracing. Nothing here loads OpenTelemetry: with tracing off (no
 * OTLP endpoint configured) there is no Tracing at all and the server runs none of this; with it on,
 * telemetry/otel.ts provides it (telemetry/boot.ts starts it before anything else is loaded, so that
 * the HTTP, Express, GraphQL and Prisma instrumentations can patch their modules).
 */

/** A GraphQL operation as its span names it. */
export interface TracedOperation {
  type: string;
  name: string | null | undefined;
  /** The document's text (graphql.source). */
  source: string | undefined;
}

export interface Tracing {
  /**
   * Runs a GraphQL operation's execution in a span of its own (`query MyOrders`), for the executor
   * that graphql-js's instrumentation does not see (graphql-jit).
   */
  operation<T>(op: TracedOperation, run: () => Promise<T>): Promise<T>;
  /** The trace context the caller runs in, as a W3C traceparent; undefined outside a recorded span. */
  traceparent(): string | undefined;
  /**
   * Runs `fn` in a new trace's root span named `name`, linked to the span of `traceparent` (the
   * event's change): work done later, for that change, on its own schedule.
   */
  linked<T>(name: string, traceparent: string | null, attributes: Record<string, string | number>, fn: () => T): T;
  /** The id of the trace being recorded, if any (logs carry it). */
  traceId(): string | undefined;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}
