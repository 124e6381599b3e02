/**
 * Configuration: read from the environment here and nowhere else, validated, with defaults.
 * A bad value stops the process with a message naming the variable.
 */

/** Where the database is: an embedded PostgreSQL's folder, or a PostgreSQL server's URL. */
export type DatabaseLocation =
  | { kind: "embedded"; dataDir: string }
  | {
      kind: "postgres";
      url: string;
      /** DATABASE_DIRECT_URL: a connection that keeps its session (LISTEN, migrations); default `url`. */
      directUrl?: string;
      /** DATABASE_REPLICA_URLS: read replicas of `url` for reads that tolerate lag. */
      replicaUrls?: string[];
    };

export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";
const LOG_LEVELS: LogLevel[] = ["silent", "error", "warn", "info", "debug"];

export interface Config {
  /** DATABASE_URL: unset or `file:<dir>` = embedded PostgreSQL in <dir> (default ./data/db); `postgresql://…` = a server. */
  database: DatabaseLocation;
  /** HOST (default 127.0.0.1). */
  host: string;
  /** PORT (default 4000; 0 picks a free port). */
  port: number;
  /** PUBLIC_URL: base of the URLs the server hands out (payment pages). Default http://HOST:PORT. */
  publicUrl: string | undefined;
  /** PAYMENT_METHODS: comma list of enabled payment method identifiers. */
  paymentMethods: string[];
  /** CURRENCY: ISO 4217 code of new orders (default USD). */
  currency: string;
  /** LOG_LEVEL (default info). */
  logLevel: LogLevel;
  /** DB_POOL_MAX: connections per server process to a PostgreSQL server (default 10). */
  dbPoolMax: number;
  /**
   * DATABASE_PREPARED_STATEMENTS: auto | on | off (default auto). Whether statements are named, so
   * that each connection of the pool parses and plans each once (db/database.ts: statementNames).
   * auto: on the embedded database (its one connection), and on a PostgreSQL server whose pool is
   * the direct connection (no other DATABASE_DIRECT_URL) while the event path check passes, which a
   * transaction pooler fails; on: also through a pooler that keeps prepared statements (PgBouncer
   * 1.21+ with max_prepared_statements).
   */
  preparedStatements: "auto" | "on" | "off";
  /** NODE_ENV === "production". */
  production: boolean;
  /** Request limits; each has its own variable (see README, "Limits"). */
  limits: Limits;
  /** INTROSPECTION: on | off | staff (default on; staff when NODE_ENV=production). */
  introspection: "on" | "off" | "staff";
  /** GRAPHIQL: on | off (default on; off when NODE_ENV=production). */
  graphiql: boolean;
  /** CORS_ORIGINS: origins allowed to call from a browser ("*" for any); none by default. Credentials are never allowed. */
  corsOrigins: string[];
  /** IDEMPOTENCY_TTL_SECONDS: how long an Idempotency-Key is remembered (default 86400). */
  idempotencyTtlSeconds: number;
  /** PAYMENT_TIMEOUT_MS: how long a payment method may take to pay or refund (default 10000). */
  paymentTimeoutMs: number;
  /** LOG_FORMAT: json (one JSON object a line) or pretty (for people); default pretty when stderr is a terminal. */
  logFormat: "json" | "pretty";
  /** METRICS=on: Prometheus metrics at GET /metrics (off by default). */
  metrics: boolean;
  /** METRICS_PORT: serve /metrics on this port of HOST instead of the API's (0 picks a free one). */
  metricsPort: number | undefined;
  /**
   * Traces are exported over OTLP: OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
   * is set, and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none says otherwise. The
   * OpenTelemetry SDK reads its own standard variables (sampler, headers, protocol, service name).
   */
  tracing: boolean;
  /** Webhook delivery settings (WEBHOOK_*). */
  webhooks: WebhookConfig;
  /** SUBSCRIPTION_QUEUE: events kept for a subscriber that reads too slowly before its subscription is ended (default 1000). */
  subscriptionQueue: number;
  /**
   * ORDER_CACHE_SIZE: how many orders' lines, payments, notes and refunds this server keeps parsed between
   * reads (orders/order.cache.ts; default 2500: about 4 KB of heap an order of the bench's shop, 3
   * lines, 2 notes and a payment every other order, so about 10 MB), and how many orders' first
   * history pages, staff's and everyone else's (history/event.cache.ts); 0 turns both off. Never
   * stale, whatever the size: each entry is checked against its order's row.
   */
  orderCacheSize: number;
  /** ORDER_RULES: a module with custom transition rules (orders/rules-loader.ts); none by default. */
  orderRules: string | undefined;
  /** SCHEMA_ENGINE_DEBUG: any value prints the migration engine's messages to stderr. */
  schemaEngineDebug: boolean;
  /** REPLICA_MAX_LAG_MS: a replica further behind the primary than this is not read from (default 5000). */
  replicaMaxLagMs: number;
  /** EVENT_CHECK_MS: how often the server sends itself an event to prove its event path (default 30000). */
  eventCheckMs: number;
  /** RETURN_WINDOW_DAYS: days after a line's shipment during which it may be returned (default 30). */
  returnWindowDays: number;
  /**
   * API_TOKEN_CACHE_SECONDS: how long a server keeps a live API token's lookup at most (default 30;
   * 0: no cache). Off with read replicas. What it guarantees: auth/token-cache.ts, README.
   */
  apiTokenCacheSeconds: number;
}

export interface WebhookConfig {
  /** WEBHOOK_TIMEOUT_MS: how long an endpoint has to answer a delivery (default 10000). */
  timeoutMs: number;
  /** WEBHOOK_RETRY_DELAYS: seconds before each retry of a failed delivery (default 5,300,1800,7200,18000,36000,36000). */
  retryDelaysSeconds: number[];
  /** WEBHOOK_DISABLE_AFTER_HOURS: an endpoint whose attempts all failed for this long is switched off (default 72). */
  disableAfterHours: number;
  /** WEBHOOK_ALLOW_PRIVATE=on: allow loopback, private and link-local addresses (development and tests). */
  allowPrivate: boolean;
  /** WEBHOOK_CONCURRENCY: endpoints one server delivers to at once (default 8). */
  concurrency: number;
}

export interface Limits {
  /** MAX_BODY_BYTES (default 1048576). */
  bodyBytes: number;
  /** MAX_QUERY_DEPTH: nesting of fields (default 12). */
  depth: number;
  /** MAX_QUERY_COST: fields weighted by the `first` of the lists they are in (default 5000). */
  cost: number;
  /** MAX_ALIASES (default 30). */
  aliases: number;
  /** MAX_ROOT_FIELDS (default 10). */
  rootFields: number;
  /** MAX_BATCH_SIZE: operations in one batched HTTP request (default 10). */
  batchSize: number;
  /** MAX_DIRECTIVES: directives in an operation, each fragment counted as often as it is spread (default 50). */
  directives: number;
  /** MAX_QUERY_TOKENS: lexical tokens in a document (default 10000). */
  tokens: number;
  /** MAX_JSON_DEPTH: nesting of a request's JSON (variables, object and list arguments) (default 64). */
  jsonDepth: number;
  /** MAX_WEBSOCKETS: WebSocket connections one server holds at once (default 1000). */
  webSockets: number;
  /** MAX_SUBSCRIPTIONS_PER_SOCKET: subscriptions active at once on one WebSocket connection (default 100). */
  subscriptionsPerSocket: number;
  /**
   * MAX_CLIENT_COST_IN_FLIGHT: the cost of the operations one client (a customer; an anonymous
   * caller's address) may have running at once over HTTP; staff are not held to it; 0: no bound
   * (default 5000).
   */
  clientCostInFlight: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_DATA_DIR = "./data/db";
export const DEFAULT_PAYMENT_METHODS = ["credit-card", "pay-in-advance"];

export function parseDatabaseUrl(value: string | undefined, defaultDir = DEFAULT_DATA_DIR): DatabaseLocation {
  const v = value?.trim();
  if (!v) return { kind: "embedded", dataDir: defaultDir };
  if (v.startsWith("file:")) {
    const dir = v.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (!dir) throw new ConfigError(`DATABASE_URL "${v}" names no directory: use file:<dir>, e.g. file:./data/db`);
    return { kind: "embedded", dataDir: dir };
  }
  if (/^postgres(ql)?:\/\//.test(v)) {
    try {
      new URL(v);
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid URL`);
    }
    return { kind: "postgres", url: v };
  }
  throw new ConfigError(`DATABASE_URL must be unset, file:<dir> (embedded) or postgresql://… (a PostgreSQL server)`);
}

const isPostgresUrl = (v: string) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v);

/**
 * DATABASE_URL with DATABASE_DIRECT_URL (the same database without a pooler in between) and
 * DATABASE_REPLICA_URLS (comma-separated read replicas); both only with a PostgreSQL server.
 */
export function parseDatabaseEnv(env: NodeJS.ProcessEnv, defaultDir = DEFAULT_DATA_DIR): DatabaseLocation {
  const location = parseDatabaseUrl(env.DATABASE_URL, defaultDir);
  const direct = env.DATABASE_DIRECT_URL?.trim();
  const replicas = (env.DATABASE_REPLICA_URLS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (location.kind === "embedded") {
    if (direct) throw new ConfigError(`DATABASE_DIRECT_URL needs DATABASE_URL to name a PostgreSQL server`);
    if (replicas.length) throw new ConfigError(`DATABASE_REPLICA_URLS needs DATABASE_URL to name a PostgreSQL server`);
    return location;
  }
  if (direct && !isPostgresUrl(direct))
    throw new ConfigError(`DATABASE_DIRECT_URL must be a postgresql://… URL (the database without a pooler)`);
  for (const r of replicas) {
    if (!isPostgresUrl(r))
      throw new ConfigError(
        `DATABASE_REPLICA_URLS must be a comma list of postgresql://… URLs, got an entry that is not one`,
      );
  }
  return { ...location, directUrl: direct || undefined, replicaUrls: replicas.length ? replicas : undefined };
}

function parsePort(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined || v.trim() === "") return dflt;
  if (!/^\d+$/.test(v.trim()) || Number(v) > 65535)
    throw new ConfigError(`${name} must be a port number (0-65535), got "${v}"`);
  return Number(v);
}

/** Whether the OTLP trace exporter is configured by the standard OpenTelemetry variables. */
export function tracingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== "true" && exporter !== "none";
}

function logFormat(v: string | undefined, terminal: boolean): Config["logFormat"] {
  const f = v?.trim().toLowerCase();
  if (!f) return terminal ? "pretty" : "json";
  if (f !== "json" && f !== "pretty") throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${v}"`);
  return f;
}

/**
 * The configuration from the environment. `defaults.terminal`: stderr is a terminal (or the demo
 * runs), so logs are written for people unless LOG_FORMAT says otherwise.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { dataDir?: string; terminal?: boolean } = {},
): Config {
  const host = env.HOST?.trim() || "127.0.0.1";
  const port = parsePort(env.PORT, "PORT", 4000);

  let publicUrl: string | undefined;
  if (env.PUBLIC_URL?.trim()) {
    let u: URL;
    try {
      u = new URL(env.PUBLIC_URL.trim());
    } catch {
      throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got "${env.PUBLIC_URL}"`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new ConfigError(`PUBLIC_URL must be http or https`);
    publicUrl = u.toString().replace(/\/+$/, "");
  }

  const paymentMethods = (env.PAYMENT_METHODS ?? DEFAULT_PAYMENT_METHODS.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (new Set(paymentMethods).size !== paymentMethods.length)
    throw new ConfigError(`PAYMENT_METHODS lists a method twice`);

  const currency = (env.CURRENCY ?? "USD").trim();
  if (!/^[A-Z]{3}$/.test(currency))
    throw new ConfigError(`CURRENCY must be an ISO 4217 code such as USD or EUR, got "${currency}"`);

  const logLevel = (env.LOG_LEVEL ?? "info").trim().toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${env.LOG_LEVEL}"`);

  const dbPoolMax = env.DB_POOL_MAX?.trim() ? Number(env.DB_POOL_MAX) : 10;
  if (!Number.isInteger(dbPoolMax) || dbPoolMax < 1 || dbPoolMax > 1000)
    throw new ConfigError(`DB_POOL_MAX must be an integer from 1 to 1000`);

  const preparedStatements = (env.DATABASE_PREPARED_STATEMENTS?.trim().toLowerCase() ||
    "auto") as Config["preparedStatements"];
  if (!["auto", "on", "off"].includes(preparedStatements))
    throw new ConfigError(
      `DATABASE_PREPARED_STATEMENTS must be auto, on or off, got "${env.DATABASE_PREPARED_STATEMENTS}"`,
    );

  const int = (name: string, dflt: number, min: number, max: number): number => {
    const v = env[name]?.trim();
    if (!v) return dflt;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max)
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
    return n;
  };
  const production = env.NODE_ENV === "production";
  const positive = (name: string, dflt: number): number => {
    const v = env[name]?.trim();
    if (!v) return dflt;
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw new ConfigError(`${name} must be a positive number, got "${v}"`);
    return n;
  };
  const onOff = (name: string, dflt: boolean): boolean => {
    const v = env[name]?.trim().toLowerCase();
    if (!v) return dflt;
    if (v !== "on" && v !== "off") throw new ConfigError(`${name} must be on or off, got "${env[name]}"`);
    return v === "on";
  };
  const introspection = (env.INTROSPECTION?.trim().toLowerCase() ||
    (production ? "staff" : "on")) as Config["introspection"];
  if (!["on", "off", "staff"].includes(introspection))
    throw new ConfigError(`INTROSPECTION must be on, off or staff, got "${env.INTROSPECTION}"`);
  const graphiql = onOff("GRAPHIQL", !production);
  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  for (const o of corsOrigins) {
    if (o !== "*" && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError(`CORS_ORIGINS must list origins like https://shop.example.com (or *), got "${o}"`);
  }

  return {
    limits: {
      bodyBytes: int("MAX_BODY_BYTES", 1_048_576, 1024, 100_000_000),
      depth: int("MAX_QUERY_DEPTH", 12, 2, 100),
      cost: int("MAX_QUERY_COST", 5000, 10, 10_000_000),
      aliases: int("MAX_ALIASES", 30, 0, 10_000),
      rootFields: int("MAX_ROOT_FIELDS", 10, 1, 1000),
      batchSize: int("MAX_BATCH_SIZE", 10, 1, 1000),
      directives: int("MAX_DIRECTIVES", 50, 0, 10_000),
      tokens: int("MAX_QUERY_TOKENS", 10_000, 100, 1_000_000),
      jsonDepth: int("MAX_JSON_DEPTH", 64, 2, 1000),
      webSockets: int("MAX_WEBSOCKETS", 1000, 1, 1_000_000),
      subscriptionsPerSocket: int("MAX_SUBSCRIPTIONS_PER_SOCKET", 100, 1, 100_000),
      clientCostInFlight: int("MAX_CLIENT_COST_IN_FLIGHT", 5000, 0, 10_000_000),
    },
    introspection,
    graphiql,
    corsOrigins,
    idempotencyTtlSeconds: int("IDEMPOTENCY_TTL_SECONDS", 86_400, 1, 31_536_000),
    paymentTimeoutMs: int("PAYMENT_TIMEOUT_MS", 10_000, 10, 600_000),
    logFormat: logFormat(env.LOG_FORMAT, defaults.terminal ?? false),
    metrics: onOff("METRICS", false),
    metricsPort: env.METRICS_PORT?.trim() ? parsePort(env.METRICS_PORT, "METRICS_PORT", 0) : undefined,
    tracing: tracingOn(env),
    webhooks: {
      timeoutMs: int("WEBHOOK_TIMEOUT_MS", 10_000, 10, 600_000),
      retryDelaysSeconds: retryDelays(env.WEBHOOK_RETRY_DELAYS),
      disableAfterHours: positive("WEBHOOK_DISABLE_AFTER_HOURS", 72),
      allowPrivate: onOff("WEBHOOK_ALLOW_PRIVATE", false),
      concurrency: int("WEBHOOK_CONCURRENCY", 8, 1, 1000),
    },
    subscriptionQueue: int("SUBSCRIPTION_QUEUE", 1000, 1, 1_000_000),
    orderCacheSize: int("ORDER_CACHE_SIZE", 2500, 0, 10_000_000),
    orderRules: env.ORDER_RULES?.trim() || undefined,
    schemaEngineDebug: Boolean(env.SCHEMA_ENGINE_DEBUG?.trim()),
    database: parseDatabaseEnv(env, defaults.dataDir),
    replicaMaxLagMs: int("REPLICA_MAX_LAG_MS", 5000, 100, 3_600_000),
    eventCheckMs: int("EVENT_CHECK_MS", 30_000, 100, 3_600_000),
    returnWindowDays: int("RETURN_WINDOW_DAYS", 30, 0, 3650),
    apiTokenCacheSeconds: int("API_TOKEN_CACHE_SECONDS", 30, 0, 86_400),
    host,
    port,
    publicUrl,
    paymentMethods,
    currency,
    logLevel,
    dbPoolMax,
    preparedStatements,
    production,
  };
}

export const DEFAULT_RETRY_DELAYS = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** WEBHOOK_RETRY_DELAYS: seconds (decimals allowed), comma separated; "" for no retries. */
function retryDelays(v: string | undefined): number[] {
  if (v === undefined) return DEFAULT_RETRY_DELAYS;
  if (v.trim() === "") return [];
  return v.split(",").map((part) => {
    const s = part.trim();
    if (!/^\d+(\.\d+)?$/.test(s) || Number(s) > 604_800) {
      throw new ConfigError(`WEBHOOK_RETRY_DELAYS must be a comma list of seconds (each at most 604800), got "${v}"`);
    }
    return Number(s);
  });
}
