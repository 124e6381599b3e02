/**
 * createServer(config): the whole server as a value. main.ts and the tests both start it through
 * here. It opens the database, applies pending migrations, starts the services, Apollo, the HTTP
 * app and WebSocket subscriptions, then listens; close() undoes that in reverse. A start that fails
 * half-way closes what it had opened.
 */
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { serveAdminSocket } from "./admin/admin-socket.js";
import { ApiTokenCache } from "./auth/token-cache.js";
import type { Config } from "./config.js";
import { RequestContext, type Context } from "./context.js";
import { createPrisma, describeLocation, openDatabase, type Database, type StatementRoute } from "./db/database.js";
import { migrateDeploy } from "./db/schema-engine.js";
import { Replicas } from "./db/replicas.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { startApollo } from "./http/apollo.js";
import { createApp } from "./http/app.js";
import { authenticator, orderTokenHeader } from "./http/authenticate.js";
import { formatError } from "./http/format-error.js";
import { graphqlHandler } from "./http/graphql-handler.js";
import { currentRequest } from "./http/request-info.js";
import { serveSubscriptions } from "./http/subscriptions.js";
import type { OrderService } from "./orders/order.service.js";
import { DEFAULT_RULES, type OrderRules } from "./orders/status.js";
import type { PaymentMethod } from "./payments/payment-method.js";
import type { PaymentService } from "./payments/payment.service.js";
import type { RefundService } from "./payments/refund.service.js";
import type { PaymentRegistry } from "./payments/registry.js";
import { createSchema } from "./schema.js";
import { createServices } from "./services.js";
import { createLogger, type Logger } from "./shared/log.js";
import type { EventBus } from "./subscriptions/event-bus.js";
import type { Metrics } from "./telemetry/metrics.js";
import type { Tracing } from "./telemetry/tracing.js";
import { deliveryQueue } from "./webhooks/webhook.repository.js";
import type { WebhookDispatcher } from "./webhooks/webhook.dispatcher.js";
import type { WebhookService } from "./webhooks/webhook.service.js";
// order edits
import type { EditService } from "./edits/edit.service.js";
import type { ShipmentService } from "./shipments/shipment.service.js";
import type { ReturnService } from "./returns/return.service.js";

export interface ServerOptions {
  /** An open database to use (and not close); by default the server opens config.database. */
  db?: Database;
  /** Transition rules; default: the REST ancestor's table. */
  rules?: OrderRules;
  /** Payment methods beyond the built-in ones (enabled when PAYMENT_METHODS lists them). */
  paymentMethods?: PaymentMethod[];
  /** Called with each SQL statement sent to the database and the connection it went on (tests count them). */
  onQuery?: (sql: string, route: StatementRoute) => void;
  /** Headers GraphiQL starts with (the demo puts a staff token there; nothing else should). */
  graphiqlHeaders?: () => Record<string, string> | undefined;
  /** The command GraphiQL's first page suggests for getting a token. */
  tokenCommand?: string;
  /** Runs once everything is ready but before the server takes requests (the demo makes its data here). */
  prepare?: (server: {
    prisma: PrismaClient;
    orders: OrderService;
    payments: PaymentService;
    refunds: RefundService;
    edits: EditService;
    shipments: ShipmentService;
    returns: ReturnService;
  }) => Promise<void>;
  logger?: Logger;
  /** Tracing, when it is on (telemetry/boot.ts): operation spans, events' trace contexts. */
  tracing?: Tracing;
}

export interface RunningServer {
  url: string;
  prisma: PrismaClient;
  db: Database;
  orders: OrderService;
  payments: PaymentService;
  refunds: RefundService;
  registry: PaymentRegistry;
  webhooks: WebhookService;
  /** Order edits. */
  edits: EditService;
  shipments: ShipmentService;
  returns: ReturnService;
  /** Order events as they are committed, to this server's subscribers. */
  events: EventBus;
  /** This server's share of the webhook deliveries. */
  dispatcher: WebhookDispatcher;
  /** The read replicas this server reads from (DATABASE_REPLICA_URLS). */
  replicas: Replicas;
  /** Its API token lookups (API_TOKEN_CACHE_SECONDS), unless off. */
  apiTokens?: ApiTokenCache;
  /** Where Prometheus scrapes this server (METRICS=on): `${url}/metrics`, or the METRICS_PORT listener's. */
  metricsUrl?: string;
  /** Stops taking requests, lets those in flight finish, then closes the database (if it opened it). */
  close(): Promise<void>;
}

/** What has been opened, closed in reverse; every step is tried, and the first failure reported. */
class Opened {
  private readonly steps: (() => Promise<void> | void)[] = [];
  add(close: () => Promise<void> | void): void {
    this.steps.push(close);
  }
  async close(): Promise<void> {
    let failure: unknown;
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure;
  }
}

export async function createServer(config: Config, opts: ServerOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger(config.logLevel, { format: config.logFormat });
  const opened = new Opened();
  try {
    const db = opts.db ?? (await openDatabase(config.database, { poolMax: config.dbPoolMax }));
    if (!opts.db) opened.add(() => db.close());
    const applied = await migrateDeploy(db, undefined, { debug: config.schemaEngineDebug });
    if (applied.length) log.info("migrations applied", { migrations: applied });

    if (opts.onQuery) opened.add(db.observe(opts.onQuery));
    // Each statement is counted to the request that sent it (its log line and metrics).
    opened.add(
      db.observe(() => {
        const request = currentRequest();
        if (request) request.statements++;
      }),
    );
    // Named (prepared) statements need each pool connection to be one session: on (auto) on the
    // embedded database, whose one connection is the process's for its whole life, and on a
    // PostgreSQL server when the pool is the direct connection and the event path check passes — a
    // transaction pooler fails it (a LISTEN through it hears nothing) — so that a pooler without
    // DATABASE_DIRECT_URL still works.
    let eventPathOk = () => false;
    const direct = db.kind === "postgres" && db.url === db.directUrl;
    const prisma = createPrisma(db, {
      preparedStatements:
        config.preparedStatements === "on" || (config.preparedStatements === "auto" && db.kind === "embedded")
          ? () => true
          : config.preparedStatements === "auto" && direct
            ? () => eventPathOk()
            : undefined,
    });
    let subscriptionsOpen: { connections: number } = { connections: 0 };
    let subscriberCount = () => 0;
    // prom-client is loaded only when metrics are on (it loads OpenTelemetry's API for its exemplars).
    const metrics: Metrics | undefined = config.metrics
      ? new (await import("./telemetry/metrics.js")).Metrics({
          subscriptions: () => subscriberCount(),
          connections: () => subscriptionsOpen.connections,
          webhookQueue: async () => {
            const now = new Date();
            const q = await deliveryQueue(prisma, now);
            const oldestDueSeconds = q.oldestDue ? Math.max(0, (now.getTime() - q.oldestDue.getTime()) / 1000) : 0;
            return { pending: q.pending, due: q.due, oldestDueSeconds };
          },
        })
      : undefined;
    opened.add(() => prisma.$disconnect());
    const replicas = new Replicas(db, {
      maxLagMs: config.replicaMaxLagMs,
      log,
      describe: (url) => describeLocation({ kind: "postgres", url }),
    });
    opened.add(() => replicas.stop());
    await replicas.start();

    let publicUrl = config.publicUrl ?? "";
    const url = (p: string) => `${publicUrl}${p}`;
    const services = createServices({
      config,
      db,
      prisma,
      log,
      rules: opts.rules ?? DEFAULT_RULES,
      paymentMethods: opts.paymentMethods,
      url,
      onDeliveryAttempt: metrics && ((ok, seconds) => metrics.deliveryAttempt(ok, seconds)),
      tracing: opts.tracing,
    });
    subscriberCount = () => services.events.subscriberCount;
    eventPathOk = () => {
      const path = services.events.eventPath;
      return path.status === "ok" && path.checkedAt !== null;
    };
    opened.add(() => services.stop());
    await services.start();

    const httpServer = http.createServer();
    const apollo = await startApollo({
      config,
      schema: createSchema(),
      prisma,
      httpServer,
      log,
      replicas,
      tracing: opts.tracing,
    });
    opened.add(() => apollo.stop()); // drains the HTTP server

    // Not with read replicas: their routing reads the user's lastWriteAt with each token lookup.
    const apiTokens =
      config.apiTokenCacheSeconds > 0 && replicas.count === 0
        ? new ApiTokenCache({
            db,
            ttlSeconds: config.apiTokenCacheSeconds,
            eventPathOk: () => eventPathOk(),
            onError: (e) => log.warn("API token listener", { error: e instanceof Error ? e.message : String(e) }),
          })
        : undefined;
    if (apiTokens) {
      opened.add(() => apiTokens.stop());
      await apiTokens.start();
    }
    const viewerOf = authenticator(prisma, apiTokens);
    const contextFor = (viewer: Context["viewer"], orderToken: string | null = null): Context =>
      new RequestContext(services, viewer, undefined, orderToken);
    const subscriptions = serveSubscriptions(httpServer, {
      path: "/graphql",
      schema: createSchema(),
      config,
      log,
      viewerOf,
      contextFor,
      formatError: (e, operation) => {
        const answered = formatError(e.toJSON(), e, { log, request: { requestId: randomUUID(), operation } });
        metrics?.error(String(answered.extensions?.code ?? "UNKNOWN"));
        return answered;
      },
    });
    subscriptionsOpen = subscriptions;
    opened.add(() => subscriptions.close());
    httpServer.on(
      "request",
      createApp({
        config,
        log,
        graphql: graphqlHandler(
          apollo,
          async (req) =>
            contextFor(await viewerOf(req.headers.authorization), orderTokenHeader(req.headers["order-token"])),
          (info, status, seconds) => {
            const operation = info.operations > 1 ? "(batch)" : info.operation;
            const type = info.operations > 1 ? "batch" : (info.type ?? null);
            log.info("request", {
              requestId: info.requestId,
              operation,
              type,
              status,
              ms: Math.round(seconds * 10_000) / 10,
              statements: info.statements,
              ...(info.errorCodes.length ? { errors: info.errorCodes } : {}),
            });
            metrics?.request({
              operation,
              type,
              status,
              seconds,
              statements: info.statements,
              errorCodes: info.errorCodes,
            });
          },
        ),
        ping: async () => void (await prisma.$queryRaw`SELECT 1`), // raw SQL: a ping, which Prisma has no API for
        eventPath: () => services.events.eventPath,
        replicas: replicas.count ? () => replicas.states() : undefined,
        registry: services.registry,
        payments: services.payments,
        url,
        metrics: metrics && config.metricsPort === undefined ? () => metrics.scrape() : undefined,
        graphiqlHeaders: opts.graphiqlHeaders,
        tokenCommand: opts.tokenCommand,
      }),
    );

    await opts.prepare?.({
      prisma,
      orders: services.orders,
      payments: services.payments,
      refunds: services.refunds,
      edits: services.edits,
      shipments: services.shipments,
      returns: services.returns,
    });
    if (db.dataDir) {
      const admin = await serveAdminSocket(db.dataDir, prisma, log, apiTokens).catch((e) => {
        log.warn("the CLI cannot reach this server (admin socket)", {
          error: e instanceof Error ? e.message : String(e),
        });
        return null;
      });
      if (admin) opened.add(() => admin.close());
    }
    let metricsUrl: string | undefined;
    if (metrics && config.metricsPort !== undefined) {
      const metricsServer = http.createServer(metricsOnly(() => metrics.scrape()));
      metricsUrl = `${await listen(metricsServer, { ...config, port: config.metricsPort })}/metrics`;
      opened.add(() => new Promise<void>((resolve) => metricsServer.close(() => resolve())));
    }
    const baseUrl = await listen(httpServer, config);
    publicUrl ||= baseUrl;
    if (metrics) metricsUrl ??= `${baseUrl}/metrics`;

    let closing: Promise<void> | undefined;
    return {
      url: baseUrl,
      prisma,
      db,
      orders: services.orders,
      payments: services.payments,
      refunds: services.refunds,
      registry: services.registry,
      webhooks: services.webhooks,
      edits: services.edits,
      shipments: services.shipments,
      returns: services.returns,
      events: services.events,
      dispatcher: services.dispatcher,
      replicas,
      apiTokens,
      metricsUrl,
      close: () => (closing ??= opened.close()),
    };
  } catch (e) {
    await opened.close().catch(() => {});
    throw e;
  }
}

/** A listener of its own for GET /metrics (METRICS_PORT), which answers nothing else. */
function metricsOnly(scrape: () => Promise<{ contentType: string; body: string }>): http.RequestListener {
  return (req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found: metrics are at /metrics\n");
      return;
    }
    scrape().then(
      ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics could not be read\n"),
    );
  };
}

/** Listens on HOST:PORT; the base URL clients reach it at. */
async function listen(httpServer: http.Server, config: Pick<Config, "host" | "port">): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host =
    config.host === "0.0.0.0" || config.host === "::"
      ? "localhost"
      : config.host.includes(":")
        ? `[${config.host}]`
        : config.host;
  return `http://${host}:${address.port}`;
}
