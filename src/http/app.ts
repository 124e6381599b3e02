/**
 * The Express app: GraphQL on /graphql, GraphiQL, /healthz, /metrics, the payment methods' pages, and
 * the last resort that answers what nothing else did, never with a stack trace.
 */
import type http from "node:http";
import express from "express";
import type { Config } from "../config.js";
import type { PaymentService } from "../payments/payment.service.js";
import type { PaymentRegistry } from "../payments/registry.js";
import { ThrownCode } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import { cors } from "./cors.js";
import { MASKED_MESSAGE } from "./format-error.js";
import { graphiqlRouter } from "./graphiql.js";
import { sendJson } from "./graphql-handler.js";
import { maxBrackets, withinBrackets } from "./limits.js";

type Handler = (req: express.Request, res: express.Response, next: express.NextFunction) => unknown;

export interface AppOptions {
  config: Config;
  log: Logger;
  /** Serves a GraphQL request (Apollo over HTTP). */
  graphql: Handler;
  /** Whether the database answers. */
  ping(): Promise<void>;
  /**
   * Whether this server hears the events it announces (the last event path check), and what
   * its read replicas are doing; both only reported.
   */
  eventPath(): { status: "ok" | "degraded"; checkedAt: string | null; roundTripMs: number | null; reason?: string };
  replicas?: () => unknown[];
  registry: PaymentRegistry;
  payments: PaymentService;
  url(path: string): string;
  /** What GET /metrics answers (METRICS=on without METRICS_PORT): Prometheus' text format. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Headers GraphiQL starts with. */
  graphiqlHeaders?: () => Record<string, string> | undefined;
  /** The command GraphiQL's first page suggests for getting a token. */
  tokenCommand?: string;
}

/** PostgreSQL text cannot hold NUL: such a ref or token matches no order. */
const hasNulChar = (...texts: string[]) => texts.some((t) => t.includes("\0"));

/** The app: POST /graphql's plain requests served first (graphqlFirst), everything else by Express. */
export function createApp(o: AppOptions): http.RequestListener {
  return graphqlFirst(o, expressApp(o));
}

function expressApp(o: AppOptions): express.Express {
  const { config, log } = o;
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false); // answers are per caller and POSTed: hashing every body for an ETag buys nothing

  // 503 only when the database does not answer: nothing works then. A broken event path (LISTEN
  // through a transaction pooler, say) is 200 with "degraded": queries, mutations and webhooks still
  // work, and a load balancer that took every server out for it would turn a subscription outage into
  // a full one (the cause is usually the same on every server). README says so.
  app.get("/healthz", async (_req, res) => {
    const { reason, ...events } = o.eventPath();
    const replicas = o.replicas?.();
    try {
      await o.ping();
    } catch {
      return void res.status(503).json({ status: "unavailable", database: "unreachable", events, replicas });
    }
    res.status(200).json({
      status: events.status === "ok" ? "ok" : "degraded",
      database: "ok",
      events: reason === undefined ? events : { ...events, reason },
      ...(replicas ? { replicas } : {}),
    });
  });
  const metrics = o.metrics;
  if (metrics) {
    app.get("/metrics", async (_req, res, next) => {
      try {
        const { contentType, body } = await metrics();
        res.setHeader("content-type", contentType); // as prom-client gives it (Express's type() adds a charset)
        res.end(body);
      } catch (e) {
        next(e);
      }
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
        defaultHeaders: o.graphiqlHeaders,
        tokenCommand: o.tokenCommand ?? "npm run -s cli -- create-user --email you@example.com --staff",
      }),
    );
  }
  // Pages set no icon (rel=icon data:,), so a browser asks for none; a request for one gets an empty answer.
  app.get("/favicon.ico", (_req, res) => void res.status(204).end());
  for (const method of o.registry.methods) {
    if (!method.routes) continue;
    const router = express.Router();
    method.routes(router, {
      findOrder: async (ref, token) => (hasNulChar(ref, token) ? null : o.payments.findByToken(ref, token)),
      withOrder: async (ref, token, fn) =>
        hasNulChar(ref, token) ? null : o.payments.withOrderByToken(method.identifier, ref, token, fn),
      paymentError: (order) => o.payments.refusal(order),
      url: o.url,
    });
    app.use(`/payment/${method.identifier}`, router);
  }
  app.use(
    "/graphql",
    cors(config.corsOrigins),
    express.json({ limit: config.limits.bodyBytes }),
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const refused = refusal(config, req);
      if (!refused) return next();
      if (refused.code === ThrownCode.QUERY_TOO_COMPLEX) {
        // The refusal of a document, answered by the GraphQL over HTTP rule (graphql-handler.ts).
        const strict =
          req.accepts(["application/json", "application/graphql-response+json"]) ===
          "application/graphql-response+json";
        return sendJson(
          res,
          strict ? 400 : 200,
          { errors: [{ message: refused.message, extensions: { code: refused.code } }] },
          strict ? "application/graphql-response+json; charset=utf-8" : undefined,
        );
      }
      sendJson(res, 400, { errors: [{ message: refused.message, extensions: { code: refused.code } }] });
    },
    o.graphql,
  );
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ errors: [{ message: "Not found", extensions: { code: ThrownCode.NOT_FOUND } }] });
  });
  // Last resort: malformed JSON bodies, oversize bodies, bugs in a page. Never a stack trace.
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) =>
    lastResort(err, res, log),
  );
  return app;
}

/**
 * Why a GraphQL request is refused before Apollo sees it, or undefined. Documents nested past what
 * any document within the limits needs are refused from their text, before anything parses,
 * validates or caches them (limits.ts, maxBrackets), a batch whole; a batch may not be longer than
 * MAX_BATCH_SIZE, nor carry an Idempotency-Key.
 */
function refusal(
  config: Config,
  req: http.IncomingMessage & { body?: unknown; query?: Record<string, unknown> },
): { code: ThrownCode; message: string } | undefined {
  const brackets = maxBrackets(config.limits);
  const body = req.body;
  const texts = Array.isArray(body)
    ? body.map((op: unknown) => (op as { query?: unknown } | null)?.query)
    : [req.method === "GET" ? req.query?.query : (body as { query?: unknown } | undefined)?.query];
  if (texts.some((q) => typeof q === "string" && !withinBrackets(q, brackets)))
    return {
      code: ThrownCode.QUERY_TOO_COMPLEX,
      message: `The document's brackets nest deeper than ${brackets} levels: no document within the limits needs that.`,
    };
  if (Array.isArray(body)) {
    if (body.length > config.limits.batchSize)
      return {
        code: ThrownCode.BAD_REQUEST,
        message: `A batch may hold at most ${config.limits.batchSize} operations.`,
      };
    // A key stands for one request's one outcome; a batch's operations each have their own.
    if (req.headers["idempotency-key"] !== undefined)
      return {
        code: ThrownCode.BAD_REQUEST,
        message:
          "An Idempotency-Key covers one operation: send a batch's mutations as separate requests, each with its own key.",
      };
  }
  return undefined;
}

/**
 * POST /graphql with a JSON body of a declared length and nothing unusual about it — the requests
 * API clients send — served without Express: the same steps as its /graphql chain (the body read
 * within MAX_BODY_BYTES and parsed as express.json does, the refusals before Apollo, then Apollo),
 * without its router's per-request work. Anything else goes to Express: other paths and methods, a
 * query string, an Origin (CORS), another content type or charset, a compressed, chunked or
 * oversize body; and so does a request refused before Apollo (with its body read: express.json
 * passes over a request whose body is already read).
 */
/** The first character of a JSON text after its whitespace (express.json's strict check). */
const JSON_START = /^[ \t\n\r]*(.)/;

function graphqlFirst(o: AppOptions, app: express.Express): http.RequestListener {
  const limit = o.config.limits.bodyBytes;
  const malformed = () => Object.assign(new Error("Malformed request body."), { status: 400 });
  return (req: http.IncomingMessage & { body?: unknown }, res) => {
    const length = Number(req.headers["content-length"]);
    const type = req.headers["content-type"];
    if (
      req.method !== "POST" ||
      req.url !== "/graphql" ||
      req.headers.origin !== undefined ||
      !(type === "application/json" || type?.toLowerCase() === "application/json; charset=utf-8") ||
      (req.headers["content-encoding"] ?? "identity") !== "identity" ||
      !(length > 0 && length <= limit)
    )
      return void app(req, res);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("error", () => lastResort(malformed(), res, o.log));
    req.on("end", () => {
      // As express.json reads it: UTF-8 without a byte order mark, an object or a list.
      let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8");
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const first = JSON_START.exec(text)?.[1];
      if (first !== "{" && first !== "[") return lastResort(malformed(), res, o.log);
      try {
        req.body = JSON.parse(text);
      } catch {
        return lastResort(malformed(), res, o.log);
      }
      if (refusal(o.config, req)) return void app(req, res);
      void o.graphql(req as express.Request, res as express.Response, (e: unknown) => lastResort(e, res, o.log));
    });
  };
}

function lastResort(err: unknown, res: http.ServerResponse, log: Logger): void {
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
      errors: [
        { message, extensions: { code: status < 500 ? ThrownCode.BAD_REQUEST : ThrownCode.INTERNAL_SERVER_ERROR } },
      ],
    });
}
