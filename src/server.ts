/**
 * createServer(config): the whole server as a value (database, migrations, HTTP app, GraphQL,
 * GraphiQL, payment pages, health). main.ts and the tests both start it through here.
 */
import "reflect-metadata";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { unwrapResolverError } from "@apollo/server/errors";
import express from "express";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Config } from "./config.js";
import { RequestContext, type Context } from "./context.js";
import { ANONYMOUS, type Viewer } from "./auth/viewer.js";
import { bearerToken } from "./auth/tokens.js";
import { createPrisma, openDatabase, type Database } from "./db/database.js";
import { migrateDeploy } from "./db/schema-engine.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { graphiqlRouter } from "./http/graphiql.js";
import { serveAdminSocket } from "./admin/admin-socket.js";
import { EventBus } from "./subscriptions/event-bus.js";
import { EventLog } from "./history/event-log.js";
import { serveSubscriptions } from "./http/subscriptions.js";
import { WebhookDispatcher } from "./webhooks/webhook.dispatcher.js";
import { WebhookService } from "./webhooks/webhook.service.js";
import { OrderService } from "./orders/order.service.js";
import { DEFAULT_RULES, type OrderRules } from "./orders/status.js";
import type { PaymentMethod } from "./payments/payment-method.js";
import { PaymentService } from "./payments/payment.service.js";
import { createPaymentRegistry, type PaymentRegistry } from "./payments/registry.js";
import { createSchema } from "./schema.js";
import { jitGateway } from "./http/jit-executor.js";
import { ErrorCodes, PUBLIC_CODES, serviceUnavailable, unauthenticated } from "./shared/errors.js";
import { isDatabaseUnavailable } from "./shared/db-errors.js";
import { cors } from "./http/cors.js";
import { graphqlHandler, sendJson } from "./http/graphql-handler.js";
import { limitsPlugin, logPlugin, orderReadsPlugin } from "./http/plugins.js";
import { idempotencyPlugin } from "./idempotency/idempotency.plugin.js";
import { createLogger, type Logger } from "./shared/log.js";
import { findUserByApiToken } from "./users/user.repository.js";

export interface ServerOptions {
  /** An open database to use (and not close); by default the server opens config.database. */
  db?: Database;
  /** Transition rules; default: the REST ancestor's table. */
  rules?: OrderRules;
  /** Payment methods beyond the built-in ones (enabled when PAYMENT_METHODS lists them). */
  paymentMethods?: PaymentMethod[];
  /** Called with each SQL statement sent to the database (tests count them). */
  onQuery?: (sql: string) => void;
  /** Headers GraphiQL starts with (the demo puts a staff token there; nothing else should). */
  graphiqlHeaders?: () => Record<string, string> | undefined;
  /** The command GraphiQL's first page suggests for getting a token. */
  tokenCommand?: string;
  /** Runs once everything is ready but before the server takes requests (the demo makes its data here). */
  prepare?: (server: { prisma: PrismaClient; orders: OrderService; payments: PaymentService }) => Promise<void>;
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  prisma: PrismaClient;
  db: Database;
  orders: OrderService;
  payments: PaymentService;
  registry: PaymentRegistry;
  /** Order events as they are committed, to this server's subscribers. */
  events: EventBus;
  /** This server's share of the webhook deliveries. */
  dispatcher: WebhookDispatcher;
  /** Stops taking requests, lets those in flight finish, then closes the database (if it opened it). */
  close(): Promise<void>;
}

const MASKED_MESSAGE = "Internal server error";
const hasNulChar = (...texts: string[]) => texts.some((t) => t.includes("\0"));

/** Known errors keep their message and code; everything else is masked, with no stack trace or SQL. */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log?: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code as string | undefined;
  if (code && PUBLIC_CODES.has(code)) {
    const message = formatted.message.replace(/^Context creation failed: /, "");
    const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message, extensions };
  }
  const original = unwrapResolverError(error);
  // A refusal of the request itself (Apollo's, e.g. a persisted query whose hash does not match):
  // made on purpose with a 4xx status, outside any resolver, wrapping nothing.
  const head = (error as GraphQLError)?.extensions?.http as { status?: number } | undefined;
  if (error instanceof GraphQLError && !error.originalError && !formatted.path && head?.status && head.status < 500) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: "BAD_REQUEST" } };
  }
  if (isDatabaseUnavailable(original)) {
    log?.warn("database unavailable", { path: formatted.path });
    return {
      message: "The database is not available; try again shortly.",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCodes.SERVICE_UNAVAILABLE },
    };
  }
  log?.error("unexpected error", {
    message: original instanceof Error ? original.message : String(original),
    path: formatted.path,
  });
  return {
    message: MASKED_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCodes.INTERNAL_SERVER_ERROR },
  };
}

function adminUnavailable(e: unknown, log: Logger): null {
  log.warn("the CLI cannot reach this server (admin socket)", { error: e instanceof Error ? e.message : String(e) });
  return null;
}

export async function createServer(config: Config, opts: ServerOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const registry = createPaymentRegistry(config.paymentMethods, opts.paymentMethods);
  const ownsDb = !opts.db;
  const db = opts.db ?? (await openDatabase(config.database, { poolMax: config.dbPoolMax }));
  const stats = { requests: 0, statements: 0 };
  const stopObserving: (() => void)[] = [];
  let prisma: PrismaClient;
  try {
    const applied = await migrateDeploy(db);
    if (applied.length) log.info("migrations applied", { migrations: applied });
    prisma = createPrisma(db);
    if (opts.onQuery) stopObserving.push(db.observe(opts.onQuery));
    if (config.exposeStats) stopObserving.push(db.observe(() => stats.statements++));
  } catch (e) {
    if (ownsDb) await db.close().catch(() => {});
    throw e;
  }
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // answers are per caller and POSTed: hashing every body for an ETag buys nothing
  const httpServer = http.createServer(app);
  let publicUrl = config.publicUrl ?? "";
  const url = (p: string) => `${publicUrl}${p}`;
  const rules = opts.rules ?? DEFAULT_RULES;
  const events = new EventLog();
  const orders = new OrderService({ prisma, rules, events, currency: config.currency });
  const payments = new PaymentService({
    prisma,
    rules,
    events,
    registry,
    url,
    timeoutMs: config.paymentTimeoutMs,
    onMethodError: (method, e) =>
      log.warn("payment method failed", { method, error: e instanceof Error ? e.message : String(e) }),
  });

  const dispatcher = new WebhookDispatcher({ prisma, config: config.webhooks, log });
  const webhooks = new WebhookService({
    prisma,
    allowPrivate: config.webhooks.allowPrivate,
    onDue: () => dispatcher.wake(),
  });
  const bus = new EventBus({
    prisma,
    db,
    log,
    capacity: config.subscriptionQueue,
    onAnnounced: () => dispatcher.wake(),
  });
  await bus.start();
  dispatcher.start();

  const services = { prisma, orders, payments, registry, events: bus, webhooks };
  const contextFor = (viewer: Viewer): Context => new RequestContext(services, viewer);
  const drainPlugin: ApolloServerPlugin = ApolloServerPluginDrainHttpServer({ httpServer });
  const apollo = new ApolloServer<Context>({
    gateway: jitGateway(createSchema()),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts closes the server, then the database
    formatError: (formatted, error) => formatError(formatted, error, log),
    // Cache control is off: it wraps every field resolver to compute cache hints nobody reads (the
    // API answers private data), which cost a fifth of the CPU time of a page of orders.
    plugins: [
      drainPlugin,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(config),
      orderReadsPlugin(),
      idempotencyPlugin(prisma, { ttlSeconds: config.idempotencyTtlSeconds }),
      ...(config.logLevel === "debug" ? [logPlugin(log)] : []),
    ],
    parseOptions: { maxTokens: config.limits.tokens },
    allowBatchedHttpRequests: config.limits.batchSize > 1,
    // Apollo's CSRF prevention refuses GET queries that carry no special header. It guards against
    // cross-site requests riding on a browser's cookies; this API takes credentials from the
    // Authorization header only, which a cross-site page cannot make a browser send, so it would
    // only turn away plain GET queries. (Mutations are never run from a GET.)
    csrfPrevention: false,
  });
  await apollo.start();

  async function viewerOf(authorization: string | undefined): Promise<Viewer> {
    const token = bearerToken(authorization);
    if (token === undefined) return ANONYMOUS;
    if (token === null) throw unauthenticated("Malformed Authorization header: expected 'Bearer <token>'.");
    let user;
    try {
      user = await findUserByApiToken(prisma, token);
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw serviceUnavailable();
      throw e;
    }
    if (!user) throw unauthenticated("Invalid or revoked API token.");
    return { kind: "user", user };
  }

  app.get("/healthz", async (_req, res) => {
    try {
      await prisma.$queryRaw`SELECT 1`; // raw SQL: a ping, which Prisma has no API for
      res.status(200).json({ status: "ok", database: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable", database: "unreachable" });
    }
  });
  if (config.exposeStats) {
    app.get("/stats", (req, res) => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (req.query.gc === "1" && gc) gc(); // with node --expose-gc: what is retained, not what awaits collection
      res.json({
        ...stats,
        subscribers: bus.subscriberCount,
        connections: subscriptions.connections,
        webhookAttempts: dispatcher.attempted,
        rssBytes: process.memoryUsage.rss(),
        memory: process.memoryUsage(),
      });
    });
  }
  app.get("/", (_req, res) => {
    res
      .type("html")
      .send(
        `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>Orders API</title><h1>Orders API</h1><ul><li><a href="/graphiql">GraphiQL</a></li><li>GraphQL endpoint: <code>/graphql</code></li><li><a href="/healthz">/healthz</a></li></ul>`,
      );
  });
  if (config.graphiql) {
    app.use(
      "/graphiql",
      graphiqlRouter({
        endpoint: "/graphql",
        defaultHeaders: opts.graphiqlHeaders,
        tokenCommand: opts.tokenCommand ?? "npm run -s cli -- create-user --email you@example.com --staff",
      }),
    );
  }
  // Pages set no icon (rel=icon data:,), so a browser asks for none; a request for one gets an empty answer.
  app.get("/favicon.ico", (_req, res) => void res.status(204).end());
  for (const method of registry.methods) {
    if (!method.routes) continue;
    const router = express.Router();
    method.routes(router, {
      // PostgreSQL text cannot hold NUL: such a ref or token matches no order.
      findOrder: async (ref, token) => (hasNulChar(ref, token) ? null : payments.findByToken(ref, token)),
      withOrder: async (ref, token, fn) =>
        hasNulChar(ref, token) ? null : payments.withOrderByToken(method.identifier, ref, token, fn),
      paymentError: (order) => payments.refusal(order),
      url,
    });
    app.use(`/payment/${method.identifier}`, router);
  }
  const serveGraphql = graphqlHandler(apollo, async (req) => {
    if (config.exposeStats) stats.requests++;
    return contextFor(await viewerOf(req.headers.authorization));
  });
  const subscriptions = serveSubscriptions(httpServer, {
    path: "/graphql",
    schema: createSchema(),
    config,
    viewerOf,
    contextFor,
    formatError: (e) => formatError(e.toJSON(), e, log),
  });
  app.use(
    "/graphql",
    cors(config.corsOrigins),
    express.json({ limit: config.limits.bodyBytes }),
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (Array.isArray(req.body) && req.body.length > config.limits.batchSize) {
        return sendJson(res, 400, {
          errors: [
            {
              message: `A batch may hold at most ${config.limits.batchSize} operations.`,
              extensions: { code: "BAD_REQUEST" },
            },
          ],
        });
      }
      next();
    },
    serveGraphql,
  );
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }] });
  });
  // Last resort: malformed JSON bodies, oversize bodies, bugs in a page. Never a stack trace.
  function lastResort(err: unknown, res: http.ServerResponse): void {
    const status =
      (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) log.error("request failed", { message: err instanceof Error ? err.message : String(err) });
    const message =
      status === 413
        ? "Request body too large."
        : status === 400
          ? "Malformed request body."
          : status < 500
            ? "Bad request."
            : MASKED_MESSAGE;
    if (!res.headersSent)
      sendJson(res, status, {
        errors: [{ message, extensions: { code: status < 500 ? "BAD_REQUEST" : ErrorCodes.INTERNAL_SERVER_ERROR } }],
      });
  }
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
    lastResort(err, res),
  );

  await opts.prepare?.({ prisma, orders, payments });
  const admin = db.dataDir
    ? await serveAdminSocket(db.dataDir, prisma, log).catch((e) => adminUnavailable(e, log))
    : null;
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  const host =
    config.host === "0.0.0.0" || config.host === "::"
      ? "localhost"
      : config.host.includes(":")
        ? `[${config.host}]`
        : config.host;
  const baseUrl = `http://${host}:${address.port}`;
  publicUrl ||= baseUrl;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    prisma,
    db,
    orders,
    payments,
    registry,
    events: bus,
    dispatcher,
    close() {
      closing ??= (async () => {
        await subscriptions.close();
        await admin?.close();
        await apollo.stop(); // drains the HTTP server
        await dispatcher.stop();
        await bus.stop();
        for (const stop of stopObserving) stop();
        await prisma.$disconnect();
        if (ownsDb) await db.close();
      })();
      return closing;
    },
  };
}
