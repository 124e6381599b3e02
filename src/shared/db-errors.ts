/** Recognises "the database is not there" among the errors a query can end with. */
const CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
  "P1001",
  "P1002",
  "P1017",
  "P2024",
]);
const MESSAGES =
  /ECONNREFUSED|ECONNRESET|Connection terminated|connection timeout|terminating connection|Can't reach database|server closed the connection|the database system is (starting up|shutting down)|Unable to start a transaction in the given time|Timed out fetching a new connection|Client has encountered a connection error|timeout exceeded when trying to connect/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (e && typeof e === "object" && !seen.has(e)) {
    seen.add(e);
    const o = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
      originalMessage?: unknown;
    };
    if (typeof o.code === "string" && CODES.has(o.code)) return true;
    if (typeof o.originalCode === "string" && CODES.has(o.originalCode)) return true;
    if (typeof o.message === "string" && MESSAGES.test(o.message)) return true;
    if (typeof o.originalMessage === "string" && MESSAGES.test(o.originalMessage)) return true;
    e = o.cause;
  }
  return false;
}
