/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol, subprotocol graphql-transport-ws),
 * on the same path and port as HTTP. Credentials come in the connection's `connectionParams`
 * (`{ authorization: "Bearer <token>" }`) or the upgrade request's Authorization header; a bad token
 * refuses the connection (close code 4403). Only subscription operations are served here (queries
 * and mutations go over HTTP), with the same limits as HTTP. Connections are pinged to keep them
 * alive, and closed (1001) when the server stops.
 *
 * What one client can hold is bounded: a server takes at most MAX_WEBSOCKETS connections (one more
 * is closed at once with 1013, "try again later"), and a connection at most
 * MAX_SUBSCRIPTIONS_PER_SOCKET active subscriptions (one more is refused with a
 * TOO_MANY_SUBSCRIPTIONS error before its document is even parsed, and the connection stays open).
 * Nothing more is read from a client while its answers wait to be sent (ws-transport.ts).
 */
import type http from "node:http";
import type { Duplex } from "node:stream";
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { WebSocketServer, type WebSocket } from "ws";
import type { Viewer } from "../auth/viewer.js";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import { eventAudience } from "../history/event-audience.js";
import { publicError, ThrownCode } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import { checkOperation, mayIntrospect, withoutSuggestions } from "./plugins.js";
import { serveGraphqlWs, wsServerOptions } from "./ws-transport.js";

export interface SubscriptionServer {
  /** Open WebSocket connections. */
  readonly connections: number;
  close(): Promise<void>;
}

const KEEP_ALIVE_MS = 12_000;

/** The close code of a connection past MAX_WEBSOCKETS: 1013, "Try Again Later" (RFC 6455's registry). */
export const CLOSE_TOO_MANY_CONNECTIONS = 1013;

const refusal = (message: string, code: ThrownCode) => publicError(code, message);

type Answer = ExecutionResult | Promise<ExecutionResult>;

/**
 * Subscriptions whose subscribers share the execution of each event. graphql-js's `subscribe`
 * executes the selection once per subscriber: 1,000 subscribers, 1,000 executions of every event.
 * Here subscribers that sent the same document, operation name and variables, and see events alike
 * (`eventAudience`: staff, or not), get one execution per event between them. The answers are kept
 * with the event object (the bus hands the same one to every subscription) and go when it goes.
 */
export function sharedSubscriptions() {
  const keys = new WeakMap<ExecutionArgs, string>();
  const answers = new WeakMap<object, Map<string, Answer>>();

  return {
    /** Declares which subscribers may share the executions of the subscription `args` starts. */
    share(args: ExecutionArgs, key: string): void {
      keys.set(args, key);
    },
    async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
      const key = keys.get(args);
      const run = (event: unknown) => execute({ ...args, rootValue: event });
      return mapEvents(source[Symbol.asyncIterator](), (event) => {
        if (key === undefined || typeof event !== "object" || event === null) return run(event);
        let byKey = answers.get(event);
        if (!byKey) answers.set(event, (byKey = new Map()));
        let answer = byKey.get(key);
        if (!answer) byKey.set(key, (answer = run(event)));
        return answer;
      });
    },
  };
}

/** `source`'s items through `fn`; ending the result ends `source` at once, even while it waits. */
function mapEvents(
  source: AsyncIterator<unknown>,
  fn: (event: unknown) => Answer,
): AsyncIterableIterator<ExecutionResult> {
  const end = async (): Promise<IteratorResult<ExecutionResult>> => {
    await source.return?.();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      const item = await source.next();
      if (item.done) return { value: undefined, done: true };
      try {
        return { value: await fn(item.value), done: false };
      } catch (e) {
        await end();
        throw e;
      }
    },
    return: end,
    async throw(e: unknown) {
      await end();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Subscription documents parsed and validated once per text, not once per subscription: a
 * thousand dashboards that send the same document hold one syntax tree between them (each
 * subscription keeps its document for as long as it runs). The most recent MAX_CACHED texts are
 * kept; a refused text keeps its refusals.
 */
function checkedDocuments(schema: GraphQLSchema, maxTokens: number) {
  const MAX_CACHED = 500;
  const cache = new Map<string, DocumentNode | GraphQLError[]>();
  return {
    get(query: string): DocumentNode | GraphQLError[] {
      let checked = cache.get(query);
      if (checked) {
        cache.delete(query); // the most recent at the end (LRU)
      } else {
        try {
          const document = parse(query, { maxTokens });
          const invalid = validate(schema, document);
          checked = invalid.length
            ? invalid.map((e) => refusal(e.message, ThrownCode.GRAPHQL_VALIDATION_FAILED))
            : document;
        } catch (e) {
          checked = [refusal(e instanceof Error ? e.message : String(e), ThrownCode.GRAPHQL_PARSE_FAILED)];
        }
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      }
      cache.set(query, checked);
      return checked;
    },
  };
}

export function serveSubscriptions(
  httpServer: http.Server,
  opts: {
    path: string;
    schema: GraphQLSchema;
    config: Pick<Config, "limits" | "introspection">;
    log: Logger;
    /** The caller of an Authorization header value; throws for a bad one. */
    viewerOf(authorization: string | undefined): Promise<Viewer>;
    contextFor(viewer: Viewer): Context;
    formatError(error: GraphQLError, operationName: string | null | undefined): GraphQLFormattedError;
  },
): SubscriptionServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.config.limits.bodyBytes, ...wsServerOptions });
  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== opts.path) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    // (ws completes an upgrade synchronously when there is no verifyClient: no upgrade is ever half-counted.)
    if (wss.clients.size >= opts.config.limits.webSockets) {
      // Accepted only to be closed with a code a WebSocket client can read (an HTTP refusal of the
      // upgrade reaches graphql-ws clients as a bare 1006).
      wss.handleUpgrade(req, socket, head, (ws) =>
        ws.close(
          CLOSE_TOO_MANY_CONNECTIONS,
          `Too many connections: at most ${opts.config.limits.webSockets} (MAX_WEBSOCKETS). Try again later.`,
        ),
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  httpServer.on("upgrade", upgrade);

  /** An error as the caller may see it: without schema hints unless they may introspect. */
  const hinted = (viewer: Viewer | undefined, e: GraphQLFormattedError): GraphQLFormattedError =>
    mayIntrospect(opts.config, viewer ?? { kind: "anonymous" }) ? e : { ...e, message: withoutSuggestions(e.message) };

  const shared = sharedSubscriptions();
  const documents = checkedDocuments(opts.schema, opts.config.limits.tokens);
  const served = serveGraphqlWs<{ socket: WebSocket; request: http.IncomingMessage; viewer?: Viewer }>(
    {
      schema: opts.schema,
      subscribe: (args) => shared.subscribe(args),
      async onConnect(ctx) {
        const fromParams = ctx.connectionParams?.authorization;
        const header = typeof fromParams === "string" ? fromParams : ctx.extra.request.headers.authorization;
        try {
          ctx.extra.viewer = await opts.viewerOf(header);
          return true;
        } catch {
          return false; // 4403 Forbidden
        }
      },
      onSubscribe(ctx, _id, payload) {
        // graphql-ws has already reserved this subscription's id: it counts among the active ones.
        const max = opts.config.limits.subscriptionsPerSocket;
        if (Object.keys(ctx.subscriptions).length > max) {
          return [
            refusal(
              `This connection already has ${max} active subscriptions (MAX_SUBSCRIPTIONS_PER_SOCKET): ` +
                "complete one before starting another, or open another connection.",
              ThrownCode.TOO_MANY_SUBSCRIPTIONS,
            ),
          ];
        }
        const viewer = ctx.extra.viewer ?? { kind: "anonymous" };
        const checked = documents.get(payload.query);
        if (Array.isArray(checked)) {
          if (mayIntrospect(opts.config, viewer)) return checked;
          return checked.map((e) => refusal(withoutSuggestions(e.message), e.extensions.code as ThrownCode));
        }
        const document = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return [refusal("The document names no operation to run (check operationName).", ThrownCode.BAD_REQUEST)];
        if (operation.operation !== "subscription") {
          return [
            refusal(
              "Only subscriptions are served over WebSocket; send queries and mutations over HTTP.",
              ThrownCode.BAD_REQUEST,
            ),
          ];
        }
        try {
          checkOperation(opts.config, {
            schema: opts.schema,
            query: payload.query,
            document,
            operation,
            variables: payload.variables ?? {},
            viewer,
          });
        } catch (e) {
          return [e as GraphQLError];
        }
        const variables = JSON.stringify(payload.variables ?? {});
        const args: ExecutionArgs = {
          schema: opts.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: opts.contextFor(viewer),
        };
        shared.share(args, [eventAudience(viewer), payload.operationName ?? "", variables, payload.query].join("\n"));
        return args;
      },
      onNext: (ctx, _id, payload, _args, result) =>
        result.errors
          ? {
              ...result,
              errors: result.errors.map((e) =>
                hinted(ctx.extra.viewer, opts.formatError(e as GraphQLError, payload.operationName)),
              ),
            }
          : result,
      onError: (ctx, _id, payload, errors) =>
        errors.map((e) => hinted(ctx.extra.viewer, opts.formatError(e, payload.operationName))),
    },
    wss,
    { log: opts.log, keepAliveMs: KEEP_ALIVE_MS, extra: (socket, request) => ({ socket, request }) },
  );

  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      httpServer.off("upgrade", upgrade);
      await served.dispose();
    },
  };
}
