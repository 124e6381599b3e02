/**
 * A self-hosted GraphiQL: the page and its assets (graphiql, react, react-dom from node_modules)
 * are served by this server; nothing comes from a CDN.
 */
import path from "node:path";
import express, { type Router } from "express";

/** A package's folder (its exports may not list package.json or the UMD files). */
function packageDir(name: string): string {
  const nm = path.sep + "node_modules" + path.sep;
  const main = require.resolve(name);
  return main.slice(0, main.lastIndexOf(nm) + nm.length) + name;
}

const ASSETS: Record<string, string> = {
  "graphiql.min.js": path.join(packageDir("graphiql"), "graphiql.min.js"),
  "graphiql.min.css": path.join(packageDir("graphiql"), "graphiql.min.css"),
  "react.production.min.js": path.join(packageDir("react"), "umd", "react.production.min.js"),
  "react-dom.production.min.js": path.join(packageDir("react-dom"), "umd", "react-dom.production.min.js"),
};

/** The first page's query; its comment says how to get a token with a command that works on this server. */
const defaultQuery = (
  tokenCommand: string,
  signedIn: boolean,
) => `# Orders API.${signedIn ? " You are signed in as the demo's staff user (see the Headers tab)." : ""}
# Send an API token in the Headers tab: { "Authorization": "Bearer <token>" }
# A token for a new staff user, while this server runs:
#   ${tokenCommand}

query LatestOrders {
  me { email isStaff }
  allOrders(first: 5) {
    totalCount
    nodes { ref status statusDisplay total amountPaid isPaid email items { name quantity total } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** JSON inside an inline <script>, safe from "</script>" and friends. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

export function graphiqlRouter(opts: {
  endpoint: string;
  defaultHeaders?: () => Record<string, string> | undefined;
  tokenCommand: string;
}): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(ASSETS)) {
    router.get(`/assets/${name}`, (_req, res) => res.sendFile(file, { maxAge: "1d" }));
  }
  const page = (headers: Record<string, string> | undefined) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Orders API · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>html,body,#graphiql{height:100%;margin:0}</style>
<link rel="stylesheet" href="/graphiql/assets/graphiql.min.css"></head>
<body><div id="graphiql">Loading…</div>
<script src="/graphiql/assets/react.production.min.js"></script>
<script src="/graphiql/assets/react-dom.production.min.js"></script>
<script src="/graphiql/assets/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: ${scriptJson(opts.endpoint)} });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: ${scriptJson(defaultQuery(opts.tokenCommand, !!headers))},
      defaultHeaders: ${scriptJson(headers ? JSON.stringify(headers, null, 2) : "")},
      defaultEditorToolsVisibility: ${headers ? '"headers"' : "false"},
      shouldPersistHeaders: false, // a stale token from an earlier database would override the fresh one
    }),
  );
</script></body></html>`;
  router.get("/", (_req, res) => {
    res.set("Cache-Control", "no-store").type("html").send(page(opts.defaultHeaders?.()));
  });
  return router;
}
