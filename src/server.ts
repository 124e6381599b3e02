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
  const log = opts.logger ?? createLogger(config.logLevel);
  const opened = new Opened();
  try {
    const db = opts.db ?? (await openDatabase(config.database, { poolMax: config.dbPoolMax }));
    if (!opts.db) opened.add(() => db.close());
    const applied = await migrateDeploy(db, undefined, { debug: config.schemaEngineDebug });
    if (applied.length) log.info("migrations applied", { migrations: applied });

    const statements = { requests: 0, statements: 0 };
    if (opts.onQuery) opened.add(db.observe(opts.onQuery));
    if (config.exposeStats) opened.add(db.observe(() => statements.statements++));
    const prisma = createPrisma(db);
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
    });
    opened.add(() => services.stop());
    await services.start();

    const httpServer = http.createServer();
    const apollo = await startApollo({ config, schema: createSchema(), prisma, httpServer, log, replicas });
    opened.add(() => apollo.stop()); // drains the HTTP server

    const viewerOf = authenticator(prisma);
    const contextFor = (viewer: Context["viewer"], orderToken: string | null = null): Context =>
      new RequestContext(services, viewer, undefined, orderToken);
    const subscriptions = serveSubscriptions(httpServer, {
      path: "/graphql",
      schema: createSchema(),
      config,
      viewerOf,
      contextFor,
      formatError: (e, operation) =>
        formatError(e.toJSON(), e, { log, request: { requestId: randomUUID(), operation } }),
    });
    opened.add(() => subscriptions.close());
    httpServer.on(
      "request",
      createApp({
        config,
        log,
        graphql: graphqlHandler(apollo, async (req) => {
          if (config.exposeStats) statements.requests++;
          return contextFor(await viewerOf(req.headers.authorization), orderTokenHeader(req.headers["order-token"]));
        }),
        ping: async () => void (await prisma.$queryRaw`SELECT 1`), // raw SQL: a ping, which Prisma has no API for
        eventPath: () => services.events.eventPath,
        replicas: replicas.count ? () => replicas.states() : undefined,
        registry: services.registry,
        payments: services.payments,
        url,
        stats: config.exposeStats
          ? () => ({
              ...statements,
              subscribers: services.events.subscriberCount,
              connections: subscriptions.connections,
              webhookAttempts: services.dispatcher.attempted,
              rssBytes: process.memoryUsage.rss(),
              memory: process.memoryUsage(),
            })
          : undefined,
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
      const admin = await serveAdminSocket(db.dataDir, prisma, log).catch((e) => {
        log.warn("the CLI cannot reach this server (admin socket)", {
          error: e instanceof Error ? e.message : String(e),
        });
        return null;
      });
      if (admin) opened.add(() => admin.close());
    }
    const baseUrl = await listen(httpServer, config);
    publicUrl ||= baseUrl;

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
      close: () => (closing ??= opened.close()),
    };
  } catch (e) {
    await opened.close().catch(() => {});
    throw e;
  }
}

/** Listens on HOST:PORT; the base URL clients reach it at. */
async function listen(httpServer: http.Server, config: Config): Promise<string> {
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
