/**
 * Apollo Server over HTTP. `graphqlHandler` is the request handler Apollo's Express integration
 * provides, written out here so that an answer goes on the wire as the string Apollo made (Express's
 * `res.send` copies every string body over 1 KB into a Buffer first). `directJsonPost` serves the
 * common request (a JSON POST of a known length, no CORS, no compression) without Express's router
 * and body parser (measured: staff status 0.42 → 0.26 ms of CPU per request); every other request, and
 * every request it would answer differently, goes through Express as before.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from "@apollo/server";

/** A request with its parsed body, from Express or from directJsonPost. */
export type GraphQLHttpRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

export function graphqlHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  context: (req: GraphQLHttpRequest) => Promise<C>,
): (req: GraphQLHttpRequest, res: ServerResponse, next: (e: unknown) => void) => Promise<void> {
  server.assertStarted("graphqlHandler()");
  return async (req, res, next) => {
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
      const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: () => context(req) });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === "complete") {
        res.setHeader("content-length", Buffer.byteLength(response.body.string));
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (e) {
      next(e);
    }
  };
}

/** An error answer exactly as the Express app writes it (`res.status(s).json(body)`). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

const JSON_TYPES = new Set(["application/json", "application/json; charset=utf-8", "application/json;charset=utf-8", "application/json; charset=UTF-8"]);
const MALFORMED = { errors: [{ message: "Malformed request body.", extensions: { code: "BAD_REQUEST" } }] };

/** The answer to a batch of more than `batchSize` operations (400), on either path. */
export function refuseLongBatch(res: ServerResponse, batchSize: number): void {
  sendJson(res, 400, { errors: [{ message: `A batch may hold at most ${batchSize} operations.`, extensions: { code: "BAD_REQUEST" } }] });
}

/**
 * Returns false, touching nothing, for any request it does not take: not `POST <path>`, a CORS
 * request (Origin), a body that is compressed, chunked, empty, larger than `limit` or not plain
 * UTF-8 JSON. For the others it reads the body, answers a malformed or over-long batch as the Express
 * app does (400, same body), and hands the parsed body to `handle`.
 */
export function directJsonPost(
  opts: { path: string; limit: number; batchSize: number },
  handle: (req: GraphQLHttpRequest, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== "POST" || req.url !== opts.path) return false;
    const h = req.headers;
    if (h.origin !== undefined || h["content-encoding"] !== undefined || h["transfer-encoding"] !== undefined) return false;
    if (!JSON_TYPES.has(h["content-type"] ?? "")) return false;
    const length = Number(h["content-length"]);
    if (!(Number.isSafeInteger(length) && length > 0 && length <= opts.limit)) return false;
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      let body: unknown;
      try {
        let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)).toString("utf8");
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as body-parser drops it
        // body-parser's strict mode: only an object or an array.
        const first = /^[\x20\x09\x0a\x0d]*(.)/s.exec(text)?.[1];
        if (first !== "{" && first !== "[") throw new SyntaxError("not an object or array");
        body = JSON.parse(text);
      } catch {
        return sendJson(res, 400, MALFORMED);
      }
      if (Array.isArray(body) && body.length > opts.batchSize) return refuseLongBatch(res, opts.batchSize);
      (req as GraphQLHttpRequest).body = body;
      handle(req, res);
    });
    return true;
  };
}
