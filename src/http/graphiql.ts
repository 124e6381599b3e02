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

/**
 * The widest line of the first page's text. The query editor is about half the window: some 50
 * characters wide at 1280 pixels, 36 at 1024. Longer lines (a long DATABASE_URL) are wrapped by the
 * editors themselves (see the page's script), but a short line reads better than a wrapped one.
 */
const LINE = 36;

/**
 * A shell command as comment lines of at most LINE characters where it can be, continued with a
 * backslash; an option stays with its value.
 */
function commandLines(command: string): string[] {
  const words: string[] = [];
  for (const word of command.split(" ")) {
    const last = words[words.length - 1];
    if (last && /^--\w/.test(last) && !last.includes(" ") && !word.startsWith("-"))
      words[words.length - 1] += ` ${word}`;
    else words.push(word);
  }
  const lines: string[] = [];
  let line = "#   ";
  for (const [i, word] of words.entries()) {
    const continued = i < words.length - 1 ? " \\" : "";
    if (line.trim() !== "#" && `${line} ${word}${continued}`.length > LINE) {
      lines.push(`${line} \\`);
      line = "#     ";
    }
    line += line.endsWith(" ") ? word : ` ${word}`;
  }
  return [...lines, line];
}

/** The first page's query; its comment says how to get a token with a command that works on this server. */
const defaultQuery = (tokenCommand: string, signedIn: boolean) =>
  [
    "# Orders API",
    ...(signedIn
      ? ["# Signed in as the demo's staff", "# user: see the Headers tab below."]
      : ["# Send an API token in the Headers", "# tab below:", '#   { "Authorization":', '#       "Bearer <token>" }']),
    "#",
    "# A token for a new staff user,",
    "# while this server runs:",
    ...commandLines(tokenCommand),
    "#",
    "# Subscriptions stream here too: run",
    "#   subscription { orderEvents {",
    "#     type orderRef toStatus } }",
    "# then change an order.",
    "",
    "query LatestOrders {",
    "  me { email isStaff }",
    "  allOrders(first: 5) {",
    "    totalCount",
    "    nodes {",
    "      ref status total isPaid",
    "      items { name quantity total }",
    "    }",
    "    pageInfo {",
    "      hasNextPage endCursor",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");

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
  // Queries and mutations over HTTP; subscriptions over WebSocket (graphql-ws), on the same path.
  const url = new URL(${scriptJson(opts.endpoint)}, location.href);
  const subscriptionUrl = new URL(url);
  subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const graphiqlFetcher = GraphiQL.createFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });
  // A subscription's connectionParams are the Headers tab as it is when the subscription starts,
  // and the server reads the token from connectionParams.authorization: header names in lower case
  // (HTTP reads them in any case).
  const fetcher = (params, options) =>
    graphiqlFetcher(params, options && options.headers
      ? { ...options, headers: Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [k.toLowerCase(), v])) }
      : options);
  // The editors (CodeMirror 5) cut long lines at their width: a token in the Headers tab, a long
  // command or message. Wrap them, in every editor GraphiQL makes.
  new MutationObserver(() => {
    for (const el of document.querySelectorAll(".graphiql-container .CodeMirror")) {
      if (el.CodeMirror && !el.CodeMirror.getOption("lineWrapping")) el.CodeMirror.setOption("lineWrapping", true);
    }
  }).observe(document.getElementById("graphiql"), { childList: true, subtree: true });
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
