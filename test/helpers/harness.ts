/**
 * Test harness: a real server (createServer) over HTTP on a real database, embedded (PGlite in
 * memory) or a fresh database on the PostgreSQL server, and a typed GraphQL client.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { inject } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createServer, type RunningServer, type ServerOptions } from "../../src/server.js";
import { pgbouncerMissing, startPgBouncer } from "./pgbouncer.js";
import { createUser, issueApiToken } from "../../src/users/user.repository.js";
import { createLogger } from "../../src/shared/log.js";
import { CreateOrderDocument, type CreateOrderInput, type OrderFieldsFragment } from "../generated/graphql.js";

/** `pgbouncer`: the PostgreSQL server through a PgBouncer of the test's own in transaction mode. */
export type Backend = "embedded" | "postgres" | "pgbouncer";

/**
 * Statements the server sends on its own, between requests: the webhook dispatcher looking for work,
 * the event path check, the replicas' lag check.
 */
export const BACKGROUND = /^\s*UPDATE "Webhook" SET "leaseUntil"|AS event_path_check|AS replica_lag_check/;

/** The backends this run tests: embedded always, PostgreSQL when the global setup found a server. */
export function backends(): Backend[] {
  return inject("pgAdminUrl") ? ["embedded", "postgres"] : ["embedded"];
}

/**
 * The PostgreSQL server behind a transaction pooler, when this run tests PostgreSQL: PgBouncer must
 * be installed then when REQUIRE_POSTGRES=1 (starting it fails the test); otherwise its absence
 * skips this backend, loudly.
 */
export function pooledBackends(): Backend[] {
  if (!inject("pgAdminUrl")) return [];
  const missing = pgbouncerMissing();
  if (missing && process.env.REQUIRE_POSTGRES !== "1") {
    process.stderr.write(`\n*** ${missing}: SKIPPING the tests through a connection pooler.\n\n`);
    return [];
  }
  return ["pgbouncer"];
}

/** A throwaway database on a backend. */
export async function openTestDatabase(
  backend: Backend,
): Promise<{ db: Database; url?: string; drop(): Promise<void> }> {
  if (backend === "embedded") {
    const db = await openDatabase({ kind: "embedded", dataDir: "memory://" });
    return { db, drop: () => db.close() };
  }
  if (backend === "pgbouncer") {
    const admin = inject("pgAdminUrl");
    if (!admin) throw new Error("no PostgreSQL server for this run");
    const missing = pgbouncerMissing();
    if (missing) throw new Error(`${missing}; REQUIRE_POSTGRES=1 is set`);
    const direct = await openTestDatabase("postgres");
    const bouncer = await startPgBouncer(admin);
    const db = await openDatabase({ kind: "postgres", url: bouncer.through(direct.url!), directUrl: direct.url! });
    return {
      db,
      url: direct.url,
      async drop() {
        await db.close();
        await bouncer.stop();
        await direct.drop();
      },
    };
  }
  const admin = inject("pgAdminUrl");
  if (!admin) throw new Error("no PostgreSQL server for this run");
  const name = `orders_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const db = await openDatabase({ kind: "postgres", url: u.toString() }, { poolMax: 10 });
  return {
    db,
    url: u.toString(),
    async drop() {
      await db.close();
      const c2 = new pg.Client({ connectionString: admin });
      await c2.connect();
      await c2.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c2.end();
    },
  };
}

export interface GqlResponse<R> {
  status: number;
  data?: R | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  server: RunningServer;
  backend: Backend;
  url: string;
  /** SQL statements seen since the last reset. */
  statements: string[];
  gql<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    opts?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<GqlResponse<R>>;
  /** Like gql, but fails the test on errors and returns data. */
  ok<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    opts?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<R>;
  user(email: string, opts?: { staff?: boolean }): Promise<{ id: string; email: string; token: string }>;
  /**
   * Scenario: a new order, made by createOrder from `orderInput(over)` as the user of `token` (by
   * default a staff user the harness makes for this, scenarios@example.com); fails the test when
   * it is refused.
   */
  order(over?: Partial<CreateOrderInput>, opts?: { token?: string }): Promise<OrderFieldsFragment>;
  close(): Promise<void>;
}

export async function startTestServer(
  backend: Backend,
  opts: Omit<ServerOptions, "db" | "onQuery"> & { env?: Record<string, string> } = {},
): Promise<TestServer> {
  const database = await openTestDatabase(backend);
  const statements: string[] = [];
  const config = loadConfig({
    PORT: "0",
    LOG_LEVEL: "silent",
    PAYMENT_METHODS: "credit-card,pay-in-advance,dummy",
    ...opts.env,
  });
  let server: RunningServer;
  try {
    server = await createServer(config, {
      logger: createLogger("silent"),
      ...opts,
      db: database.db,
      onQuery: (sql) => {
        if (!BACKGROUND.test(sql)) statements.push(sql);
      },
    });
  } catch (e) {
    await database.drop();
    throw e;
  }
  const gql = async <R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    o: { token?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...o.headers,
      },
      body: JSON.stringify({ query: print(doc), variables }),
    });
    const body = (await res.json()) as GqlResponse<R>;
    return { ...body, status: res.status };
  };
  const ok: TestServer["ok"] = async (doc, variables, o) => {
    const r = await gql(doc, variables, o);
    if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data;
  };
  const user: TestServer["user"] = async (email, o = {}) => {
    const u = await createUser(server.prisma, email, o.staff ?? false);
    return { id: String(u.id), email: u.email, token: await issueApiToken(server.prisma, u.id) };
  };
  let scenarioStaff: Promise<{ token: string }> | undefined;
  return {
    server,
    backend,
    url: server.url,
    statements,
    gql,
    ok,
    user,
    async order(over = {}, o = {}) {
      const token = o.token ?? (await (scenarioStaff ??= user("scenarios@example.com", { staff: true }))).token;
      const r = await ok(CreateOrderDocument, { input: orderInput(over) }, { token });
      if (r.createOrder.__typename !== "Order")
        throw new Error(`createOrder refused: ${JSON.stringify(r.createOrder)}`);
      return r.createOrder;
    },
    async close() {
      await server.close();
      await database.drop();
    },
  };
}

/** A valid createOrder input; override what the test is about. */
export function orderInput(over: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    email: "customer@example.com",
    billingAddress: "1 Test Street",
    shippingAddress: "1 Test Street",
    items: [
      {
        productType: "shop.Product",
        productId: "1",
        product: { name: "Product", code: "1" },
        unitPrice: "33.00",
        quantity: 1,
      },
    ],
    ...over,
  };
}
