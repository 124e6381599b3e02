/**
 * Apollo Server over HTTP: the request handler Apollo's Express integration provides, written out
 * here for the GraphQL over HTTP status rule README's table states: errors about the document or
 * its variables are answered 200 to a client that accepts `application/json` (400 to one that
 * accepts `application/graphql-response+json`), which needs the content type Apollo chose for the
 * answer. (Apollo's Express integration in its place saved nothing beyond the noise: BENCHMARKS.md,
 * "Tricks measured"; serving plain JSON requests before Express's router does: app.ts,
 * graphqlFirst.) Each request runs with an id of its own, which a masked error carries
 * (format-error.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from "@apollo/server";
import { answeredInBody as codeAnsweredInBody, ThrownCode } from "../shared/error-codes.js";
import { withRequestInfo, type RequestInfo } from "./request-info.js";

/** A request with its body parsed by Express. */
export type GraphQLHttpRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/** A request answered: what it did (request-info.ts), its HTTP status and how long it took. */
export type RequestDone = (info: RequestInfo, status: number, seconds: number) => void;

export function graphqlHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  context: (req: GraphQLHttpRequest) => Promise<C>,
  done?: RequestDone,
): (req: GraphQLHttpRequest, res: ServerResponse, next: (e: unknown) => void) => Promise<void> {
  server.assertStarted("graphqlHandler()");
  return (req, res, next) => withRequestInfo((info) => handle(req, res, next, info), req.socket.remoteAddress);

  async function handle(
    req: GraphQLHttpRequest,
    res: ServerResponse,
    next: (e: unknown) => void,
    info: RequestInfo,
  ): Promise<void> {
    const started = performance.now();
    try {
      const headers = new HeaderMap();
      for (const key in req.headers) {
        const value = req.headers[key];
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      const url = req.originalUrl ?? req.url ?? "";
      const q = url.indexOf("?");
      const request: HTTPGraphQLRequest = {
        method: (req.method ?? "GET").toUpperCase(),
        headers,
        search: q >= 0 ? url.slice(q) : "",
        body: req.body,
      };
      const response = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: () => context(req),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === "complete") {
        if (res.statusCode === 400 && answeredInBody(response.headers.get("content-type"), response.body.string)) {
          res.statusCode = 200;
        }
        // A batch some of whose operations ran is answered 200, each refusal in its own answer.
        if (res.statusCode === 429 && Array.isArray(req.body) && ranAny(response.body.string)) res.statusCode = 200;
        res.setHeader("content-length", Buffer.byteLength(response.body.string));
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
      done?.(info, res.statusCode, (performance.now() - started) / 1000);
    } catch (e) {
      next(e);
    }
  }
}

/**
 * Errors about the document or its variables (error-codes.ts: `inBody`), which the GraphQL over
 * HTTP specification answers with 200 when the client accepts `application/json` (it then reads
 * the errors in the body); with `application/graphql-response+json` they stay 400. A malformed
 * request (no query, a bad body or header, a batch too long) is 400 either way.
 */
function answeredInBody(contentType: string | undefined, body: string): boolean {
  if (!contentType?.startsWith("application/json")) return false;
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] };
    return !!parsed.errors?.length && parsed.errors.every((e) => codeAnsweredInBody(e.extensions?.code));
  } catch {
    return false;
  }
}

/** Whether any answer of a batch is something other than TOO_MANY_REQUESTS refusals. */
function ranAny(body: string): boolean {
  try {
    const answers = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] }[];
    return answers.some(
      (a) => !a.errors?.length || a.errors.some((e) => e.extensions?.code !== ThrownCode.TOO_MANY_REQUESTS),
    );
  } catch {
    return false;
  }
}

/** A JSON answer, as Express's `res.status(s).json(body)` writes it. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = "application/json; charset=utf-8",
): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
