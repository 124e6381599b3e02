/**
 * Apollo Server on Express: the request handler Apollo's Express integration provides, written out
 * here so that an answer goes on the wire as the string Apollo made. Express's `res.send` copies
 * every string body over 1 KB into a Buffer first (a second copy of each answer, outside the V8 heap);
 * `res.end(string)` lets Node write headers and body in one go. Measured on a page of 100 orders:
 * see BENCHMARKS.md.
 */
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from "@apollo/server";
import type express from "express";

export function graphqlHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  context: (req: express.Request, res: express.Response) => Promise<C>,
): express.RequestHandler {
  server.assertStarted("graphqlHandler()");
  return async (req, res, next) => {
    try {
      const headers = new HeaderMap();
      for (const key in req.headers) {
        const value = req.headers[key];
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
      }
      const q = req.originalUrl.indexOf("?");
      const request: HTTPGraphQLRequest = {
        method: req.method.toUpperCase(),
        headers,
        search: q >= 0 ? req.originalUrl.slice(q) : "",
        body: req.body,
      };
      const response = await server.executeHTTPGraphQLRequest({ httpGraphQLRequest: request, context: () => context(req, res) });
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
