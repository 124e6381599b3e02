/**
 * CORS for the GraphQL endpoint. Closed by default: no CORS headers, so browsers on other origins
 * cannot read answers. CORS_ORIGINS opens it to listed origins (or "*"); credentials (cookies) are
 * never allowed, since the API authenticates with bearer tokens.
 */
import type { NextFunction, Request, Response } from "express";

export function cors(origins: readonly string[]) {
  const any = origins.includes("*");
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && (any || allowed.has(origin))) {
      res.set("Access-Control-Allow-Origin", any ? "*" : origin);
      if (!any) res.append("Vary", "Origin");
      res.set(
        "Access-Control-Allow-Headers",
        "content-type, authorization, order-token, idempotency-key, apollo-require-preflight",
      );
      res.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.set("Access-Control-Max-Age", "600");
      res.set("Access-Control-Expose-Headers", "idempotent-replayed");
      if (req.method === "OPTIONS") return void res.status(204).end();
    } else if (req.method === "OPTIONS") {
      return void res.status(204).end(); // a preflight from an origin we do not serve: no CORS headers
    }
    next();
  };
}
