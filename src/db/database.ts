/**
 * The one switch between the embedded database and a PostgreSQL server. Both are reached through
 * a `pg.Pool` and `@prisma/adapter-pg`, with one Prisma schema and one migrations folder.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { startEmbeddedPostgres } from "./embedded.js";

export type DatabaseLocation = { kind: "embedded"; dataDir: string } | { kind: "postgres"; url: string };

export interface Database {
  kind: "embedded" | "postgres";
  /** A human description for logs (no credentials). */
  description: string;
  pool: pg.Pool;
  /** Makes an empty throwaway database for the migration engine's shadow work. */
  shadow: () => Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname || "socket"}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}

/** Opens the database and checks that it answers. */
export async function openDatabase(location: DatabaseLocation, opts: { poolMax?: number } = {}): Promise<Database> {
  if (location.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: location.url, max: opts.poolMax ?? 10, connectionTimeoutMillis: 10_000 });
    pool.on("error", () => {}); // an idle client lost with the server: the pool replaces it
    try {
      await pool.query("SELECT 1");
    } catch (e) {
      await pool.end().catch(() => {});
      throw new Error(`Cannot connect to ${describeUrl(location.url)}: ${(e as Error).message}`);
    }
    return {
      kind: "postgres",
      description: describeUrl(location.url),
      pool,
      // Not PrismaPg's connectToShadowDb(): pg lets the connection string override the database
      // name, so its shadow work would run on the main database.
      shadow: async () => {
        const name = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, "")}`;
        await pool.query(`CREATE DATABASE "${name}"`);
        const u = new URL(location.url);
        u.pathname = `/${name}`;
        return { url: u.toString(), close: async () => void (await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
      },
      close: () => pool.end(),
    };
  }
  const dataDir = location.dataDir.startsWith("memory://") ? location.dataDir : path.resolve(location.dataDir);
  const embedded = await startEmbeddedPostgres(dataDir);
  // ONE connection for the whole process, shared by migrations, the server and in-process tests.
  const pool = new pg.Pool({ connectionString: embedded.url, max: 1, idleTimeoutMillis: 0 });
  pool.on("error", () => {});
  return {
    kind: "embedded",
    description: `embedded PostgreSQL (PGlite) in ${dataDir}`,
    pool,
    shadow: () => startEmbeddedPostgres("memory://"),
    async close() {
      await pool.end();
      await embedded.close();
    },
  };
}

export interface PrismaOptions {
  /** Called with every SQL statement Prisma sends (for statement counting). */
  onQuery?: (sql: string) => void;
}

export type Prisma = PrismaClient;

export function createPrisma(db: Database, opts: PrismaOptions = {}): PrismaClient {
  const prisma = new PrismaClient({
    adapter: new PrismaPg(db.pool),
    // The embedded database runs one transaction at a time: let transactions queue.
    transactionOptions: { maxWait: db.kind === "embedded" ? 15_000 : 5_000, timeout: 15_000 },
    log: opts.onQuery ? [{ emit: "event", level: "query" }] : [],
  });
  if (opts.onQuery) {
    const onQuery = opts.onQuery;
    (prisma as unknown as { $on(e: "query", cb: (ev: { query: string }) => void): void }).$on("query", (ev) => onQuery(ev.query));
  }
  return prisma;
}
