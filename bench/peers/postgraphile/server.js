/**
 * PostGraphile 5 on the benchmark's database, as a peer of the project in `npm run bench -- --peer
 * postgraphile`. Run by the bench with the Node 22 installed beside this file (PostGraphile 5 needs
 * Node >= 22); this folder's package.json and lockfile pin what it runs, installed on first use.
 *
 * The Amber preset as it comes, production mode (NODE_ENV=production), no Ruru/GraphiQL, no
 * websockets, one pg pool of 10 connections. What it adds to Amber is only what the bench's
 * scenarios need to ask for the same rows as the project, none of it in the database:
 * - `OrderNote.public` may be filtered on (a guest sees the public notes only): Amber offers
 *   conditions on indexed columns, and `public` has no index;
 * - `statusIn` on orders' conditions (the staff filtered page asks for CREATED or HOLD; Amber's
 *   conditions are equalities).
 * The tables' refs and tokens are unique indexes (Prisma's @unique), not constraints, so there is no
 * `orderByRef`: a detail is `allOrders(first: 1, condition: { ref, token })`.
 *
 * Environment: DATABASE_URL, PORT (0: any). Prints `… http://127.0.0.1:PORT/graphql` when ready.
 * GET /metrics answers, in Prometheus' text format, the two series of the project's metrics the bench
 * reads: graphql_server_operation_sql_statements_count (POSTs to /graphql) and _sum (statements sent
 * on the pool). With LOG_SQL=on, each distinct statement is printed once.
 */
"use strict";
const http = require("node:http");
const pg = require("pg");
const { postgraphile } = require("postgraphile");
const { PostGraphileAmberPreset } = require("postgraphile/presets/amber");
const { makePgService } = require("postgraphile/adaptors/pg");
const { grafserv } = require("postgraphile/grafserv/node");
const { addPgTableCondition, jsonPgSmartTags } = require("postgraphile/utils");

const stats = { requests: 0, statements: 0 };
const logged = process.env.LOG_SQL === "on" ? new Set() : null;

/** A pg Client that counts the statements it sends. */
class CountingClient extends pg.Client {
  query(config, values, callback) {
    stats.statements++;
    const text = typeof config === "string" ? config : config?.text;
    if (logged && !logged.has(text)) {
      logged.add(text);
      console.error(`SQL${config?.name ? ` (prepared as ${config.name})` : ""}:\n${text}\n`);
    }
    return super.query(config, values, callback);
  }
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, Client: CountingClient });
pool.on("error", () => {});

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [
    jsonPgSmartTags({
      version: 1,
      config: { class: { OrderNote: { attribute: { public: { tags: { behavior: "+filterBy" } } } } } },
    }),
    addPgTableCondition({ schemaName: "public", tableName: "Order" }, "statusIn", (build) => ({
      type: new build.graphql.GraphQLList(new build.graphql.GraphQLNonNull(build.getTypeByName("OrderStatus"))),
      apply(condition, value) {
        if (value == null) return;
        const { sql } = build;
        condition.where(sql`${condition.alias}.status = any(${sql.value(value)}::"OrderStatus"[])`);
      },
    })),
  ],
  pgServices: [makePgService({ pool, schemas: ["public"], pubsub: false })],
  grafserv: { graphqlPath: "/graphql", graphiql: false, graphiqlOnGraphQLGET: false, websockets: false, watch: false },
  grafast: { explain: false },
};

async function main() {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const handler = serv.createHandler();
  const server = http.createServer((req, res) => {
    if (req.url === "/metrics") {
      res
        .writeHead(200, { "content-type": "text/plain; version=0.0.4" })
        .end(
          `graphql_server_operation_sql_statements_sum ${stats.statements}\ngraphql_server_operation_sql_statements_count ${stats.requests}\n`,
        );
      return;
    }
    if (req.method === "POST" && req.url === "/graphql") stats.requests++;
    handler(req, res);
  });
  await serv.ready?.();
  await pgl.getSchema();
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    console.log(`PostGraphile listening on http://127.0.0.1:${server.address().port}/graphql`);
  });
  process.on("SIGTERM", () => {
    server.close();
    pgl.release().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
