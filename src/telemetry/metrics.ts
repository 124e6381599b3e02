/**
 * Prometheus metrics (prom-client), served at GET /metrics when METRICS=on. Names follow the
 * OpenTelemetry semantic conventions as Prometheus spells them (dots as underscores, the unit as a
 * suffix, `_total` on counters): `graphql.operation.name` becomes the label `graphql_operation_name`.
 * One registry per server, so that servers in one process (tests) keep their counts apart.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What one GraphQL request over HTTP came to. */
export interface RequestOutcome {
  /**
   * The operation's name; null for an anonymous one, undefined when the request was refused before
   * its document was read (a bad token, a malformed request), "(batch)" for a batched request.
   */
  operation: string | null | undefined;
  /** query, mutation; null when the document did not get as far as naming one. */
  type: string | null;
  /** The HTTP status answered. */
  status: number;
  seconds: number;
  /** SQL statements sent while it ran. */
  statements: number;
  /** The `extensions.code` of each error in the answer. */
  errorCodes: string[];
}

/** The webhook queue, read from the database (so the same on every server of a deployment). */
export interface WebhookQueue {
  /** Deliveries waiting for an attempt, due now or later (retries). */
  pending: number;
  /** Of those, the ones due now. */
  due: number;
  /** How long the oldest due delivery has been due, in seconds (0 when none is). */
  oldestDueSeconds: number;
}

export interface MetricSources {
  /** Subscriptions running on this server. */
  subscriptions(): number;
  /** WebSocket connections open to this server. */
  connections(): number;
  webhookQueue(): Promise<WebhookQueue>;
}

/** Distinct operation names kept as label values; later ones are counted as "(other)". */
const MAX_OPERATION_NAMES = 200;
const ANONYMOUS = "(anonymous)";
const UNKNOWN = "(unknown)";
const OTHER = "(other)";

/** Seconds: 5 ms to 10 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STATEMENT_BUCKETS = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100];

export class Metrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();
  private readonly duration: Histogram<"graphql_operation_name" | "graphql_operation_type" | "outcome">;
  private readonly statements: Histogram<"graphql_operation_name" | "graphql_operation_type">;
  private readonly errors: Counter<"error_code">;
  private readonly attempts: Counter<"outcome">;
  private readonly attemptDuration: Histogram<"outcome">;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: "graphql_server_operation_duration_seconds",
      help: "GraphQL queries and mutations over HTTP, from the request to the answer, by operation and outcome (success: no error in the answer).",
      labelNames: ["graphql_operation_name", "graphql_operation_type", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.statements = new Histogram({
      name: "graphql_server_operation_sql_statements",
      help: "SQL statements one GraphQL request sent to the database, by operation.",
      labelNames: ["graphql_operation_name", "graphql_operation_type"],
      buckets: STATEMENT_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: "graphql_server_errors_total",
      help: "Errors in GraphQL answers over HTTP and WebSocket, by extensions.code.",
      labelNames: ["error_code"],
      registers,
    });
    this.attempts = new Counter({
      name: "webhook_delivery_attempts_total",
      help: "Webhook delivery attempts this server made, by outcome (success: a 2xx in time; failure: anything else).",
      labelNames: ["outcome"],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: "webhook_delivery_attempt_duration_seconds",
      help: "How long webhook endpoints took to answer this server's attempts.",
      labelNames: ["outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    // The queue is read once per scrape, from the database: every server of a deployment reports the
    // same values (aggregate with max, not sum).
    // A database that does not answer makes them NaN (unknown) rather than fail the whole scrape:
    // the other metrics matter most then.
    let queue: Promise<WebhookQueue> | null = null;
    const unknown: WebhookQueue = { pending: NaN, due: NaN, oldestDueSeconds: NaN };
    const readQueue = () =>
      (queue ??= sources
        .webhookQueue()
        .catch(() => unknown)
        .finally(() => setImmediate(() => (queue = null))));
    new Gauge({
      name: "webhook_deliveries_pending",
      help: "Webhook deliveries waiting for an attempt, due now or later (deployment-wide, read from the database).",
      registers,
      async collect() {
        this.set((await readQueue()).pending);
      },
    });
    new Gauge({
      name: "webhook_deliveries_due",
      help: "Webhook deliveries due now and not yet attempted (deployment-wide).",
      registers,
      async collect() {
        this.set((await readQueue()).due);
      },
    });
    new Gauge({
      name: "webhook_oldest_due_delivery_age_seconds",
      help: "How long the oldest due webhook delivery has waited since it became due (deployment-wide; 0 when none is due).",
      registers,
      async collect() {
        this.set((await readQueue()).oldestDueSeconds);
      },
    });
    new Gauge({
      name: "graphql_subscriptions_active",
      help: "GraphQL subscriptions running on this server.",
      registers,
      collect() {
        this.set(sources.subscriptions());
      },
    });
    new Gauge({
      name: "graphql_websocket_connections_active",
      help: "WebSocket (graphql-transport-ws) connections open to this server.",
      registers,
      collect() {
        this.set(sources.connections());
      },
    });
  }

  /** Counts one GraphQL request over HTTP. */
  request(o: RequestOutcome): void {
    const graphql_operation_name = this.label(o.operation);
    const graphql_operation_type = o.type ?? "unknown";
    const outcome = o.errorCodes.length === 0 && o.status < 400 ? "success" : "error";
    this.duration.observe({ graphql_operation_name, graphql_operation_type, outcome }, o.seconds);
    this.statements.observe({ graphql_operation_name, graphql_operation_type }, o.statements);
    for (const code of o.errorCodes) this.errors.inc({ error_code: code });
  }

  /** Counts errors answered outside an HTTP request (subscriptions). */
  error(code: string): void {
    this.errors.inc({ error_code: code });
  }

  /** Counts one webhook delivery attempt. */
  deliveryAttempt(ok: boolean, seconds: number): void {
    const outcome = ok ? "success" : "failure";
    this.attempts.inc({ outcome });
    this.attemptDuration.observe({ outcome }, seconds);
  }

  /** The exposition text, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Operation names as label values, a bounded set of them (clients choose the names). */
  private label(name: string | null | undefined): string {
    if (name === undefined) return UNKNOWN;
    if (name === null) return ANONYMOUS;
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return OTHER;
    this.names.add(name);
    return name;
  }
}
