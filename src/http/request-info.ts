/**
 * What is known of the GraphQL request being handled, kept for the length of its handling
 * (AsyncLocalStorage): its id, which a masked error carries (format-error.ts); its operation; the
 * SQL statements it sent and the error codes it answered. The request's log line and metrics are
 * made from it when the answer has gone (graphql-handler.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export interface RequestInfo {
  requestId: string;
  /** The operation's name (null: anonymous); undefined until the document is read. */
  operation?: string | null;
  /** query or mutation, once the operation is known. */
  type?: string | null;
  /** Operations in the request (more than one in a batch). */
  operations: number;
  /** SQL statements sent for it so far. */
  statements: number;
  /** The `extensions.code` of each error answered. */
  errorCodes: string[];
  /** The address the request came from (the TCP peer: a proxy's, behind one). */
  remoteAddress?: string;
}

const current = new AsyncLocalStorage<RequestInfo>();

/** Runs an HTTP request's handling with an id of its own and a fresh account of what it did. */
export function withRequestInfo<T>(fn: (info: RequestInfo) => T, remoteAddress?: string): T {
  const info: RequestInfo = { requestId: randomUUID(), operations: 0, statements: 0, errorCodes: [], remoteAddress };
  return current.run(info, () => fn(info));
}

/** The request being handled, if any (none for the server's own background work). */
export function currentRequest(): RequestInfo | undefined {
  return current.getStore();
}

/** Notes the running request's operation (for its log line, its metrics, an unexpected error's log). */
export function noteOperation(name: string | null | undefined, type: string | null | undefined): void {
  const info = current.getStore();
  if (!info) return;
  info.operations++;
  info.operation = name ?? null;
  info.type = type ?? null;
}
