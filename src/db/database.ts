/**
 * The one switch between the embedded database and a PostgreSQL server. Both are reached through
 * a `pg.Pool` and `@prisma/adapter-pg`, with one Prisma schema and one migrations folder.
 */
import { createHash, randomUUID } from "node:crypto";
import { AsyncResource } from "node:async_hooks";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import type { DatabaseLocation } from "../config.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { SingleConnectionPool } from "./single-connection.js";

export type { DatabaseLocation };

/**
 * Which connection a statement went on: the pool (through a pooler, when there is one), the
 * session connection (DATABASE_DIRECT_URL: migrations), or a read replica (`replica:0`, …).
 */
export type StatementRoute = "pool" | "session" | `replica:${number}`;

export interface Database {
  kind: "embedded" | "postgres";
  /**
   * Calls `fn` with the text of every statement sent on this database's connections (Prisma's and
   * hand-written), the connection it went on and its name when it is a named (prepared) one;
   * returns a remover.
   */
  observe(fn: (sql: string, route: StatementRoute, name?: string) => void): () => void;
  /** A human description for logs (no credentials). */
  description: string;
  /** The connection string the pool connects with (DATABASE_URL: possibly a transaction pooler). */
  url: string;
  /**
   * The connection string of what needs a session of its own — LISTEN, migrations and their
   * advisory lock (DATABASE_DIRECT_URL, else DATABASE_URL).
   */
  directUrl: string;
  /** Read replicas (DATABASE_REPLICA_URLS); none on the embedded database. */
  replicaUrls: string[];
  /** The embedded database's folder. */
  dataDir?: string;
  pool: pg.Pool;
  /** Runs one statement on the pool. */
  query: pg.Pool["query"];
  /** Makes an empty throwaway database for the migration engine's shadow work. */
  shadow: () => Promise<{ url: string; close(): Promise<void> }>;
  /**
   * One connection that keeps its session until closed, on the direct URL (the embedded database:
   * its one connection): session-level advisory locks are taken and released on the same session.
   */
  session(): Promise<Session>;
  /** A pg Client class whose statements observers see as going on `route` (replicas' pools use it). */
  observedClient(route: StatementRoute): typeof pg.Client;
  close(): Promise<void>;
}

export interface Session {
  pool: pg.Pool;
  query: pg.Pool["query"];
  close(): Promise<void>;
}

/** What `Database.description` will say of a location, before it is opened (no credentials). */
export function describeLocation(location: DatabaseLocation): string {
  return location.kind === "postgres"
    ? describeUrl(location.url)
    : `embedded PostgreSQL (PGlite) in ${location.dataDir.startsWith("memory://") ? location.dataDir : path.resolve(location.dataDir)}`;
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname || "socket"}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}

/**
 * The PostgreSQL server named by DATABASE_URL cannot be used: its message is one line that says
 * what to do (create the database, start the server, fix the URL), for the server's and the CLI's stderr.
 */
export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(unreachableMessage(url, cause), { cause });
    this.name = "DatabaseUnreachableError";
  }
}

function unreachableMessage(url: string, e: unknown): string {
  const where = describeUrl(url);
  const { code, message } = (e ?? {}) as { code?: string; message?: string };
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    /* described as "PostgreSQL" */
  }
  const name = decodeURIComponent(u?.pathname.slice(1) ?? "") || decodeURIComponent(u?.username ?? "");
  const host = u ? `${u.hostname || "localhost"}:${u.port || 5432}` : "the server";
  switch (code) {
    case "3D000": // invalid_catalog_name
      return `The database "${name}" does not exist on PostgreSQL ${host}. Create it first (createdb ${name}), or set DATABASE_URL to one that exists.`;
    case "ECONNREFUSED":
      return `Cannot connect to ${where}: connection refused. Is PostgreSQL running on ${host}? (DATABASE_URL)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Cannot connect to ${where}: the host ${u?.hostname} was not found. (DATABASE_URL)`;
    case "28P01": // invalid_password
    case "28000": // invalid_authorization_specification
      return `${where} refused the login: ${message}. Check the user and password in DATABASE_URL.`;
    default:
      return `Cannot connect to ${where}: ${message ?? String(e)}`;
  }
}

type Observer = (sql: string, route: StatementRoute, name?: string) => void;

/** Marks a statement the database runs for itself (maintenance), which observers are not told of. */
const UNOBSERVED = Symbol("unobserved");

/** A pg Client that tells observers about each statement it sends, but the database's own (UNOBSERVED). */
function observedClient(observers: Set<Observer>, route: StatementRoute): typeof pg.Client {
  return class ObservedClient extends pg.Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query(config: any, values?: any, callback?: any): any {
      if (observers.size && !config?.[UNOBSERVED]) {
        const text = typeof config === "string" ? config : config?.text;
        const name = typeof config === "object" ? (config?.name ?? undefined) : undefined;
        if (typeof text === "string") for (const fn of observers) fn(text, route, name);
      }
      return super.query(config, values, callback);
    }
  } as typeof pg.Client;
}

/**
 * A pg Pool whose query() releases its connection after a statement error instead of destroying it
 * (pg-pool's default). The embedded database has one connection and refuses the reconnect that
 * follows at once, so with the default an error (a unique violation, say) would take the next
 * statement down with it. Used for the embedded database, the main one and the migration shadow.
 */
export class KeepConnectionPool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(config: any, values?: any, callback?: any): any {
    if (typeof values === "function" || typeof callback === "function") return super.query(config, values, callback);
    return (async () => {
      const client = await this.connect();
      try {
        return await client.query(config, values);
      } finally {
        client.release();
      }
    })();
  }
}

/**
 * pg's Pool with each connect() callback run in its caller's async context. pg-pool hands a
 * connection that frees up to the next waiting caller from inside the releasing caller's callback,
 * so without this, under a busy pool, a statement would run (and be observed: counted to its
 * request, traced) in the context of the request that released the connection.
 */
export class CallerContextPool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  connect(callback?: any): any {
    if (typeof callback !== "function") return super.connect();
    // An AsyncResource run by hand rather than AsyncResource.bind, whose bound function carries a
    // deprecated property made anew on every call: 1.5% of the CPU of a status read.
    const caller = new AsyncResource("pg.Pool.connect");
    return super.connect((...args: unknown[]) => caller.runInAsyncScope(callback, undefined, ...args));
  }
}

/**
 * How often the embedded database is vacuumed. PGlite runs PostgreSQL as one backend, without the
 * autovacuum workers of a PostgreSQL server: the row versions that updates and deletes leave behind,
 * and their index entries, would stay for good, and the reads that step over them would cost more
 * the longer the server runs (BENCHMARKS.md: a soak's writes a second fell from 133 to 67 over 24,000
 * writes, and held at 150–200 with a VACUUM every 20 s). A VACUUM with little to do takes a few
 * milliseconds; it waits its turn for the one connection like any statement.
 */
export const EMBEDDED_VACUUM_MS = 30_000;

/** Opens the database and checks that it answers. `vacuumEveryMs`: EMBEDDED_VACUUM_MS by default. */
export async function openDatabase(
  location: DatabaseLocation,
  opts: { poolMax?: number; vacuumEveryMs?: number } = {},
): Promise<Database> {
  const observers = new Set<Observer>();
  const observe = (fn: Observer) => {
    observers.add(fn);
    return () => void observers.delete(fn);
  };
  const Client = observedClient(observers, "pool");
  if (location.kind === "postgres") {
    const directUrl = location.directUrl ?? location.url;
    const pool = new CallerContextPool({
      connectionString: location.url,
      max: opts.poolMax ?? 10,
      connectionTimeoutMillis: 10_000,
      Client,
    });
    pool.on("error", () => {}); // an idle client lost with the server: the pool replaces it
    try {
      await pool.query("SELECT 1");
    } catch (e) {
      await pool.end().catch(() => {});
      throw new DatabaseUnreachableError(location.url, e);
    }
    return {
      kind: "postgres",
      observe,
      query: pool.query.bind(pool) as pg.Pool["query"],
      description: describeUrl(location.url),
      url: location.url,
      directUrl,
      replicaUrls: location.replicaUrls ?? [],
      pool,
      observedClient: (route) => observedClient(observers, route),
      async session() {
        // One connection, never handed to anyone else while open: what the engine's
        // pg_advisory_lock takes, its pg_advisory_unlock releases (a pool of several would unlock
        // on another connection, and a transaction pooler on another server connection).
        const p = new KeepConnectionPool({
          connectionString: directUrl,
          max: 1,
          idleTimeoutMillis: 0,
          connectionTimeoutMillis: 10_000,
          Client: observedClient(observers, "session"),
        });
        p.on("error", () => {});
        try {
          await p.query("SELECT 1");
        } catch (e) {
          await p.end().catch(() => {});
          throw new DatabaseUnreachableError(directUrl, e);
        }
        return { pool: p, query: p.query.bind(p) as pg.Pool["query"], close: () => p.end() };
      },
      // Not PrismaPg's connectToShadowDb(): pg lets the connection string override the database
      // name, so its shadow work would run on the main database.
      shadow: async () => {
        const name = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, "")}`;
        await pool.query(`CREATE DATABASE "${name}"`);
        const u = new URL(directUrl);
        u.pathname = `/${name}`;
        return {
          url: u.toString(),
          close: async () => void (await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
        };
      },
      close: () => pool.end(),
    };
  }
  const dataDir = location.dataDir.startsWith("memory://") ? location.dataDir : path.resolve(location.dataDir);
  const embedded = await startEmbeddedPostgres(dataDir);
  // ONE connection for the whole process, shared by migrations, the server and in-process tests.
  const pool = new SingleConnectionPool({ connectionString: embedded.url, idleTimeoutMillis: 0, Client });
  pool.on("error", () => {});
  let vacuuming = false;
  const vacuum = setInterval(() => {
    if (vacuuming) return;
    vacuuming = true;
    pool
      .query({ text: "VACUUM", [UNOBSERVED]: true } as pg.QueryConfig)
      .catch(() => {}) // the database closing; the next one will do
      .finally(() => (vacuuming = false));
  }, opts.vacuumEveryMs ?? EMBEDDED_VACUUM_MS);
  vacuum.unref();
  return {
    kind: "embedded",
    observe,
    query: pool.query.bind(pool) as pg.Pool["query"],
    description: describeLocation({ kind: "embedded", dataDir }),
    url: embedded.url,
    directUrl: embedded.url,
    replicaUrls: [],
    dataDir: inMemoryOrPath(dataDir),
    pool,
    observedClient: (route) => observedClient(observers, route),
    // The embedded database has one connection, which is its session: lent, never closed here.
    session: async () => ({ pool, query: pool.query.bind(pool) as pg.Pool["query"], close: async () => {} }),
    shadow: () => startEmbeddedPostgres("memory://"),
    async close() {
      clearInterval(vacuum);
      await pool.end();
      await embedded.close();
    },
  };
}

/** How many distinct statements get a name (and stay prepared on each connection); the others go unnamed. */
export const NAMED_STATEMENTS_MAX = 500;

/**
 * Names for prepared statements: each distinct SQL text gets one, derived from the text (so that any
 * client on the same connections names it alike), and every connection parses and plans it once,
 * then only binds and executes it. The first `max` distinct texts get names; later ones go unnamed
 * (parsed each time), which bounds what each connection keeps prepared. While `enabled()` is false,
 * every statement goes unnamed.
 */
export function statementNames(
  enabled: () => boolean = () => true,
  max = NAMED_STATEMENTS_MAX,
): (query: { sql: string }) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    if (!enabled()) return undefined;
    const known = names.get(sql);
    if (known !== undefined || names.size >= max) return known;
    const name = `prisma_${createHash("sha1").update(sql).digest("base64url")}`;
    names.set(sql, name);
    return name;
  };
}

/**
 * Prisma Client on the database's pool. `preparedStatements`: while it answers true, statements are
 * named, and so prepared once per connection (statementNames). On the embedded database that
 * connection is the process's one: the pool keeps it for its whole life, and the migrations it
 * also carries run before the first statement is named.
 */
export function createPrisma(db: Database, opts: { preparedStatements?: () => boolean } = {}): PrismaClient {
  const named = opts.preparedStatements ? statementNames(opts.preparedStatements) : undefined;
  return new PrismaClient({
    // The adapter's type says a name is always given; node-postgres takes an undefined one as unnamed.
    adapter: new PrismaPg(
      db.pool,
      named ? { statementNameGenerator: named as (q: { sql: string }) => string } : undefined,
    ),
    // The embedded database runs one transaction at a time: let transactions queue.
    transactionOptions: { maxWait: db.kind === "embedded" ? 15_000 : 10_000, timeout: 15_000 },
  });
}

/** A folder for the admin socket and the like; none for an in-memory database. */
function inMemoryOrPath(dataDir: string): string | undefined {
  return dataDir.startsWith("memory://") ? undefined : dataDir;
}
